#!/usr/bin/python3
"""soak.py: a chaos soak (issue 29; docs/faults.md, "The chaos soak"). Not part of CI.

    scripts/soak.sh [--minutes M] [--runtimes sim,threads,mpi] [--seed S] [--out DIR]
    scripts/soak.sh --long M --out DIR     (one long-lived threads and MPI process each, their memory)
    scripts/soak.sh --report DIR[,DIR...]  (totals recomputed from steps.csv)

For M minutes per runtime (default 30) it trains MNIST ray-tiny runs with a
checkpoint every second or so while a seeded schedule of faults strikes each
run at a random moment: kill -9 of the whole run then --resume, SIGTERM then
--resume, a corrupted checkpoint (the resume must refuse it, naming the
file; the intact file then resumes), a full disk during the run (a small
tmpfs: the run must end failed with a message and a whole summary), and over
MPI kill -9 or SIGSTOP/SIGCONT of a worker rank. After every step it checks:
the exit status is a documented one and matches summary.json's status; the
accounting balances; metrics.csv's times only go forward, with no gap longer
than an evaluation period across resumes; a resumed simulator run equals an
uninterrupted one bit for bit (metrics.csv). It records each run's peak RSS
and fits its growth per hour. Progress and an ETA go to stderr; every step is
a row of OUT/steps.csv, the totals are OUT/totals.json, and the last line is
the one a release can quote.
"""
import argparse
import csv
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HSGD = os.path.join(ROOT, "build", "hsgd")  # replaced by a copy in OUT at the start (a rebuild does not disturb it)
MPIRUN = os.path.join(ROOT, "scripts", "mpirun.sh")
STATUS_OF_EXIT = {0: "finished", 1: "failed", 5: "diverged", 130: "terminated", 143: "terminated"}

# Each runtime's run: ray-tiny on MNIST, a checkpoint and an evaluation every period.
RUNS = {
    "sim": dict(args=["--runtime", "sim", "--workers", "8", "--sim-profile", "paper-ray-mnist", "--seconds", "900",
                      "--checkpoint-every", "5", "--eval-every", "5"], eval_every=5, wall=8),
    "threads": dict(args=["--runtime", "threads", "--workers", "3", "--seconds", "8", "--checkpoint-every", "1",
                          "--eval-every", "1"], eval_every=1, wall=8),
    "mpi": dict(args=["--runtime", "mpi", "--seconds", "8", "--checkpoint-every", "1", "--eval-every", "1",
                      "--worker-timeout", "2", "--server-timeout", "5"], eval_every=1, wall=8, ranks=4),
}
FAULTS = {
    "sim": ["none", "kill-run", "sigterm", "corrupt-checkpoint", "full-disk"],
    "threads": ["none", "kill-run", "sigterm", "corrupt-checkpoint", "full-disk"],
    "mpi": ["none", "kill-run", "sigterm", "corrupt-checkpoint", "full-disk", "kill-worker", "stop-worker"],
}


class SoakError(Exception):
    pass


def command(runtime, out, extra=()):
    base = [HSGD, "train", "--model", "ray-tiny", "--data", "mnist", "--data-root", os.path.join(ROOT, "data")]
    line = base + RUNS[runtime]["args"] + list(extra) + ["--out", out]
    if runtime == "mpi":
        line = [MPIRUN, "-np", str(RUNS["mpi"]["ranks"])] + line
    return line


def resume_command(runtime, out):
    line = [HSGD, "train", "--resume", out]
    if runtime == "mpi":
        line = [MPIRUN, "-np", str(RUNS["mpi"]["ranks"])] + line
    return line


def processes_of(out):
    """Every process of the run writing to `out` (mpirun, its ranks, the wrapper)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                args = f.read().split(b"\0")
        except OSError:
            continue
        if b"--out" in args and out.encode() in args or (b"--resume" in args and out.encode() in args):
            pids.append(int(entry))
    return pids


def rank_pid(out, rank):
    for pid in processes_of(out):
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                if f"OMPI_COMM_WORLD_RANK={rank}".encode() in f.read().split(b"\0"):
                    return pid
        except OSError:
            pass
    return None


def signal_all(out, sig):
    for pid in processes_of(out):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def wait_started(out, proc, timeout=60):
    start = time.time()
    while time.time() - start < timeout and proc.poll() is None:
        if os.path.exists(os.path.join(out + ".partial", "pid")):
            return True
        time.sleep(0.05)
    return False


def status_mb(pid, field):
    """A memory field of /proc/PID/status (VmHWM: peak resident, VmRSS: resident now) in MB; None once gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def high_water_mb(pid):
    return status_mb(pid, "VmHWM")


def finish(proc, log, timeout=180, peak=None):
    """Waits for the run; `peak` (a one-element list) gets its process's peak RSS in MB, sampled."""
    start = time.time()
    while proc.poll() is None:
        mb = high_water_mb(proc.pid)
        if peak is not None and mb is not None:
            peak[0] = max(peak[0] or 0, mb)
        if time.time() - start > timeout:
            raise SoakError(f"hung: still running {timeout} s later (log {log})")
        time.sleep(0.1)
    return proc.returncode


def run_folder(out):
    return out if os.path.isdir(out) else out + ".partial"


def check_end(rc, out, log):
    """A documented exit status that matches a whole summary.json; the accounting balances."""
    if rc not in STATUS_OF_EXIT:
        raise SoakError(f"exit status {rc} is not a documented one (log {log})")
    folder = run_folder(out)
    path = os.path.join(folder, "summary.json")
    try:
        summary = json.load(open(path))
    except (OSError, ValueError) as e:
        raise SoakError(f"{path}: no whole summary ({e}; log {log})")
    if summary.get("status") != STATUS_OF_EXIT[rc]:
        raise SoakError(f"exit status {rc} but summary.json says {summary.get('status')!r} (log {log})")
    accounting = summary.get("accounting")
    if accounting is not None and not accounting.get("balances", False):
        raise SoakError(f"{path}: the accounting does not balance: {accounting}")
    return summary


def check_continuous(out, eval_every):
    """metrics.csv's times only go forward, a row at every evaluation point: no
    gap longer than an evaluation period, but for the last row (the stop,
    which real time takes a little after the budget's end)."""
    path = os.path.join(run_folder(out), "metrics.csv")
    with open(path) as f:
        times = [float(row["time_s"]) for row in csv.DictReader(f)]
    for i, (a, b) in enumerate(zip(times, times[1:])):
        if not b > a:
            raise SoakError(f"{path}: time goes from {a} to {b}")
        slack = 0.5 if i == len(times) - 2 else 1e-6
        if b - a > eval_every + slack:
            raise SoakError(f"{path}: a gap from {a} to {b} (evaluations every {eval_every} s)")
    return len(times)


def digest(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


class Soak:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.out = os.path.abspath(args.out)
        self.steps = []
        self.references = {}  # sim: the uninterrupted run's metrics.csv digest
        self.started = time.time()
        os.makedirs(self.out, exist_ok=True)
        global HSGD
        copy = os.path.join(self.out, "hsgd")
        shutil.copy2(HSGD, copy)
        HSGD = copy

    def launch(self, line, log):
        return subprocess.Popen(line, stdout=open(log, "w"), stderr=subprocess.STDOUT, start_new_session=True)

    def sim_reference(self):
        if "sim" not in self.references:
            out = os.path.join(self.out, "sim-reference")
            shutil.rmtree(out, ignore_errors=True)
            log = out + ".log"
            rc = finish(self.launch(command("sim", out), log), log)
            check_end(rc, out, log)
            self.references["sim"] = digest(os.path.join(out, "metrics.csv"))
        return self.references["sim"]

    def resume(self, runtime, out, tag):
        log = f"{self.log_base}.{tag}.log"
        peak = [None]
        rc = finish(self.launch(resume_command(runtime, out), log), log, peak=peak)
        self.peak_rss_mb = peak[0]
        return rc, log

    def one_step(self, runtime, index):
        fault = self.rng.choice(FAULTS[runtime])
        out = os.path.join(self.out, f"{runtime}-{index:04d}")
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(out + ".partial", ignore_errors=True)
        row = {"runtime": runtime, "step": index, "fault": fault, "resumed": 0, "result": "ok", "gradients": 0,
               "peak_rss_mb": "", "bit_identical": "", "wall_s": 0.0, "t": round(time.time() - self.started, 1)}
        began = time.time()
        self.peak_rss_mb = None
        self.log_base = os.path.join(self.out, f"{runtime}-{index:04d}")  # logs stay off a full disk
        mount = None
        if fault == "full-disk":
            mount = out + "-disk"
            os.makedirs(mount, exist_ok=True)
            subprocess.run(["mount", "-t", "tmpfs", "-o", "size=40k", "tmpfs", mount], check=True)
            out = os.path.join(mount, "run")
        try:
            summary = self.strike(runtime, out, fault, row)
            row["gradients"] = ((summary or {}).get("final") or {}).get("gradients", 0)
            # mpi: rank 0's own measure only (the sampled process is mpirun); sim and threads: the
            # process's high-water mark, sampled
            own = (summary or {}).get("server_peak_rss_mb")
            row["peak_rss_mb"] = (own or "") if runtime == "mpi" else (own or self.peak_rss_mb or "")
        except SoakError as e:
            row["result"] = f"LOST: {e}"
        finally:
            if mount:
                subprocess.run(["umount", "-l", mount], check=False)
                shutil.rmtree(mount, ignore_errors=True)
        row["wall_s"] = round(time.time() - began, 1)
        self.steps.append(row)
        return row

    def strike(self, runtime, out, fault, row):
        spec = RUNS[runtime]
        log = self.log_base + ".log"
        proc = self.launch(command(runtime, out), log)
        if not wait_started(out, proc):
            rc = finish(proc, log)
            if fault == "full-disk":  # the disk was full before the run could start: a documented end
                return check_end(rc, out, log) if rc != 0 else {}
            raise SoakError(f"the run never started (exit {rc}, log {log})")
        if fault == "full-disk":  # the fault is there from the start: the disk fills as the run writes
            fault = "none"
        else:
            time.sleep(self.rng.uniform(0.3, spec["wall"] * 0.8))
        if proc.poll() is not None and fault != "none":  # it ended before the fault came
            row["result"] = "ok (ended before the fault)"
            return check_end(proc.returncode, out, log)
        if fault in ("kill-run", "corrupt-checkpoint"):
            signal_all(out, signal.SIGKILL)
            finish(proc, log)
            checkpoint = os.path.join(run_folder(out), "checkpoint.bin")
            if not os.path.exists(checkpoint):  # killed before its first checkpoint: nothing to go on from
                rc, rlog = self.resume(runtime, out, "resume")
                if rc != 1:
                    raise SoakError(f"resuming a run without a checkpoint exited {rc}, not 1 (log {rlog})")
                row["result"] = "ok (killed before its first checkpoint; resume refused)"
                return {}
            if fault == "corrupt-checkpoint":
                self.check_corrupt_refused(runtime, out, checkpoint)
            return self.resume_and_check(runtime, out, row)
        if fault == "sigterm":
            pid = rank_pid(out, 0) if runtime == "mpi" else proc.pid
            if pid:
                os.kill(pid, signal.SIGTERM)
            rc = finish(proc, log)
            summary = check_end(rc, out, log)
            if summary.get("status") == "terminated" and os.path.exists(os.path.join(run_folder(out), "checkpoint.bin")):
                return self.resume_and_check(runtime, out, row)
            return summary
        if fault in ("kill-worker", "stop-worker"):  # mpi
            pid = rank_pid(out, 2)
            if pid:
                if fault == "kill-worker":
                    os.kill(pid, signal.SIGKILL)
                else:
                    os.kill(pid, signal.SIGSTOP)
                    time.sleep(self.rng.uniform(0.2, 4.0))
                    try:
                        os.kill(pid, signal.SIGCONT)
                    except ProcessLookupError:
                        pass  # killed by rank 0 meanwhile (declared dead at the end)
        peak = [None]
        rc = finish(proc, log, peak=peak)
        self.peak_rss_mb = peak[0]
        summary = check_end(rc, out, log)
        if row["fault"] != "full-disk":
            if rc != 0:
                raise SoakError(f"{fault}: the run did not finish (exit {rc}, log {log})")
            check_continuous(out, spec["eval_every"])
        elif rc not in (0, 1):
            raise SoakError(f"full disk: exit {rc} (log {log})")
        return summary

    def resume_and_check(self, runtime, out, row):
        """Resumes the run from its checkpoint; it must end documented, with continuous rows
        (and, in the simulator, equal to an uninterrupted run)."""
        rc, rlog = self.resume(runtime, out, "resume")
        row["resumed"] = 1
        summary = check_end(rc, out, rlog)
        check_continuous(out, RUNS[runtime]["eval_every"])
        self.check_bit_identical(runtime, out, summary, row)
        return summary

    def check_corrupt_refused(self, runtime, out, checkpoint):
        intact = open(checkpoint, "rb").read()
        damaged = bytearray(intact)
        for _ in range(8):
            damaged[self.rng.randrange(len(damaged))] ^= 1 << self.rng.randrange(8)
        open(checkpoint, "wb").write(bytes(damaged))
        rc, rlog = self.resume(runtime, out, "corrupt")
        text = open(rlog, errors="replace").read()
        open(checkpoint, "wb").write(intact)
        if rc != 1 or "checkpoint" not in text:
            raise SoakError(f"a corrupted checkpoint was not refused with exit 1 and a message (exit {rc}, log {rlog})")

    def check_bit_identical(self, runtime, out, summary, row):
        if runtime != "sim" or summary.get("status") != "finished":
            return
        same = digest(os.path.join(run_folder(out), "metrics.csv")) == self.sim_reference()
        row["bit_identical"] = int(same)
        if not same:
            raise SoakError(f"{out}: the resumed simulator run differs from the uninterrupted one")

    def progress(self, runtime, deadline, total_deadline):
        now = time.time()
        lost = sum(1 for s in self.steps if s["result"].startswith("LOST"))
        print(f"\rsoak: {runtime}  steps {len(self.steps)}  faults {sum(s['fault'] != 'none' for s in self.steps)}"
              f"  lost {lost}  this runtime {max(0, deadline - now) / 60:.1f} min left,"
              f" ETA {max(0, total_deadline - now) / 60:.1f} min   ", end="", file=sys.stderr, flush=True)

    def run(self):
        runtimes = self.args.runtimes.split(",")
        per = self.args.minutes * 60
        total_deadline = self.started + per * len(runtimes)
        for k, runtime in enumerate(runtimes):
            deadline = self.started + per * (k + 1)
            index = 0
            while time.time() < deadline:
                self.one_step(runtime, index)
                index += 1
                self.progress(runtime, deadline, total_deadline)
                self.write()
        print(file=sys.stderr)
        return self.write()

    def write(self):
        with open(os.path.join(self.out, "steps.csv"), "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(self.steps[0].keys()) if self.steps else ["runtime"])
            w.writeheader()
            w.writerows(self.steps)
        totals = totals_of(self.steps, time.time() - self.started, self.args)
        json.dump(totals, open(os.path.join(self.out, "totals.json"), "w"), indent=1)
        return totals


LAUNCHER_MB = 50  # soaks before the fix recorded mpirun's own high-water mark (~3 MB) when rank 0 wrote no summary


def rss_growth_per_hour(steps):
    """The least-squares slope of peak RSS (MB) against the hour it was measured (mpi: rank 0's only)."""
    points = [(float(s["t"]) / 3600, float(s["peak_rss_mb"])) for s in steps if s["peak_rss_mb"] not in ("", None)
              and not (s["runtime"] == "mpi" and float(s["peak_rss_mb"]) < LAUNCHER_MB)]
    return slope(points)


def slope(points):
    """Least-squares slope of [(x, y)]; None for fewer than 3 points or no spread in x."""
    if len(points) < 3:
        return None
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / sxx if sxx > 0 else None


# --long: one long-lived process per runtime, checkpointing and evaluating every 2 s; its workers wait
# 50 ms before each push, so the run takes little CPU and can go beside other work.
LONG_ARGS = ["--model", "ray-tiny", "--data", "mnist", "--checkpoint-every", "2", "--eval-every", "2",
             "--delay", "fixed", "--delay-fraction", "1", "--delay-scale", "0.05"]
LONG_RUNS = {"threads": ["--runtime", "threads", "--workers", "4"],
             "mpi": ["--runtime", "mpi", "--worker-timeout", "10"]}


def resident_mb(pid):
    return status_mb(pid, "VmRSS")


def long_run(args):
    """--long M: a threads run and an MPI run (4 ranks) of M minutes each, side by side, their
    server process's resident memory sampled every 5 s (OUT/rss-RUNTIME.csv); the growth per hour
    is the least-squares slope after the first tenth (start-up), in OUT/long.json."""
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    seconds = args.long * 60
    procs = {}
    for runtime, extra in LONG_RUNS.items():
        run_out = os.path.join(out, runtime)
        line = [HSGD, "train", "--data-root", os.path.join(ROOT, "data")] + LONG_ARGS + extra + [
            "--seconds", str(seconds), "--out", run_out]
        if runtime == "mpi":
            line = [MPIRUN, "-np", "4"] + line
        procs[runtime] = (subprocess.Popen(line, stdout=open(run_out + ".log", "w"), stderr=subprocess.STDOUT,
                                           start_new_session=True), run_out)
    samples = {r: [] for r in procs}
    start = time.time()
    while any(p.poll() is None for p, _ in procs.values()):
        for runtime, (p, run_out) in procs.items():
            pid = p.pid if runtime == "threads" else rank_pid(run_out, 0)
            mb = resident_mb(pid) if pid and p.poll() is None else None
            if mb is not None:
                samples[runtime].append((round(time.time() - start, 1), mb))
        elapsed = time.time() - start
        print(f"\rsoak --long: {elapsed / 60:.1f} of {args.long:g} min, ETA {max(0, seconds - elapsed) / 60:.1f} min",
              end="", file=sys.stderr)
        time.sleep(5)
    print(file=sys.stderr)
    result = {"minutes": args.long, "runtimes": {}}
    for runtime, (p, run_out) in procs.items():
        with open(os.path.join(out, f"rss-{runtime}.csv"), "w") as f:
            f.write("seconds,rss_mb\n" + "".join(f"{t},{mb:.2f}\n" for t, mb in samples[runtime]))
        kept = [(t / 3600, mb) for t, mb in samples[runtime] if t >= seconds / 10]
        status = json.load(open(os.path.join(run_out, "summary.json"))).get("status") if os.path.exists(
            os.path.join(run_out, "summary.json")) else None
        result["runtimes"][runtime] = {
            "exit": p.returncode, "status": status, "samples": len(samples[runtime]),
            "rss_mb_first": samples[runtime][0][1] if samples[runtime] else None,
            "rss_mb_last": samples[runtime][-1][1] if samples[runtime] else None,
            "rss_mb_max": max((mb for _, mb in samples[runtime]), default=None),
            "rss_growth_mb_per_hour": slope(kept)}
    json.dump(result, open(os.path.join(out, "long.json"), "w"), indent=1)
    line = "; ".join(f"{r}: {v['status']}, RSS {v['rss_mb_first']:.1f} -> {v['rss_mb_last']:.1f} MB, growth "
                     f"{v['rss_growth_mb_per_hour']:+.2f} MB/h" if v["samples"] > 3 else f"{r}: too few samples"
                     for r, v in result["runtimes"].items())
    print(f"soak --long {args.long:g} min: {line}")
    return 0 if all(v["status"] == "finished" for v in result["runtimes"].values()) else 1


def totals_of(steps, seconds, args):
    by_runtime = {}
    for s in steps:
        r = by_runtime.setdefault(s["runtime"], {"steps": 0, "faults": 0, "resumed": 0, "lost": 0})
        r["steps"] += 1
        r["faults"] += s["fault"] != "none"
        r["resumed"] += int(s["resumed"])
        r["lost"] += s["result"].startswith("LOST")
    for runtime, r in by_runtime.items():  # each runtime's own processes: a slope across runtimes means nothing
        r["peak_rss_growth_mb_per_hour"] = rss_growth_per_hour([s for s in steps if s["runtime"] == runtime])
    faults = {}
    for s in steps:
        faults[s["fault"]] = faults.get(s["fault"], 0) + 1
    sim_resumes = [s for s in steps if s["bit_identical"] != ""]
    return {
        "seconds": round(seconds), "seed": args.seed, "runtimes": by_runtime, "faults": faults,
        "steps": len(steps), "faults_injected": sum(s["fault"] != "none" for s in steps),
        "runs_resumed": sum(int(s["resumed"]) for s in steps),
        "gradients_accounted": sum(int(s["gradients"] or 0) for s in steps),
        "lost": sum(s["result"].startswith("LOST") for s in steps),
        "lost_steps": [f"{s['runtime']}-{s['step']:04d}: {s['result']}" for s in steps if s["result"].startswith("LOST")],
        "sim_resumes_bit_identical": f"{sum(int(s['bit_identical']) for s in sim_resumes)}/{len(sim_resumes)}",
    }


def summary_line(t):
    def growth(r):
        g = r["peak_rss_growth_mb_per_hour"]
        return "n/a" if g is None else f"{g:+.1f}"
    rss = ", ".join(f"{name} {growth(r)}" for name, r in t["runtimes"].items())
    return (f"soak: {t['seconds'] / 3600:.2f} h ({', '.join(t['runtimes'])}), {t['steps']} runs, "
            f"{t['faults_injected']} faults injected, {t['runs_resumed']} runs resumed, "
            f"{t['gradients_accounted']} gradients accounted, {t['lost']} lost, "
            f"sim resumes bit-identical {t['sim_resumes_bit_identical']}, peak RSS growth (MB/h) {rss}")


def report(folders):
    """--report DIR[,DIR...]: each soak's totals again from its steps.csv (and its totals.json's length
    and seed), then, for several, the counts of all of them together."""
    everything = []
    for folder in folders.split(","):
        with open(os.path.join(folder, "steps.csv")) as f:
            steps = list(csv.DictReader(f))
        old = json.load(open(os.path.join(folder, "totals.json")))
        t = totals_of(steps, old["seconds"], argparse.Namespace(seed=old["seed"]))
        json.dump(t, open(os.path.join(folder, "totals.json"), "w"), indent=1)
        print(f"{folder}: {summary_line(t)}")
        everything.append(t)
    if len(everything) > 1:
        keys = ("steps", "faults_injected", "runs_resumed", "gradients_accounted", "lost")
        total = {k: sum(t[k] for t in everything) for k in keys}
        identical = [t["sim_resumes_bit_identical"].split("/") for t in everything]
        print(f"all: {sum(t['seconds'] for t in everything) / 3600:.2f} h, {total['steps']} runs, "
              f"{total['faults_injected']} faults injected, {total['runs_resumed']} runs resumed, "
              f"{total['gradients_accounted']} gradients accounted, {total['lost']} lost, sim resumes bit-identical "
              f"{sum(int(a) for a, _ in identical)}/{sum(int(b) for _, b in identical)}")
    return 1 if any(t["lost"] for t in everything) else 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--minutes", type=float, default=30, help="minutes per runtime, in (0, 1440]")
    p.add_argument("--runtimes", default="sim,threads,mpi")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", default="runs/soak")
    p.add_argument("--report", metavar="DIR[,DIR...]",
                   help="recompute each DIR's totals.json from its steps.csv, print them and their sum")
    p.add_argument("--long", type=float, metavar="M",
                   help="instead of faults: one long-lived threads run and MPI run of M minutes, in (0, 1440], "
                        "their resident memory sampled (OUT/long.json)")
    args = p.parse_args()
    if args.report:
        return report(args.report)
    if args.long is not None:
        if not 0 < args.long <= 1440:
            sys.exit("soak: --long must be in (0, 1440]")
        if os.path.exists(args.out) and os.listdir(args.out):
            sys.exit(f"soak: {args.out} exists and is not empty; give another --out")
        return long_run(args)
    if not 0 < args.minutes <= 1440:
        sys.exit("soak: --minutes must be in (0, 1440]")
    unknown = set(args.runtimes.split(",")) - set(RUNS)
    if unknown:
        sys.exit(f"soak: unknown runtime(s) {sorted(unknown)}; expected some of {sorted(RUNS)}")
    if os.geteuid() != 0:
        for faults in FAULTS.values():
            faults.remove("full-disk")  # needs a tmpfs mount
        print("soak: not root: no full-disk faults (they mount a small tmpfs)", file=sys.stderr)
    if os.path.exists(args.out) and os.listdir(args.out):
        sys.exit(f"soak: {args.out} exists and is not empty; give another --out")
    t = Soak(args).run()
    print(summary_line(t))
    return 1 if t["lost"] else 0


if __name__ == "__main__":
    sys.exit(main())
