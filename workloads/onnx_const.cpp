// ConstTensor from and to the protobuf TensorProto (typed fields or little-endian raw_data).
#include "workloads/onnx_const.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace monet::workloads::onnx_detail {

using TP = onnx::TensorProto;

bool ConstTensor::is_real_type(int32_t t) {
  return t == TP::FLOAT || t == TP::DOUBLE || t == TP::FLOAT16 || t == TP::BFLOAT16;
}

bool ConstTensor::is_numeric_type(int32_t t) {
  switch (t) {
    case TP::FLOAT:
    case TP::DOUBLE:
    case TP::FLOAT16:
    case TP::BFLOAT16:
    case TP::INT8:
    case TP::INT16:
    case TP::INT32:
    case TP::INT64:
    case TP::UINT8:
    case TP::UINT16:
    case TP::UINT32:
    case TP::UINT64:
    case TP::BOOL:
      return true;
    default:
      return false;
  }
}

namespace {

double half_to_double(uint16_t h) {
  const int sign = h >> 15, exp = (h >> 10) & 0x1f, frac = h & 0x3ff;
  double v = exp == 0    ? std::ldexp(frac, -24)
             : exp == 31 ? (frac ? NAN : INFINITY)
                         : std::ldexp(frac + 1024, exp - 25);
  return sign ? -v : v;
}

double bfloat_to_double(uint16_t b) {
  const uint32_t bits = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

template <typename T>
std::vector<T> raw_as(const std::string& raw) {
  std::vector<T> out(raw.size() / sizeof(T));
  for (size_t i = 0; i < out.size(); ++i)
    std::memcpy(&out[i], raw.data() + i * sizeof(T), sizeof(T));  // ONNX raw data is little-endian
  return out;
}

// Bytes per element in raw_data.
size_t raw_size(int32_t t) {
  switch (t) {
    case TP::DOUBLE:
    case TP::INT64:
    case TP::UINT64:
      return 8;
    case TP::FLOAT:
    case TP::INT32:
    case TP::UINT32:
      return 4;
    case TP::FLOAT16:
    case TP::BFLOAT16:
    case TP::INT16:
    case TP::UINT16:
      return 2;
    default:
      return 1;
  }
}

template <typename T, typename Out>
void append(std::vector<Out>& out, const std::string& raw) {
  for (T v : raw_as<T>(raw)) out.push_back(static_cast<Out>(v));
}

}  // namespace

std::optional<ConstTensor> const_of(const TP& t) {
  if (t.data_location() == TP::EXTERNAL || !ConstTensor::is_numeric_type(t.data_type()))
    return std::nullopt;
  const int64_t n = tensor_elements(t);
  const bool raw = t.has_raw_data();
  int64_t stored = 0;
  switch (t.data_type()) {
    case TP::FLOAT:
      stored = t.float_data_size();
      break;
    case TP::DOUBLE:
      stored = t.double_data_size();
      break;
    case TP::INT64:
      stored = t.int64_data_size();
      break;
    case TP::UINT32:
    case TP::UINT64:
      stored = t.uint64_data_size();
      break;
    default:
      stored = t.int32_data_size();
  }
  if (raw) {
    const auto bytes = static_cast<int64_t>(t.raw_data().size());
    if (bytes % static_cast<int64_t>(raw_size(t.data_type())))
      throw ModelError("tensor '" + t.name() + "': raw_data of " + std::to_string(bytes) +
                       " bytes is not a whole number of elements");
    stored = bytes / static_cast<int64_t>(raw_size(t.data_type()));
  }
  if (stored == 0 && n > 0) return std::nullopt;  // dims only: a weight exported as an input
  if (stored != n)
    throw ModelError(
        "tensor '" + t.name() + "' stores " + std::to_string(stored) + " elements but its dims " +
        shape_str(Shape(t.dims().begin(), t.dims().end())) + " have " + std::to_string(n));
  if (n > kMaxFoldElements) return std::nullopt;
  ConstTensor c;
  c.type = t.data_type();
  c.shape.assign(t.dims().begin(), t.dims().end());
  const std::string& r = t.raw_data();
  switch (t.data_type()) {
    case TP::FLOAT:
      if (raw)
        append<float>(c.reals, r);
      else
        c.reals.assign(t.float_data().begin(), t.float_data().end());
      break;
    case TP::DOUBLE:
      if (raw)
        append<double>(c.reals, r);
      else
        c.reals.assign(t.double_data().begin(), t.double_data().end());
      break;
    case TP::FLOAT16:
    case TP::BFLOAT16: {
      std::vector<uint16_t> bits;
      if (raw)
        bits = raw_as<uint16_t>(r);
      else
        for (int32_t v : t.int32_data()) bits.push_back(static_cast<uint16_t>(v));
      for (uint16_t b : bits)
        c.reals.push_back(t.data_type() == TP::FLOAT16 ? half_to_double(b) : bfloat_to_double(b));
      break;
    }
    case TP::INT64:
      if (raw)
        append<int64_t>(c.ints, r);
      else
        c.ints.assign(t.int64_data().begin(), t.int64_data().end());
      break;
    case TP::UINT32:
    case TP::UINT64:
      if (raw && t.data_type() == TP::UINT32)
        append<uint32_t>(c.ints, r);
      else if (raw)
        append<uint64_t>(c.ints, r);
      else
        for (uint64_t v : t.uint64_data()) c.ints.push_back(static_cast<int64_t>(v));
      break;
    default:  // int32_data holds INT32, INT16, INT8, UINT16, UINT8 and BOOL
      if (!raw) {
        c.ints.assign(t.int32_data().begin(), t.int32_data().end());
        break;
      }
      switch (t.data_type()) {
        case TP::INT32:
          append<int32_t>(c.ints, r);
          break;
        case TP::INT16:
          append<int16_t>(c.ints, r);
          break;
        case TP::UINT16:
          append<uint16_t>(c.ints, r);
          break;
        case TP::INT8:
          append<int8_t>(c.ints, r);
          break;
        default:
          append<uint8_t>(c.ints, r);
      }
  }
  return c;
}

std::optional<TP> proto_of(const ConstTensor& c, const std::string& name) {
  TP t;
  t.set_name(name);
  for (int64_t d : c.shape) t.add_dims(d);
  switch (c.type) {
    case TP::INT64:
      t.set_data_type(TP::INT64);
      for (int64_t v : c.ints) t.add_int64_data(v);
      return t;
    case TP::INT32:
    case TP::BOOL:
      t.set_data_type(c.type);
      for (int64_t v : c.ints) t.add_int32_data(static_cast<int32_t>(v));
      return t;
    case TP::FLOAT:
      t.set_data_type(TP::FLOAT);
      for (double v : c.reals) t.add_float_data(static_cast<float>(v));
      return t;
    case TP::DOUBLE:
      t.set_data_type(TP::DOUBLE);
      for (double v : c.reals) t.add_double_data(v);
      return t;
    default:
      return std::nullopt;
  }
}

SliceAxis slice_axis(int64_t dim, int64_t start, int64_t end, int64_t step) {
  // `step` is neither 0 nor INT64_MIN (the callers check); `dim` is >= 0.
  auto wrap = [dim](int64_t v) { return v < 0 ? v + dim : v; };
  SliceAxis a;
  if (dim == 0) return a;
  if (step > 0) {
    const int64_t b = std::clamp(wrap(start), int64_t{0}, dim);
    const int64_t e = std::clamp(wrap(end), int64_t{0}, dim);
    a.begin = b;
    a.length = e > b ? (e - b - 1) / step + 1 : 0;
  } else {
    const int64_t b = std::clamp(wrap(start), int64_t{0}, dim - 1);
    const int64_t e = std::clamp(wrap(end), int64_t{-1}, dim - 1);
    a.begin = b;
    a.length = b > e ? (b - e - 1) / -step + 1 : 0;
  }
  return a;
}

}  // namespace monet::workloads::onnx_detail
