// A seedable, deterministic random number generator.
//
// std::uniform_int_distribution and friends are implementation-defined, so the same seed gives
// different numbers with libstdc++ and libc++. Everything here is specified bit for bit:
// xoshiro256** (Blackman & Vigna, 2018) seeded through splitmix64, with our own bounded-integer
// and real conversions. A given (seed, stream) produces the same sequence on every platform.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace monet::core {

// splitmix64 (Steele, Lea & Flood, 2014): a 64-bit mixer used to expand seeds into state.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

 private:
  std::uint64_t state_;
};

// xoshiro256**. Satisfies UniformRandomBitGenerator, but prefer the members below to std::
// distributions, whose output is not portable.
class Rng {
 public:
  using result_type = std::uint64_t;

  explicit Rng(std::uint64_t seed) { seed_state(SplitMix64(seed)); }

  // An independent stream per (seed, stream) pair, e.g. one per GA generation: the stream id is
  // mixed into the seed so neighbouring ids give unrelated sequences.
  Rng(std::uint64_t seed, std::uint64_t stream) {
    SplitMix64 mix(stream ^ 0xD1B54A32D192ED03ULL);
    seed_state(SplitMix64(SplitMix64(seed).next() ^ mix.next()));
  }

  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

  result_type operator()() { return next(); }

  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, bound); bound must be > 0. Rejection sampling keeps it unbiased.
  std::uint64_t below(std::uint64_t bound) {
    // Values below `threshold` would make some residues more likely than others.
    const std::uint64_t threshold = (0 - bound) % bound;
    for (;;) {
      const std::uint64_t r = next();
      if (r >= threshold) return r % bound;
    }
  }

  // Uniform integer in [lo, hi], both inclusive; requires lo <= hi.
  std::int64_t uniform_int(std::int64_t lo, std::int64_t hi) {
    const std::uint64_t span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
    if (span == std::numeric_limits<std::uint64_t>::max()) return static_cast<std::int64_t>(next());
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + below(span + 1));
  }

  // Uniform double in [0, 1) with 53 random bits.
  double uniform_real() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform_real(double lo, double hi) { return lo + (hi - lo) * uniform_real(); }

  // True with probability p (p <= 0 never, p >= 1 always).
  bool bernoulli(double p) { return uniform_real() < p; }

  // Fisher-Yates with our own bounded draws, so the permutation is portable (std::shuffle is not).
  template <typename T>
  void shuffle(std::vector<T>& v) {
    for (std::size_t i = v.size(); i > 1; --i) {
      const std::size_t j = static_cast<std::size_t>(below(i));
      using std::swap;
      swap(v[i - 1], v[j]);
    }
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  void seed_state(SplitMix64 sm) {
    for (auto& s : s_) s = sm.next();
    // The all-zero state is a fixed point of xoshiro; splitmix64 practically never yields it.
    if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;
  }

  std::uint64_t s_[4];
};

}  // namespace monet::core
