// Published model sizes the tests check the builders against (shared/reference/workloads.md:
// torchvision's ResNet-18 and Hugging Face's GPT-2 small), kept once for every test folder.
#pragma once

#include <cstdint>

namespace monet::test {

constexpr int64_t kResNet18Macs = 1'814'073'344;  // forward MACs, 224 x 224, batch 1
constexpr int64_t kResNet18Params = 11'689'512;
constexpr int64_t kGpt2SmallMacs = 145'824'153'600;  // forward MACs, 1,024 tokens
constexpr int64_t kGpt2SmallParams = 124'439'808;

}  // namespace monet::test
