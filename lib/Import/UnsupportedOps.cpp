//===- UnsupportedOps.cpp - the ONNX operators qforge does not convert ----===//
//
// Every operator of ONNX's default domain (and of ai.onnx.preview.training)
// that the importer has no converter for, with why: docs/onnx-ops.md lists
// them beside the supported ones, and test/Docs/onnx-op-coverage.test checks
// that the two lists together are all of ONNX's operators.
//
//===----------------------------------------------------------------------===//

#include "qforge/Import/OnnxImporter.h"

namespace qforge {
namespace {

constexpr const char *kSequence = "sequence and optional types (tensors only)";
constexpr const char *kString = "string tensors (numeric tensors only)";
constexpr const char *kRandom =
    "random draws: outputs cannot match another implementation's bit for bit";
constexpr const char *kNotYet = "not implemented yet";

} // namespace

std::vector<UnsupportedOp> unsupportedOnnxOps() {
  return {
      {"AffineGrid", 20, kNotYet},
      {"Attention", 23, kNotYet},
      {"Bernoulli", 15, kRandom},
      {"BitCast", 26, kNotYet},
      {"CausalConvWithState", 27, kNotYet},
      {"CenterCropPad", 18, kNotYet},
      {"Col2Im", 18, kNotYet},
      {"ConcatFromSequence", 11, kSequence},
      {"DeformConv", 19, kNotYet},
      {"ImageDecoder", 20, "decodes encoded image bytes (files), not tensors"},
      {"LinearAttention", 27, kNotYet},
      {"MaxRoiPool", 1, kNotYet},
      {"Multinomial", 7, kRandom},
      {"Optional", 15, kSequence},
      {"OptionalGetElement", 15, kSequence},
      {"OptionalHasElement", 15, kSequence},
      {"RandomNormal", 1, kRandom},
      {"RandomNormalLike", 1, kRandom},
      {"RandomUniform", 1, kRandom},
      {"RandomUniformLike", 1, kRandom},
      {"RegexFullMatch", 20, kString},
      {"RotaryEmbedding", 23, kNotYet},
      {"SequenceAt", 11, kSequence},
      {"SequenceConstruct", 11, kSequence},
      {"SequenceEmpty", 11, kSequence},
      {"SequenceErase", 11, kSequence},
      {"SequenceInsert", 11, kSequence},
      {"SequenceLength", 11, kSequence},
      {"SequenceMap", 17, kSequence},
      {"SplitToSequence", 11, kSequence},
      {"StringConcat", 20, kString},
      {"StringNormalizer", 10, kString},
      {"StringSplit", 20, kString},
      {"SwiGLU", 28, kNotYet},
      {"TensorScatter", 24, kNotYet},
      {"ai.onnx.preview.training.Gradient", 1,
       "training: the gradient of a subgraph (not inference)"},
  };
}

} // namespace qforge
