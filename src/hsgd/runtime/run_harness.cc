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

std::unique_ptr<ParameterServer> make_parameter_server(const TrainConfig& config, const ModelFactory& factory) {
  HSGD_CHECK(!config.ps.uses_schedule() || config.ps.schedule != nullptr,
             "the configuration was not validated (no K schedule)");
  auto model = factory(config.seed);  // every mode and runtime starts from the seed's weights
  std::vector<float> params(model->num_params());
  model->get_params(params.data());
  return std::make_unique<ParameterServer>(std::move(params), config.ps);
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
      ps_(make_parameter_server(config, factory)),
      delays_(config.delay, config.workers(), config.seed),
      metrics_(dir_ + "/metrics.csv"),
      progress_line_(log != nullptr ? log : stderr) {
  evaluator_ = std::make_unique<SnapshotEvaluator>(
      factory(config.seed), data, config.eval.batch, traits_.evaluation == EvaluationMode::kBackground,
      [this](const MetricsRow& row) { record_row(row); }, config.eval.samples, config.seed);
  if (resume_ != nullptr) restore_checkpoint(*resume_);
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
  s.params = ps_->params();
  const StalenessWindow w = ps_->take_staleness_window();
  MetricsRow& r = s.row;
  r.time_s = t;
  r.gradients = ps_->accounting().received;
  r.updates = ps_->accounting().updates;
  r.k = ps_->current_k(t);
  r.staleness_mean = w.mean();
  r.staleness_max = w.max;
  r.dropped = ps_->accounting().dropped_total();
  r.samples = progress_.samples;
  r.epoch = static_cast<double>(progress_.samples) / data_.train.size();
  r.train_loss = progress_.mean_loss();
  progress_.start_window();
  last_snapshot_time_ = t;
  return s;
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
void RunHarness::hold_server(Stopwatch::Clock::time_point began, bool applied) const {
  const double ms = config_.server_cost.gradient_ms + (applied ? config_.server_cost.update_ms : 0.0);
  std::this_thread::sleep_until(began + std::chrono::duration_cast<Stopwatch::Clock::duration>(
                                            std::chrono::duration<double, std::milli>(ms)));
}

PushOutcome RunHarness::push(int worker, uint64_t base_version, const float* gradient, double loss, double now) {
  // The adaptive threshold and K policies measure the server's service time:
  // the real runtimes' is the push's wall time, with the server's cost
  // (--server-*-ms) held; a virtual-time one (the simulator) reports its
  // virtual cost itself.
  const bool real_time = !traits_.virtual_time;
  const bool timed = ps_->measures_load() && real_time;
  const bool costs = config_.server_cost.any() && real_time;
  const Stopwatch::Clock::time_point began =
      timed || costs ? Stopwatch::Clock::now() : Stopwatch::Clock::time_point();
  const PushOutcome out = ps_->push(worker, base_version, gradient, now);
  const bool applied = out.status == PushOutcome::Status::kApplied;
  if (costs) hold_server(began, applied);
  if (timed) ps_->record_service(std::chrono::duration<double>(Stopwatch::Clock::now() - began).count(), applied);
  progress_.record(config_.batch_size, loss);
  check_divergence(out, loss, now);
  if (budget_fraction(0.0) >= 1.0) stop(RunStatus::kFinished, budget_reason(now));
  return out;
}

void RunHarness::check_divergence(const PushOutcome& out, double loss, double now) {
  std::string what;
  if (!std::isfinite(loss))
    what = std::string("the loss is ") + (std::isnan(loss) ? "NaN" : "infinite");
  else if (out.status == PushOutcome::Status::kApplied && !ps_->params_finite())
    what = "the parameters are not finite";
  if (what.empty()) return;
  char lr[32];
  std::snprintf(lr, sizeof lr, "%g", config_.ps.sgd.lr);
  stop(RunStatus::kDiverged, "training diverged: " + what + " at update " + std::to_string(ps_->version()) +
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
  const Accounting& a = ps_->accounting();
  return config_.budget.fraction(now, a.updates, a.received,
                                 static_cast<double>(progress_.samples) / data_.train.size());
}

std::string RunHarness::budget_reason(double now) const {
  const Budget& b = config_.budget;
  const Accounting& a = ps_->accounting();
  if (b.updates > 0 && a.updates >= static_cast<uint64_t>(b.updates)) return "update budget reached";
  if (b.gradients > 0 && a.received >= static_cast<uint64_t>(b.gradients)) return "gradient budget reached";
  if (b.epochs > 0 && static_cast<double>(progress_.samples) / data_.train.size() >= b.epochs)
    return "epoch budget reached";
  return time_is_up(now) ? "time budget reached" : "budget reached";
}

void RunHarness::show_progress(double now, double elapsed, const std::string& extra) {
  if (log_ == nullptr) return;
  const Accounting& a = ps_->accounting();
  char loss[32] = "-";
  if (std::isfinite(progress_.display_loss())) std::snprintf(loss, sizeof loss, "%.4f", progress_.display_loss());
  char detail[240];
  std::snprintf(detail, sizeof detail, "%s  t %.1fs  grads %llu  updates %llu  K %d  loss %s  evaluated %zu%s%s",
                name_of(config_.ps.mode), now, (unsigned long long)a.received, (unsigned long long)a.updates,
                ps_->current_k(now), loss, evaluator_->done(), extra.empty() ? "" : "  ", extra.c_str());
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
    whole_test_set_ = evaluator_->evaluate_whole_test_set(ps_->params());
  HSGD_CHECK(ps_->accounting().balances(), "gradient accounting does not balance");
  result_.train_seconds = train_seconds;
  result_.wall_seconds = wall_.seconds();
  result_.status = status_;
  result_.stop_reason = stop_reason_;
  nlohmann::json summary = summary_json();
  if (extra.is_object()) summary.update(extra);
  if (ps_->adaptive() != nullptr) write_k_decisions();
  write_json_file(dir_ + "/summary.json", summary);
  return result_;
}

nlohmann::json RunHarness::summary_json() const {
  nlohmann::json summary = result_;
  summary["config"] = config_;
  summary["model_parameters"] = ps_->num_params();
  summary["train_images"] = data_.train.size();
  summary["test_images"] = data_.test.size();
  summary["data"] = {{"name", data_.name},
                     {"image_shape", data_.train.shape.to_string()},
                     {"classes", data_.num_classes},
                     {"classes_from", class_source_name(data_.classes_from)},
                     {"notes", data_.notes}};
  summary["compute"] = compute_summary();
  summary["schedule"] = ps_->schedule_description();
  summary["wait"] = name_of(config_.ps.effective_wait());
  summary["delays"] = delays_.describe();
  const Accounting& a = ps_->accounting();
  nlohmann::json dropped = nlohmann::json::object();
  for (size_t r = 0; r < a.dropped.size(); ++r) dropped[to_string(static_cast<DropReason>(r))] = a.dropped[r];
  summary["accounting"] = {{"received", a.received}, {"applied", a.applied}, {"buffered", a.buffered},
                           {"dropped", dropped},     {"updates", a.updates}, {"balances", a.balances()}};
  // Histogram without its trailing empty bins; the last bin of 64 counts staleness >= 63.
  std::vector<uint64_t> histogram = ps_->staleness_histogram();
  while (!histogram.empty() && histogram.back() == 0) histogram.pop_back();
  summary["staleness_histogram"] = histogram;
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
    summary["ssp"] = {{"bound", config_.ps.ssp_bound}, {"waits", ps_->ssp_waits()}};
  if (const AdaptiveThreshold* a = ps_->adaptive(); a != nullptr)
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
  for (const KDecision& d : ps_->adaptive()->decisions())
    csv.row({CsvWriter::num(d.time), CsvWriter::num(static_cast<long long>(d.gradients)),
             CsvWriter::num(static_cast<long long>(d.k_before)), CsvWriter::num(static_cast<long long>(d.k_after)),
             CsvWriter::num(d.arrival_rate), CsvWriter::num(d.update_s * 1e3), CsvWriter::num(d.gradient_s * 1e3),
             CsvWriter::num(d.utilisation)});
}

}  // namespace hsgd
