// ps_options.h: how the parameter server aggregates and when workers wait.
// See docs/aggregation.md for the semantics of each mode, with pseudocode.
#pragma once

#include <cstdint>
#include <string>

#include "hsgd/optim/sgd.h"

namespace hsgd {

enum class Mode {
  kAsync,   // K = 1: every gradient is applied on arrival
  kSync,    // bulk-synchronous: one gradient from each live worker per round, workers wait
  kHybrid,  // K(t) from a schedule (the paper's Smooth Switch)
};

enum class WaitPolicy {
  kNone,     // push, pull the latest committed parameters, go on (K-batch-async; the paper's reading)
  kApplied,  // after a push, wait until that gradient has been applied (K-sync)
};

enum class Aggregation {
  kMean,  // the update uses the mean of the buffered gradients (default)
  kSum,   // ... their sum (Ray's parameter-server example; larger steps as K grows)
};

// Why a gradient was not applied. Every gradient is applied or counted here.
enum class DropReason {
  kNonFinite,       // contains NaN or Inf
  kTooStale,        // staleness above --max-staleness
  kDuplicateInRound,  // sync mode: a second gradient from one worker in one round
  kDeadWorker,      // arrived from a worker already declared dead
  kRunEnded,        // arrived after the budget was reached (process runtimes: a worker's last push)
  kCount
};

const char* to_string(Mode m);
const char* to_string(WaitPolicy w);
const char* to_string(Aggregation a);
const char* to_string(DropReason r);
// Parsers throw ConfigError naming the value and the allowed ones.
Mode parse_mode(const std::string& s);
WaitPolicy parse_wait_policy(const std::string& s);
Aggregation parse_aggregation(const std::string& s);

struct PsOptions {
  Mode mode = Mode::kHybrid;
  Aggregation aggregation = Aggregation::kMean;
  SgdOptions sgd;
  int num_workers = 1;
  bool staleness_aware_lr = false;  // weight each gradient by 1 / max(1, staleness) (Zhang et al. 2016)
  int64_t max_staleness = -1;       // drop gradients staler than this; -1 = never drop
};

}  // namespace hsgd
