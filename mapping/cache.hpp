// The cost cache: one entry per (op shape, core); options are fixed per CostModel. Readers
// share the lock, so parallel lookups of cached shapes do not serialise. Internal to mapping/.
#pragma once

#include <shared_mutex>
#include <unordered_map>

#include "mapping/cost.hpp"

namespace monet::mapping {

struct CostModel::Cache {
  struct Key {
    OpShape shape;
    int core = 0;
    bool operator==(const Key& o) const { return core == o.core && shape == o.shape; }
  };
  struct KeyHash {
    size_t operator()(const Key& k) const {
      return hash_value(k.shape) ^ (static_cast<size_t>(k.core) * 0x9e3779b97f4a7c15ULL);
    }
  };

  mutable std::shared_mutex mutex;
  std::unordered_map<Key, OpCost, KeyHash> entries;
};

}  // namespace monet::mapping
