"""Where hsgd keeps the files it writes for Python objects (a model's
TorchScript, arrays as data files): a cache folder, each file named by a hash
of its contents, written once and never overwritten, so that a run's
config.toml names files that repeat it (`hsgd train --config`)."""
import hashlib
import os
import tempfile
from pathlib import Path


def cache_dir():
    """$HSGD_CACHE, else ~/.cache/hsgd."""
    root = os.environ.get("HSGD_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "hsgd")
    return Path(root)


def digest(*parts):
    h = hashlib.sha256()
    for p in parts:
        h.update(p if isinstance(p, (bytes, bytearray, memoryview)) else str(p).encode())
    return h.hexdigest()[:16]


def write_once(path, write):
    """Calls write(file) into a temporary file beside `path`, then renames it
    to `path`, unless `path` exists (the same contents, by its name)."""
    path = Path(path)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path
