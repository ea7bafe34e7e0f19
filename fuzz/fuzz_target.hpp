// Shared by the fuzz targets: what counts as a finding. A loader may reject any input with
// core::Error (the CLI's exit 2); any other exception is a bug (the CLI's exit 1), and so is a
// non-finite number in anything a loader accepted. Findings abort, so libFuzzer (and the
// replay test) report them with the input that caused them.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "core/error.hpp"

#ifndef MONET_SOURCE_DIR
#error "fuzz targets need MONET_SOURCE_DIR (fuzz/CMakeLists.txt defines it)"
#endif

namespace monet::fuzz {

inline std::string source_path(const std::string& relative) {
  return std::string(MONET_SOURCE_DIR) + "/" + relative;
}

[[noreturn]] inline void finding(const std::string& what) {
  std::fprintf(stderr, "fuzz finding: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

inline void require_finite(double v, const std::string& what) {
  if (!std::isfinite(v)) finding("non-finite " + what + " accepted");
}

// Runs one input through `f`; core::Error is a clean rejection, anything else a finding.
template <class F>
int run_one(F&& f) {
  try {
    f();
  } catch (const core::Error& e) {
    // Rejected with a message: the expected outcome for most mutated inputs.
    if (std::getenv("MONET_FUZZ_VERBOSE")) std::fprintf(stderr, "rejected: %s\n", e.what());
    return 0;
  } catch (const std::exception& e) {
    finding(std::string("escaped exception (the CLI's exit 1): ") + e.what());
  } catch (...) {
    finding("escaped non-standard exception");
  }
  if (std::getenv("MONET_FUZZ_VERBOSE")) std::fprintf(stderr, "accepted\n");
  return 0;
}

}  // namespace monet::fuzz
