// Computation nodes: each op of a stack split into tiles along its fusion axis, with tile
// dependencies from receptive fields inside a stack and whole-tensor dependencies across
// stacks. Each tensor is cut into pieces, one per tile of its producer.
#pragma once

#include <string>
#include <vector>

#include "fusion/plan.hpp"
#include "mapping/cost.hpp"
#include "workloads/graph.hpp"

namespace monet::fusion {

struct PieceRef {
  int tensor = -1;
  int piece = 0;
};

struct CN {
  int id = -1;
  int op = -1;
  int tile = 0;
  int tiles = 1;  // tiles of this op (min of the stack's tiles and the op's split rows)
  int stack = -1;
  int core = -1;
  int64_t row_begin = 0, row_end = 1;  // along the op's split axis
  std::vector<int> preds;              // CN ids that must finish first
  std::vector<PieceRef> reads;
  std::vector<PieceRef> writes;
  double duration_s = 0;         // on-chip latency on its core
  double energy_pj = 0;          // on-chip energy (compute + on-chip memories)
  double compute_energy_pj = 0;  // MAC + vector + CIM periphery part of energy_pj
  // DRAM re-reads the mapping of this tile needs beyond one pass of its operands; re-reads
  // across tiles (weights, halos) are counted by the scheduler (Summary::refetch_dram_bytes).
  double refetch_dram_bytes = 0;
  double macs = 0;
  double instructions = 0;  // issued on its core (mapping::OpCost::instructions)
  std::string bound_by;     // what sets duration_s (mapping::OpCost::bound_by)
  // The GPU kernel that runs it: "tiled" (thread blocks of the core's shapes) or "gemv"
  // (mapping::gpu_gemv); empty on cores without thread-block shapes and for vector ops.
  std::string kernel;
};

struct CnGraph {
  std::vector<CN> cns;
  std::vector<int> first_cn_of_op;  // per op id; an op's CNs are contiguous
  std::vector<int> tiles_of_op;
  std::vector<int> piece_offset;      // per tensor: index of its piece 0 in piece_bytes
  std::vector<int> pieces_of_tensor;  // per tensor
  std::vector<double> piece_bytes;    // flattened
  std::vector<int> piece_tensor;      // flattened: the tensor each piece belongs to
  int piece_index(PieceRef r) const { return piece_offset[r.tensor] + r.piece; }
};

// Builds the CNs of a plan; tile costs come from the (cached) cost model.
CnGraph build_cns(const workloads::Graph& g, const FusionPlan& plan,
                  const mapping::CostModel& costs);

// The op shape of one tile: the split loop (or element rows) reduced to the tile's rows.
mapping::OpShape tile_shape(const workloads::Graph& g, const workloads::Op& op, int64_t rows);

}  // namespace monet::fusion
