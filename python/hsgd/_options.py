"""Keyword arguments to the command line of `hsgd train` / `hsgd compare`:
the same option names (batch_size= is --batch-size), values as text. hsgd
parses and checks them itself, so a bad value gets the program's message."""
import numbers

def option_name(key):
    return "--" + key.replace("_", "-")


def option_text(key, value):
    """The command-line text of one option value."""
    if isinstance(value, bool):
        raise TypeError("flag")  # handled by to_argv
    if isinstance(value, (list, tuple)):
        return ",".join(option_text(key, v) for v in value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return repr(float(value))
    if isinstance(value, str):
        return value
    if hasattr(value, "__fspath__"):
        return value.__fspath__()
    raise ValueError(f"{option_name(key)}: {value!r} is a {type(value).__name__}; "
                     "expected a number, a string, a path or a list of numbers")


def to_argv(options):
    """['--lr', '0.1', '--staleness-lr', ...] from {'lr': 0.1, 'staleness_lr': True, ...}.
    A flag is given when True and left out when False; None leaves an option
    at its default."""
    argv = []
    for key, value in options.items():
        if value is None or value is False:
            continue
        if value is True:
            argv.append(option_name(key))
            continue
        argv += [option_name(key), option_text(key, value)]
    return argv


def to_pairs(options):
    """[('lr', '0.1'), ('staleness-lr', 'true'), ...]: the options as
    hsgd's own parser (config/option_io.h) takes them, name by name."""
    pairs = []
    for key, value in options.items():
        if value is None:
            continue
        text = ("true" if value else "false") if isinstance(value, bool) else option_text(key, value)
        pairs.append((key.replace("_", "-"), text))
    return pairs
