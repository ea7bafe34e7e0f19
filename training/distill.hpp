// Knowledge distillation steps: a frozen teacher's forward pass followed by the student's
// training step, whose loss reads the teacher's logits (Hinton et al. 2015, arXiv 1503.02531;
// the few-shot backbones of PEFSL and the MobileViT work are pre-trained this way).
#pragma once

#include "training/expand.hpp"
#include "training/options.hpp"
#include "workloads/graph.hpp"

namespace monet::training {

// The step's graph: the teacher's ops first (named and blocked "teacher.<name>", BatchNorm on
// running statistics, tensors at the teacher's own element sizes, parameters frozen: no
// gradient, no state), its output being the `teacher.logits` the loss reads; the teacher reads
// the student's input when the shapes agree (the same images), else an input of its own; then
// the student's training step (`options`; loss auto or distillation). The memory report
// covers both models and the teacher's logits, which live from the teacher's last op to the
// loss. Throws core::Error when the teacher has not exactly one output or its output's shape
// differs from the student's.
TrainingStep expand_distillation(const workloads::Graph& student, const workloads::Graph& teacher,
                                 const TrainingOptions& options);

}  // namespace monet::training
