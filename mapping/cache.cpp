// CostModel's cache: evaluate() looks up (shape, core) under a shared lock and prices misses
// outside any lock.
#include <mutex>

#include "mapping/cache.hpp"

namespace monet::mapping {

CostModel::CostModel(const accelerators::Accelerator& acc, CostOptions options)
    : acc_(acc), options_(options), cache_(new Cache) {}

CostModel::~CostModel() {
  delete cache_;
}

OpCost CostModel::evaluate(const OpShape& shape, int core) const {
  Cache::Key key{shape, core};
  {
    std::shared_lock lock(cache_->mutex);
    auto it = cache_->entries.find(key);
    if (it != cache_->entries.end()) return it->second;
  }
  // Priced outside the lock: two threads may price the same shape once each, harmlessly.
  OpCost cost = evaluate_uncached(shape, core);
  std::unique_lock lock(cache_->mutex);
  cache_->entries.try_emplace(std::move(key), cost);
  return cost;
}

size_t CostModel::cache_size() const {
  std::shared_lock lock(cache_->mutex);
  return cache_->entries.size();
}

}  // namespace monet::mapping
