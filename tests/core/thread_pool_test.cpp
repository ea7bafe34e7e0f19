#include <catch2/catch.hpp>

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/thread_pool.hpp"

using monet::core::ThreadPool;

TEST_CASE("parallel_for runs every index exactly once") {
  for (std::size_t threads : {1, 2, 4, 7}) {
    ThreadPool pool(threads);
    CHECK(pool.size() == threads);
    for (std::size_t n : {0, 1, 3, 100, 1000}) {
      std::vector<std::atomic<int>> hits(n);
      pool.parallel_for(n, [&](std::size_t i) { hits[i].fetch_add(1); });
      for (std::size_t i = 0; i < n; ++i) REQUIRE(hits[i].load() == 1);
    }
  }
}

TEST_CASE("the pool is reusable and results written by index do not depend on threads") {
  // Sum of squares 0..n-1 = (n-1) n (2n-1) / 6, computed per index then summed in order.
  const std::size_t n = 5000;
  const double expected = static_cast<double>(n - 1) * n * (2 * n - 1) / 6.0;
  ThreadPool pool(4);
  for (int round = 0; round < 20; ++round) {
    std::vector<double> out(n);
    pool.parallel_for(n, [&](std::size_t i) { out[i] = static_cast<double>(i) * i; });
    double sum = 0;
    for (double v : out) sum += v;
    REQUIRE(sum == expected);
  }
}

TEST_CASE("the exception of the lowest failing index is rethrown") {
  ThreadPool pool(4);
  for (int round = 0; round < 20; ++round) {
    try {
      pool.parallel_for(200, [](std::size_t i) {
        if (i == 37 || i == 38 || i == 150) throw std::runtime_error("index " + std::to_string(i));
      });
      FAIL("no exception");
    } catch (const std::runtime_error& e) {
      REQUIRE(std::string(e.what()) == "index 37");
    }
  }
  // The pool still works after a failure.
  std::atomic<int> count{0};
  pool.parallel_for(50, [&](std::size_t) { count.fetch_add(1); });
  CHECK(count.load() == 50);
}

TEST_CASE("nested parallel_for on the same pool runs inline instead of deadlocking") {
  ThreadPool pool(3);
  std::vector<std::atomic<int>> hits(10 * 10);
  pool.parallel_for(10, [&](std::size_t i) {
    pool.parallel_for(10, [&](std::size_t k) { hits[i * 10 + k].fetch_add(1); });
  });
  for (auto& h : hits) CHECK(h.load() == 1);
}

TEST_CASE("a pool of zero threads is rejected") {
  CHECK_THROWS_AS(ThreadPool(0), monet::core::Error);
}
