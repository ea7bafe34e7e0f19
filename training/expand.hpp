// Forward graph → training-step graph: forward (with the tensors autograd saves), loss,
// backward (dX and dW loop nests, element-wise backward ops, gradient sums at forks),
// recompute ops for a checkpoint plan, and one optimizer update per parameter tensor.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "training/memory.hpp"
#include "training/options.hpp"
#include "workloads/graph.hpp"

namespace monet::training {

// The name of the teacher-logits input a distillation loss reads.
inline constexpr const char* kTeacherLogits = "teacher.logits";

// The frozen teacher of a distillation step (distill.hpp), as reported.
struct TeacherSummary {
  std::string model;
  int64_t parameters = 0;       // elements
  int64_t parameter_bytes = 0;  // at the teacher's own element size
  int64_t logits_bytes = 0;     // the teacher's output, kept until the loss reads it
  int64_t macs = 0;             // the teacher's forward pass
  int element_bits = 0;         // the teacher's activation element size
};

struct TrainingStep {
  // Ops in execution order: forward (ids equal to the forward graph's), loss, backward in
  // reverse with recompute ops right before their first backward reader, optimizer updates.
  // Tensor ids [0, forward tensor count) are the forward graph's tensors.
  workloads::Graph graph;
  std::vector<int> saved_tensors;  // forward activations kept for backward (ids in graph)
  MemoryReport memory;
  // Per tensor id: the final gradient of a forward activation or parameter, -1 if none.
  std::vector<int> gradient_of;
  int loss_op = -1;
  Loss loss = Loss::kAuto;      // the loss used (kAuto resolved)
  TrainingPrecision precision;  // the element sizes used (0s resolved to the workload's)
  int forward_op_count = 0;
  int64_t parameters = 0;                 // parameter elements (a tied tensor once)
  int64_t trainable_parameters = 0;       // of which train (get a gradient and an update)
  std::vector<int> adapter_parameters;    // parameters an adapter rewrite added (ids in graph)
  std::string trainable;                  // the trainable set as resolved ("all", "fc", ...)
  std::vector<std::string> adapters;      // AdapterSpec::str() of each adapter applied
  std::optional<TeacherSummary> teacher;  // distillation steps only
};

// Adapters in `options` are applied first (adapters.hpp): the step's forward ops are then the
// adapted graph's. Element sizes left 0 in `options` are the forward graph's
// (workload_element_bits of `forward`, before adapters). Throws core::Error for graphs that cannot
// be trained (no single output, no trainable parameter before it, ops that are already training
// ops), for trainable sets that select nothing and for impossible checkpoint plans.
TrainingStep expand(const workloads::Graph& forward, const TrainingOptions& options);

// `forward` already carries adapters (apply_adapters): `adapter_params` train, and
// options.adapters only describe them (they are not applied again). Forward op ids of the
// step equal those of `forward`.
TrainingStep expand_adapted(const workloads::Graph& forward, const std::vector<int>& adapter_params,
                            const TrainingOptions& options);

// What the backward of a forward op reads from the forward pass (autograd's saved tensors):
// conv/linear: input (and the other operand for activation·activation products); ReLU and
// sigmoid: output; BatchNorm/LayerNorm: input and statistics; softmax: output; GELU, SiLU,
// LeakyReLU: input; dropout: mask; max-pool: indices; embedding: the ids — each only when a
// remaining backward op reads it (a frozen conv whose input needs a gradient keeps nothing;
// a normalisation whose γ is frozen and whose input needs no gradient keeps nothing; a
// BatchNorm on running statistics keeps nothing). `step` must come
// from expand (statistics, masks and indices are extra outputs of the forward ops there).
std::vector<int> saved_by(const TrainingStep& step, int forward_op);

// Forward activations a checkpoint plan may drop to save memory: those kept for backward
// when nothing is dropped, minus graph outputs. Names usable in a kExplicit plan.
std::vector<int> checkpoint_candidates(const TrainingStep& no_plan_step);

}  // namespace monet::training
