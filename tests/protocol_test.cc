// protocol_test.cc: the server/worker protocol (runtime/server_rank.h,
// runtime/worker_rank.h) with its ranks as threads of this process, over the
// in-process transport (transport/inproc_transport.h), without mpirun: the
// same server and worker code as --runtime mpi (tests/mpi_test.cc runs it
// over MPI). Every mode learns and balances its accounting, with one server
// and with 2 or 3 server shards (runtime/shard_rank.h); a worker that stops
// answering is declared dead and the run goes on without it; a shard cut off
// ends the run as failed, naming it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <exception>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>
#include <tuple>

#include "hsgd/common/stopwatch.h"

#include "hsgd/data/sharding.h"
#include "hsgd/runtime/runtime.h"
#include "hsgd/runtime/server_rank.h"
#include "hsgd/runtime/shard_rank.h"
#include "hsgd/runtime/worker_rank.h"
#include "hsgd/transport/inproc_transport.h"
#include "tests/linear_model.h"
#include "tests/runtime_util.h"
#include "tests/test_util.h"

namespace hsgd {
namespace {

// Rank 0 (the server, or shard 0) on the training thread; ranks 1..S-1 (the
// other shards, --servers S) and the workers (ranks S..S+N-1) as threads,
// each worker with only its shard of the training set, as MPI's workers
// hold. `cut_shard_after`: shard S-1 is cut off (a process that died) that
// many seconds into the run.
class InProcRanksRuntime : public Runtime {
 public:
  // With a shard cut off, what the other ranks left with goes to `left_with`.
  explicit InProcRanksRuntime(double cut_shard_after = -1, std::vector<std::string>* left_with = nullptr)
      : cut_shard_after_(cut_shard_after), left_with_(left_with) {}

  RuntimeTraits traits() const override {
    RuntimeTraits t;
    t.evaluation = EvaluationMode::kBackground;
    t.real_time = true;
    t.concurrent_workers = true;
    t.max_servers = 64;
    return t;
  }

  RunResult train(RunHarness& run) override {
    const TrainConfig& c = run.config();
    const int n = c.workers(), shards = c.servers, ranks = shards + n;
    InProcNetwork network(ranks);
    std::vector<Dataset> data(static_cast<size_t>(n), run.data());
    std::vector<std::exception_ptr> errors(static_cast<size_t>(ranks));
    std::vector<std::thread> threads;
    const auto guarded = [&](int rank, auto body) {
      threads.emplace_back([&, rank, body] {
        try {
          body();
        } catch (...) {
          errors[static_cast<size_t>(rank)] = std::current_exception();
        }
      });
    };
    const size_t num_params = run.servers().num_params();
    for (int s = 1; s < shards; ++s) guarded(s, [&, s] { run_shard_rank(network.endpoint(s), c, num_params); });
    for (int w = 0; w < n; ++w) {
      Dataset& part = data[static_cast<size_t>(w)];
      part.train = part.train.subset(shard_indices(part.train.size(), n, w, c.seed));
      part.test = ImageSet{};
      guarded(shards + w, [&, w] { run_worker_rank(network.endpoint(shards + w), c, data[w], run.factory()); });
    }
    std::thread cutter;
    if (cut_shard_after_ >= 0)
      cutter = std::thread([&] {
        std::this_thread::sleep_for(std::chrono::duration<double>(cut_shard_after_));
        network.cut_off(shards - 1);
      });
    RunResult result;
    try {
      result = serve_as_server_rank(run, network.endpoint(0), std::vector<int>(static_cast<size_t>(ranks), 0));
    } catch (...) {
      for (int r = 1; r < ranks; ++r) network.cut_off(r);  // the others leave (--server-timeout)
      for (auto& t : threads) t.join();
      if (cutter.joinable()) cutter.join();
      throw;
    }
    if (cutter.joinable()) cutter.join();
    for (auto& t : threads) t.join();
    for (int r = 1; r < ranks; ++r) {
      if (!errors[static_cast<size_t>(r)]) continue;
      if (left_with_ == nullptr) std::rethrow_exception(errors[static_cast<size_t>(r)]);
      try {
        std::rethrow_exception(errors[static_cast<size_t>(r)]);
      } catch (const std::exception& e) {
        if (r != shards - 1) left_with_->push_back(e.what());  // the cut-off shard's own end is no process's
      }
    }
    return result;
  }

 private:
  double cut_shard_after_;
  std::vector<std::string>* left_with_;
};

TrainConfig config_in(const std::string& out, const std::string& mode) {
  TrainConfig c;
  c.model = "linear";
  c.ps.mode = testing::mode(mode);
  if (c.ps.mode == Mode::kSsp) c.ps.ssp_bound = 1;
  c.ps.num_workers = 3;
  c.batch_size = 16;
  c.ps.sgd.lr = 0.5;
  c.budget.updates = 120;
  c.delay.distribution = DelayDistribution::kNone;
  c.eval.every_seconds = 1e9;
  c.mpi.worker_timeout = 5;
  c.mpi.server_timeout = 5;
  c.threads = 1;
  c.out_dir = out;
  return c;
}

nlohmann::json summary_in(const testing::TempDir& dir) {
  return nlohmann::json::parse(std::ifstream(dir.file("summary.json")));
}

class InProcProtocol : public ::testing::TestWithParam<std::string> {};

TEST_P(InProcProtocol, EveryModeLearnsAndBalances) {
  testing::TempDir dir;
  const Dataset data = testing::blobs_dataset(1500, 300, 1);
  const RunResult r = testing::run_runtime(std::make_unique<InProcRanksRuntime>(), config_in(dir.str(), GetParam()),
                                           data, testing::linear_factory());
  EXPECT_EQ(r.status, RunStatus::kFinished) << r.stop_reason;
  ASSERT_GE(r.rows.size(), 2u);
  EXPECT_GT(r.final_row().test_accuracy, 0.9) << GetParam();
  EXPECT_GE(r.final_row().updates, 120u);
  const auto summary = summary_in(dir);
  EXPECT_TRUE(summary["accounting"]["balances"].get<bool>());
  ASSERT_EQ(summary["ranks"].size(), 3u);
  for (const auto& rank : summary["ranks"]) EXPECT_EQ(rank["state"], "finished") << rank.dump();
}

INSTANTIATE_TEST_SUITE_P(Modes, InProcProtocol, ::testing::Values("sync", "async", "hybrid", "ssp"));

// --servers 2 and 3 over the same protocol: every shard balances on its own,
// sync shards apply the same rounds (one apart at most: the round in flight
// when the run stopped), and every server
// rank reports its slice, its traffic and its memory.
class InProcShards : public ::testing::TestWithParam<std::tuple<std::string, int>> {};

TEST_P(InProcShards, EveryModeLearnsAndEveryShardBalances) {
  const auto& [mode, shards] = GetParam();
  testing::TempDir dir;
  const Dataset data = testing::blobs_dataset(1500, 300, 1);
  TrainConfig c = config_in(dir.str(), mode);
  c.servers = shards;
  c.eval.every_seconds = 0.2;  // snapshots gather every shard's state
  const RunResult r = testing::run_runtime(std::make_unique<InProcRanksRuntime>(), c, data, testing::linear_factory());
  EXPECT_EQ(r.status, RunStatus::kFinished) << r.stop_reason;
  EXPECT_GT(r.final_row().test_accuracy, 0.9) << mode;
  EXPECT_GE(r.final_row().updates, 120u);
  const auto summary = summary_in(dir);
  EXPECT_TRUE(summary["accounting"]["balances"].get<bool>());
  for (const auto& rank : summary["ranks"]) EXPECT_EQ(rank["state"], "finished") << rank.dump();
  ASSERT_EQ(summary["shards"].size(), static_cast<size_t>(shards));
  size_t params = 0;
  for (const auto& shard : summary["shards"]) {
    EXPECT_TRUE(shard["accounting"]["balances"].get<bool>()) << shard.dump();
    EXPECT_GE(shard["accounting"]["updates"].get<uint64_t>(), 120u) << shard.dump();
    if (mode == "sync") {  // the same rounds, but for the one in flight when the run stopped
      const auto updates = shard["accounting"]["updates"].get<int64_t>();
      EXPECT_LE(std::abs(updates - summary["shards"][0]["accounting"]["updates"].get<int64_t>()), 1);
    }
    params += shard["params"].get<size_t>();
  }
  EXPECT_EQ(params, testing::linear_factory()(1)->num_params());
  ASSERT_EQ(summary["server_ranks"].size(), static_cast<size_t>(shards));
  for (const auto& rank : summary["server_ranks"]) {
    EXPECT_EQ(rank["state"], "finished") << rank.dump();
    EXPECT_GT(rank["bytes_in"].get<uint64_t>(), 0u) << rank.dump();
    EXPECT_GT(rank["bytes_out"].get<uint64_t>(), 0u) << rank.dump();
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, InProcShards,
                         ::testing::Combine(::testing::Values("sync", "async", "hybrid", "ssp"), ::testing::Values(2, 3)));

// A shard that dies (cut off) ends the run as failed within --worker-timeout,
// naming the shard, with the run's files written; the workers leave.
TEST(InProcShards, ALostShardEndsTheRunAsFailedNamingIt) {
  testing::TempDir dir;
  const Dataset data = testing::blobs_dataset(1500, 300, 1);
  TrainConfig c = config_in(dir.str(), "sync");
  c.servers = 3;
  c.budget.updates = 0;
  c.budget.seconds = 30;
  c.mpi.worker_timeout = 1;
  const Stopwatch clock;
  std::vector<std::string> left_with;
  const RunResult r = testing::run_runtime(std::make_unique<InProcRanksRuntime>(/*cut_shard_after=*/0.5, &left_with),
                                           c, data, testing::linear_factory());
  EXPECT_LT(clock.seconds(), 0.5 + 1 + 10);
  EXPECT_EQ(r.status, RunStatus::kFailed);
  EXPECT_NE(r.stop_reason.find("server shard 2 (rank 2) has not been heard"), std::string::npos) << r.stop_reason;
  const auto summary = summary_in(dir);
  EXPECT_EQ(summary["status"], "failed");
  EXPECT_EQ(summary["server_ranks"][2]["state"], "lost");
  EXPECT_TRUE(summary["shards"][0]["accounting"]["balances"].get<bool>());
  // A worker that could not reach the lost shard left saying so; the others were told to stop.
  for (const std::string& why : left_with) EXPECT_NE(why.find("server shard"), std::string::npos) << why;
}

TEST(InProcProtocol, AWorkerThatStopsAnsweringIsDeclaredDeadAndTheRunGoesOn) {
  testing::TempDir dir;
  const Dataset data = testing::blobs_dataset(1500, 300, 1);
  TrainConfig c = config_in(dir.str(), "sync");
  c.mpi.worker_timeout = 0.5;
  c.mpi.server_timeout = 20;  // the hung rank hears no "alive" once declared dead; the run ends well before
  c.mpi.hang_rank = 2;  // stops answering after 3 pushes, leaves when told to stop
  c.mpi.hang_after = 3;
  const RunResult r =
      testing::run_runtime(std::make_unique<InProcRanksRuntime>(), c, data, testing::linear_factory());
  EXPECT_EQ(r.status, RunStatus::kFinished) << r.stop_reason;
  EXPECT_GE(r.final_row().updates, 120u);  // sync rounds went on with the two live workers
  const auto summary = summary_in(dir);
  EXPECT_TRUE(summary["accounting"]["balances"].get<bool>());
  // It leaves when told to stop, after the server has finished: it never said bye.
  EXPECT_EQ(summary["ranks"][1]["state"], "dead") << summary["ranks"].dump();
  EXPECT_FALSE(summary["ranks"][1]["alive"].get<bool>());
  EXPECT_EQ(summary["ranks"][0]["state"], "finished");
}

TEST(InProcTransport, ValidatesMessagesAsTheWireDoes) {
  InProcNetwork network(2);
  MessageHeader h;
  h.type = MessageType::kPush;
  h.sender = 1;
  h.payload_floats = 3;
  const float gradient[3] = {1, 2, 3};
  ASSERT_TRUE(network.endpoint(1).send(h, gradient, 0));
  int sender = -1;
  ASSERT_TRUE(network.endpoint(0).poll(kAnySource, &sender, false));
  EXPECT_EQ(sender, 1);
  std::vector<float> payload;
  // The receiver's model has 4 parameters: a push of 3 is refused, naming the rank.
  testing::expect_error<TransportError>([&] { network.endpoint(0).receive(1, 4, payload, 1.0); }, {"rank 1"});
  // Nothing more comes: a receive gives up after its timeout.
  EXPECT_THROW(network.endpoint(0).receive(1, 3, payload, 0.05), PeerSilent);
  // A rank cut off (dead) cannot be sent to.
  network.cut_off(1);
  EXPECT_FALSE(network.endpoint(0).send(h, gradient, 1));
}

}  // namespace
}  // namespace hsgd
