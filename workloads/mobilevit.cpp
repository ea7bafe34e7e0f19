// MobileViT XXS/XS/S (Mehta & Rastegari 2022). Placeholder until the builder lands.
#include "core/error.hpp"
#include "workloads/models.hpp"

namespace monet::workloads {

Graph mobilevit(const MobileViTOptions&) { throw core::Error("mobilevit: not built yet"); }

}  // namespace monet::workloads
