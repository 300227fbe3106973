"""hsgd_results: what the research scripts share, so that none re-implements the report.

  readers   runs.csv (one row per run: cell, mode, seed, run-average and final
            metrics, written by `hsgd report`), modes.csv, tables.csv, suite.toml
  cells     the C++ cell keys ("sim-ps-update-ms=8_sim-compute-ms=50") as values by option
  paper     the paper's readings (paper_readings.toml, in this package)
  stats     Student's t for paired differences over seeds (mean, 95% CI, p),
            for the comparisons the report does not make
  load      the server's load under async, N (U + G) / (C + mean delay + 2 latency)

Every statistic (means, 95% CIs, paired t-tests) comes from the C++ report's
files (modes.csv, tables.csv: src/hsgd/experiment/stats.h); a script that needs
a comparison the report does not make reads the per-run values of runs.csv.
"""
