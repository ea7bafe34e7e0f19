// ResNet-18 (torchvision) and the few-shot ResNet12 backbone.
#include "core/error.hpp"
#include "workloads/builder.hpp"
#include "workloads/models.hpp"

namespace monet::workloads {

namespace {
// torchvision BasicBlock: conv3x3(s) BN ReLU conv3x3 BN (+ 1x1/s conv BN shortcut) add ReLU.
int basic_block(Builder& b, const std::string& name, int x, int64_t width, int stride) {
  b.set_block(name);
  int64_t in_ch = b.shape(x)[1];
  int y = b.conv(name + ".conv1", x, width, 3, stride);
  y = b.batchnorm(name + ".bn1", y);
  y = b.unary(name + ".relu1", y, OpKind::kRelu);
  y = b.conv(name + ".conv2", y, width, 3, 1);
  y = b.batchnorm(name + ".bn2", y);
  int shortcut = x;
  if (stride != 1 || in_ch != width) {
    shortcut = b.conv(name + ".downsample.0", x, width, 1, stride, 0);
    shortcut = b.batchnorm(name + ".downsample.1", shortcut);
  }
  y = b.add(name + ".add", y, shortcut);
  return b.unary(name + ".relu2", y, OpKind::kRelu);
}
}  // namespace

Graph resnet18(const ResNet18Options& o) {
  if (o.batch <= 0) throw core::Error("resnet18: batch must be > 0");
  Builder b("resnet18", o.elem_bits);
  int x = b.input("input", {o.batch, 3, o.input, o.input});
  b.set_block("stem");
  x = b.conv("conv1", x, 64, 7, 2, 3);
  x = b.batchnorm("bn1", x);
  x = b.unary("relu", x, OpKind::kRelu);
  x = b.maxpool("maxpool", x, 3, 2, 1);
  const int64_t widths[] = {64, 128, 256, 512};
  for (int stage = 0; stage < 4; ++stage)
    for (int blk = 0; blk < 2; ++blk) {
      std::string name = "layer" + std::to_string(stage + 1) + "." + std::to_string(blk);
      x = basic_block(b, name, x, widths[stage], (stage > 0 && blk == 0) ? 2 : 1);
    }
  b.set_block("head");
  x = b.global_avgpool("avgpool", x);
  b.linear("fc", x, o.classes, true);
  return b.finish();
}

Graph resnet12(const ResNet12Options& o) {
  if (o.batch <= 0) throw core::Error("resnet12: batch must be > 0");
  if (o.widths.size() != 4) throw core::Error("resnet12: widths must list 4 channel counts");
  Builder b("resnet12", o.elem_bits);
  int x = b.input("input", {o.batch, 3, o.input, o.input});
  for (int i = 0; i < 4; ++i) {
    std::string n = "layer" + std::to_string(i + 1);
    b.set_block(n);
    int64_t w = o.widths[i];
    int y = b.conv(n + ".conv1", x, w, 3);
    y = b.batchnorm(n + ".bn1", y);
    y = b.unary(n + ".relu1", y, OpKind::kLeakyRelu);
    y = b.conv(n + ".conv2", y, w, 3);
    y = b.batchnorm(n + ".bn2", y);
    y = b.unary(n + ".relu2", y, OpKind::kLeakyRelu);
    y = b.conv(n + ".conv3", y, w, 3);
    y = b.batchnorm(n + ".bn3", y);
    int s = b.conv(n + ".downsample.0", x, w, 1, 1, 0);
    s = b.batchnorm(n + ".downsample.1", s);
    y = b.add(n + ".add", y, s);
    y = b.unary(n + ".relu3", y, OpKind::kLeakyRelu);
    x = b.maxpool(n + ".maxpool", y, 2, 2);
  }
  b.set_block("head");
  b.global_avgpool("avgpool", x);
  return b.finish();
}

}  // namespace monet::workloads
