"""accuracy.py: a run's test accuracy from its metrics.csv, as `hsgd report` reads it (points, finite rows only)."""
import csv
import math
import os


def finite_accuracies(run_dir):
    """Test accuracy (points) of every evaluation of the run with a finite value, in order."""
    with open(os.path.join(run_dir, "metrics.csv"), newline="") as f:
        values = (100 * float(row["test_accuracy"]) for row in csv.DictReader(f))
        return [v for v in values if math.isfinite(v)]


def run_average_accuracy(run_dir):
    """Test accuracy (points) averaged over the run's evaluations, as `hsgd report` does."""
    values = finite_accuracies(run_dir)
    return sum(values) / len(values)


def final_accuracy(run_dir):
    """Test accuracy (points) of the run's last finite evaluation; None when it has none."""
    values = finite_accuracies(run_dir)
    return values[-1] if values else None


COLLAPSED_AT = 15.0  # final test accuracy (points) at or below this: the run ended near chance (MNIST 11.35%, CIFAR-10 10%)


def collapsed(final):
    """Whether a run whose final test accuracy (points; None: no evaluation) is `final` collapsed."""
    return final is None or final <= COLLAPSED_AT
