"""text.py: numbers as the reports print them (two decimals, p-values with "< 0.001")."""
import math


def fmt(v, sign=False):
    return "n/a" if not math.isfinite(v) else (f"{v:+.2f}" if sign else f"{v:.2f}")


def fmt_p(p):
    return "n/a" if not math.isfinite(p) else ("< 0.001" if p < 0.001 else f"{p:.3f}")
