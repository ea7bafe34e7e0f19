// Textbook problems shared by the GA tests.
#pragma once

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "ga/genome.hpp"

namespace monet::ga::testing {

// ZDT1 (Zitzler, Deb & Thiele 2000) on a grid: gene i in 0..resolution maps to x_i = gene /
// resolution. f1 = x_1, g = 1 + 9 * mean(x_2..x_n), f2 = g (1 - sqrt(f1 / g)). The optimal front is
// x_2..x_n = 0, i.e. f2 = 1 - sqrt(f1), and every grid value of f1 lies on it.
class Zdt1 : public Problem {
 public:
  Zdt1(std::size_t genes, int resolution, GeneGroup::Mutation mutation)
      : genes_(genes), resolution_(resolution), mutation_(mutation) {}
  std::vector<GeneGroup> genes() const override {
    return {
        GeneGroup::uniform("x", genes_, 0, resolution_, GeneGroup::Crossover::kUniform, mutation_)};
  }
  std::vector<std::string> objective_names() const override { return {"f1", "f2"}; }
  Evaluation evaluate(const Genome& x) const override {
    const double f1 = static_cast<double>(x[0]) / resolution_;
    double sum = 0;
    for (std::size_t i = 1; i < x.size(); ++i) sum += static_cast<double>(x[i]) / resolution_;
    const double g = 1.0 + 9.0 * sum / static_cast<double>(x.size() - 1);
    return {{f1, g * (1.0 - std::sqrt(f1 / g))}, 0.0};
  }

 private:
  std::size_t genes_;
  int resolution_;
  GeneGroup::Mutation mutation_;
};

// A bi-objective 0/1 knapsack: choose items to maximise two value totals (minimise their
// negatives) under one weight capacity; the violation is the excess weight.
class Knapsack : public Problem {
 public:
  explicit Knapsack(GeneGroup::Crossover crossover = GeneGroup::Crossover::kUniform)
      : crossover_(crossover) {
    // Fixed pseudo-random but hand-checkable data: 14 items.
    value1_ = {12, 7, 19, 3, 15, 9, 11, 6, 14, 8, 17, 4, 10, 13};
    value2_ = {5, 16, 4, 18, 7, 13, 9, 15, 6, 12, 3, 17, 11, 8};
    weight_ = {9, 8, 13, 7, 11, 9, 10, 6, 12, 8, 14, 5, 9, 10};
    int total = 0;
    for (int w : weight_) total += w;
    capacity_ = total / 2;
  }
  std::size_t items() const { return weight_.size(); }
  int capacity() const { return capacity_; }
  std::vector<GeneGroup> genes() const override {
    return {GeneGroup::uniform("take", items(), 0, 1, crossover_, GeneGroup::Mutation::kBitFlip)};
  }
  std::vector<std::string> objective_names() const override { return {"-value1", "-value2"}; }
  Evaluation evaluate(const Genome& take) const override {
    int v1 = 0, v2 = 0, w = 0;
    for (std::size_t i = 0; i < take.size(); ++i) {
      if (!take[i]) continue;
      v1 += value1_[i];
      v2 += value2_[i];
      w += weight_[i];
    }
    return {{-static_cast<double>(v1), -static_cast<double>(v2)},
            static_cast<double>(std::max(0, w - capacity_))};
  }

 private:
  GeneGroup::Crossover crossover_;
  std::vector<int> value1_, value2_, weight_;
  int capacity_ = 0;
};

}  // namespace monet::ga::testing
