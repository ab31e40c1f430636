//===- Quantize.cpp - float convolutions and matmuls to int8 qf ops -------===//
//
// The first slice of quantization: each tosa.conv2d, tosa.depthwise_conv2d
// and tosa.matmul with constant weights whose input and output tensors the calibration table
// describes becomes
//   qf.quantize (activations, per tensor) -> qf.conv2d / qf.matmul (int8
//   weights per output channel, int32 bias, requantized int8 result)
//   -> qf.dequantize
// A matmul whose input is calibrated but whose result is not (a recurrent
// layer's gate sums) keeps a float result: int32 sums scaled back to f32.
// Everything else stays float; the layout ops between nodes run on floats.
//
//===----------------------------------------------------------------------===//

#include "qforge/Quantization/Quantize.h"
#include "BiasCorrection.h"
#include "Int4ScaleSearch.h"

#include "IntegerProduct.h"
#include "UnaryFunction.h"
#include "qforge/Dialect/QF/Utils/Layout.h"
#include "qforge/Dialect/QF/Utils/OnnxNames.h"
#include "qforge/Dialect/QF/Utils/PassThrough.h"
#include "qforge/Quantization/Passes.h"

#include "qforge/Dialect/QF/IR/QFOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/StringSet.h"

#include <cmath>

namespace qforge {
#define GEN_PASS_DEF_QUANTIZEPASS
#include "qforge/Quantization/Passes.h.inc"
} // namespace qforge

using namespace mlir;

namespace {

/// Ops that only move values: a tensor seen through them is the same
/// calibrated tensor.
bool isLayoutOp(Operation *op) {
  return isa<tosa::TransposeOp, tosa::ReshapeOp>(op);
}

/// The calibrated tensor an activation operand comes from.
const qforge::TableEntry *entryBefore(Value v, const qforge::CalibrationTable &t) {
  for (;;) {
    if (const qforge::TableEntry *e = t.find(qforge::onnxValueName(v)))
      return e;
    // A pass-through op's values are its source's (a slice's a subset, a
    // pad's with the pad value): the source's range covers them.
    Operation *def = v.getDefiningOp();
    if (!def || !qforge::isQuantizedPassThrough(def))
      return nullptr;
    v = def->getOperand(0);
  }
}

/// The calibrated value a result flows into (through single-use layout
/// ops), or null.
Value calibratedAfter(Value v, const qforge::CalibrationTable &t) {
  for (;;) {
    if (t.find(qforge::onnxValueName(v)))
      return v;
    if (!v.hasOneUse() || !isLayoutOp(*v.getUsers().begin()))
      return {};
    v = v.getUsers().begin()->getResult(0);
  }
}

/// The calibrated tensor a result flows into (through single-use layout ops).
const qforge::TableEntry *entryAfter(Value v, const qforge::CalibrationTable &t) {
  Value after = calibratedAfter(v, t);
  return after ? t.find(qforge::onnxValueName(after)) : nullptr;
}

/// The calibrated tensor a layer's result stands for: its own, or, for one
/// part of a concatenation that has none, the joined tensor's, which covers
/// every part. The importer computes a grouped convolution as one
/// convolution per group joined along the channels; its parts then share
/// the node's output parameters and join as stored integers.
const qforge::TableEntry *layerOutputEntry(Value v, const qforge::CalibrationTable &t) {
  if (const qforge::TableEntry *e = entryAfter(v, t))
    return e;
  if (!v.hasOneUse())
    return nullptr;
  auto concat = dyn_cast<tosa::ConcatOp>(*v.getUsers().begin());
  return concat ? entryAfter(concat.getResult(), t) : nullptr;
}

/// The quantized type of an earlier integer op's result that `v` is a
/// dequantized and passed-through copy of: reusing it as this op's input
/// type lets the two integer ops meet without requantization.
quant::UniformQuantizedType quantizedSource(Value v) {
  for (;;) {
    Operation *def = v.getDefiningOp();
    if (!def)
      return {};
    if (auto d = dyn_cast<qforge::qf::DequantizeOp>(def))
      return dyn_cast<quant::UniformQuantizedType>(d.getInput().getType().getElementType());
    if (!qforge::isQuantizedPassThrough(def))
      return {};
    v = def->getOperand(0);
  }
}

/// The f32 constant a weight operand holds: a constant, or a constant seen
/// through the importer's tosa.reshape and tosa.transpose ops (a Gemm's
/// weights), reshaped or transposed here. Quantization runs before canonicalization, whose folding of layout
/// transposes would lose the ONNX value names the table is keyed by.
DenseElementsAttr constantWeights(Value v) {
  DenseElementsAttr dense;
  if (matchPattern(v, m_Constant(&dense)))
    return dense.getElementType().isF32() ? dense : DenseElementsAttr();
  if (auto reshape = v.getDefiningOp<tosa::ReshapeOp>()) {
    DenseElementsAttr in = constantWeights(reshape.getInput1());
    return in ? in.reshape(cast<ShapedType>(reshape.getType())) : in;
  }
  auto transpose = v.getDefiningOp<tosa::TransposeOp>();
  if (!transpose || !(dense = constantWeights(transpose.getInput1())))
    return {};
  SmallVector<int64_t> perms(transpose.getPerms().begin(),
                             transpose.getPerms().end());
  return qforge::permuteConstant(dense, perms);
}

struct ActivationParams {
  double scale;
  int64_t zeroPoint;
};

/// The smallest activation scale: its reciprocal and its products with
/// weight scales stay normal float32 numbers. A tensor that was zero on
/// every calibration sample (or nearly) gets it (warnDegenerateRanges).
constexpr double kSmallestScale = 1e-30;

/// Weight channels (int4: blocks' channels) whose largest |w| is below this
/// are quantized as zero with scale 1: a smaller scale, or an int4 block
/// unit of it / 7 / 255, would be a denormal float.
constexpr double kSmallestWeight = 1e-30;

/// The int8 step a calibrated range asks for: (hi - lo) / 255, or t / 127
/// when symmetric.
double rangeStep(const qforge::CalibRange &r, bool symmetric) {
  return symmetric ? r.threshold / 127.0 : (r.hi - r.lo) / 255.0;
}

/// int8 parameters of a calibrated range: asymmetric over [lo, hi] (zero
/// exact), or symmetric over [-t, t] with zero point 0.
ActivationParams activationParams(const qforge::CalibRange &r, bool symmetric) {
  double scale = std::max(rangeStep(r, symmetric), kSmallestScale);
  if (symmetric)
    return {scale, 0};
  int64_t zp = static_cast<int64_t>(std::llround(-128.0 - r.lo / scale));
  return {scale, std::clamp<int64_t>(zp, -128, 127)};
}

quant::UniformQuantizedType int8Type(MLIRContext *ctx, ActivationParams p) {
  return quant::UniformQuantizedType::get(
      quant::QuantizationFlags::Signed, IntegerType::get(ctx, 8),
      Float32Type::get(ctx), p.scale, p.zeroPoint, -128, 127);
}

struct Weights {
  Value quantized;          // The weights as a quantized constant.
  std::vector<double> scales; // Per output channel.
  std::vector<int64_t> zeroChannels; // Below kSmallestWeight: quantized as zero.
  int64_t bytes = 0;        // Stored values plus per-block multiples.
  int64_t largestAbsSum = 0; // Over output channels, the sum of |q|.
  int64_t largestBias = 0;   // The largest |int32 bias|.
  /// Dequantized minus float, per weight in the float weights' layout.
  std::vector<float> error;
  /// Subtracted from the float bias before it is quantized (bias
  /// correction), per output channel; empty for none.
  std::vector<double> biasShift;
};

/// Integer weights and their scale per output channel.
struct Int8Weights {
  DenseElementsAttr values; // i8, in the shape of the float weights.
  std::vector<double> scales;
  std::vector<int64_t> zeroChannels; // Below kSmallestWeight: quantized as zero.
  int64_t largestAbsSum = 0; // Over output channels, the sum of |q|.
  std::vector<float> error;  // Dequantized minus float, per weight.
};

/// Symmetric int8 weights per output channel (`axis`): scale = max|w| / 127,
/// q = round(w / scale) in [-127, 127].
Int8Weights int8Weights(DenseElementsAttr w, int64_t axis, bool perTensor = false) {
  auto type = cast<RankedTensorType>(w.getType());
  ArrayRef<int64_t> shape = type.getShape();
  int64_t channels = shape[axis], inner = 1;
  for (int64_t d = axis + 1; d < type.getRank(); ++d)
    inner *= shape[d];
  std::vector<float> values(w.getValues<float>().begin(), w.getValues<float>().end());
  std::vector<double> amax(channels, 0.0);
  for (size_t i = 0; i < values.size(); ++i) {
    int64_t c = (static_cast<int64_t>(i) / inner) % channels;
    amax[c] = std::max(amax[c], static_cast<double>(std::fabs(values[i])));
  }
  if (perTensor) // One scale, from the largest |w| of all channels.
    amax.assign(channels, *llvm::max_element(amax));
  Int8Weights out;
  for (int64_t c = 0; c < channels; ++c) {
    bool zero = amax[c] < kSmallestWeight;
    out.scales.push_back(zero ? 1.0 : amax[c] / 127.0);
    if (zero)
      out.zeroChannels.push_back(c);
  }
  std::vector<int8_t> q(values.size());
  std::vector<int64_t> absSum(channels, 0);
  for (size_t i = 0; i < values.size(); ++i) {
    int64_t c = (static_cast<int64_t>(i) / inner) % channels;
    double v = std::nearbyint(values[i] / out.scales[c]);
    q[i] = static_cast<int8_t>(std::clamp(v, -127.0, 127.0));
    absSum[c] += std::abs(q[i]);
    out.error.push_back(static_cast<float>(q[i] * out.scales[c] - values[i]));
  }
  out.largestAbsSum = *llvm::max_element(absSum);
  auto storage = RankedTensorType::get(shape, IntegerType::get(w.getContext(), 8));
  out.values = DenseElementsAttr::get(storage, ArrayRef<int8_t>(q));
  return out;
}

/// The int8 weights as a quantized constant (per axis, `axis`).
Weights quantizeWeights(OpBuilder &b, Location loc, DenseElementsAttr w,
                        int64_t axis, bool perTensor = false) {
  Int8Weights ints = int8Weights(w, axis, perTensor);
  MLIRContext *ctx = b.getContext();
  Value raw = arith::ConstantOp::create(b, loc, ints.values);
  auto qtype = quant::UniformQuantizedPerAxisType::get(
      quant::QuantizationFlags::Signed, IntegerType::get(ctx, 8),
      Float32Type::get(ctx), ints.scales,
      SmallVector<int64_t>(ints.scales.size(), 0), static_cast<int32_t>(axis), -128, 127);
  Weights out;
  out.scales = std::move(ints.scales);
  out.zeroChannels = std::move(ints.zeroChannels);
  out.quantized = quant::StorageCastOp::create(
      b, loc, cast<RankedTensorType>(w.getType()).clone(qtype), raw);
  out.bytes = ints.values.getNumElements();
  out.largestAbsSum = ints.largestAbsSum;
  out.error = std::move(ints.error);
  return out;
}

/// How int4 scales are chosen: from each group's largest |w|, or by the
/// activation-weighted search (QuantizeOptions::int4ScaleSearch).
struct Int4ScaleChoice {
  bool enabled = false;
  ArrayRef<double> importance; // E[x^2] per input channel, or empty.
};

/// How one layer's weights are quantized.
struct WeightScheme {
  qforge::WeightPrecision precision = qforge::WeightPrecision::Int8;
  int64_t groupSize = 32;     // int4: values per scale (0: per channel).
  bool perTensorInt8 = false; // int8: one scale for every channel.
  Int4ScaleChoice int4Search;
};

/// Symmetric int4 weights in [-7, 7], per output channel (`channelAxis`),
/// or with one scale per block of `groupSize` values along `blockAxis` when
/// that axis is longer than a block and a multiple of it. Block scales are
/// integer multiples c = 1..255 of a per-channel unit u = (largest block
/// scale) / 255, rounded up so that no block's largest value clips: the
/// lowering combines the blocks' integer sums exactly with the integers c
/// (see qf-lower-to-linalg), and storing c takes one byte per block.
/// `scales` returns u (or the channel's scale): the bias is at s_in * u.
/// With `search`, each group's scale is then chosen by searchInt4Scales
/// (clipping the largest weights where that lowers the error weighted by
/// `search.importance`, the input channels' mean squares along
/// `blockAxis`, when it has one per index).
Weights quantizeWeightsInt4(OpBuilder &b, Location loc, DenseElementsAttr w,
                            int64_t channelAxis, int64_t blockAxis,
                            int64_t groupSize, const Int4ScaleChoice &search = {}) {
  auto type = cast<RankedTensorType>(w.getType());
  ArrayRef<int64_t> shape = type.getShape();
  int64_t rank = type.getRank();
  int64_t channels = shape[channelAxis];
  bool blocked = groupSize > 0 && shape[blockAxis] > groupSize &&
                 shape[blockAxis] % groupSize == 0;
  int64_t blocks = blocked ? shape[blockAxis] / groupSize : 1;
  std::vector<float> values(w.getValues<float>().begin(), w.getValues<float>().end());
  // Each weight's scale group, channel * blocks + block, worked out once
  // from its index counted up dimension by dimension (divisions per weight
  // would cost more than the rest of the quantization).
  std::vector<int64_t> blockOf(shape[blockAxis]);
  for (int64_t x = 0; x < shape[blockAxis]; ++x)
    blockOf[x] = blocked ? x / groupSize : 0;
  std::vector<uint32_t> group(values.size());
  SmallVector<int64_t> index(rank, 0);
  for (size_t i = 0; i < values.size(); ++i) {
    group[i] = static_cast<uint32_t>(index[channelAxis] * blocks + blockOf[index[blockAxis]]);
    for (int64_t d = rank - 1; d >= 0 && ++index[d] == shape[d]; --d)
      index[d] = 0;
  }
  std::vector<double> amax(channels * blocks, 0.0); // [channel][block]
  for (size_t i = 0; i < values.size(); ++i) {
    double &m = amax[group[i]];
    m = std::max(m, static_cast<double>(std::fabs(values[i])));
  }
  Weights out;
  std::vector<double> scale(channels * blocks);
  for (int64_t c = 0; c < channels; ++c) {
    double largest = 0;
    for (int64_t g = 0; g < blocks; ++g)
      largest = std::max(largest, amax[c * blocks + g]);
    if (largest < kSmallestWeight) {
      largest = 7.0; // Scale 1: its values round to zero.
      out.zeroChannels.push_back(c);
    }
    if (!blocked) {
      out.scales.push_back(largest / 7.0);
      scale[c] = largest / 7.0;
      continue;
    }
    double unit = largest / 7.0 / 255.0;
    out.scales.push_back(unit);
    for (int64_t g = 0; g < blocks; ++g) {
      double multiple = std::ceil(amax[c * blocks + g] / 7.0 / unit - 1e-9);
      scale[c * blocks + g] = unit * std::clamp(multiple, 1.0, 255.0);
    }
  }
  if (search.enabled)
    qforge::chooseInt4Scales(values, shape, channelAxis, blockAxis, blocks, search.importance,
                             scale, out.scales);
  std::vector<uint8_t> packed((values.size() + 1) / 2, 0);
  std::vector<int64_t> absSum(channels * blocks, 0);
  for (size_t i = 0; i < values.size(); ++i) {
    double v = std::nearbyint(values[i] / scale[group[i]]);
    auto q = static_cast<int8_t>(std::clamp(v, -7.0, 7.0));
    packed[i / 2] |= static_cast<uint8_t>((q & 0xF) << (i % 2 ? 4 : 0));
    absSum[group[i]] += std::abs(q);
    out.error.push_back(static_cast<float>(q * scale[group[i]] - values[i]));
  }
  for (int64_t c = 0; c < channels; ++c) {
    int64_t sum = 0;
    for (int64_t g = 0; g < blocks; ++g)
      sum += absSum[c * blocks + g];
    out.largestAbsSum = std::max(out.largestAbsSum, sum);
  }
  MLIRContext *ctx = b.getContext();
  Type i4 = IntegerType::get(ctx, 4), f32 = Float32Type::get(ctx);
  Type qtype;
  if (!blocked) {
    qtype = quant::UniformQuantizedPerAxisType::get(
        quant::QuantizationFlags::Signed, i4, f32, out.scales,
        SmallVector<int64_t>(channels, 0), static_cast<int32_t>(channelAxis), -7, 7);
  } else {
    // Scales have one entry per block along every axis: [.., channels, ..,
    // blocks, ..] with 1 elsewhere.
    SmallVector<int64_t> scaleShape(rank, 1);
    scaleShape[channelAxis] = channels;
    scaleShape[blockAxis] = blocks;
    SmallVector<float> ordered(channels * blocks);
    int64_t channelStride = channelAxis < blockAxis ? blocks : 1;
    int64_t blockStride = channelAxis < blockAxis ? 1 : channels;
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t g = 0; g < blocks; ++g)
        ordered[c * channelStride + g * blockStride] =
            static_cast<float>(scale[c * blocks + g]);
    auto scaleType = RankedTensorType::get(scaleShape, f32);
    auto zpType = RankedTensorType::get(scaleShape, i4);
    qtype = quant::UniformQuantizedSubChannelType::get(
        quant::QuantizationFlags::Signed, i4, f32,
        DenseElementsAttr::get(scaleType, ArrayRef<float>(ordered)),
        DenseElementsAttr::get(zpType, APInt(4, 0)),
        {static_cast<int32_t>(channelAxis), static_cast<int32_t>(blockAxis)},
        {1, groupSize}, -7, 7);
  }
  auto bytesType = RankedTensorType::get({static_cast<int64_t>(packed.size())},
                                         IntegerType::get(ctx, 8));
  std::vector<int8_t> bytes(packed.begin(), packed.end());
  out.quantized = qforge::qf::PackedConstantOp::create(
      b, loc, type.clone(qtype), DenseElementsAttr::get(bytesType, ArrayRef<int8_t>(bytes)));
  // The lowering keeps one byte per block (its multiple of the unit).
  out.bytes = static_cast<int64_t>(packed.size()) + (blocked ? channels * blocks : 0);
  return out;
}

/// The weights as `scheme` says; `blockAxis` is the reduction axis int4
/// blocks run along.
Weights quantizeWeightsAt(OpBuilder &b, Location loc, DenseElementsAttr w,
                          int64_t channelAxis, int64_t blockAxis, const WeightScheme &scheme) {
  if (scheme.precision == qforge::WeightPrecision::Int4)
    return quantizeWeightsInt4(b, loc, w, channelAxis, blockAxis, scheme.groupSize,
                               scheme.int4Search);
  return quantizeWeights(b, loc, w, channelAxis, scheme.perTensorInt8);
}

/// The int32 bias at scale s_in * s_w[c] (zero point 0).
Value quantizeBias(OpBuilder &b, Location loc, DenseElementsAttr bias,
                   double inputScale, Weights &weights) {
  std::vector<int32_t> q;
  auto values = bias.getValues<float>();
  const std::vector<double> &weightScales = weights.scales;
  for (size_t c = 0; c < weightScales.size(); ++c) {
    double v = bias.isSplat() ? *values.begin() : values[c];
    if (!weights.biasShift.empty())
      v -= weights.biasShift[c];
    double r = std::nearbyint(v / (inputScale * weightScales[c]));
    q.push_back(static_cast<int32_t>(std::clamp(r, -2147483648.0, 2147483647.0)));
    weights.largestBias = std::max(weights.largestBias, std::abs(static_cast<int64_t>(q.back())));
  }
  auto type = RankedTensorType::get({static_cast<int64_t>(q.size())},
                                    b.getI32Type());
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(type, ArrayRef<int32_t>(q)));
}

/// A layer whose weights have output channels quantized as zero (all zero,
/// or too small for a float32 scale): the report's note and a warning
/// naming the node, so that a dead or degenerate channel is not a surprise.
void noteZeroChannels(Location loc, ArrayRef<int64_t> zeroChannels, size_t channels,
                      qforge::QuantizedLayer &layer) {
  if (zeroChannels.empty())
    return;
  std::string list;
  llvm::raw_string_ostream os(list);
  constexpr size_t kListed = 8;
  llvm::interleaveComma(zeroChannels.take_front(kListed), os);
  if (zeroChannels.size() > kListed)
    os << ", ...";
  layer.note = std::to_string(zeroChannels.size()) + " of " + std::to_string(channels) +
               " weight channels all zero or below 1e-30 in magnitude (" + list +
               "): quantized as zero";
  emitWarning(loc) << "node '" << layer.node << "': " << layer.note;
}

/// Whether a calibrated range at `options` is too small for an int8 scale
/// of at least kSmallestScale (zero on every sample, or nearly).
bool degenerateRange(const qforge::TableEntry &entry, const qforge::QuantizeOptions &options) {
  auto range = entry.ranges.find(options.method);
  if (range == entry.ranges.end())
    return false;
  return rangeStep(range->second, options.symmetric) < kSmallestScale;
}

/// Warns, at the value, about each tensor of `func` whose calibrated range
/// is degenerate: it is quantized with scale kSmallestScale, so its values
/// read as zero.
void warnDegenerateRanges(func::FuncOp func, const qforge::CalibrationTable &calibration,
                          const qforge::QuantizeOptions &options) {
  llvm::StringSet<> warned;
  auto check = [&](Value v, Location loc) {
    std::string name = qforge::onnxValueName(v);
    const qforge::TableEntry *entry = name.empty() ? nullptr : calibration.find(name);
    if (!entry || !degenerateRange(*entry, options) || !warned.insert(name).second)
      return;
    const qforge::CalibRange &r = entry->ranges.at(options.method);
    emitWarning(loc) << "tensor '" << name << "': its calibrated range [" << r.lo << ", "
                     << r.hi << "] is too small for an int8 scale; quantized with scale "
                     << kSmallestScale << ", its values read as zero";
  };
  for (BlockArgument arg : func.getArguments())
    check(arg, arg.getLoc());
  func.walk([&](Operation *op) {
    for (Value result : op->getResults())
      check(result, op->getLoc());
  });
}

} // namespace

namespace {

/// A float tosa.clamp (ReLU, ReLU6, Clip) right after the calibrated value
/// `v` flows into, whose own output is calibrated: the op producing `v` can
/// take it over as its clamp. `out` becomes the clamp's output entry.
tosa::ClampOp fusableActivation(Value v, const qforge::CalibrationTable &calibration,
                                qforge::CalibMethod chosen,
                                const qforge::TableEntry *&out) {
  Value after = calibratedAfter(v, calibration);
  if (!after || !after.hasOneUse())
    return {};
  auto clamp = dyn_cast<tosa::ClampOp>(*after.getUsers().begin());
  if (!clamp || !isa<FloatAttr>(clamp.getMinValAttr()))
    return {};
  const qforge::TableEntry *act = entryAfter(clamp.getResult(), calibration);
  if (!act || !act->ranges.count(chosen))
    return {};
  out = act;
  return clamp;
}

/// The clamp's bounds in the storage units of `p`, inside the int8 range; a
/// bound between two steps rounds inward (the integer clamp never lets
/// through a value the float clamp would have cut). Null if empty.
DenseI64ArrayAttr storageClamp(OpBuilder &b, tosa::ClampOp clamp, ActivationParams p) {
  double lo = cast<FloatAttr>(clamp.getMinValAttr()).getValueAsDouble();
  double hi = cast<FloatAttr>(clamp.getMaxValAttr()).getValueAsDouble();
  double qlo = std::ceil(lo / p.scale + p.zeroPoint - 1e-6);
  double qhi = std::floor(hi / p.scale + p.zeroPoint + 1e-6);
  auto cLo = static_cast<int64_t>(std::clamp(qlo, -128.0, 127.0));
  auto cHi = static_cast<int64_t>(std::clamp(qhi, -128.0, 127.0));
  if (cLo > cHi)
    return {};
  return b.getDenseI64ArrayAttr({cLo, cHi});
}

/// Parameters for an operand of a non-weight op: those of the integer op it
/// is a passed-through result of, else its calibrated range's.
std::optional<ActivationParams> operandParams(Value v, const qforge::CalibrationTable &calibration,
                                         const qforge::QuantizeOptions &options) {
  if (quant::UniformQuantizedType source = quantizedSource(v))
    return ActivationParams{source.getScale(), source.getZeroPoint()};
  const qforge::TableEntry *e = entryBefore(v, calibration);
  if (!e || !e->ranges.count(options.method))
    return std::nullopt;
  return activationParams(e->ranges.at(options.method), options.symmetric);
}

/// Replaces float `op` by `result` (its dequantized integer version), erases
/// it, and records the layer producing `out`.
void replaceAndRecord(Operation *op, Value result, StringRef kind,
                      const qforge::TableEntry *out,
                      const qforge::CalibrationTable &calibration,
                      std::vector<qforge::QuantizedLayer> &layers) {
  qforge::QuantizedLayer layer;
  layer.node = qforge::onnxNodeName(op->getLoc()).str();
  layer.op = kind.str();
  layer.precision = "int8";
  layer.outputName = out->name;
  op->getResult(0).replaceAllUsesWith(result);
  op->erase();
  layer.output = calibratedAfter(result, calibration);
  layers.push_back(layer);
}

/// Whether a binary op's operands can go to its integer version: qf.add
/// takes one shape, qf.mul operands that broadcast (of the result's rank).
template <typename FloatOp>
bool integerOperandShapes(FloatOp op) {
  auto type = cast<RankedTensorType>(op.getType());
  auto lhs = cast<RankedTensorType>(op.getInput1().getType());
  auto rhs = cast<RankedTensorType>(op.getInput2().getType());
  if (std::is_same_v<FloatOp, tosa::AddOp>)
    return lhs == type && rhs == type;
  return lhs.getRank() == type.getRank() && rhs.getRank() == type.getRank();
}

/// Element-wise adds (residual connections) and multiplies (a
/// squeeze-excitation scale) of two activations whose operands come from
/// integer ops or are calibrated, and whose output is calibrated, become
/// qf.add / qf.mul (with a following ReLU/Clip as their clamp).
template <typename FloatOp, typename IntOp>
void quantizeBinary(func::FuncOp func, const qforge::CalibrationTable &calibration,
                    const qforge::QuantizeOptions &options, StringRef kind,
                    std::vector<qforge::QuantizedLayer> &layers) {
  qforge::CalibMethod chosen = options.method;
  SmallVector<FloatOp> ops;
  func.walk([&](FloatOp op) { ops.push_back(op); });
  OpBuilder b(func.getContext());
  MLIRContext *ctx = func.getContext();
  for (FloatOp op : ops) {
    auto type = cast<RankedTensorType>(op.getType());
    if (!type.getElementType().isF32() || !integerOperandShapes(op) ||
        constantWeights(op.getInput1()) || constantWeights(op.getInput2()))
      continue;
    std::optional<ActivationParams> pa = operandParams(op.getInput1(), calibration, options);
    std::optional<ActivationParams> pb = operandParams(op.getInput2(), calibration, options);
    const qforge::TableEntry *out = entryAfter(op.getResult(), calibration);
    if (!pa || !pb || !out || !out->ranges.count(chosen))
      continue;
    tosa::ClampOp activation = fusableActivation(op.getResult(), calibration, chosen, out);
    ActivationParams outP = activationParams(out->ranges.at(chosen), options.symmetric);
    b.setInsertionPoint(op);
    DenseI64ArrayAttr clampAttr;
    if (activation && !(clampAttr = storageClamp(b, activation, outP)))
      activation = {};
    Location loc = op.getLoc();
    auto quantized = [&](Value v, ActivationParams p) -> Value {
      auto vType = cast<RankedTensorType>(v.getType());
      return qforge::qf::QuantizeOp::create(b, loc, vType.clone(int8Type(ctx, p)), v);
    };
    Value lhs = quantized(op.getInput1(), *pa);
    Value rhs = quantized(op.getInput2(), *pb);
    Value combined = IntOp::create(b, loc, type.clone(int8Type(ctx, outP)), lhs, rhs, clampAttr);
    Value result = qforge::qf::DequantizeOp::create(b, loc, type, combined);
    replaceAndRecord(op, result, kind, out, calibration, layers);
    if (activation) {
      activation.getResult().replaceAllUsesWith(activation.getInput());
      layers.back().output = activation.getInput();
      activation->erase();
    }
  }
}

/// Average pools (global ones import as one window; padded windows average
/// their valid elements, in TOSA as in qf) whose input comes from an integer
/// op or is calibrated and whose output is calibrated become qf.avg_pool2d,
/// requantized to the output's own range.
void quantizeAvgPools(func::FuncOp func, const qforge::CalibrationTable &calibration,
                      const qforge::QuantizeOptions &options,
                      std::vector<qforge::QuantizedLayer> &layers) {
  qforge::CalibMethod chosen = options.method;
  SmallVector<tosa::AvgPool2dOp> pools;
  func.walk([&](tosa::AvgPool2dOp pool) { pools.push_back(pool); });
  OpBuilder b(func.getContext());
  MLIRContext *ctx = func.getContext();
  for (tosa::AvgPool2dOp pool : pools) {
    auto type = cast<RankedTensorType>(pool.getType());
    if (!type.getElementType().isF32())
      continue;
    std::optional<ActivationParams> inP = operandParams(pool.getInput(), calibration, options);
    const qforge::TableEntry *out = entryAfter(pool.getResult(), calibration);
    if (!inP || !out || !out->ranges.count(chosen))
      continue;
    ActivationParams outP = activationParams(out->ranges.at(chosen), options.symmetric);
    b.setInsertionPoint(pool);
    Location loc = pool.getLoc();
    auto inType = cast<RankedTensorType>(pool.getInput().getType());
    Value q = qforge::qf::QuantizeOp::create(b, loc, inType.clone(int8Type(ctx, *inP)),
                                             pool.getInput());
    Value avg = qforge::qf::AvgPool2DOp::create(
        b, loc, type.clone(int8Type(ctx, outP)), q,
        b.getDenseI64ArrayAttr(pool.getKernel()), b.getDenseI64ArrayAttr(pool.getStride()),
        b.getDenseI64ArrayAttr(pool.getPad()));
    Value result = qforge::qf::DequantizeOp::create(b, loc, type, avg);
    replaceAndRecord(pool, result, "avg pool", out, calibration, layers);
  }
}

/// Concatenations of activations run on stored integers in the output's
/// parameters: each input is quantized to them (which, after an integer op,
/// folds to nothing when the parameters agree and to one requantize when
/// not), then concatenated as int8. An output inside an ONNX node (the
/// importer's reflect and edge padding) has no calibrated range; when every
/// input passes through from integer ops of one type, that type is the
/// output's.
void quantizeConcats(func::FuncOp func, const qforge::CalibrationTable &calibration,
                     const qforge::QuantizeOptions &options,
                     std::vector<qforge::QuantizedLayer> &layers) {
  qforge::CalibMethod chosen = options.method;
  SmallVector<tosa::ConcatOp> concats;
  func.walk([&](tosa::ConcatOp concat) { concats.push_back(concat); });
  OpBuilder b(func.getContext());
  MLIRContext *ctx = func.getContext();
  for (tosa::ConcatOp concat : concats) {
    auto type = cast<RankedTensorType>(concat.getType());
    if (!type.getElementType().isF32() ||
        llvm::any_of(concat.getInput1(), [](Value v) { return constantWeights(v); }))
      continue;
    const qforge::TableEntry *out = entryAfter(concat.getResult(), calibration);
    quant::UniformQuantizedType qtype;
    if (out && out->ranges.count(chosen)) {
      qtype = int8Type(ctx, activationParams(out->ranges.at(chosen), options.symmetric));
    } else {
      qtype = quantizedSource(concat.getInput1().front());
      if (!qtype || llvm::any_of(concat.getInput1(), [&](Value v) {
            return quantizedSource(v) != qtype;
          }))
        continue;
    }
    Type i8 = b.getI8Type();
    b.setInsertionPoint(concat);
    Location loc = concat.getLoc();
    SmallVector<Value> stored;
    for (Value in : concat.getInput1()) {
      auto inType = cast<RankedTensorType>(in.getType());
      Value q = qforge::qf::QuantizeOp::create(b, loc, inType.clone(qtype), in);
      stored.push_back(quant::StorageCastOp::create(b, loc, inType.clone(i8), q));
    }
    Value joined = tosa::ConcatOp::create(b, loc, type.clone(i8), stored, concat.getAxisAttr());
    Value q = quant::StorageCastOp::create(b, loc, type.clone(qtype), joined);
    Value result = qforge::qf::DequantizeOp::create(b, loc, type, q);
    if (!out) { // Part of a pass-through, not a layer of its own.
      concat.getResult().replaceAllUsesWith(result);
      concat->erase();
      continue;
    }
    replaceAndRecord(concat, result, "concat", out, calibration, layers);
  }
}

/// The 256-entry table of `f` from stored inputs of `in` to stored results
/// of `out` (index: the input byte read as unsigned), or null when f is not
/// a number somewhere.
DenseIntElementsAttr lookupTable(MLIRContext *ctx, const qforge::UnaryFunction &f,
                                 ActivationParams in, ActivationParams out) {
  std::vector<int8_t> table(256);
  for (int64_t stored = -128; stored <= 127; ++stored) {
    std::optional<double> y = f.evaluate(in.scale * static_cast<double>(stored - in.zeroPoint));
    if (!y)
      return {};
    // Half to even, as qf.quantize rounds; infinities clamp.
    double q = std::nearbyint(std::clamp(*y / out.scale, -1e6, 1e6)) + out.zeroPoint;
    table[static_cast<uint8_t>(static_cast<int8_t>(stored))] =
        static_cast<int8_t>(std::clamp(q, -128.0, 127.0));
  }
  auto type = RankedTensorType::get({256}, IntegerType::get(ctx, 8));
  return cast<DenseIntElementsAttr>(DenseElementsAttr::get(type, ArrayRef<int8_t>(table)));
}

/// Whether `v` is, through pass-through ops, the result of a product that
/// quantization left float (attention's product of two activations): a
/// table on it would quantize a float result only for its float consumers
/// (a softmax) to dequantize it again, a pass more and a rounding more
/// than the float chain, which joins the product's stores.
bool fromFloatProduct(Value v) {
  for (;;) {
    Operation *def = v.getDefiningOp();
    if (!def)
      return false;
    if (isa<tosa::MatMulOp, tosa::Conv2DOp, tosa::DepthwiseConv2DOp>(def))
      return true;
    if (!qforge::isQuantizedPassThrough(def))
      return false;
    v = def->getOperand(0);
  }
}

/// Chains of float element-wise ops computing a calibrated value from one
/// quantized or calibrated activation alone (HardSwish, SiLU, a sigmoid,
/// GELU...) become one qf.lookup: the chain tabulated over the input's 256
/// stored values, so the activations stay int8 between integer layers.
void quantizeUnaryFunctions(func::FuncOp func, const qforge::CalibrationTable &calibration,
                            const qforge::QuantizeOptions &options,
                            std::vector<qforge::QuantizedLayer> &layers) {
  qforge::CalibMethod chosen = options.method;
  MLIRContext *ctx = func.getContext();
  auto isStart = [&](Value v) {
    return !constantWeights(v) && !fromFloatProduct(v) &&
           operandParams(v, calibration, options).has_value();
  };
  auto isEnd = [&](Value v) {
    const qforge::TableEntry *e = entryAfter(v, calibration);
    return e && e->ranges.count(chosen);
  };
  for (Block &block : func.getBody()) {
    for (const qforge::UnaryFunction &f : qforge::findUnaryFunctions(block, isStart, isEnd)) {
      ActivationParams in = *operandParams(f.input, calibration, options);
      const qforge::TableEntry *outEntry = entryAfter(f.output, calibration);
      ActivationParams out = activationParams(outEntry->ranges.at(chosen), options.symmetric);
      DenseIntElementsAttr table = lookupTable(ctx, f, in, out);
      if (!table)
        continue;
      Operation *last = f.output.getDefiningOp();
      OpBuilder b(last);
      Location loc = last->getLoc();
      auto type = cast<RankedTensorType>(f.output.getType());
      Value q = qforge::qf::QuantizeOp::create(b, loc, type.clone(int8Type(ctx, in)), f.input);
      Value looked = qforge::qf::LookupOp::create(b, loc, type.clone(int8Type(ctx, out)), q,
                                                  table);
      Value result = qforge::qf::DequantizeOp::create(b, loc, type, looked);
      // The chain's other ops are used by it alone: erased last to first.
      for (Operation *op : llvm::reverse(ArrayRef<Operation *>(f.ops).drop_back()))
        op->dropAllUses();
      replaceAndRecord(last, result, "lookup", outEntry, calibration, layers);
      for (Operation *op : llvm::reverse(ArrayRef<Operation *>(f.ops).drop_back()))
        op->erase();
    }
  }
}

} // namespace

namespace {

/// A Gemm's bias: a float add after the matmul (behind reshapes) whose
/// output is the calibrated tensor; it folds into the integer op.
struct GemmBias {
  tosa::AddOp add;
  DenseElementsAttr values;
};

/// Rewrites the convolutions and matmuls of one function, each at its
/// node's calibrated parameters, and records what it did per layer.
class LayerQuantizer {
public:
  LayerQuantizer(func::FuncOp func, const qforge::CalibrationTable &calibration,
                 const qforge::QuantizeOptions &options,
                 std::vector<qforge::QuantizedLayer> &layers)
      : func(func), ctx(func.getContext()), calibration(calibration), options(options),
        chosen(options.method), b(ctx), layers(layers), precision(options.precision) {}

  /// Every candidate layer, in program order.
  void run();

private:
  void quantize(Operation *op);
  std::optional<ActivationParams> inputParams(Operation *op) const;
  void quantizeWithFloatResult(tosa::MatMulOp op, DenseElementsAttr w, ActivationParams inP);
  qforge::QuantizedLayer describe(Operation *op, DenseElementsAttr w) const;
  GemmBias gemmBias(Operation *op, const qforge::TableEntry *&out) const;
  bool userKeepsFloat(Operation *op, qforge::QuantizedLayer &layer);
  void keepFloat(Operation *layer);
  Value buildConv(tosa::Conv2DOp conv, Location loc, DenseElementsAttr w, Type qResult,
                  Value qIn, ActivationParams inP, DenseI64ArrayAttr clamp, Weights &wq);
  Value buildDepthwise(tosa::DepthwiseConv2DOp dw, Location loc, DenseElementsAttr w,
                       Type qResult, Value qIn, ActivationParams inP, DenseI64ArrayAttr clamp,
                       Weights &wq);
  Value buildMatmul(Location loc, DenseElementsAttr w, DenseElementsAttr bias, Type qResult,
                    Value qIn, ActivationParams inP, DenseI64ArrayAttr clamp, Weights &wq);
  void replaceLayer(Operation *op, Value quantized, const Weights &wq, bool hasBias,
                    const qforge::TableEntry *out, GemmBias bias,
                    tosa::ClampOp activation);

  func::FuncOp func;
  MLIRContext *ctx;
  const qforge::CalibrationTable &calibration;
  const qforge::QuantizeOptions &options;
  qforge::CalibMethod chosen;
  OpBuilder b;
  std::vector<qforge::QuantizedLayer> &layers;
  llvm::DenseSet<Attribute> seenWeights;
  llvm::StringSet<> floatResultNodes; // Nodes of quantizeWithFloatResult.
  /// The weight precision of the layer being quantized (the plan's, else
  /// the options').
  qforge::WeightPrecision precision;
  /// The table's entry for its input (nullptr when none).
  const qforge::TableEntry *inputEntry = nullptr;
  bool inputStatisticsFit(bool convolution) const;
  ArrayRef<double> inputMeans(bool convolution, int64_t channels) const;
  void addMeasuredShift(Location loc, Weights &wq) const;
  WeightScheme weightScheme(bool convolution) const;
};

/// Whether the table's channel statistics of the layer's input run along
/// the axis the layer reduces over: NCHW channels for a convolution, the
/// last axis for a matmul.
bool LayerQuantizer::inputStatisticsFit(bool convolution) const {
  if (!inputEntry || inputEntry->meanAxis < 0)
    return false;
  auto rank = static_cast<int64_t>(inputEntry->shape.size());
  return inputEntry->meanAxis == (convolution ? (rank == 4 ? 1 : -1) : rank - 1);
}

/// The layer's weight precision and the options' scale rules; with the
/// int4 scale search, the input's channel mean squares when the table has
/// them.
WeightScheme LayerQuantizer::weightScheme(bool convolution) const {
  WeightScheme scheme{precision, options.groupSize, options.perTensorWeights, {}};
  scheme.int4Search.enabled = options.int4ScaleSearch;
  if (scheme.int4Search.enabled && inputStatisticsFit(convolution))
    scheme.int4Search.importance = inputEntry->channelMeanSquare;
  return scheme;
}

/// With bias correction, the input's `channels` channel means, when the
/// table has them; else empty.
ArrayRef<double> LayerQuantizer::inputMeans(bool convolution, int64_t channels) const {
  if (!options.biasCorrection || !inputStatisticsFit(convolution) ||
      static_cast<int64_t>(inputEntry->channelMean.size()) != channels)
    return {};
  return inputEntry->channelMean;
}

/// The measured bias correction of the layer at `loc`, when there is one
/// per output channel, added to the weights' bias shift.
void LayerQuantizer::addMeasuredShift(Location loc, Weights &wq) const {
  auto found = options.measuredBiasShift.find(qforge::onnxNodeName(loc).str());
  if (found == options.measuredBiasShift.end() || found->second.size() != wq.scales.size())
    return;
  wq.biasShift.resize(wq.scales.size(), 0.0);
  for (size_t c = 0; c < wq.scales.size(); ++c)
    wq.biasShift[c] += found->second[c];
}

void LayerQuantizer::run() {
  // The function now promises integer compute (qf-verify-quantized).
  func->setAttr(qforge::qf::kQuantizedAttrName, UnitAttr::get(ctx));
  SmallVector<Operation *> candidates;
  func.walk([&](Operation *op) {
    if (isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp, tosa::MatMulOp>(op))
      candidates.push_back(op);
  });
  for (Operation *op : candidates)
    quantize(op);
  if (floatResultNodes.empty())
    return;
  // A node whose product stays float computes on it in float (a recurrent
  // layer's gates and states): that compute is float by design.
  func.walk([&](Operation *op) {
    StringRef node = qforge::onnxNodeName(op->getLoc());
    StringRef dialect = op->getName().getDialectNamespace();
    auto isFloat = [](Type t) { return isa<FloatType>(getElementTypeOrSelf(t)); };
    bool computesFloat = llvm::any_of(op->getOperandTypes(), isFloat) ||
                         llvm::any_of(op->getResultTypes(), isFloat);
    if (computesFloat && !node.empty() && floatResultNodes.contains(node) &&
        dialect != "qf" && dialect != "quant")
      op->setAttr(qforge::qf::kKeepFloatAttrName, UnitAttr::get(ctx));
  });
}

/// The parameters of a layer's input: those of the tensor the importer
/// names as covering it (kInputRangeOfAttrName), else operandParams'.
std::optional<ActivationParams> LayerQuantizer::inputParams(Operation *op) const {
  auto coveringTensor = op->getAttrOfType<StringAttr>(qforge::qf::kInputRangeOfAttrName);
  if (!coveringTensor)
    return operandParams(op->getOperand(0), calibration, options);
  const qforge::TableEntry *e = calibration.find(coveringTensor.getValue());
  if (!e || !e->ranges.count(chosen))
    return std::nullopt;
  return activationParams(e->ranges.at(chosen), options.symmetric);
}

/// A matmul whose input is calibrated but whose result is not (an
/// intermediate of its node, such as a recurrent layer's gates): int8 input
/// and weights, int32 sums scaled back to float. Weights are per column
/// even at int4: blocks need a requantized result (qf.matmul).
void LayerQuantizer::quantizeWithFloatResult(tosa::MatMulOp op, DenseElementsAttr w,
                                             ActivationParams inP) {
  auto wType = cast<RankedTensorType>(w.getType());
  if (wType.getRank() != 3 || wType.getDimSize(0) != 1)
    return;
  int64_t k = wType.getDimSize(1), n = wType.getDimSize(2);
  Location loc = op.getLoc();
  b.setInsertionPoint(op);
  DenseElementsAttr flat = w.reshape(RankedTensorType::get({k, n}, wType.getElementType()));
  bool int4 = precision == qforge::WeightPrecision::Int4;
  Weights wq = int4 ? quantizeWeightsInt4(b, loc, flat, /*channelAxis=*/1, /*blockAxis=*/0,
                                          /*groupSize=*/0)
                    : quantizeWeights(b, loc, flat, /*axis=*/1, options.perTensorWeights);
  Value rows = qforge::withoutBatch(b, loc, op.getA());
  auto rowsType = cast<RankedTensorType>(rows.getType());
  Value x = qforge::qf::QuantizeOp::create(b, loc, rowsType.clone(int8Type(ctx, inP)), rows);
  Value acc = qforge::integerProduct(b, loc, x, wq.quantized);
  Value scale = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(RankedTensorType::get({}, b.getF32Type()),
                                     static_cast<float>(inP.scale)));
  Value y = qforge::floatProduct(b, loc, acc, scale, wq.scales,
                                  cast<RankedTensorType>(op.getType()));
  op.getResult().replaceAllUsesWith(y);
  op->erase();
  qforge::QuantizedLayer &done = layers.back();
  done.precision = int4 ? "int4" : "int8";
  done.note = "result stays float (no calibrated range for it), as does the node's other "
              "compute";
  floatResultNodes.insert(done.node);
  // Weights and a float scale per column.
  done.bytes = wq.bytes + 4 * n;
  done.accumulatorBound = 255 * wq.largestAbsSum;
  noteZeroChannels(loc, wq.zeroChannels, wq.scales.size(), done);
}

/// The layer as it stands in float (recorded so until the rewrite
/// succeeds): its node, kind and weight bytes.
qforge::QuantizedLayer LayerQuantizer::describe(Operation *op, DenseElementsAttr w) const {
  qforge::QuantizedLayer layer;
  layer.node = qforge::onnxNodeName(op->getLoc()).str();
  layer.op = isa<tosa::Conv2DOp>(op)            ? "conv"
             : isa<tosa::DepthwiseConv2DOp>(op) ? "depthwise conv"
                                                : "matmul";
  layer.precision = "fp32";
  layer.floatBytes = 4 * w.getNumElements();
  layer.bytes = layer.floatBytes;
  return layer;
}

/// A matmul followed by the add of a constant per output column (Gemm's
/// bias, or a Linear layer exported as MatMul and Add) whose output is
/// calibrated: the bias folds into the integer op, and `out` becomes the
/// add's entry.
GemmBias LayerQuantizer::gemmBias(Operation *op, const qforge::TableEntry *&out) const {
  GemmBias bias;
  if (!isa<tosa::MatMulOp>(op))
    return bias;
  Value v = op->getResult(0);
  while (v.hasOneUse() && isLayoutOp(*v.getUsers().begin()))
    v = v.getUsers().begin()->getResult(0);
  if (v.hasOneUse())
    bias.add = dyn_cast<tosa::AddOp>(*v.getUsers().begin());
  if (!bias.add)
    return bias;
  Value other = bias.add.getInput1() == v ? bias.add.getInput2() : bias.add.getInput1();
  bias.values = constantWeights(other);
  int64_t columns = cast<RankedTensorType>(op->getResult(0).getType()).getShape().back();
  const qforge::TableEntry *added =
      bias.values && v.getType() == bias.add.getType() &&
              (bias.values.isSplat() || bias.values.getNumElements() == columns)
          ? entryAfter(bias.add.getResult(), calibration)
          : nullptr;
  if (added)
    out = added;
  else
    bias = {};
  return bias;
}

/// A layer the user keeps float: its op and the ops of its ONNX node around
/// it (layout, bias add) may stay float.
void LayerQuantizer::keepFloat(Operation *layer) {
  StringRef node = qforge::onnxNodeName(layer->getLoc());
  func.walk([&](Operation *op) {
    if (op == layer || (!node.empty() && qforge::onnxNodeName(op->getLoc()) == node))
      op->setAttr(qforge::qf::kKeepFloatAttrName, UnitAttr::get(ctx));
  });
}

/// --exclude, --keep-float and a precision plan's float layers; sets the
/// weight precision of the others.
bool LayerQuantizer::userKeepsFloat(Operation *op, qforge::QuantizedLayer &layer) {
  precision = options.precision;
  auto planned = options.layerPrecision.find(layer.node);
  if (planned != options.layerPrecision.end()) {
    if (planned->second == qforge::LayerPrecision::Float) {
      layer.note = "float (precision plan)";
      keepFloat(op);
      return true;
    }
    precision = planned->second == qforge::LayerPrecision::Int4 ? qforge::WeightPrecision::Int4
                                                                : qforge::WeightPrecision::Int8;
  }
  if (llvm::is_contained(options.excludedNodes, layer.node)) {
    layer.note = "excluded (--exclude)";
    keepFloat(op);
    return true;
  }
  bool isConv = !isa<tosa::MatMulOp>(op);
  if (llvm::any_of(options.keepFloatOps, [&](const std::string &kind) {
        return isConv ? kind == "Conv" : (kind == "Gemm" || kind == "MatMul");
      })) {
    layer.note = "kept float (--keep-float)";
    keepFloat(op);
    return true;
  }
  return false;
}

void LayerQuantizer::quantize(Operation *op) {
  Value input = op->getOperand(0);
  DenseElementsAttr w = constantWeights(op->getOperand(1));
  if (!w)
    return;
  layers.push_back(describe(op, w));
  layers.back().sharesWeights = !seenWeights.insert(w).second;
  const qforge::TableEntry *out = layerOutputEntry(op->getResult(0), calibration);
  GemmBias bias = gemmBias(op, out);
  // The f32 bytes of the layer: weights and bias.
  DenseElementsAttr floatBias =
      isa<tosa::MatMulOp>(op) ? bias.values : constantWeights(op->getOperand(2));
  layers.back().floatBytes += floatBias ? 4 * floatBias.getNumElements() : 0;
  layers.back().bytes = layers.back().floatBytes;
  if (userKeepsFloat(op, layers.back()))
    return;
  inputEntry = entryBefore(input, calibration);
  // An input that an earlier integer op produced (a dequantized copy of
  // its result) keeps that op's parameters; any other needs the table.
  std::optional<ActivationParams> inParams = inputParams(op);
  bool outputCalibrated = out && out->ranges.count(chosen);
  if (inParams && !outputCalibrated && isa<tosa::MatMulOp>(op)) {
    quantizeWithFloatResult(cast<tosa::MatMulOp>(op), w, *inParams);
    return;
  }
  if (!inParams || !outputCalibrated) {
    layers.back().note = "no calibrated range for its input or output";
    return;
  }
  // An activation (ReLU, ReLU6, Clip) right after the output fuses into
  // the op's clamp; the op then takes the activation's output range.
  tosa::ClampOp activation = fusableActivation(
      bias.add ? Value(bias.add.getResult()) : op->getResult(0), calibration, chosen, out);
  ActivationParams outP = activationParams(out->ranges.at(chosen), options.symmetric);
  ActivationParams inP = *inParams;
  DenseI64ArrayAttr clampAttr;
  if (activation && !(clampAttr = storageClamp(b, activation, outP)))
    activation = {};
  Location loc = op->getLoc();
  b.setInsertionPoint(op);
  auto inType = cast<RankedTensorType>(input.getType());
  Value qIn = qforge::qf::QuantizeOp::create(b, loc, inType.clone(int8Type(ctx, inP)), input);
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  Type qResult = resultType.clone(int8Type(ctx, outP));
  Weights wq;
  Value quantized;
  if (auto conv = dyn_cast<tosa::Conv2DOp>(op))
    quantized = buildConv(conv, loc, w, qResult, qIn, inP, clampAttr, wq);
  else if (auto dw = dyn_cast<tosa::DepthwiseConv2DOp>(op))
    quantized = buildDepthwise(dw, loc, w, qResult, qIn, inP, clampAttr, wq);
  else
    quantized = buildMatmul(loc, w, bias.values, qResult, qIn, inP, clampAttr, wq);
  if (!quantized)
    return;
  bool hasBias = !isa<tosa::MatMulOp>(op) || bias.values;
  noteZeroChannels(loc, wq.zeroChannels, wq.scales.size(), layers.back());
  replaceLayer(op, quantized, wq, hasBias, out, bias, activation);
}

Value LayerQuantizer::buildConv(tosa::Conv2DOp conv, Location loc, DenseElementsAttr w,
                                Type qResult, Value qIn, ActivationParams inP,
                                DenseI64ArrayAttr clamp, Weights &wq) {
  DenseElementsAttr bias = constantWeights(conv.getBias());
  if (!bias)
    return {};
  wq = quantizeWeightsAt(b, loc, w, /*channelAxis=*/0, /*blockAxis=*/3,
                         weightScheme(/*convolution=*/true));
  ArrayRef<int64_t> ohwi = cast<RankedTensorType>(w.getType()).getShape();
  int64_t in = ohwi[3], perChannel = ohwi[1] * ohwi[2] * ohwi[3];
  if (ArrayRef<double> means = inputMeans(/*convolution=*/true, in); !means.empty()) {
    std::vector<double> share =
        qforge::windowInsideShare(conv.getInput(), conv.getResult(), ohwi[1], ohwi[2],
                          conv.getStride(), conv.getPad(), conv.getDilation());
    wq.biasShift = qforge::roundingShift(wq.error, means, share, ohwi[0], [&](int64_t i) {
      return std::tuple<int64_t, int64_t, int64_t>(i / perChannel, i % in,
                                                   (i % perChannel) / in);
    });
  }
  addMeasuredShift(loc, wq);
  Value qBias = quantizeBias(b, loc, bias, inP.scale, wq);
  return qforge::qf::Conv2DOp::create(
      b, loc, qResult, qIn, wq.quantized, qBias, b.getDenseI64ArrayAttr(conv.getStride()),
      b.getDenseI64ArrayAttr(conv.getPad()), b.getDenseI64ArrayAttr(conv.getDilation()),
      b.getI64IntegerAttr(1), clamp);
}

/// TOSA's [KH, KW, C, M] filter as qf's grouped OHWI: output channel
/// c * M + m, one input channel per group.
Value LayerQuantizer::buildDepthwise(tosa::DepthwiseConv2DOp dw, Location loc,
                                     DenseElementsAttr w, Type qResult, Value qIn,
                                     ActivationParams inP, DenseI64ArrayAttr clamp,
                                     Weights &wq) {
  DenseElementsAttr bias = constantWeights(dw.getBias());
  if (!bias)
    return {};
  auto wType = cast<RankedTensorType>(w.getType());
  int64_t kh = wType.getDimSize(0), kw = wType.getDimSize(1), c = wType.getDimSize(2),
          m = wType.getDimSize(3);
  auto ohwi = RankedTensorType::get({c * m, kh, kw, 1}, wType.getElementType());
  wq = quantizeWeightsAt(b, loc, qforge::permuteConstant(w, {2, 3, 0, 1}).reshape(ohwi),
                         /*channelAxis=*/0, /*blockAxis=*/3,
                         weightScheme(/*convolution=*/true));
  // Output channel o = input channel o / m's m-th filter.
  if (ArrayRef<double> means = inputMeans(/*convolution=*/true, c); !means.empty()) {
    std::vector<double> share = qforge::windowInsideShare(dw.getInput(), dw.getResult(), kh, kw,
                                                  dw.getStride(), dw.getPad(), dw.getDilation());
    wq.biasShift = qforge::roundingShift(wq.error, means, share, c * m, [&](int64_t i) {
      int64_t out = i / (kh * kw);
      return std::tuple<int64_t, int64_t, int64_t>(out, out / m, i % (kh * kw));
    });
  }
  addMeasuredShift(loc, wq);
  Value qBias = quantizeBias(b, loc, bias, inP.scale, wq);
  return qforge::qf::Conv2DOp::create(
      b, loc, qResult, qIn, wq.quantized, qBias, b.getDenseI64ArrayAttr(dw.getStride()),
      b.getDenseI64ArrayAttr(dw.getPad()), b.getDenseI64ArrayAttr(dw.getDilation()),
      b.getI64IntegerAttr(c), clamp);
}

/// tosa.matmul [1, M, K] x [1, K, N]: weights as [K, N], per column.
Value LayerQuantizer::buildMatmul(Location loc, DenseElementsAttr w, DenseElementsAttr bias,
                                  Type qResult, Value qIn, ActivationParams inP,
                                  DenseI64ArrayAttr clamp, Weights &wq) {
  auto wType = cast<RankedTensorType>(w.getType());
  if (wType.getRank() != 3 || wType.getDimSize(0) != 1)
    return {};
  auto flat =
      RankedTensorType::get({wType.getDimSize(1), wType.getDimSize(2)}, wType.getElementType());
  int64_t n = wType.getDimSize(2);
  if (bias && bias.getNumElements() != n && !bias.isSplat())
    return {};
  wq = quantizeWeightsAt(b, loc, w.reshape(flat), /*channelAxis=*/1, /*blockAxis=*/0,
                         weightScheme(/*convolution=*/false));
  // [K, N]: weight i multiplies input k = i / n into column i % n. A
  // matmul without a bias keeps its rounding's mean (it has no bias to
  // correct).
  int64_t k = wType.getDimSize(1);
  if (ArrayRef<double> means = inputMeans(/*convolution=*/false, k); bias && !means.empty())
    wq.biasShift = qforge::roundingShift(wq.error, means, /*tapShare=*/{1.0}, n, [&](int64_t i) {
      return std::tuple<int64_t, int64_t, int64_t>(i % n, i / n, 0);
    });
  Value qBias;
  if (bias) {
    addMeasuredShift(loc, wq);
    qBias = quantizeBias(b, loc, bias, inP.scale, wq);
  }
  return qforge::qf::MatmulOp::create(b, loc, qResult, qIn, wq.quantized, qBias, clamp);
}

/// The float op replaced by the dequantized integer op; a Gemm's bias add
/// and a fused activation pass their input on.
void LayerQuantizer::replaceLayer(Operation *op, Value quantized, const Weights &wq,
                                  bool hasBias, const qforge::TableEntry *out,
                                  GemmBias bias, tosa::ClampOp activation) {
  qforge::QuantizedLayer &done = layers.back();
  done.precision = precision == qforge::WeightPrecision::Int4 ? "int4" : "int8";
  // Weights, the int32 bias, and per channel the requantization's int32
  // multiplier and 8-bit shift; the float side holds weights and bias.
  auto channels = static_cast<int64_t>(wq.scales.size());
  done.bytes = wq.bytes + (hasBias ? 4 * channels : 0) + 5 * channels;
  // Stored activations minus their zero point lie in [-255, 255].
  done.accumulatorBound = 255 * wq.largestAbsSum + wq.largestBias;
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  Value result = qforge::qf::DequantizeOp::create(b, op->getLoc(), resultType, quantized);
  op->getResult(0).replaceAllUsesWith(result);
  op->erase();
  // The float value now standing for the layer's calibrated output.
  done.outputName = out->name;
  done.output = calibratedAfter(result, calibration);
  if (bias.values) { // Folded: the add passes its activation operand on.
    Value data = constantWeights(bias.add.getInput1()) ? bias.add.getInput2()
                                                       : bias.add.getInput1();
    bias.add.getResult().replaceAllUsesWith(data);
    bias.add->erase();
    done.output = data;
  }
  if (activation) { // Fused: the integer op's clamp does its work.
    activation.getResult().replaceAllUsesWith(activation.getInput());
    done.output = activation.getInput();
    activation->erase();
  }
}

} // namespace

std::vector<qforge::QuantizedLayer>
qforge::quantizeFunction(func::FuncOp func, const CalibrationTable &calibration,
                         const QuantizeOptions &options) {
  std::vector<QuantizedLayer> layers;
  warnDegenerateRanges(func, calibration, options);
  LayerQuantizer(func, calibration, options, layers).run();
  // When every convolution and matmul stays float (excluded, or a plan's
  // fp32), integer adds, pools and tables between them would only add
  // conversions and error: the model stays float.
  if (!layers.empty() && llvm::all_of(layers, [](const QuantizedLayer &l) {
        return l.precision == "fp32";
      }))
    return layers;
  // After the convolutions and matmuls, whose results these combine or
  // pool.
  // Adds first: they take a following ReLU or Clip as their clamp, which
  // would otherwise become a table of its own.
  quantizeBinary<tosa::AddOp, qforge::qf::AddOp>(func, calibration, options, "add", layers);
  quantizeUnaryFunctions(func, calibration, options, layers);
  // After the tables, which take the multiplies that square an activation
  // or scale it by a function of itself (SiLU's x * sigmoid(x)).
  quantizeBinary<tosa::MulOp, qforge::qf::MulOp>(func, calibration, options, "mul", layers);
  quantizeAvgPools(func, calibration, options, layers);
  quantizeConcats(func, calibration, options, layers);
  return layers;
}

namespace {

struct QuantizePass : qforge::impl::QuantizePassBase<QuantizePass> {
  using QuantizePassBase::QuantizePassBase;

  /// The table is read once per pass run, not once per function.
  LogicalResult initialize(MLIRContext *ctx) override {
    Location loc = UnknownLoc::get(ctx);
    if (table.empty())
      return emitError(loc) << "qf-quantize needs a calibration table (table=PATH)";
    std::string error;
    if (!qforge::readCalibrationTable(table, calibration, error))
      return emitError(loc) << table << ": " << error;
    options.method = calibration.method;
    if (!method.empty()) {
      auto parsed = qforge::parseCalibMethod(method);
      if (!parsed)
        return emitError(loc) << "method '" << method
                              << "' is not one of minmax, percentile, entropy, mse";
      options.method = *parsed;
    }
    if (scheme != "asymmetric" && scheme != "symmetric")
      return emitError(loc) << "scheme '" << scheme
                            << "' is not one of asymmetric, symmetric";
    options.symmetric = scheme == "symmetric";
    if (precision != "int8" && precision != "int4")
      return emitError(loc) << "precision '" << precision
                            << "' is not one of int8, int4";
    options.precision = precision == "int4" ? qforge::WeightPrecision::Int4
                                            : qforge::WeightPrecision::Int8;
    if (groupSize < 0)
      return emitError(loc) << "group-size must be 0 (per channel) or positive, got "
                            << static_cast<int64_t>(groupSize);
    options.groupSize = groupSize;
    options.biasCorrection = biasCorrection;
    options.int4ScaleSearch = int4ScaleSearch;
    options.perTensorWeights = perTensorWeights;
    return success();
  }

  void runOnOperation() override {
    qforge::quantizeFunction(getOperation(), calibration, options);
  }

  qforge::CalibrationTable calibration;
  qforge::QuantizeOptions options;
};

} // namespace

namespace {

/// max |x| over a whole tensor, as a 0-d f32 tensor: first per row (along
/// the last dimension, where the row reductions vectorize), then over the
/// rows. A maximum is exact in any order.
Value largestMagnitude(OpBuilder &b, Location loc, Value x) {
  auto type = cast<RankedTensorType>(x.getType());
  unsigned rank = type.getRank();
  MLIRContext *ctx = b.getContext();
  Type f32 = b.getF32Type();
  auto zeros = [&](ArrayRef<int64_t> shape) -> Value {
    Value zero = arith::ConstantOp::create(b, loc, f32, b.getF32FloatAttr(0.0f));
    Value empty = tensor::EmptyOp::create(b, loc, shape, f32);
    return linalg::FillOp::create(b, loc, ValueRange{zero}, ValueRange{empty}).getResult(0);
  };
  ArrayRef<int64_t> rowsShape = type.getShape().drop_back();
  SmallVector<utils::IteratorType> rowIterators(rank - 1, utils::IteratorType::parallel);
  rowIterators.push_back(utils::IteratorType::reduction);
  Value rowMax =
      linalg::GenericOp::create(
          b, loc, TypeRange{RankedTensorType::get(rowsShape, f32)}, ValueRange{x},
          ValueRange{zeros(rowsShape)},
          SmallVector<AffineMap>{b.getMultiDimIdentityMap(rank),
                                 b.getMultiDimIdentityMap(rank).dropResult(rank - 1)},
          rowIterators,
          [&](OpBuilder &nb, Location nl, ValueRange args) {
            Value a = math::AbsFOp::create(nb, nl, args[0]);
            linalg::YieldOp::create(nb, nl,
                                    ValueRange{arith::MaximumFOp::create(nb, nl, args[1], a)});
          })
          .getResult(0);
  return linalg::GenericOp::create(
             b, loc, TypeRange{RankedTensorType::get({}, f32)}, ValueRange{rowMax},
             ValueRange{zeros({})},
             SmallVector<AffineMap>{b.getMultiDimIdentityMap(rank - 1),
                                    AffineMap::get(rank - 1, 0, {}, ctx)},
             SmallVector<utils::IteratorType>(rank - 1, utils::IteratorType::reduction),
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               linalg::YieldOp::create(
                   nb, nl, ValueRange{arith::MaximumFOp::create(nb, nl, args[1], args[0])});
             })
      .getResult(0);
}

/// The float activation of one matmul quantized at run time, symmetric
/// int8: s = max|x| / 127 (1 when x is all zero), q = roundeven(x / s)
/// clamped to [-127, 127]. Returns q and s (a 0-d f32 tensor).
std::pair<Value, Value> quantizeAtRunTime(OpBuilder &b, Location loc, Value x) {
  auto type = cast<RankedTensorType>(x.getType());
  unsigned rank = type.getRank();
  MLIRContext *ctx = b.getContext();
  Type f32 = b.getF32Type();
  auto scalar = RankedTensorType::get({}, f32);
  auto fconst = [&](OpBuilder &nb, Location nl, double v) -> Value {
    return arith::ConstantOp::create(nb, nl, f32, nb.getF32FloatAttr(static_cast<float>(v)));
  };
  Value amax = largestMagnitude(b, loc, x);
  AffineMap all = b.getMultiDimIdentityMap(rank);
  AffineMap toScalar = AffineMap::get(rank, 0, {}, ctx);
  Value scale =
      linalg::GenericOp::create(
          b, loc, TypeRange{scalar}, ValueRange{amax},
          ValueRange{tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{}, f32)},
          SmallVector<AffineMap>{AffineMap::get(0, 0, {}, ctx), AffineMap::get(0, 0, {}, ctx)},
          SmallVector<utils::IteratorType>{},
          [&](OpBuilder &nb, Location nl, ValueRange args) {
            Value s = arith::DivFOp::create(nb, nl, args[0], fconst(nb, nl, 127.0));
            Value isZero = arith::CmpFOp::create(nb, nl, arith::CmpFPredicate::OEQ, s,
                                                 fconst(nb, nl, 0.0));
            linalg::YieldOp::create(
                nb, nl, ValueRange{arith::SelectOp::create(nb, nl, isZero, fconst(nb, nl, 1.0), s)});
          })
          .getResult(0);
  Type i8 = b.getI8Type();
  Value q =
      linalg::GenericOp::create(
          b, loc, TypeRange{type.clone(i8)}, ValueRange{x, scale},
          ValueRange{tensor::EmptyOp::create(b, loc, type.getShape(), i8)},
          SmallVector<AffineMap>{all, toScalar, all},
          SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
          [&](OpBuilder &nb, Location nl, ValueRange args) {
            Value v = math::RoundEvenOp::create(nb, nl, arith::DivFOp::create(nb, nl, args[0], args[1]));
            v = arith::MaximumFOp::create(nb, nl, v, fconst(nb, nl, -127.0));
            v = arith::MinimumFOp::create(nb, nl, v, fconst(nb, nl, 127.0));
            linalg::YieldOp::create(nb, nl, ValueRange{arith::FPToSIOp::create(nb, nl, i8, v)});
          })
          .getResult(0);
  return {q, scale};
}

} // namespace

std::vector<qforge::QuantizedLayer> qforge::quantizeDynamic(func::FuncOp func) {
  std::vector<QuantizedLayer> layers;
  llvm::DenseSet<Attribute> seenWeights;
  SmallVector<tosa::MatMulOp> matmuls;
  func.walk([&](tosa::MatMulOp op) { matmuls.push_back(op); });
  OpBuilder b(func.getContext());
  for (tosa::MatMulOp op : matmuls) {
    DenseElementsAttr w = constantWeights(op.getB());
    auto wType = w ? cast<RankedTensorType>(w.getType()) : RankedTensorType();
    auto aType = cast<RankedTensorType>(op.getA().getType());
    if (!w || wType.getRank() != 3 || wType.getDimSize(0) != 1 ||
        !aType.getElementType().isF32())
      continue;
    int64_t k = wType.getDimSize(1), n = wType.getDimSize(2);
    QuantizedLayer layer;
    layer.node = onnxNodeName(op.getLoc()).str();
    layer.op = "matmul";
    layer.precision = "int8-dynamic";
    layer.floatBytes = 4 * k * n;
    layer.sharesWeights = !seenWeights.insert(w).second;
    Location loc = op.getLoc();
    b.setInsertionPoint(op);
    // Weights int8 per output column, ahead of time.
    Weights wq = quantizeWeights(
        b, loc, w.reshape(RankedTensorType::get({k, n}, wType.getElementType())), /*axis=*/1);
    noteZeroChannels(loc, wq.zeroChannels, wq.scales.size(), layer);
    auto [q, scale] = quantizeAtRunTime(b, loc, op.getA());
    // The activation's scale is known only at run time: its type says 1,
    // which an int32 product never reads.
    auto unitScale = quant::UniformQuantizedType::get(
        quant::QuantizationFlags::Signed, b.getI8Type(), b.getF32Type(), 1.0, 0, -128, 127);
    Value rows = withoutBatch(b, loc, q);
    Value x = quant::StorageCastOp::create(
        b, loc, cast<RankedTensorType>(rows.getType()).clone(unitScale), rows);
    Value acc = integerProduct(b, loc, x, wq.quantized);
    Value y = floatProduct(b, loc, acc, scale, wq.scales,
                                  cast<RankedTensorType>(op.getType()));
    op.getResult().replaceAllUsesWith(y);
    op->erase();
    // int8 weights and a float scale per column.
    layer.bytes = k * n + 4 * n;
    layers.push_back(layer);
  }
  return layers;
}
