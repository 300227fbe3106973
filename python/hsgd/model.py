"""Your network as a torch.nn.Module: `model=net` is scripted (or, where
TorchScript cannot compile it, traced on one sample of the data's shape),
saved to the cache as TorchScript and trained through hsgd's TorchScript path
(`--model torchscript:FILE`, docs/models.md), which checks its shapes against
the data before any training."""
import io

from . import _files

# The image shapes of the named data sets, for tracing.
_NAMED_SHAPES = {"mnist": (1, 28, 28), "fashion-mnist": (1, 28, 28), "cifar10": (3, 32, 32)}


def _sample_shape(data_spec, sample_shape):
    if sample_shape is not None:
        return tuple(sample_shape)
    name = (data_spec or "mnist").split(":")[0]
    if name in _NAMED_SHAPES:
        return _NAMED_SHAPES[name]
    raise ValueError("model: this module cannot be scripted by TorchScript, and tracing it needs the shape of one "
                     "sample: give data as arrays, or model_sample_shape=(C, H, W)")


def _compile(module, data_spec, sample_shape):
    import torch
    try:
        return torch.jit.script(module)
    except Exception as script_error:
        shape = _sample_shape(data_spec, sample_shape)
        try:
            was_training = module.training
            module.eval()
            traced = torch.jit.trace(module, torch.zeros((2,) + shape))
            module.train(was_training)
            return traced
        except Exception as trace_error:
            raise ValueError(f"model: {type(module).__name__} can be neither scripted ({script_error}) nor traced on "
                             f"a batch of shape (2, {', '.join(map(str, shape))}) ({trace_error})") from None


def spec_of(model, data_spec=None, sample_shape=None):
    """A --model spec from what model= was given: a name, or a torch.nn.Module."""
    if model is None or isinstance(model, str):
        return model
    try:
        import torch
    except ImportError:  # pragma: no cover - Debian's python3-torch is installed by setup.sh
        raise ValueError("model: a torch.nn.Module needs torch (Debian's python3-torch)") from None
    if isinstance(model, torch.jit.ScriptModule):
        compiled = model
    elif isinstance(model, torch.nn.Module):
        compiled = _compile(model, data_spec, sample_shape)
    else:
        raise ValueError(f"model: {type(model).__name__} is neither a model name nor a torch.nn.Module")
    buffer = io.BytesIO()
    torch.jit.save(compiled, buffer)
    data = buffer.getvalue()
    name = "".join(c if c.isalnum() else "-" for c in type(model).__name__)[:40] or "model"
    path = _files.cache_dir() / "models" / f"{name}-{_files.digest(data)}.pt"
    _files.write_once(path, lambda f: f.write(data))
    return f"torchscript:{path}"
