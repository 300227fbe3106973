// run_harness.cc: see run_harness.h.
#include "hsgd/runtime/run_harness.h"

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>
#include <nlohmann/json.hpp>

#include "hsgd/common/error.h"
#include "hsgd/common/machine.h"
#include "hsgd/model/model_catalog.h"
#include "hsgd/nn/dnnl_network.h"
#include "hsgd/metrics/csv_writer.h"

namespace hsgd {
namespace {

std::unique_ptr<ShardedServer> make_servers(const TrainConfig& config, const ModelFactory& factory) {
  HSGD_CHECK(!config.ps.uses_schedule() || config.ps.schedule != nullptr,
             "the configuration was not validated (no K schedule)");
  auto model = factory(config.seed);  // every mode and runtime starts from the seed's weights
  std::vector<float> params(model->num_params());
  model->get_params(params.data());
  if (static_cast<size_t>(config.servers) > params.size())
    throw ConfigError("--servers " + std::to_string(config.servers) + " is more than the model's " +
                      std::to_string(params.size()) + " parameters: every shard owns at least one");
  return std::make_unique<ShardedServer>(params, config.ps, config.servers);
}

// shards.csv's columns: one row per shard at every snapshot.
const std::vector<std::string> kShardColumns = {"time_s", "shard", "first_param", "params", "version",
                                                 "received", "applied", "buffered", "dropped", "k"};

// A histogram without its trailing empty bins; the last bin of 64 counts staleness >= 63.
std::vector<uint64_t> trimmed(std::vector<uint64_t> histogram) {
  while (!histogram.empty() && histogram.back() == 0) histogram.pop_back();
  return histogram;
}

std::string fmt_seconds(double t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", t);
  return buf;
}

}  // namespace

// ---------------------------------------------------------------- WorkerProgress

void WorkerProgress::record(size_t batch_size, double loss) {
  samples += batch_size;
  if (std::isfinite(loss)) {
    loss_sum += loss;
    ++loss_count;
  }
}

double WorkerProgress::mean_loss() const { return loss_count ? loss_sum / loss_count : NAN; }

double WorkerProgress::display_loss() const { return loss_count ? mean_loss() : last_window_loss; }

void WorkerProgress::start_window() {
  if (loss_count) last_window_loss = mean_loss();
  loss_sum = 0;
  loss_count = 0;
}

// ---------------------------------------------------------------- RunHarness

RunHarness::RunHarness(const TrainConfig& config, const Dataset& data, const ModelFactory& factory, std::string dir,
                       std::FILE* log, const RuntimeTraits& traits, const CheckpointFile* resume)
    : signals_(),
      config_(config),
      traits_(traits),
      data_(data),
      factory_(factory),
      dir_(std::move(dir)),
      log_(log),
      resume_(resume),
      servers_(make_servers(config, factory)),
      delays_(config.delay, config.workers(), config.seed),
      metrics_(dir_ + "/metrics.csv"),
      progress_line_(log != nullptr ? log : stderr) {
  evaluator_ = std::make_unique<SnapshotEvaluator>(
      factory(config.seed), data, config.eval.batch, traits_.evaluation == EvaluationMode::kBackground,
      [this](const MetricsRow& row) { record_row(row); }, config.eval.samples, config.seed);
  if (servers_->count() > 1) shard_rows_ = std::make_unique<CsvWriter>(dir_ + "/shards.csv", kShardColumns);
  if (resume_ != nullptr) restore_checkpoint(*resume_);
}

ParameterServer& RunHarness::ps() {
  HSGD_CHECK(servers_->count() == 1, "a runtime that does not shard its server ran with --servers ",
             servers_->count());
  return servers_->shard(0);
}

RunHarness::~RunHarness() = default;

void RunHarness::record_row(const MetricsRow& row) {
  if (!training_ended_ && row.time_s > 0) ++evaluated_during_training_;
  metrics_.write(row);
  result_.rows.push_back(row);
  const double target = config_.eval.target_accuracy;
  if (target > 0 && result_.target_reached_seconds < 0 && row.test_accuracy >= target) {
    result_.target_reached_seconds = row.time_s;
    result_.target_reached_wall_seconds = wall_.seconds();
    stop(RunStatus::kFinished, "target accuracy reached");
  }
}

Snapshot RunHarness::snapshot(double t) {
  Snapshot s;
  s.params = servers_->gather_params();
  if (shard_rows_) record_shard_rows(t);
  const StalenessWindow w = servers_->take_staleness_window();
  MetricsRow& r = s.row;
  r.time_s = t;
  r.gradients = servers_->gradients();
  r.updates = servers_->updates();
  r.k = servers_->shard(0).current_k(t);
  r.staleness_mean = w.mean();
  r.staleness_max = w.max;
  r.dropped = servers_->dropped();
  r.samples = progress_.samples;
  r.epoch = static_cast<double>(progress_.samples) / data_.train.size();
  r.train_loss = progress_.mean_loss();
  progress_.start_window();
  last_snapshot_time_ = t;
  return s;
}

// The version each shard was at when the snapshot gathered its slice, and its counts.
void RunHarness::record_shard_rows(double t) {
  for (int i = 0; i < servers_->count(); ++i) {
    const ParameterServer& shard = servers_->shard(i);
    const Accounting& a = shard.accounting();
    const auto count = [](uint64_t v) { return CsvWriter::num(static_cast<long long>(v)); };
    shard_rows_->row({CsvWriter::num(t), CsvWriter::num(static_cast<long long>(i)),
                      count(servers_->slice(i).begin), count(servers_->slice(i).size), count(a.updates),
                      count(a.received), count(a.applied), count(a.buffered), count(a.dropped_total()),
                      CsvWriter::num(static_cast<long long>(shard.current_k(t)))});
  }
}

void RunHarness::evaluate_start() { evaluator_->evaluate_now(snapshot(0.0)); }

void RunHarness::evaluate(double t) {
  ++points_;
  evaluator_->submit(snapshot(t));
  most_unfinished_ = std::max(most_unfinished_, evaluator_->unfinished());
}

bool RunHarness::evaluation_lagging() const { return evaluator_->unfinished() > 1; }

void RunHarness::wait_for_evaluation(const std::function<void()>& while_waiting, size_t at_most) {
  evaluator_->wait_until_unfinished_at_most(at_most, [&] {
    if (while_waiting) while_waiting();
    return stopping();
  });
}

// --server-gradient-ms and --server-update-ms (config/run_options.h): the
// server is busy until that much time has passed since the push began.
static void hold_server(const ServerCost& cost, Stopwatch::Clock::time_point began, bool applied) {
  const double ms = cost.gradient_ms + (applied ? cost.update_ms : 0.0);
  std::this_thread::sleep_until(began + std::chrono::duration_cast<Stopwatch::Clock::duration>(
                                            std::chrono::duration<double, std::milli>(ms)));
}

// The adaptive threshold and K policies measure the server's service time:
// the real runtimes' is the push's wall time, with the server's cost
// (--server-*-ms) held; a virtual-time one (the simulator) reports its
// virtual cost itself.
PushOutcome timed_push(ParameterServer& ps, const ServerCost& cost, bool real_time, int worker, uint64_t base_version,
                       const float* gradient, double now) {
  const bool timed = ps.measures_load() && real_time;
  const bool costs = cost.any() && real_time;
  const Stopwatch::Clock::time_point began =
      timed || costs ? Stopwatch::Clock::now() : Stopwatch::Clock::time_point();
  const PushOutcome out = ps.push(worker, base_version, gradient, now);
  const bool applied = out.status == PushOutcome::Status::kApplied;
  if (costs) hold_server(cost, began, applied);
  if (timed) ps.record_service(std::chrono::duration<double>(Stopwatch::Clock::now() - began).count(), applied);
  return out;
}

PushOutcome RunHarness::timed_push(ParameterServer& ps, int worker, uint64_t base_version, const float* gradient,
                                   double now) {
  return hsgd::timed_push(ps, config_.server_cost, !traits_.virtual_time, worker, base_version, gradient, now);
}

PushOutcome RunHarness::push(int worker, uint64_t base_version, const float* gradient, double loss, double now) {
  const PushOutcome out = timed_push(ps(), worker, base_version, gradient, now);
  progress_.record(config_.batch_size, loss);
  check_divergence(out, loss, now);
  if (budget_fraction(0.0) >= 1.0) stop(RunStatus::kFinished, budget_reason(now));
  return out;
}

PushOutcome RunHarness::push_slice(int shard, int worker, uint64_t base_version, const float* slice, double now) {
  ParameterServer& ps = servers_->shard(shard);
  const PushOutcome out = timed_push(ps, worker, base_version, slice, now);
  if (out.status == PushOutcome::Status::kApplied && !ps.params_finite())
    stop_diverged("the parameters of server shard " + std::to_string(shard) + " are not finite", now);
  if (budget_fraction(0.0) >= 1.0) stop(RunStatus::kFinished, budget_reason(now));
  return out;
}

void RunHarness::record_gradient(double loss, double now) {
  progress_.record(config_.batch_size, loss);
  if (!std::isfinite(loss)) stop_diverged(std::string("the loss is ") + (std::isnan(loss) ? "NaN" : "infinite"), now);
  if (budget_fraction(0.0) >= 1.0) stop(RunStatus::kFinished, budget_reason(now));
}

void RunHarness::check_divergence(const PushOutcome& out, double loss, double now) {
  std::string what;
  if (!std::isfinite(loss))
    what = std::string("the loss is ") + (std::isnan(loss) ? "NaN" : "infinite");
  else if (out.status == PushOutcome::Status::kApplied && !servers_->params_finite())
    what = "the parameters are not finite";
  if (!what.empty()) stop_diverged(what, now);
}

void RunHarness::stop_diverged(const std::string& what, double now) {
  char lr[32];
  std::snprintf(lr, sizeof lr, "%g", config_.ps.sgd.lr);
  stop(RunStatus::kDiverged, "training diverged: " + what + " at update " + std::to_string(servers_->updates()) +
                                 ", t = " + fmt_seconds(now) + " s; try a smaller --lr (now " + lr + ")");
}

bool RunHarness::stopping() const { return stop_.load() || StopSignals::received() != 0; }

bool RunHarness::ended_badly() const {
  std::lock_guard<std::mutex> lock(end_mu_);
  return stop_.load() && (status_ == RunStatus::kDiverged || status_ == RunStatus::kFailed);
}

void RunHarness::stop(RunStatus status, const std::string& reason) {
  std::lock_guard<std::mutex> lock(end_mu_);
  if (stop_.load()) return;
  status_ = status;
  stop_reason_ = reason;
  stop_ = true;
}

double RunHarness::budget_fraction(double now) const {
  return config_.budget.fraction(now, servers_->updates(), servers_->gradients(),
                                 static_cast<double>(progress_.samples) / data_.train.size());
}

std::string RunHarness::budget_reason(double now) const {
  const Budget& b = config_.budget;
  if (b.updates > 0 && servers_->updates() >= static_cast<uint64_t>(b.updates)) return "update budget reached";
  if (b.gradients > 0 && servers_->gradients() >= static_cast<uint64_t>(b.gradients)) return "gradient budget reached";
  if (b.epochs > 0 && static_cast<double>(progress_.samples) / data_.train.size() >= b.epochs)
    return "epoch budget reached";
  return time_is_up(now) ? "time budget reached" : "budget reached";
}

void RunHarness::show_progress(double now, double elapsed, const std::string& extra) {
  if (log_ == nullptr) return;
  char loss[32] = "-";
  if (std::isfinite(progress_.display_loss())) std::snprintf(loss, sizeof loss, "%.4f", progress_.display_loss());
  char detail[240];
  std::snprintf(detail, sizeof detail, "%s  t %.1fs  grads %llu  updates %llu  K %d  loss %s  evaluated %zu%s%s",
                name_of(config_.ps.mode), now, (unsigned long long)servers_->gradients(),
                (unsigned long long)servers_->updates(), servers_->shard(0).current_k(now), loss, evaluator_->done(), extra.empty() ? "" : "  ", extra.c_str());
  progress_line_.update(std::min(1.0, budget_fraction(now)), elapsed, detail);
}

void RunHarness::end_training(double t) {
  if (training_ended_.exchange(true)) return;
  {
    std::lock_guard<std::mutex> lock(end_mu_);
    if (const int sig = StopSignals::received(); sig != 0 && !stop_.load()) {
      status_ = RunStatus::kTerminated;
      stop_reason_ = sig == SIGINT ? "interrupted (SIGINT)" : "terminated (SIGTERM)";
      result_.signal = sig;
      stop_ = true;
    }
    if (!stop_.load()) {  // the runtime ran out of work: the time budget
      status_ = RunStatus::kFinished;
      stop_reason_ = budget_reason(t);
      stop_ = true;
    }
  }
  if (status_ == RunStatus::kTerminated) result_.snapshots_not_evaluated = evaluator_->discard_pending();
  if (last_snapshot_time_ < t) evaluator_->submit(snapshot(t));
}

RunResult RunHarness::finish(double train_seconds, const nlohmann::json& extra) {
  end_training(train_seconds);
  if (log_ != nullptr) {
    progress_line_.finish();
    std::fprintf(log_, "hsgd: stopped after %.1fs of training: %s; evaluating %zu remaining snapshot(s)\n",
                 train_seconds, stop_reason_.c_str(), evaluator_->unfinished());
  }
  evaluator_->finish();
  if (evaluator_->uses_subset() && !result_.rows.empty())
    whole_test_set_ = evaluator_->evaluate_whole_test_set(servers_->gather_params());
  HSGD_CHECK(servers_->balances(), "gradient accounting does not balance");
  result_.train_seconds = train_seconds;
  result_.wall_seconds = wall_.seconds();
  result_.status = status_;
  result_.stop_reason = stop_reason_;
  nlohmann::json summary = summary_json();
  if (extra.is_object()) summary.update(extra);
  if (servers_->shard(0).adaptive() != nullptr) write_k_decisions();
  write_json_file(dir_ + "/summary.json", summary);
  return result_;
}

nlohmann::json RunHarness::summary_json() const {
  nlohmann::json summary = result_;
  summary["config"] = config_;
  summary["model_parameters"] = servers_->num_params();
  summary["train_images"] = data_.train.size();
  summary["test_images"] = data_.test.size();
  summary["data"] = {{"name", data_.name},
                     {"image_shape", data_.train.shape.to_string()},
                     {"classes", data_.num_classes},
                     {"classes_from", class_source_name(data_.classes_from)},
                     {"notes", data_.notes}};
  summary["compute"] = compute_summary();
  summary["schedule"] = servers_->shard(0).schedule_description();
  summary["wait"] = name_of(config_.ps.effective_wait());
  summary["delays"] = delays_.describe();
  // With S > 1 shards: every shard's counts summed (each gradient is
  // received by every shard), and each shard's own under "shards".
  summary["accounting"] = accounting_json(servers_->total());
  summary["staleness_histogram"] = trimmed(servers_->staleness_histogram());
  if (servers_->count() > 1) summary["shards"] = shards_summary();
  add_policy_summary(summary);
  summary["evaluation"] = {{"points_during_training", points_},
                           {"evaluated_during_training", evaluated_during_training_.load()},
                           {"most_snapshots_held", most_unfinished_},
                           {"training_paused_seconds", paused_seconds_},
                           {"test_images_per_row", evaluator_->row_samples()}};
  if (evaluator_->uses_subset())  // the last parameters on every test image
    summary["final_whole_test_set"] = {{"test_accuracy", finite_or_null(whole_test_set_.accuracy)},
                                       {"test_loss", finite_or_null(whole_test_set_.loss)},
                                       {"test_images", whole_test_set_.samples}};
  return summary;
}

nlohmann::json RunHarness::accounting_json(const Accounting& a) const {
  nlohmann::json dropped = nlohmann::json::object();
  for (size_t r = 0; r < a.dropped.size(); ++r) dropped[to_string(static_cast<DropReason>(r))] = a.dropped[r];
  return {{"received", a.received}, {"applied", a.applied}, {"buffered", a.buffered},
          {"dropped", dropped},     {"updates", a.updates}, {"balances", a.balances()}};
}

// Each shard's slice, version, accounting and staleness (--servers S > 1).
nlohmann::json RunHarness::shards_summary() const {
  nlohmann::json shards = nlohmann::json::array();
  for (int i = 0; i < servers_->count(); ++i) {
    const ParameterServer& shard = servers_->shard(i);
    const StalenessWindow& staleness = servers_->staleness_total(i);
    nlohmann::json j = {{"shard", i},
                        {"first_param", servers_->slice(i).begin},
                        {"params", servers_->slice(i).size},
                        {"version", shard.version()},
                        {"accounting", accounting_json(shard.accounting())},
                        {"staleness_mean", staleness.mean()},
                        {"staleness_max", staleness.max},
                        {"staleness_histogram", trimmed(shard.staleness_histogram())}};
    if (const AdaptiveThreshold* a = shard.adaptive(); a != nullptr) j["adaptive_k"] = a->k();
    shards.push_back(j);
  }
  return shards;
}

// Which back end computed the gradients, why, and on what CPU.
nlohmann::json RunHarness::compute_summary() const {
  // A model the caller made itself (tests, the Python module) is no catalog model.
  const BackendChoice choice = is_known_model(config_.model)
                                   ? choose_backend(config_.model, config_.backend)
                                   : BackendChoice{config_.backend, "the caller's own model factory"};
  return {{"backend", name_of(choice.backend)},
          {"why", choice.why},
          {"threads_per_worker", config_.threads},
          {"cpu", machine_description()},
          {"cpu_vector_extensions", cpu_vector_extensions()},
          {"onednn_isa", nn::DnnlNetwork::isa()}};
}

// What SSP and the adaptive threshold did, for the runs that use them.
void RunHarness::add_policy_summary(nlohmann::json& summary) const {
  if (config_.ps.mode == Mode::kSsp)
    summary["ssp"] = {{"bound", config_.ps.ssp_bound}, {"waits", servers_->ssp_waits()}};
  // Sharded: shard 0's threshold here; every shard's K under "shards".
  if (const AdaptiveThreshold* a = servers_->shard(0).adaptive(); a != nullptr)
    summary["adaptive"] = {{"target_utilisation", AdaptiveThreshold::kTargetUtilisation},
                           {"k", a->k()},
                           {"arrival_rate_per_s", a->arrival_rate()},
                           {"update_ms", a->update_seconds() * 1e3},
                           {"gradient_ms", a->gradient_seconds() * 1e3},
                           {"utilisation", a->utilisation(a->k())},
                           {"window_gradients", a->window()},
                           {"decisions", a->decisions().size()},
                           {"decisions_file", "k_decisions.csv"}};
}

// k_decisions.csv: every change of the adaptive K, with the measurements behind it.
void RunHarness::write_k_decisions() const {
  CsvWriter csv(dir_ + "/k_decisions.csv", {"time_s", "gradients", "k_before", "k_after", "arrival_rate_per_s",
                                            "update_ms", "gradient_ms", "utilisation"});
  for (const KDecision& d : servers_->shard(0).adaptive()->decisions())
    csv.row({CsvWriter::num(d.time), CsvWriter::num(static_cast<long long>(d.gradients)),
             CsvWriter::num(static_cast<long long>(d.k_before)), CsvWriter::num(static_cast<long long>(d.k_after)),
             CsvWriter::num(d.arrival_rate), CsvWriter::num(d.update_s * 1e3), CsvWriter::num(d.gradient_s * 1e3),
             CsvWriter::num(d.utilisation)});
}

}  // namespace hsgd
