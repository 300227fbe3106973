// rng.h: the seeded random number generators every random choice in hsgd uses.
//
// We own the generator (xoshiro256** seeded through splitmix64) and the
// distributions instead of using <random>'s, whose distributions differ
// between standard libraries: the same seed gives the same numbers on every
// platform, which the simulator's bit-for-bit determinism relies on.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

namespace hsgd {

// splitmix64: turns any 64-bit value into a well-mixed one. Used to seed and
// to derive independent child seeds (seed, stream id) -> seed.
inline uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// A seed for an independent stream: derive_seed(seed, "worker 3") style.
inline uint64_t derive_seed(uint64_t seed, uint64_t stream) {
  uint64_t state = seed ^ (stream * 0xD1B54A32D192ED03ull + 0x8CB92BA72F3D8DD7ull);
  splitmix64(state);
  return splitmix64(state);
}

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t state = seed;
    for (auto& word : s_) word = splitmix64(state);
  }

  // xoshiro256** (Blackman and Vigna), 64 random bits.
  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform integer in [0, n), without modulo bias (Lemire's method). n > 0.
  uint64_t uniform_int(uint64_t n) {
    unsigned __int128 m = static_cast<unsigned __int128>(next()) * n;
    uint64_t low = static_cast<uint64_t>(m);
    if (low < n) {
      const uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<unsigned __int128>(next()) * n;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }

  // Uniform double in [0, 1) with 53 random bits.
  double uniform01() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  // Standard normal N(0, 1), Box-Muller (one value per call; no cached pair,
  // so the stream position depends only on the number of calls).
  double normal() {
    double u1 = uniform01();
    while (u1 <= 0.0) u1 = uniform01();
    const double u2 = uniform01();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

  // Exponential with the given mean.
  double exponential(double mean) {
    double u = uniform01();
    while (u <= 0.0) u = uniform01();
    return -mean * std::log(u);
  }

  // Fisher-Yates shuffle.
  template <typename T>
  void shuffle(std::vector<T>& v) {
    for (size_t i = v.size(); i > 1; --i) {
      const size_t j = uniform_int(i);
      std::swap(v[i - 1], v[j]);
    }
  }

  // The generator's whole state, for checkpoints. An all-zero state would
  // only ever give zeros: set_state refuses it (returns false).
  static constexpr size_t kStateWords = 4;
  void get_state(uint64_t out[kStateWords]) const {
    for (size_t i = 0; i < kStateWords; ++i) out[i] = s_[i];
  }
  bool set_state(const uint64_t in[kStateWords]) {
    if ((in[0] | in[1] | in[2] | in[3]) == 0) return false;
    for (size_t i = 0; i < kStateWords; ++i) s_[i] = in[i];
    return true;
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[kStateWords];
};

}  // namespace hsgd
