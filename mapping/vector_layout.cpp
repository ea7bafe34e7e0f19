// Tensors stored as vectors of N channels (execution.channels_per_vector): a pixel's (or a
// row's) channels fill whole vectors, so a tensor whose channel count is not a multiple of N
// occupies, moves and is processed as if padded to the next multiple (Tensil: a 32x32x3 image
// is 1,024 vectors on a 32-lane array).
#include <algorithm>
#include <cmath>

#include "mapping/cost.hpp"

namespace monet::mapping {

using workloads::Dim;

namespace {
int64_t whole_vectors(int64_t channels, int per_vector) {
  return (channels + per_vector - 1) / per_vector * per_vector;
}
}  // namespace

double channel_padding(int64_t channels, int per_vector) {
  if (per_vector <= 0 || channels <= 0) return 1.0;
  return static_cast<double>(whole_vectors(channels, per_vector)) / static_cast<double>(channels);
}

int64_t channels_of(const workloads::Tensor& t) {
  if (t.shape.empty()) return 0;
  // NCHW activations keep channels in dimension 1; matrices and sequences in the last.
  return t.shape.size() == 4 ? t.shape[1] : t.shape.back();
}

double tensor_padding(const workloads::Tensor& t, int per_vector) {
  if (per_vector <= 0 || t.shape.empty()) return 1.0;
  using workloads::TensorKind;
  const bool weights = t.kind == TensorKind::kParameter || t.kind == TensorKind::kParamGradient ||
                       t.kind == TensorKind::kOptimizerState;
  // A weight tensor (K, C, ...) or (out, in) is padded in both channel dimensions; a vector of
  // per-channel parameters in its one.
  if (weights && t.shape.size() >= 2)
    return channel_padding(t.shape[0], per_vector) * channel_padding(t.shape[1], per_vector);
  return channel_padding(channels_of(t), per_vector);
}

OpShape padded_to_vectors(const OpShape& s, int per_vector) {
  if (per_vector <= 0) return s;
  OpShape p = s;
  if (p.nest) {
    auto& n = *p.nest;
    for (Dim d : {Dim::kK, Dim::kC}) n[d] = whole_vectors(n[d], per_vector);
    return p;
  }
  const double f = channel_padding(s.channels, per_vector);
  auto scale = [f](int64_t v) {
    return static_cast<int64_t>(std::llround(static_cast<double>(v) * f));
  };
  p.elements = scale(s.elements);
  p.read_elements = scale(s.read_elements);
  p.write_elements = scale(s.write_elements);
  return p;
}

}  // namespace monet::mapping
