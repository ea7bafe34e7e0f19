#include "ga/hypervolume.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <utility>

#include "core/error.hpp"

namespace monet::ga {

namespace {

using Point = std::vector<double>;

// 2-D sweep over points sorted by (x, y) ascending; every point strictly inside the reference box.
double sweep_2d(const std::vector<const Point*>& sorted, double rx, double ry) {
  double volume = 0.0;
  double best_y = ry;  // lowest y seen so far: the staircase height to the right of x
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    const Point& p = *sorted[i];
    if (p[1] < best_y) {
      // The strip between this x and the reference is covered from p.y up to the old staircase.
      volume += (rx - p[0]) * (best_y - p[1]);
      best_y = p[1];
    }
  }
  return volume;
}

bool less_xy(const Point* a, const Point* b) {
  if ((*a)[0] != (*b)[0]) return (*a)[0] < (*b)[0];
  return (*a)[1] < (*b)[1];
}

// Hypervolume in the first `d` coordinates of `points` (d >= 2), all strictly inside the box.
double slice(std::vector<const Point*> points, std::size_t d, const Point& ref) {
  if (points.empty()) return 0.0;
  if (d == 2) {
    std::sort(points.begin(), points.end(), less_xy);
    return sweep_2d(points, ref[0], ref[1]);
  }
  const std::size_t z = d - 1;
  if (d == 3) {
    // Keep an x-sorted list of the points below the current slice, so each slice is one pass.
    std::vector<const Point*> by_z = points;
    std::stable_sort(by_z.begin(), by_z.end(),
                     [z](const Point* a, const Point* b) { return (*a)[z] < (*b)[z]; });
    std::vector<const Point*> active;
    double volume = 0.0;
    for (std::size_t i = 0; i < by_z.size(); ++i) {
      active.insert(std::upper_bound(active.begin(), active.end(), by_z[i], less_xy), by_z[i]);
      const double top = (i + 1 < by_z.size()) ? (*by_z[i + 1])[z] : ref[z];
      const double height = top - (*by_z[i])[z];
      if (height > 0.0) volume += height * sweep_2d(active, ref[0], ref[1]);
    }
    return volume;
  }
  std::stable_sort(points.begin(), points.end(),
                   [z](const Point* a, const Point* b) { return (*a)[z] < (*b)[z]; });
  double volume = 0.0;
  std::vector<const Point*> active;
  for (std::size_t i = 0; i < points.size(); ++i) {
    active.push_back(points[i]);
    const double top = (i + 1 < points.size()) ? (*points[i + 1])[z] : ref[z];
    const double height = top - (*points[i])[z];
    if (height > 0.0) volume += height * slice(active, d - 1, ref);
  }
  return volume;
}

}  // namespace

double hypervolume(const std::vector<std::vector<double>>& points,
                   const std::vector<double>& reference) {
  const std::size_t d = reference.size();
  if (d == 0) throw core::Error("hypervolume: the reference point has no coordinates");
  for (double r : reference)
    if (!std::isfinite(r)) throw core::Error("hypervolume: the reference point is not finite");
  std::vector<const Point*> inside;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const Point& p = points[i];
    if (p.size() != d)
      throw core::Error("hypervolume: point " + std::to_string(i) + " has " +
                        std::to_string(p.size()) + " coordinates, the reference point has " +
                        std::to_string(d));
    bool in = true;
    for (std::size_t j = 0; j < d; ++j) {
      if (!std::isfinite(p[j]))
        throw core::Error("hypervolume: point " + std::to_string(i) + " is not finite");
      if (p[j] >= reference[j]) in = false;
    }
    if (in) inside.push_back(&p);
  }
  if (inside.empty()) return 0.0;
  if (d == 1) {
    double lo = reference[0];
    for (const Point* p : inside) lo = std::min(lo, (*p)[0]);
    return reference[0] - lo;
  }
  return slice(std::move(inside), d, reference);
}

}  // namespace monet::ga
