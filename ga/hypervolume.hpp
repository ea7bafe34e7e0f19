// Exact hypervolume of a set of minimised objective vectors: the measure of the region that the
// points dominate and that is bounded by the reference point.
#pragma once

#include <vector>

namespace monet::ga {

// Points that do not strictly dominate `reference` in every objective contribute nothing;
// dominated points and duplicates are allowed. Dimensions:
//   1: max(0, r - min x);
//   2: sweep over x, O(n log n);
//   3: slices along the last objective, each a 2-D sweep over an x-sorted list, O(n^2);
//   d > 3: the same slicing applied recursively (HSO, While et al. 2006), exact but
//          O(n^(d-1)), meant for small fronts only.
// Throws core::Error when `reference` is empty, a point has a different dimension, or a value is
// not finite.
double hypervolume(const std::vector<std::vector<double>>& points,
                   const std::vector<double>& reference);

}  // namespace monet::ga
