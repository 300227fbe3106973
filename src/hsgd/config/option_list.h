// option_list.h: the one list of `hsgd train` options: name, the field it
// sets, its allowed range and its help text.
//
// Everything that reads or writes options walks this list with a visitor:
// the command line (apps/option_table.cc), config files and config.toml
// (config_file.cc), the range checks (train_config.cc) and the JSON form of a
// run's configuration. A visitor provides (fields const for a const config)
//   text(name, std::string&, help)
//   choice(name, Enum&, help)                        (names from EnumNames<Enum>)
//   number(name, double&, Range, help)
//   integer(name, int|int64_t|uint64_t&, Range, help)
//   numbers(name, std::vector<double>&, Range, help)  (a comma-separated list)
//   flag(name, bool&, help)
#pragma once

#include <string>
#include <type_traits>

#include "hsgd/config/train_config.h"
#include "hsgd/data/dataset_registry.h"
#include "hsgd/model/model_catalog.h"
#include "hsgd/sim/profiles.h"

namespace hsgd {

// A closed or half-open interval of allowed values, with what 0 or -1 means
// where it has a special meaning. Every range is finite, so NaN and Inf are
// always out of range.
struct Range {
  double lo, hi;
  bool lo_open = false, hi_open = false;
  const char* special = nullptr;  // e.g. "0 = no limit"

  static Range closed(double lo, double hi) { return {lo, hi}; }
  static Range left_open(double lo, double hi) { return {lo, hi, true}; }
  static Range right_open(double lo, double hi) { return {lo, hi, false, true}; }
  Range with(const char* meaning) const {
    Range r = *this;
    r.special = meaning;
    return r;
  }
  bool contains(double v) const { return (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi); }
  std::string text() const;  // "in (0, 1000000]; 0 = no limit"
};

// The options in the order `hsgd train --help` lists them. Options that only
// concern where results go (out, overwrite) come last and are not saved in a
// run's config.toml (see config_file.h).
// Config is TrainConfig (readers set fields) or const TrainConfig (writers and
// checks only look at them).
template <typename Config, typename Visitor>
void visit_train_options(Config& c, Visitor& v) {
  static_assert(std::is_same_v<std::remove_const_t<Config>, TrainConfig>);
  v.text("data", c.data, std::string("data set: ") + dataset_spec_help());
  v.text("data-root", c.data_root, "folder of named data sets (default: $HSGD_DATA_ROOT or the project's data/)");
  v.text("model", c.model, "network: " + model_names_help());
  v.choice("backend", c.backend,
           std::string("what computes gradients and evaluations: fast (hand-written kernels on the flat buffer), dnnl "
                       "(oneDNN's primitives on the flat buffer), torch (LibTorch, the reference) or auto: ") +
               kBackendRule);
  v.choice("runtime", c.runtime,
           "single (one worker, no parameter server), threads (workers as threads, real time), sim (a simulated "
           "cluster in virtual time, deterministic) or mpi (rank 0 the server, ranks 1..N workers: "
           "mpirun -np N+1 hsgd train --runtime mpi ...)");
  v.choice("mode", c.ps.mode,
           "sync, async, hybrid (K from --schedule), ssp (stale-synchronous, --ssp-bound), k-sync or k-batch-async "
           "(constant --k; hybrid with wait applied or none), or gba (K = workers, the synchronous global batch, "
           "workers never wait, gradients staler than --gba-tolerance decayed: a reading of Su et al. 2022)");
  v.integer("servers", c.servers, Range::closed(1, 64),
            "server shards, each owning a contiguous slice of the parameters balanced by bytes (sim; "
            "docs/aggregation.md, Sharded server); 1 = one server");
  v.integer("workers", c.ps.num_workers, Range::closed(1, 100000), "number of workers (threads runtime: at most 256)");
  v.text("schedule", c.schedule,
         "hybrid K schedule: constant:K | step[:S=..,c=..,K0=..,Kmax=..,unit=..] (K = min(Kmax, K0 + floor(x/S)), "
         "S = c/lr, c = 3, x = gradients received or unit=updates applied) | linear:UNIT,from=A,to=B,over=X | "
         "list:UNIT,P1=K1,... (UNIT: gradients, updates or seconds) | adaptive (K grows as the server nears saturation, "
         "from its measured load; no parameters: docs/aggregation.md); Kmax > workers needs --wait none");
  v.choice("wait", c.ps.wait,
           "hybrid wait policy: none (push, pull, go on: K-batch-async) or applied (wait until the gradient is "
           "applied: K-sync)");
  v.choice("aggregation", c.ps.aggregation, "mean or sum of the buffered gradients");
  v.flag("staleness-lr", c.ps.staleness_aware_lr, "weight each gradient by 1/staleness (Zhang et al. 2016)");
  v.integer("backup-workers", c.ps.backup_workers, Range::closed(0, 99999),
            "sync: b backup workers: each round is applied with the first (live workers - b) gradients, and the late "
            "ones are dropped as late-backup (Chen et al. 2016)");
  v.integer("ssp-bound", c.ps.ssp_bound, Range::closed(-1, 1e6).with("-1 = not given; needed by --mode ssp"),
            "ssp: staleness bound s: a worker more than s clocks (gradients pushed) ahead of the slowest live "
            "worker waits (Ho et al. 2013)");
  v.integer("k", c.ps.k, Range::closed(0, 100000).with("0 = not given; needed by k-sync and k-batch-async"),
            "k-sync, k-batch-async: gradients per update (Dutta et al. 2018); k-sync: at most --workers");
  v.integer("gba-tolerance", c.ps.gba_tolerance,
            Range::closed(-1, 1e6).with("-1 = not given: gba uses 1"),
            "gba: staleness tolerance iota in updates: a gradient at most iota updates stale counts in full, a "
            "staler one is weighted 1 / (1 + staleness - iota) (docs/aggregation.md: a reading, not the authors' code)");
  v.integer("max-staleness", c.ps.max_staleness, Range::closed(-1, 1e9).with("-1 = never"),
            "drop gradients staler than this");
  v.choice("delay", c.delay.distribution, "injected delay before each push: none, half-normal, exponential or fixed");
  v.number("delay-fraction", c.delay.fraction, Range::closed(0, 1), "share of workers that are delayed");
  v.number("delay-scale", c.delay.scale, Range::closed(0, 3600),
           "seconds: sigma (half-normal), mean (exponential) or value (fixed)");
  v.text("sim-profile", c.sim_profile,
         "sim: a named set of simulator costs fitted to a real system (docs/calibration.md): " + sim::profile_names() +
             "; sets every --sim-* option it names that is not given (on the command line or in --config)");
  v.choice("sim-compute", c.sim.compute,
           "sim: compute time per minibatch: fixed (--sim-compute-ms), calibrated (measured once at start) or "
           "measured (each computation's CPU time; not reproducible)");
  v.number("sim-compute-ms", c.sim.compute_ms, Range::left_open(0, 3.6e6), "sim: fixed compute time per minibatch, ms");
  v.numbers("sim-speeds", c.sim.speed, Range::left_open(0, 1e6),
            "sim: per-worker compute-time factors, e.g. 1,1,2 (cycled over workers; empty: all 1)");
  v.number("sim-latency-ms", c.sim.latency_ms, Range::closed(0, 3.6e6), "sim: network latency per message, ms");
  v.number("sim-bandwidth", c.sim.bandwidth_mb_s, Range::closed(0, 1e9).with("0 = unlimited"),
           "sim: network bandwidth per message, MB/s");
  v.number("sim-ps-gradient-ms", c.sim.ps_gradient_ms, Range::closed(0, 3.6e6), "sim: PS cost per gradient received, ms");
  v.number("sim-ps-update-ms", c.sim.ps_update_ms, Range::closed(0, 3.6e6),
           "sim: PS cost per update, ms (--servers: each shard its share by bytes)");
  v.number("sim-ps-update-fixed-ms", c.sim.ps_update_fixed_ms, Range::closed(0, 3.6e6),
           "sim: PS cost per update that does not shrink with the bytes (a per-call overhead), ms: with "
           "--servers every shard pays all of it");
  v.number("sim-dispatch-ms", c.sim.dispatch_ms, Range::closed(0, 3.6e6),
           "sim: cost per gradient of a serial driver in front of the PS, ms");
  v.number("sim-driver-eval-ms", c.sim.driver_eval_ms, Range::closed(0, 3.6e6),
           "sim: an evaluation blocking the driver, ms each (every --sim-driver-eval-every gradients and/or "
           "--sim-driver-eval-seconds)");
  v.integer("sim-driver-eval-every", c.sim.driver_eval_every, Range::closed(0, 1e12).with("0 = never"),
            "sim: gradients the driver dispatches (or updates applied: --sim-driver-eval-unit) between two of its "
            "evaluations (Ray's loop: i % N)");
  v.choice("sim-driver-eval-unit", c.sim.driver_eval_unit,
           "sim: what --sim-driver-eval-every counts: gradients dispatched, or updates applied (Ray's loop: one "
           "iteration is one gradient in async and one round in sync, one update in both)");
  v.number("sim-driver-eval-seconds", c.sim.driver_eval_seconds, Range::closed(0, 1e9).with("0 = never"),
           "sim: virtual seconds between two driver evaluations");
  v.number("sim-start-s", c.sim.start_s, Range::closed(0, 1e9), "sim: virtual second the first worker starts");
  v.number("sim-start-spread-s", c.sim.start_spread_s, Range::closed(0, 1e9),
           "sim: the last worker starts this many seconds after the first (linear in between)");
  v.number("server-gradient-ms", c.server_cost.gradient_ms, Range::closed(0, 60000),
           "threads, mpi: the server holds itself this long per gradient received, ms (sleeping: a server elsewhere; "
           "the simulator's is --sim-ps-gradient-ms)");
  v.number("server-update-ms", c.server_cost.update_ms, Range::closed(0, 60000),
           "threads, mpi: ... and this much more per update applied, ms (the simulator's is --sim-ps-update-ms)");
  v.number("worker-timeout", c.mpi.worker_timeout, Range::left_open(0, 86400),
           "mpi: seconds without a message before a worker rank is declared dead");
  v.number("server-timeout", c.mpi.server_timeout, Range::left_open(0, 86400),
           "mpi: seconds a worker rank waits without a word from rank 0 before it gives up and exits");
  v.integer("mpi-hang-rank", c.mpi.hang_rank, Range::closed(-1, 100000).with("-1 = none"),
            "mpi, for tests: this rank stops answering after --mpi-hang-after pushes");
  v.integer("mpi-hang-after", c.mpi.hang_after, Range::closed(0, 1e12), "mpi, for tests: see --mpi-hang-rank");
  v.integer("batch-size", c.batch_size, Range::closed(1, 8192), "minibatch size per worker");
  v.number("lr", c.ps.sgd.lr, Range::left_open(0, 1e6), "learning rate");
  v.number("momentum", c.ps.sgd.momentum, Range::right_open(0, 1), "SGD momentum");
  v.number("weight-decay", c.ps.sgd.weight_decay, Range::closed(0, 1000), "L2 penalty");
  v.flag("nesterov", c.ps.sgd.nesterov, "Nesterov momentum (needs --momentum > 0)");
  v.number("epochs", c.budget.epochs, Range::closed(0, 1e6).with("0 = no limit"),
           "budget: samples computed / training-set size");
  v.number("seconds", c.budget.seconds, Range::closed(0, 1e7).with("0 = no limit"), "budget: seconds of training");
  v.integer("updates", c.budget.updates, Range::closed(0, 1e12).with("0 = no limit"), "budget: parameter updates");
  v.integer("gradients", c.budget.gradients, Range::closed(0, 1e12).with("0 = no limit"), "budget: gradients received");
  v.number("eval-every", c.eval.every_seconds, Range::closed(0.01, 1e9),
           "seconds of training between test-set evaluations");
  v.integer("eval-batch", c.eval.batch, Range::closed(1, 4096), "evaluation minibatch size");
  v.integer("eval-samples", c.eval.samples, Range::closed(0, 1e9).with("0 = the whole test set"),
            "test images evaluated at each point during training: a subset drawn once from --seed (every row of "
            "metrics.csv and --target-accuracy use it); the run's last parameters are also evaluated on the whole "
            "test set (summary.json: final_whole_test_set)");
  v.number("target-accuracy", c.eval.target_accuracy, Range::closed(0, 1).with("0 = off"),
           "stop when the test accuracy first reaches this fraction; exit status 4 if never");
  v.number("checkpoint-every", c.checkpoint_every, Range::closed(0, 1e9).with("0 = never"),
           "sim, threads, mpi: seconds of training between checkpoints (checkpoint.bin; also one at a clean stop); "
           "hsgd train --resume RUN continues from the last");
  v.integer("threads", c.threads, Range::closed(0, 256).with("0 = cores / workers, at least 1"),
            "compute threads per worker");
  v.integer("seed", c.seed, Range::closed(0, 9.2e18), "seed of every random choice (weights, shards, batches, delays)");
  v.text("out", c.out_dir, "results folder (default runs/<command>-<time>); written as OUT.partial/ until the run ends");
  v.flag("overwrite", c.overwrite, "replace the run already in --out (refused otherwise)");
}

// Options that say where a run goes, not what it computes: not saved in config.toml.
inline bool is_location_option(const std::string& name) { return name == "out" || name == "overwrite"; }

// Options a resumed run may change (hsgd train --resume): how long it goes on,
// where its data lies, how often it checkpoints. Every other option but the
// location ones is the run's meaning, kept from its config.toml.
inline bool is_resumable_option(const std::string& name) {
  return name == "seconds" || name == "updates" || name == "gradients" || name == "epochs" ||
         name == "target-accuracy" || name == "data-root" || name == "checkpoint-every";
}

// Fault injection for the MPI tests: hidden from --help and not saved in config.toml.
inline bool is_test_option(const std::string& name) { return name == "mpi-hang-rank" || name == "mpi-hang-after"; }

// The group an option is listed under in `hsgd train --help` ("" for none).
inline const char* option_group(const std::string& name) {
  const auto starts = [&](const char* prefix) { return name.rfind(prefix, 0) == 0; };
  if (is_test_option(name)) return "";
  if (starts("data")) return "Data";
  if (name == "model" || name == "backend" || name == "threads") return "Model and compute";
  if (name == "runtime" || name == "mode" || name == "workers" || name == "servers" || name == "wait" ||
      name == "aggregation" || name == "staleness-lr" || name == "max-staleness" || name == "backup-workers" ||
      name == "ssp-bound" || name == "k" || name == "gba-tolerance" || name == "server-gradient-ms" || name == "server-update-ms")
    return "Parameter server";
  if (name == "schedule") return "K schedule (hybrid)";
  if (starts("delay")) return "Injected delays";
  if (name == "batch-size" || name == "lr" || name == "momentum" || name == "weight-decay" || name == "nesterov")
    return "Optimizer";
  if (name == "epochs" || name == "seconds" || name == "updates" || name == "gradients" ||
      name == "target-accuracy")
    return "Budget";
  if (starts("eval")) return "Evaluation";
  if (starts("sim-")) return "Simulator (--runtime sim)";
  if (name == "worker-timeout" || name == "server-timeout") return "MPI (--runtime mpi)";
  return "Output";  // seed, checkpoint-every, out, overwrite
}

}  // namespace hsgd
