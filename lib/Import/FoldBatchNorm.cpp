//===- FoldBatchNorm.cpp - BatchNormalization into Conv/Gemm --------------===//
//
// Done on the ONNX graph, before conversion: the folded layer is then one
// convolution in the IR, which is also what quantization wants to see (one
// set of per-channel weight scales, no separate float affine step).
//
//===----------------------------------------------------------------------===//

#include "FoldBatchNorm.h"
#include "ImportContext.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Endian.h"

#include <cmath>

using namespace mlir;

namespace qforge::onnx_import {
namespace {

struct Constants {
  llvm::StringMap<const onnx::TensorProto *> byName;
  MLIRContext *context;

  /// The float32 values of a constant, or nothing.
  std::optional<std::vector<float>> floats(const std::string &name,
                                           std::vector<int64_t> *shape = nullptr) const {
    auto it = byName.find(name);
    if (it == byName.end() || it->second->data_type() != onnx::TensorProto::FLOAT)
      return std::nullopt;
    std::string error;
    std::optional<TensorBytes> read = readTensorProto(context, *it->second, error);
    if (!read)
      return std::nullopt;
    if (shape) {
      ArrayRef<int64_t> dims = read->type.getShape();
      shape->assign(dims.begin(), dims.end());
    }
    std::vector<float> out(read->bytes.size() / sizeof(float));
    for (size_t i = 0; i < out.size(); ++i)
      out[i] = llvm::bit_cast<float>(
          llvm::support::endian::read32le(read->bytes.data() + i * sizeof(float)));
    return out;
  }
};

onnx::TensorProto makeTensor(const std::string &name,
                             const std::vector<int64_t> &shape,
                             const std::vector<float> &values) {
  onnx::TensorProto t;
  t.set_name(name);
  t.set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : shape)
    t.add_dims(d);
  t.set_raw_data(std::string(reinterpret_cast<const char *>(values.data()),
                             values.size() * sizeof(float)));
  return t;
}

int64_t intAttr(const onnx::NodeProto &node, const std::string &name,
                int64_t dflt) {
  for (const onnx::AttributeProto &a : node.attribute())
    if (a.name() == name)
      return a.i();
  return dflt;
}

float floatAttr(const onnx::NodeProto &node, const std::string &name,
                float dflt) {
  for (const onnx::AttributeProto &a : node.attribute())
    if (a.name() == name)
      return a.f();
  return dflt;
}

} // namespace

void foldBatchNormalization(onnx::GraphProto &graph, MLIRContext *context) {
  Constants constants{{}, context};
  for (const onnx::TensorProto &t : graph.initializer())
    constants.byName[t.name()] = &t;
  for (const onnx::NodeProto &n : graph.node())
    if (n.op_type() == "Constant" && n.output_size() == 1)
      for (const onnx::AttributeProto &a : n.attribute())
        if (a.name() == "value")
          constants.byName[n.output(0)] = &a.t();

  llvm::StringMap<int> uses, producer;
  for (int i = 0; i < graph.node_size(); ++i) {
    for (const std::string &in : graph.node(i).input())
      ++uses[in];
    for (const std::string &out : graph.node(i).output())
      producer[out] = i;
  }
  for (const onnx::ValueInfoProto &out : graph.output())
    ++uses[out.name()];

  std::vector<bool> removed(graph.node_size(), false);
  std::vector<onnx::TensorProto> added;
  for (int i = 0; i < graph.node_size(); ++i) {
    const onnx::NodeProto &bn = graph.node(i);
    if (bn.op_type() != "BatchNormalization" || bn.input_size() != 5 ||
        intAttr(bn, "training_mode", 0) != 0)
      continue;
    bool extraOutputsUsed = false;
    for (int o = 1; o < bn.output_size(); ++o)
      extraOutputsUsed |= !bn.output(o).empty() && uses.lookup(bn.output(o)) > 0;
    auto prod = producer.find(bn.input(0));
    if (extraOutputsUsed || prod == producer.end() ||
        uses.lookup(bn.input(0)) != 1)
      continue;
    onnx::NodeProto &layer = *graph.mutable_node(prod->second);
    bool isConv = layer.op_type() == "Conv";
    bool isGemm = layer.op_type() == "Gemm" && intAttr(layer, "transA", 0) == 0;
    if ((!isConv && !isGemm) || layer.input_size() < 2)
      continue;

    auto scale = constants.floats(bn.input(1)), beta = constants.floats(bn.input(2)),
         mean = constants.floats(bn.input(3)), var = constants.floats(bn.input(4));
    std::vector<int64_t> wShape;
    auto weights = constants.floats(layer.input(1), &wShape);
    if (!scale || !beta || !mean || !var || !weights || wShape.empty())
      continue;
    bool transB = isGemm && intAttr(layer, "transB", 0) != 0;
    size_t channels = isConv ? wShape[0] : (transB ? wShape[0] : wShape.back());
    if (scale->size() != channels || beta->size() != channels ||
        mean->size() != channels || var->size() != channels)
      continue;
    std::vector<float> bias(channels, 0.0f);
    if (layer.input_size() > 2 && !layer.input(2).empty()) {
      std::vector<int64_t> bShape;
      auto b = constants.floats(layer.input(2), &bShape);
      // Gemm's C may broadcast in other ways; fold only a per-channel vector.
      if (!b || b->size() != channels)
        continue;
      if (isGemm && floatAttr(layer, "beta", 1.0f) != 1.0f)
        continue;
      bias = *b;
    }
    if (isGemm && floatAttr(layer, "alpha", 1.0f) != 1.0f)
      continue;

    double eps = floatAttr(bn, "epsilon", 1e-5f);
    std::vector<float> newWeights(*weights);
    size_t total = newWeights.size();
    for (size_t idx = 0; idx < total; ++idx) {
      // Output channel of this weight: the leading axis for Conv and for
      // Gemm's transposed B, the trailing one for plain B [K, N].
      size_t c = (isConv || transB) ? idx / (total / channels) : idx % channels;
      double a = (*scale)[c] / std::sqrt((*var)[c] + eps);
      newWeights[idx] = static_cast<float>(newWeights[idx] * a);
    }
    std::vector<float> newBias(channels);
    for (size_t c = 0; c < channels; ++c) {
      double a = (*scale)[c] / std::sqrt((*var)[c] + eps);
      newBias[c] = static_cast<float>(bias[c] * a + ((*beta)[c] - (*mean)[c] * a));
    }
    std::string wName = bn.output(0) + ".folded_weight";
    std::string bName = bn.output(0) + ".folded_bias";
    added.push_back(makeTensor(wName, wShape, newWeights));
    added.push_back(makeTensor(bName, {static_cast<int64_t>(channels)}, newBias));
    layer.set_input(1, wName);
    if (layer.input_size() > 2)
      layer.set_input(2, bName);
    else
      layer.add_input(bName);
    layer.set_output(0, bn.output(0));
    removed[i] = true;
  }
  if (added.empty())
    return;
  for (onnx::TensorProto &t : added)
    *graph.add_initializer() = std::move(t);
  google::protobuf::RepeatedPtrField<onnx::NodeProto> kept;
  for (int i = 0; i < graph.node_size(); ++i)
    if (!removed[i])
      *kept.Add() = graph.node(i);
  graph.mutable_node()->Swap(&kept);
}

} // namespace qforge::onnx_import
