"""The report's cell keys: options and values joined as NAME=VALUE by "_"
(src/hsgd/experiment/suite.cc), e.g. "sim-ps-update-ms=8_sim-compute-ms=50"."""


def parse_cell(key):
    """{option: value text} of a cell key; a value may hold "=" ("schedule=step-S=300")."""
    values = {}
    for part in key.split("_"):
        name, _, value = part.partition("=")
        values[name] = value
    return values
