// protocol_test.cc: the server/worker protocol (runtime/server_rank.h,
// runtime/worker_rank.h) with its ranks as threads of this process, over the
// in-process transport (transport/inproc_transport.h), without mpirun: the
// same server and worker code as --runtime mpi (tests/mpi_test.cc runs it
// over MPI). Every mode learns and balances its accounting; a worker that
// stops answering is declared dead and the run goes on without it.
#include <gtest/gtest.h>

#include <exception>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "hsgd/data/sharding.h"
#include "hsgd/runtime/runtime.h"
#include "hsgd/runtime/server_rank.h"
#include "hsgd/runtime/worker_rank.h"
#include "hsgd/transport/inproc_transport.h"
#include "tests/linear_model.h"
#include "tests/runtime_util.h"
#include "tests/test_util.h"

namespace hsgd {
namespace {

// Rank 0 (the server) on the training thread, ranks 1..N as threads, each
// worker with only its shard of the training set, as MPI's workers hold.
class InProcRanksRuntime : public Runtime {
 public:
  RuntimeTraits traits() const override {
    RuntimeTraits t;
    t.evaluation = EvaluationMode::kBackground;
    t.real_time = true;
    t.concurrent_workers = true;
    return t;
  }

  RunResult train(RunHarness& run) override {
    const TrainConfig& c = run.config();
    const int n = c.workers();
    InProcNetwork network(n + 1);
    std::vector<Dataset> shards(static_cast<size_t>(n), run.data());
    std::vector<std::exception_ptr> errors(static_cast<size_t>(n));
    std::vector<std::thread> workers;
    for (int w = 0; w < n; ++w) {
      Dataset& shard = shards[static_cast<size_t>(w)];
      shard.train = shard.train.subset(shard_indices(shard.train.size(), n, w, c.seed));
      shard.test = ImageSet{};
      workers.emplace_back([&, w] {
        try {
          run_worker_rank(network.endpoint(w + 1), c, shards[static_cast<size_t>(w)], run.factory());
        } catch (...) {
          errors[static_cast<size_t>(w)] = std::current_exception();
        }
      });
    }
    RunResult result;
    try {
      result = serve_as_server_rank(run, network.endpoint(0), std::vector<int>(static_cast<size_t>(n + 1), 0));
    } catch (...) {
      for (int w = 1; w <= n; ++w) network.cut_off(w);  // the workers leave (--server-timeout)
      for (auto& t : workers) t.join();
      throw;
    }
    for (auto& t : workers) t.join();
    for (const auto& e : errors)
      if (e) std::rethrow_exception(e);
    return result;
  }
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
