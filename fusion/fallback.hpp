// Fall-backs: an op that a core declares it runs (its op kinds) but that the core cannot run
// as given (precision, memory fit, a CIM core asked for dW), so the op ran elsewhere. They are
// tallied per (op kind, core, reason) so a run, a cost table or a search can announce them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace monet::fusion {

struct Fallback {
  std::string op_kind;
  std::string core;    // the core that could not run the ops
  std::string reason;  // the cost model's reason
  int64_t ops = 0;     // how many ops fell back for this (kind, core, reason)
};

// Counts one more op under (kind, core, reason).
void add_fallback(std::vector<Fallback>& list, const std::string& op_kind, const std::string& core,
                  const std::string& reason);

// "12 conv ops could not run on core 'tensil' and ran on another core: REASON"
std::string fallback_text(const Fallback& f);

// [{"op_kind", "core", "reason", "ops"}, ...]
nlohmann::json fallbacks_json(const std::vector<Fallback>& list);

}  // namespace monet::fusion
