// Built-in forward graphs against published totals (docs/references.md, "Built-in workloads"), hand
// calculations of single layers, and structural invariants of every graph.
#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "core/error.hpp"
#include "support/graph_lookup.hpp"
#include "workloads/graph.hpp"
#include "workloads/llama.hpp"
#include "workloads/models.hpp"

using namespace monet::workloads;
using monet::test::op_named;

namespace {

struct Published {
  int64_t parameters;
  int64_t macs;  // 0: no published figure
};

// Batch 1; MACs of conv, linear and attention matmuls (QKᵀ and A·V over all tokens).
const std::map<std::string, Published>& published() {
  static const std::map<std::string, Published> p = {
      {"resnet18", {11'689'512, 1'814'073'344}},
      {"resnet12", {12'424'320, 3'507'980'288}},
      {"mobilevit-xxs", {1'272'024, 407'364'096}},
      {"mobilevit-xs", {2'317'848, 1'025'911'808}},
      {"mobilevit-s", {5'578'632, 2'000'831'488}},
      {"gpt2-small", {124'439'808, 145'824'153'600}},
      {"gpt2-medium", {354'823'168, 0}},
      // Llama family: Llama-2-7B's published total; the others derived by hand from their
      // config.json, term by term, in llama_test.cpp.
      {"llama-2-7b", {6'738'415'616, 0}},
      {"tinyllama-1.1b", {1'100'048'384, 0}},
      {"llama-3.2-1b", {1'235'814'400, 0}},
      {"llama-3.2-3b", {3'212'749'824, 0}},
      {"qwen2.5-0.5b", {494'032'768, 0}},
      {"bitnet-b1.58-2b-4t", {2'412'820'480, 0}},
  };
  return p;
}

Graph build(const std::string& name, int64_t batch) {
  ModelParams p;
  p.batch = batch;
  return build_model(name, p);
}

Shape expected_output(const std::string& name, int64_t batch) {
  if (name == "resnet12") return {batch, 640};
  if (name.rfind("gpt2", 0) == 0) return {batch, 1024, 50257};
  if (const LlamaConfig* c = find_llama_config(name))
    return {batch, std::min<int64_t>(c->max_position_embeddings, 2048), c->vocab_size};
  return {batch, 1000};  // ResNet-18 and MobileViT logits
}

// GPT-2 parameters: token and position tables, per layer two LNs (2·2d), QKV (3d² + 3d),
// projection (d² + d), MLP (4d² + 4d + 4d² + d); final LN (2d); head tied to the token table.
int64_t gpt2_parameters(int64_t layers, int64_t d) {
  const int64_t vocab = 50257, positions = 1024;
  int64_t per_layer =
      4 * d + (3 * d * d + 3 * d) + (d * d + d) + (4 * d * d + 4 * d) + (4 * d * d + d);
  return vocab * d + positions * d + layers * per_layer + 2 * d;
}

}  // namespace

TEST_CASE("every built-in model has a published reference") {
  for (auto& m : builtin_models()) {
    INFO(m.name);
    CHECK(published().count(m.name) == 1);
  }
  CHECK(builtin_models().size() == published().size());
}

TEST_CASE("built-in models match published parameter and MAC totals at batch 1") {
  for (auto& [name, ref] : published()) {
    INFO(name);
    GraphTotals t = build(name, 1).totals();
    CHECK(t.parameters == ref.parameters);
    if (ref.macs) CHECK(t.macs == ref.macs);
  }
}

TEST_CASE("MACs scale linearly with batch, parameters do not") {
  for (auto& m : builtin_models()) {
    GraphTotals one = build(m.name, 1).totals();
    for (int64_t batch : {2, 4}) {
      INFO(m.name << " batch " << batch);
      GraphTotals t = build(m.name, batch).totals();
      CHECK(t.macs == batch * one.macs);
      CHECK(t.parameters == one.parameters);
      CHECK(t.element_ops == Approx(batch * one.element_ops));
    }
  }
}

TEST_CASE("built-in graphs satisfy the structural invariants") {
  const int64_t batch = 2;
  for (auto& m : builtin_models()) {
    INFO(m.name);
    Graph g = build(m.name, batch);
    CHECK_NOTHROW(g.validate());
    CHECK(g.op_graph().is_acyclic());

    // Llama graphs also read the rotary cos/sin table of the processed positions.
    REQUIRE(g.inputs().size() == (find_llama_config(m.name) ? 2u : 1u));
    std::vector<int> outs = g.outputs();
    REQUIRE(outs.size() == 1);
    CHECK(g.tensor(outs[0]).shape == expected_output(m.name, batch));

    const int tensor_count = static_cast<int>(g.tensors().size());
    std::vector<int> producers(g.tensors().size(), 0);
    for (auto& op : g.ops()) {
      INFO("op " << op.name);
      for (int t : op.inputs) {
        CHECK(t >= 0);
        CHECK(t < tensor_count);
      }
      for (int t : op.outputs) {
        REQUIRE(t >= 0);
        REQUIRE(t < tensor_count);
        ++producers[t];
        CHECK(g.tensor(t).producer == op.id);
      }
    }
    for (auto& t : g.tensors()) {
      INFO("tensor " << t.name);
      bool source = t.kind == TensorKind::kInput || t.kind == TensorKind::kParameter;
      CHECK(producers[t.id] == (source ? 0 : 1));
      if (source) CHECK_FALSE(t.consumers.empty());  // no dangling weights or inputs
    }
  }
}

TEST_CASE("GPT-2 ties the LM head to the token embedding") {
  for (const char* name : {"gpt2-small", "gpt2-medium"}) {
    INFO(name);
    Graph g = build(name, 1);
    int wte = g.find_tensor("wte.weight");
    REQUIRE(wte >= 0);
    const Op& head = op_named(g, "lm_head");
    CHECK(head.operand_tensor[1] == wte);
    CHECK(g.find_tensor("lm_head.weight") == -1);
    int users = 0;
    for (auto& op : g.ops())
      for (int t : op.inputs) users += t == wte;
    CHECK(users == 2);  // the embedding lookup and the head, one parameter tensor
  }
  CHECK(build("gpt2-small", 1).totals().parameters == gpt2_parameters(12, 768));
  CHECK(build("gpt2-medium", 1).totals().parameters == gpt2_parameters(24, 1024));
}

TEST_CASE("ResNet layers match hand calculations") {
  Graph r18 = build("resnet18", 1);
  // 7x7/2 on 224x224 (pad 3) gives 112x112; 64 filters over 3 channels.
  CHECK(op_named(r18, "conv1").macs() == 112 * 112 * 64 * 3 * 49);
  CHECK(op_named(r18, "conv1").macs() == 118'013'952);
  // Stage 2 runs at 28x28; its shortcut is a 1x1/2 conv 64 -> 128.
  CHECK(op_named(r18, "layer2.0.downsample.0").macs() == 28 * 28 * 128 * 64);
  CHECK(op_named(r18, "layer4.1.conv2").macs() == 7 * 7 * 512 * 512 * 9);
  CHECK(op_named(r18, "fc").macs() == 512 * 1000);
  CHECK(r18.tensor(r18.find_tensor("fc.weight")).elements() == 512 * 1000);

  Graph r12 = build("resnet12", 1);
  CHECK(op_named(r12, "layer1.conv1").macs() == 84 * 84 * 64 * 3 * 9);
  // Block 4 runs at 10x10 (84 -> 42 -> 21 -> 10) before its pool to 5x5.
  CHECK(op_named(r12, "layer4.conv3").macs() == 10 * 10 * 640 * 640 * 9);
  CHECK(op_named(r12, "layer4.downsample.0").macs() == 10 * 10 * 640 * 320);
}

TEST_CASE("MobileViT layers match hand calculations") {
  Graph g = build("mobilevit-xxs", 1);
  CHECK(op_named(g, "stem.conv").macs() == 128 * 128 * 16 * 3 * 9);
  // Depthwise 3x3/2 on the 16·2 = 32 expanded channels, 128 -> 64.
  const Op& dw = op_named(g, "layer2.0.dw.conv");
  CHECK(dw.macs() == 64 * 64 * 32 * 9);
  CHECK((*dw.nest)[Dim::kG] == 32);
  CHECK((*dw.nest)[Dim::kK] == 1);
  CHECK((*dw.nest)[Dim::kC] == 1);
  // layer3 block: 32x32 map, d 64 -> 4 sequences of 256 tokens, 4 heads of 16.
  const Op& qk = op_named(g, "layer3.1.transformer.0.attn.qk");
  CHECK(qk.macs() == 4 * (256 * 256 * 64));
  CHECK(g.tensor(qk.outputs[0]).shape == Shape{4, 4, 256, 256});
  CHECK(op_named(g, "layer3.1.transformer.0.attn.av").macs() == 4 * (256 * 256 * 64));
  CHECK(op_named(g, "layer3.1.transformer.0.attn.qkv").macs() == 32 * 32 * 64 * (3 * 64));
  CHECK(op_named(g, "layer3.1.transformer.1.ffn.fc2").macs() == 32 * 32 * (2 * 64) * 64);
  CHECK(op_named(g, "layer3.1.transformer.1.ffn.fc2").block == "layer3.1.transformer.1");
  // Fusion 3x3 over the concat (2C = 160) at 8x8 in layer5.
  CHECK(op_named(g, "layer5.1.fusion.conv").macs() == 8 * 8 * 80 * 160 * 9);
  CHECK(op_named(g, "head.fc").macs() == 320 * 1000);
  // The C -> d 1x1 conv has neither bias nor BN: the unfold reads it directly.
  CHECK(g.find_tensor("layer3.1.local.conv1x1.bias") == -1);
  const Op& unfold = op_named(g, "layer3.1.unfold");
  CHECK(g.op(g.tensor(unfold.inputs[0]).producer).name == "layer3.1.local.conv1x1");

  Graph s = build("mobilevit-s", 2);
  // layer4 block of S: 16x16 map, d 192, FFN 384; batch 2 -> 8 sequences of 64 tokens.
  CHECK(s.tensor(op_named(s, "layer4.1.unfold").outputs[0]).shape == Shape{8, 64, 192});
  CHECK(op_named(s, "layer4.1.transformer.3.ffn.fc1").macs() == 2 * 16 * 16 * 192 * 384);
  CHECK(s.find_op("layer4.1.transformer.4.ln1") == -1);  // L = 4
  CHECK(s.tensor(op_named(s, "layer4.1.fold").outputs[0]).shape == Shape{2, 192, 16, 16});
}

TEST_CASE("MobileViT rejects inputs that 2x2 patches cannot tile") {
  MobileViTOptions o;
  o.input = 224;  // layer5 would see 7x7
  CHECK_THROWS_AS(mobilevit(o), monet::core::Error);
  o.input = 256;
  o.batch = 0;
  CHECK_THROWS_AS(mobilevit(o), monet::core::Error);
}

TEST_CASE("GPT-2 models are named by their preset; gpt2 is an alias of gpt2-small") {
  const Graph small = build_model("gpt2-small", {.seq = 16});
  const Graph alias = build_model("gpt2", {.seq = 16});
  const Graph medium = build_model("gpt2-medium", {.seq = 16});
  CHECK(small.name() == "gpt2-small");
  CHECK(alias.name() == "gpt2-small");
  CHECK(medium.name() == "gpt2-medium");
  CHECK(alias.totals().parameters == small.totals().parameters);
  CHECK(alias.ops().size() == small.ops().size());
  CHECK(is_builtin_model("gpt2"));
  CHECK(canonical_model_name("gpt2") == "gpt2-small");
  CHECK(canonical_model_name("resnet18") == "resnet18");
  // The alias table is the only place "gpt2" names a model; the model list has each model once.
  for (const auto& m : builtin_models()) CHECK(m.name != "gpt2");
}
