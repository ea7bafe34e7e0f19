// Event-driven list scheduling of CNs on cores, with DRAM and link bandwidth as shared
// resources and each core's top memory holding resident tensor pieces (spilling to DRAM).
#pragma once

#include "accelerators/accelerator.hpp"
#include "fusion/cn.hpp"
#include "fusion/schedule.hpp"

namespace monet::fusion {

struct ScheduleOptions {
  bool keep_records = true;  // per-CN/transfer records and memory samples (off for searches)
};

Schedule schedule(const workloads::Graph& g, const FusionPlan& plan, const CnGraph& cns,
                  const accelerators::Accelerator& acc, const ScheduleOptions& options = {});

}  // namespace monet::fusion
