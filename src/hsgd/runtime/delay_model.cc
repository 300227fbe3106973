// delay_model.cc
#include "hsgd/runtime/delay_model.h"

#include <cmath>
#include <numeric>

namespace hsgd {

DelayModel::DelayModel(const DelayOptions& options, int workers, uint64_t seed)
    : options_(options), delayed_(workers, 0) {
  std::vector<int> order(workers);
  std::iota(order.begin(), order.end(), 0);
  Rng pick(derive_seed(seed, 0xDE1A));
  pick.shuffle(order);
  const int count =
      options.distribution == DelayDistribution::kNone ? 0 : static_cast<int>(std::lround(options.fraction * workers));
  for (int i = 0; i < count; ++i) delayed_[order[i]] = 1;
  for (int w = 0; w < workers; ++w) streams_.emplace_back(derive_seed(seed, 0xDE1A0000ull + w));
}

int DelayModel::delayed_count() const { return static_cast<int>(std::accumulate(delayed_.begin(), delayed_.end(), 0)); }

double DelayModel::next(int worker) {
  if (!delayed_[worker]) return 0.0;
  Rng& rng = streams_[worker];
  switch (options_.distribution) {
    case DelayDistribution::kHalfNormal: return std::abs(rng.normal()) * options_.scale;
    case DelayDistribution::kExponential: return rng.exponential(options_.scale);
    case DelayDistribution::kFixed: return options_.scale;
    case DelayDistribution::kNone: break;
  }
  return 0.0;
}

std::string DelayModel::describe() const {
  if (delayed_count() == 0) return "none";
  char buf[128];
  std::snprintf(buf, sizeof buf, "%s, scale %g s, on %d of %zu workers", name_of(options_.distribution),
                options_.scale, delayed_count(), delayed_.size());
  return buf;
}

std::vector<uint64_t> DelayModel::save_state() const {
  std::vector<uint64_t> words(streams_.size() * Rng::kStateWords);
  for (size_t w = 0; w < streams_.size(); ++w) streams_[w].get_state(&words[w * Rng::kStateWords]);
  return words;
}

std::string DelayModel::restore_state(const std::vector<uint64_t>& words) {
  if (words.size() != streams_.size() * Rng::kStateWords) return "it holds the delays of another number of workers";
  std::vector<Rng> streams = streams_;
  for (size_t w = 0; w < streams.size(); ++w)
    if (!streams[w].set_state(&words[w * Rng::kStateWords]))
      return "worker " + std::to_string(w) + "'s delay generator state is all zero";
  streams_ = std::move(streams);
  return "";
}

}  // namespace hsgd
