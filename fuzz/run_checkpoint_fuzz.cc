// run_checkpoint_fuzz.cc: libFuzzer target for the harness's and the
// simulator's sections of a checkpoint (runtime/harness_sections.h,
// runtime/sim_sections.h): what `hsgd train --resume` reads beyond the
// container (checkpoint_fuzz.cc) and the parameter server's sections.
//
// The first 4 bytes describe the run being resumed, the rest is the
// checkpoint file:
//   byte 0  workers - 1 (mod 8: 1 to 8)       byte 1  servers - 1 (mod 4: 1 to 4)
//   byte 2  the model's parameters - 1 (mod 16: 1 to 16)
//   byte 3  bits 0-3: samples per worker - 1 (1 to 16); bits 4-5: batch size - 1
// The file is parsed as it is and with its trailing CRC-32 recomputed (so
// that the checks behind the checksum are reached), then asked for what a
// resume asks, in its order: the configuration against a default run's, the
// training time, the harness's rows, state and delay streams, the
// simulator's sections against the run's shape (every shard at version 5),
// and each worker's minibatch order against its shard (worker w holds
// samples [w m, (w + 1) m)). CheckpointError and ConfigError are the
// expected answers to bad input; anything else is a bug.
#include <zlib.h>

#include <cstdint>
#include <string>
#include <vector>

#include "hsgd/common/checkpoint_file.h"
#include "hsgd/runtime/delay_model.h"
#include "hsgd/runtime/harness_sections.h"
#include "hsgd/runtime/sim_sections.h"

namespace {

struct Run {
  int workers, shards, params, samples, batch;
};

void resume(const std::string& bytes, const Run& run) {
  try {
    const hsgd::CheckpointFile file = hsgd::CheckpointFile::parse(bytes, "fuzz");
    try {
      hsgd::check_checkpoint_config(file, hsgd::checkpoint_meaning(hsgd::TrainConfig{}, false));
    } catch (const hsgd::ConfigError&) {
    }
    hsgd::checkpoint_time(file);
    const hsgd::HarnessSections h = hsgd::read_harness_sections(file);
    if (h.state.size() != hsgd::harness_slot::kStateSlots) __builtin_trap();
    hsgd::DelayModel delays(hsgd::DelayOptions{}, run.workers, 1);
    delays.restore_state(h.delays);
    hsgd::SimCheckpointShape shape;
    shape.workers = run.workers;
    shape.shards = run.shards;
    shape.num_params = static_cast<size_t>(run.params);
    shape.shard_versions.assign(static_cast<size_t>(run.shards), 5);
    const hsgd::SimSections s = hsgd::read_sim_sections(file, shape);
    if (s.gradients.size() != shape.num_params * static_cast<size_t>(run.workers)) __builtin_trap();
    std::vector<hsgd::BatchSampler> samplers;
    for (int w = 0; w < run.workers; ++w) {
      std::vector<size_t> shard;
      for (int i = 0; i < run.samples; ++i) shard.push_back(static_cast<size_t>(w * run.samples + i));
      samplers.emplace_back(shard, static_cast<size_t>(run.batch), static_cast<uint64_t>(w + 1));
    }
    std::vector<hsgd::SamplerOfWorker> of;
    for (int w = 0; w < run.workers; ++w) of.push_back({w, &samplers[static_cast<size_t>(w)]});
    hsgd::restore_sampler_states(file, "sim/samplers", of);
    for (auto& sampler : samplers) sampler.next();  // a restored sampler must draw within its shard
  } catch (const hsgd::CheckpointError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  const Run run{1 + (data[0] & 7), 1 + (data[1] & 3), 1 + (data[2] & 15), 1 + (data[3] & 15), 1 + ((data[3] >> 4) & 3)};
  std::string bytes(reinterpret_cast<const char*>(data + 4), size - 4);
  resume(bytes, run);
  if (bytes.size() >= 4) {
    const uInt body = static_cast<uInt>(bytes.size() - 4);
    const uint32_t crc =
        static_cast<uint32_t>(crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(bytes.data()), body));
    for (int i = 0; i < 4; ++i) bytes[body + i] = static_cast<char>((crc >> (8 * i)) & 0xff);
    resume(bytes, run);
  }
  return 0;
}
