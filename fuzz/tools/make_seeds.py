#!/usr/bin/env python3
"""make_seeds.py: writes the seed corpora fuzz/corpus/<target>/ (committed).

Valid inputs are cut small from the real data sets and committed results
(MNIST t10k, the CIFAR-10 archive, results/*/runs, suites/*.toml); broken ones
are the cases the tests make by hand (tests/*_test.cc). Run from the
repository root after scripts/setup.sh fetched the data:
    python3 fuzz/tools/make_seeds.py [TARGET...]     (all targets by default)
It only adds or replaces its own files; files added by hand stay.
"""
import glob, gzip, io, os, struct, subprocess, sys, tarfile, tempfile, zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "fuzz", "corpus")
SEP = b"HSGD-LABELS"


def put(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def gz(data):  # deterministic gzip (no name, no time)
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, filename="") as g:
        g.write(data)
    return buf.getvalue()


def idx(dims, data, typ=8):
    return bytes([0, 0, typ, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + bytes(data)


# ------------------------------------------------------------------ IDX
def idx_seeds():
    mnist = os.path.join(ROOT, "data", "mnist")
    with open(os.path.join(mnist, "t10k-images-idx3-ubyte"), "rb") as f:
        img = f.read(16 + 2 * 784)
    with open(os.path.join(mnist, "t10k-labels-idx1-ubyte"), "rb") as f:
        lab = f.read(8 + 2)
    images = idx([2, 28, 28], img[16:])
    labels = idx([2], lab[8:])
    put("idx", "mnist-2-images", images)
    put("idx", "mnist-2-labels", labels)
    put("idx", "mnist-2-pair", images + SEP + labels)
    put("idx", "mnist-2-pair-gzip", gz(images) + SEP + gz(labels))
    put("idx", "mnist-2-images-gzip", gz(images))
    put("idx", "channels-4d-pair", idx([2, 3, 2, 2], range(24)) + SEP + idx([2], [1, 9]))
    # broken, as tests/idx_reader_test.cc makes them
    put("idx", "wrong-magic", bytes([1, 2, 8, 1, 0, 0, 0, 1, 5]))
    put("idx", "int-elements", idx([1], [0, 0, 0, 5], typ=0x0C))
    put("idx", "five-dims", bytes([0, 0, 8, 5]) + b"\0\0\0\1" * 5 + b"\0")
    put("idx", "truncated-header", bytes([0, 0, 8, 3, 0, 0]))
    put("idx", "truncated-data", images[:-100])
    put("idx", "truncated-gzip", gz(images)[: len(gz(images)) // 2])
    put("idx", "huge-declared", bytes([0, 0, 8, 3]) + struct.pack(">III", 0xFFFFFFFF, 0xFFFF, 0xFFFF) + b"abc")
    put("idx", "trailing-bytes", images + b"xx")
    put("idx", "images-1d-pair", labels + SEP + labels)
    put("idx", "count-mismatch-pair", images + SEP + idx([3], [1, 2, 3]))
    put("idx", "label-out-of-range-pair", images + SEP + idx([2], [1, 10]))
    put("idx", "no-pixels-pair", idx([2, 0, 28], []) + SEP + labels)
    # float32 images (type 0x0D, big-endian), as hsgd.data writes float arrays
    floats = struct.pack(">12f", 0.1, -0.0, 1e-45, 3.4028235e38, -2.5, 1 / 3, 0, 0, 1, 1, 1e-38, 7)
    put("idx", "float-2x2x3-pair", idx([2, 2, 3], floats, typ=0x0D) + SEP + idx([2], [0, 1]))
    put("idx", "float-subnormal-spread-pair", idx([2, 1, 1], struct.pack(">2f", 0, 1e-45), typ=0x0D) + SEP
        + idx([2], [0, 1]))
    put("idx", "float-nan-pair", idx([1, 1, 2], struct.pack(">2f", 1, float("nan")), typ=0x0D) + SEP + idx([1], [3]))
    put("idx", "float-labels-pair", idx([1, 1, 1], struct.pack(">f", 1), typ=0x0D) + SEP
        + idx([1], struct.pack(">f", 1), typ=0x0D))


# ------------------------------------------------------------------ CIFAR-10 archives
BATCHES = ["data_batch_%d.bin" % k for k in range(1, 6)] + ["test_batch.bin"]


def cifar_records():
    """One record per batch file, from the real archive."""
    recs = {}
    with tarfile.open(os.path.join(ROOT, "data", "cifar-10-binary.tar.gz"), "r:gz") as t:
        for m in t:
            base = os.path.basename(m.name)
            if base in BATCHES:
                recs[base] = t.extractfile(m).read(3073)
    return recs


def tar_bytes(files, fmt=tarfile.USTAR_FORMAT, prefix="cifar-10-batches-bin/"):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as t:
        d = tarfile.TarInfo(prefix.rstrip("/"))
        d.type, d.mode, d.mtime = tarfile.DIRTYPE, 0o755, 0
        t.addfile(d)
        for name, data in files:
            info = tarfile.TarInfo(prefix + name)
            info.size, info.mode, info.mtime, info.uname, info.gname = len(data), 0o644, 0, "", ""
            t.addfile(info, io.BytesIO(data))
        end = t.offset
    return buf.getvalue()[: end + 1024]  # the 2 end blocks, without tar's padding to 10240 bytes


def cifar_seeds():
    recs = cifar_records()
    files = [(b, recs[b]) for b in BATCHES]
    put("cifar_archive", "cifar-1-record-each.tar.gz", gz(tar_bytes(files)))
    put("cifar_archive", "cifar-1-record-each.tar", tar_bytes(files))
    long_dir = "a-folder-name-long-enough-to-need-a-gnu-long-name-entry/" * 2
    put("cifar_archive", "gnu-long-names.tar", tar_bytes(files, tarfile.GNU_FORMAT, long_dir))
    # broken, as tests/cifar_reader_test.cc makes them
    put("cifar_archive", "size-not-multiple.tar.gz", gz(tar_bytes(files[:5] + [("test_batch.bin", recs["test_batch.bin"][:-1])])))
    bad = bytes([10]) + recs["test_batch.bin"][1:]
    put("cifar_archive", "label-out-of-range.tar.gz", gz(tar_bytes(files[:5] + [("test_batch.bin", bad)])))
    put("cifar_archive", "missing-batch.tar.gz", gz(tar_bytes(files[:3] + files[4:])))
    put("cifar_archive", "truncated.tar", tar_bytes(files)[:5000])
    put("cifar_archive", "junk.tar.gz", b"x" * 2048)


# ------------------------------------------------------------------ TOML run configs, suites
def config_seeds():
    runs = sorted(glob.glob(os.path.join(ROOT, "results", "*", "runs", "*", "*", "config.toml")))
    seen = set()
    for p in runs:  # one config.toml and one request.toml per results folder
        suite = p.split(os.sep)[-5]
        if suite in seen:
            continue
        seen.add(suite)
        put("run_config", suite + "-config.toml", open(p, "rb").read())
        put("run_config", suite + "-request.toml", open(os.path.join(os.path.dirname(p), "request.toml"), "rb").read())
    put("run_config", "compare-modes.toml", 'modes = "sync,hybrid"\nworkers = 4\nseconds = 10\nschedule = "linear:seconds,from=1,to=4,over=5"\n')
    # broken, as tests/config_test.cc makes them
    put("run_config", "unknown-key.toml", "workers = 4\nwrokers = 5\n")
    put("run_config", "wrong-type.toml", 'lr = "fast"\n')
    put("run_config", "float-for-integer.toml", "workers = 2.5\n")
    put("run_config", "duplicate-key.toml", "seed = 1\nseed = 2\n")
    put("run_config", "out-of-range.toml", "momentum = 1.5\nseconds = 5\n")
    put("run_config", "not-toml.toml", "[[[\n")


def suite_seeds():
    for p in sorted(glob.glob(os.path.join(ROOT, "suites", "*.toml"))):
        put("suite", os.path.basename(p), open(p, "rb").read())
    put("suite", "minimal.toml", 'name = "m"\nseeds = [1, 7]\nmodes = ["hybrid"]\n[options]\nseconds = 1\n'
        '[[table]]\nname = "t"\nvary = ["lr"]\n[table.grid]\nlr = [0.01, 0.1]\n')
    # broken, as tests/experiment_test.cc makes them
    put("suite", "bad-name.toml", 'name = "../x"\nseeds = 1\nmodes = ["sync"]\n')
    put("suite", "unknown-mode.toml", 'name = "x"\nseeds = 1\nmodes = ["fast"]\n')
    put("suite", "vary-not-in-grid.toml", 'name = "x"\nseeds = 1\nmodes = ["sync"]\n[[table]]\nname = "t"\nvary = ["lr"]\n[table.grid]\nmomentum = [0.9]\n')


# ------------------------------------------------------------------ schedules
def schedule_seeds():
    specs = ["step", "step:S=300", "step:S=500,K0=2,Kmax=20", "step:c=3", "constant:4",
             "linear:seconds,from=1,to=8,over=60", "linear:gradients,from=8,to=1,over=1000",
             "list:gradients,0=1,100=4,1000=25", "list:seconds,10=2,20=5",
             # broken
             "constant:", "constant:0", "step:S=-1", "step:K0=5,Kmax=2", "step:x=1", "linear:seconds,from=1",
             "list:gradients,10=2,5=3", "list:minutes,1=1", "warp:3"]
    for i, s in enumerate(specs):
        put("schedule", "spec-%02d" % i, s)


# ------------------------------------------------------------------ metrics.csv
def metrics_seeds():
    runs = sorted(glob.glob(os.path.join(ROOT, "results", "*", "runs", "*", "*", "metrics.csv")))
    text = open(runs[0]).read().splitlines()
    header = text[0]
    put("metrics", "real-5-rows.csv", "\n".join(text[:6]) + "\n")
    put("metrics", "nan-test-loss.csv", header + "\n" + ",".join(["1"] * 10 + ["nan", "0.5"]) + "\n")
    # broken, as the report tests make them
    put("metrics", "empty.csv", "")
    put("metrics", "header-only.csv", header + "\n")
    put("metrics", "wrong-header.csv", "time,loss\n1,2\n")
    put("metrics", "short-row.csv", header + "\n1,2,3\n")
    put("metrics", "not-a-number.csv", header + "\n" + ",".join(["1"] * 11 + ["x"]) + "\n")


# ------------------------------------------------------------------ MPI message headers
def header(typ, sender, version, floats, value=0.0, value2=0.0):
    h = bytearray(struct.pack("<IHHiIQQdd", 0x44475348, 3, typ, sender, 0, version, floats, value, value2))
    crc = zlib.crc32(bytes(h[:12]) + bytes(h[16:])) & 0xFFFFFFFF
    h[12:16] = struct.pack("<I", crc)
    return bytes(h)


def message_seeds():
    # the fuzz target decodes as rank 0 from rank 1, a 1000-parameter model
    put("message", "params", header(1, 1, 7, 1000))
    put("message", "push", header(2, 1, 6, 1000, 2.3))
    put("message", "stop", header(3, 1, 0, 0))
    put("message", "bye", header(4, 1, 9, 5))
    put("message", "alive", header(5, 1, 0, 0))
    put("message", "bad-crc", header(2, 1, 6, 1000)[:12] + b"\0\0\0\0" + header(2, 1, 6, 1000)[16:])
    put("message", "wrong-sender", header(2, 3, 6, 1000))
    put("message", "wrong-size", header(2, 1, 6, 999))
    put("message", "short", header(2, 1, 6, 1000)[:40])


# ------------------------------------------------------------------ checkpoint files
def checkpoint(sections, fmt=1, count=None):
    out = b"HSGDCKPT" + struct.pack("<II", fmt, len(sections) if count is None else count)
    for name, payload in sections:
        out += struct.pack("<H", len(name)) + name + struct.pack("<Q", len(payload)) + payload
    return out + struct.pack("<I", zlib.crc32(out) & 0xFFFFFFFF)


def checkpoint_seeds():
    params = struct.pack("<5f", 1.5, -2.0, 0.0, 3.25, -0.125)
    good = checkpoint([(b"accounting", struct.pack("<3Q", 7, 0, 42)), (b"params", params), (b"schedule", b"step:S=300")])
    put("checkpoint", "valid", good)
    put("checkpoint", "empty", checkpoint([]))
    put("checkpoint", "truncated", good[: len(good) // 2])
    put("checkpoint", "flipped-byte", good[:30] + bytes([good[30] ^ 1]) + good[31:])
    put("checkpoint", "duplicate-name", checkpoint([(b"params", params), (b"params", params)]))
    put("checkpoint", "empty-name", checkpoint([(b"", b"x")]))
    put("checkpoint", "future-format", checkpoint([(b"params", params)], fmt=9))
    put("checkpoint", "too-many-sections", checkpoint([], count=100000))
    huge = b"HSGDCKPT" + struct.pack("<IIH", 1, 1, 6) + b"params" + struct.pack("<Q", 1 << 62) + b"1234"
    put("checkpoint", "huge-section", huge + struct.pack("<I", zlib.crc32(huge) & 0xFFFFFFFF))


# ------------------------------------------------------------------ run checkpoints (harness and simulator sections)
# run_checkpoint_fuzz.cc's 4 bytes: workers - 1, servers - 1, parameters - 1,
# (batch size - 1) << 4 | (samples per worker - 1); then a checkpoint file.
def run_checkpoint(workers, shards, params, samples, batch, extra=(), drop=(), config=b"{}"):
    u = lambda *v: struct.pack("<%dQ" % len(v), *v)
    f = lambda *v: struct.pack("<%dd" % len(v), *v)
    rng = [0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB, 1]
    sec = {
        b"meta/kind": b"hsgd run checkpoint", b"meta/config": config, b"meta/time": f(2.5),
        b"harness/rows_f64": f(1.0, 0.5, 0.1, 2.3, 2.2, 0.25, 2.0, 0.7, 0.2, 1.9, 1.8, 0.5),
        b"harness/rows_u64": u(10, 9, 1, 2, 0, 320, 20, 15, 2, 3, 1, 640),
        b"harness/state": f(2.0, 0.0, -1.0, 4.5, 2.1), b"harness/counters": u(640, 3, 2, 0, 2),
        b"harness/delays": u(*(rng * workers)),
        # checkpoint at 2.5 s, now 2.4 s, PS/driver free, next driver eval, dispatched, driver evals, next seq 40
        b"sim/clock": u(2500000000, 2400000000, 2400000000, 0, 2 ** 63 - 1, 30, 0, 40),
        b"sim/events": b"".join(u(2450000000 + w, 0, w, 30 + w) for w in range(workers)) + u(3000000000, 3, 2 ** 64 - 1, 39),
        b"sim/base_version": u(*([4] * (workers * shards))), b"sim/loss": f(*([2.0] * workers)),
        b"sim/gradients": struct.pack("<%df" % (workers * params), *([0.5] * (workers * params))),
        b"sim/waiting": u(), b"sim/server_queue": u(*range(min(workers, 2))), b"sim/compute_ms": f(50.0, -1.0),
    }
    words = []
    for w in range(workers):
        shard = [w * samples + i for i in range(samples)]
        words += [samples // 2, 2 * batch] + rng + shard[::-1]
    sec[b"sim/samplers"] = u(*words)
    if shards > 1:
        sec[b"sim/event_shards"] = u(*([k % shards for k in range(workers)] + [0]))
        sec[b"sim/shard_clocks"] = u(*([2400000000, 1000000] * shards))
        for k in range(1, shards):
            sec[b"sim/shard%d/waiting" % k] = u()
            sec[b"sim/shard%d/queue" % k] = u(0)
        sec[b"sim/worker_shards"] = u(*([0, 2400000000, shards] * workers))
    sec.update(dict(extra))
    for name in drop:
        sec.pop(name)
    head = bytes([workers - 1, shards - 1, params - 1, (batch - 1) << 4 | (samples - 1)])
    return head + checkpoint(sorted(sec.items()))


def run_checkpoint_seeds():
    put("run_checkpoint", "sim-3-workers", run_checkpoint(3, 1, 7, 10, 2))
    put("run_checkpoint", "sim-8-workers-4-servers", run_checkpoint(8, 4, 16, 16, 4))
    put("run_checkpoint", "sim-1-worker-2-servers", run_checkpoint(1, 2, 1, 1, 1))
    hsgd = os.path.join(ROOT, "build", "hsgd")
    for servers in (1, 2):  # real checkpoints of a simulated run (mlp:1 on 2 features, 2 classes: 7 parameters)
        if not os.path.exists(hsgd):
            break
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([hsgd, "train", "--runtime", "sim", "--data", "synthetic:features=2,classes=2,samples=200",
                            "--model", "mlp:1", "--workers", "3", "--servers", str(servers), "--seconds", "3",
                            "--checkpoint-every", "1", "--sim-compute-ms", "50", "--batch-size", "4", "--out",
                            os.path.join(tmp, "r")], check=True, capture_output=True)
            real = open(os.path.join(tmp, "r", "checkpoint.bin"), "rb").read()
        put("run_checkpoint", "real-sim-3-workers-%d-servers" % servers, bytes([2, servers - 1, 6, 0x3F]) + real)
    # broken, as tests/resume_test.cc and tests/checkpoint_sections_test.cc make them
    k = lambda **kw: run_checkpoint(3, 2, 7, 10, 2, **kw)
    put("run_checkpoint", "nan-time", k(extra={b"meta/time": struct.pack("<d", float("nan"))}))
    put("run_checkpoint", "nested-config", k(config=b'{"lr": ' + b"[" * 200 + b"]" * 200 + b"}"))
    put("run_checkpoint", "not-an-object-config", k(config=b"[1, 2]"))
    put("run_checkpoint", "wrong-kind", k(extra={b"meta/kind": b"something else"}))
    put("run_checkpoint", "row-with-huge-k", k(extra={b"harness/rows_u64": struct.pack("<6Q", 1, 1, 2 ** 40, 0, 0, 1)
                                                      + struct.pack("<6Q", 1, 1, 1, 0, 0, 1)}))
    put("run_checkpoint", "rows-cut", k(extra={b"harness/rows_f64": struct.pack("<7d", *([1.0] * 7))}))
    put("run_checkpoint", "delays-of-other-workers", k(extra={b"harness/delays": struct.pack("<4Q", 1, 2, 3, 4)}))
    put("run_checkpoint", "zero-delay-state", k(extra={b"harness/delays": bytes(8 * 12)}))
    put("run_checkpoint", "clock-out-of-order", k(extra={b"sim/clock": struct.pack("<8Q", 1, 2, 0, 0, 0, 0, 0, 40)}))
    put("run_checkpoint", "event-of-no-worker", k(extra={b"sim/events": struct.pack("<4Q", 2450000000, 0, 7, 1)}))
    put("run_checkpoint", "event-kind-9", k(extra={b"sim/events": struct.pack("<4Q", 2450000000, 9, 0, 1)}))
    put("run_checkpoint", "version-ahead", k(extra={b"sim/base_version": struct.pack("<6Q", 4, 4, 4, 6, 4, 4)}))
    put("run_checkpoint", "queue-too-long", k(extra={b"sim/server_queue": struct.pack("<4Q", 0, 1, 2, 0)}))
    put("run_checkpoint", "compute-nan", k(extra={b"sim/compute_ms": struct.pack("<2d", float("nan"), 1)}))
    put("run_checkpoint", "shard-of-no-server", k(extra={b"sim/event_shards": struct.pack("<4Q", 0, 1, 5, 0)}))
    put("run_checkpoint", "sampler-not-a-permutation", k(extra={b"sim/samplers": bytes(8 * 16 * 3)}))
    put("run_checkpoint", "missing-gradients", k(drop=[b"sim/gradients"]))


# ------------------------------------------------------------------ CIFAR-style record files
# cifar_records_fuzz.cc's 4 bytes: channels - 1, height - 1, width - 1, label bytes/label byte/classes=10.
def cifar_records_seeds():
    recs = cifar_records()
    two = recs["test_batch.bin"] + recs["data_batch_1.bin"]
    head = bytes([2, 31, 31, 0])
    put("cifar_records", "cifar10-2-records", head + two)
    put("cifar_records", "cifar10-2-records-gzip", head + gz(two))
    put("cifar_records", "cifar10-declared-10", bytes([2, 31, 31, 16]) + two)
    # CIFAR-100 style: 2 label bytes (coarse, fine), the fine one is the class; and the coarse one
    c100 = bytes([3, 57]) + two[1:3073] + bytes([19, 99]) + two[3074:]
    put("cifar_records", "cifar100-fine", bytes([2, 31, 31, 1 | 1 << 2]) + c100)
    put("cifar_records", "cifar100-coarse", bytes([2, 31, 31, 1]) + c100)
    put("cifar_records", "tiny-1x2x3-4-label-bytes", bytes([0, 1, 2, 3 | 2 << 2]) + bytes([9, 9, 1, 9]) + bytes(range(6)) * 1)
    # broken, as tests/dataset_registry_test.cc makes them
    put("cifar_records", "truncated-record", head + two[:-1])
    put("cifar_records", "label-out-of-declared", bytes([2, 31, 31, 16]) + bytes([10]) + two[1:])
    put("cifar_records", "empty", head)
    put("cifar_records", "all-label-0", bytes([0, 0, 0, 0]) + bytes([0, 5, 0, 7]))
    put("cifar_records", "truncated-gzip", head + gz(two)[:100])


# ------------------------------------------------------------------ CSV
# The first byte holds csv_fuzz.cc's option bits (header 0-1, separator 2-3,
# classes=3 bit 4, label=2 bit 5, scale=none bit 6); the train text,
# "HSGD-TEST", the test text.
def csv_seeds():
    T = b"HSGD-TEST"
    iris = b"sepal_length,sepal_width,petal_length,petal_width,species\n" + b"".join(
        b"%.1f,%.1f,%.1f,%.1f,%d\n" % (5.0 + 0.1 * i, 3.0 + 0.05 * (i % 4), 1.4 + 0.3 * (i % 3), 0.2 * (i % 5), i % 3)
        for i in range(12))
    put("csv", "iris-header", b"\x00" + iris + T + iris)
    put("csv", "iris-declared-3-label-col-2", b"\x30" + iris + T + iris)
    put("csv", "no-header-semicolon", b"\x06" + b"1;2;0\n3;4;1\n5;6;2\n" + T + b"7;8;1\n")
    put("csv", "tab-quotes-bom-crlf", b"\x08" + b"\xef\xbb\xbf\"a\tb\"\tlabel\r\n1.5\t0\r\n\r\n-2e0\t1\r\n" + T
        + b"\"a\tb\"\tlabel\r\n+3\t1\r\n")
    put("csv", "escaped-quote-header", b"\x00" + b'"x","la""bel"\n1,0\n2,1\n' + T + b'"x","la""bel"\n1,1\n')
    put("csv", "one-file-for-both", b"\x00" + b"x,y,label\n0.5,1e3,0\n-7,2.5e-3,1\n")
    hard = b"x,y,label\n0.1,-0,0\n1e-45,3.4028235e38,1\n1e-50,16777217,0\n-7e-46,0.333333333333333333,1\n"
    put("csv", "float32-edges-scale-none", b"\x40" + hard + T + hard)
    put("csv", "float32-edges-standardised", b"\x00" + hard + T + hard)
    put("csv", "standardised-beyond-float", b"\x00" + b"x,label\n0,0\n1.4e-45,1\n" + T + b"x,label\n3e38,1\n")
    bad = {
        "empty": b"", "blank-lines": b"\n \n\t\n", "header-only": b"a,b,label\n",
        "short-row": b"a,b,label\n1,2,0\n1,2\n", "long-row": b"a,b,label\n1,2,0,4\n",
        "not-a-number": b"a,b,label\n1,x,0\n", "empty-field": b"a,b,label\n1,,0\n",
        "nan": b"a,b,label\n1,nan,0\n3,4,1\n", "inf": b"a,b,label\n1,-inf,0\n", "too-big": b"a,b,label\n1,1e400,0\n",
        "label-negative": b"a,b,label\n1,2,-1\n", "label-fraction": b"a,b,label\n1,2,1.5\n",
        "label-256": b"a,b,label\n1,2,256\n", "one-class": b"a,b,label\n1,2,0\n3,4,0\n",
        "open-quote": b'a,"b,label\n1,2,0\n', "text-after-quote": b'a,"b"x,label\n1,2,0\n',
        "one-column": b"label\n1\n", "overflowing-spread": b"a,b,label\n1e300,1,0\n-1e300,2,1\n",
        "beyond-float32": b"a,b,label\n1,3.5e38,0\n",
        "control-bytes": b"a,b,label\n1,\x01\x1b[2J,0\n",
    }
    for name, text in bad.items():
        put("csv", name, b"\x00" + text + T + b"a,b,label\n1,2,0\n3,4,1\n")
    put("csv", "test-columns-differ", b"\x00" + b"a,b,label\n1,2,0\n3,4,1\n" + T + b"a,b,c,label\n1,2,3,0\n")
    put("csv", "test-names-differ", b"\x00" + b"a,b,label\n1,2,0\n3,4,1\n" + T + b"a,c,label\n1,2,0\n")
    put("csv", "test-label-out-of-declared", b"\x10" + b"a,b,label\n1,2,0\n3,4,1\n" + T + b"a,b,label\n1,2,3\n")
    put("csv", "wide-line", b"\x00" + b"1," * 70000 + b"0\n")


SEEDS = {"idx": idx_seeds, "cifar_archive": cifar_seeds, "csv": csv_seeds, "run_config": config_seeds,
         "suite": suite_seeds, "schedule": schedule_seeds, "metrics": metrics_seeds, "message": message_seeds,
         "checkpoint": checkpoint_seeds, "cifar_records": cifar_records_seeds,
         "run_checkpoint": run_checkpoint_seeds}
for target in sys.argv[1:] or SEEDS:
    SEEDS[target]()
print("seeds written under", OUT)
