//===- FuseQDQ.cpp - QDQ-form compute into qf integer ops -----------------===//
//
// A QDQ model (onnxruntime's quantize_static, QAT exports) states its
// integer computation in float: DequantizeLinear on the input and on the
// integer weights, a float Conv or Gemm, QuantizeLinear on the output. The
// importer keeps that form (qf.dequantize / qf.quantize around float TOSA
// ops). This pass recognizes it and computes it as the model means it: one
// qf.conv2d / qf.matmul with the model's own scales and zero points, exact
// int32 accumulation and integer-only requantization — no float compute,
// no second rounding.
//
// It expects qf-sink-dequantize to have run: dequantizations then sit right
// above the compute op and quantizations right below it.
//
//===----------------------------------------------------------------------===//

#include "qforge/Dialect/QF/Utils/Layout.h"
#include "qforge/Dialect/QF/Utils/QuantParams.h"
#include "qforge/Dialect/QF/Transforms/Passes.h"

#include "qforge/Dialect/QF/IR/QFOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"

#include <cmath>

namespace qforge {
#define GEN_PASS_DEF_FUSEQDQPASS
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"
} // namespace qforge

using namespace mlir;

namespace {

/// A constant integer tensor and the quantized type it is stored in, as
/// the consumer sees it (after the importer's layout ops).
struct QuantizedConstant {
  DenseElementsAttr values;
  quant::QuantizedType type;
};

/// The per-axis type's axis after a layout change, found as the dimension
/// with the same size and the same number of elements after it.
std::optional<int32_t> movedAxis(ArrayRef<int64_t> from, ArrayRef<int64_t> to,
                                 int32_t axis) {
  int64_t inner = 1;
  for (size_t d = axis + 1; d < from.size(); ++d)
    inner *= from[d];
  int64_t after = 1;
  for (int64_t d = static_cast<int64_t>(to.size()) - 1; d >= 0; --d) {
    if (after == inner && to[d] == from[axis])
      return static_cast<int32_t>(d);
    after *= to[d];
  }
  return std::nullopt;
}

quant::QuantizedType withAxis(quant::QuantizedType type, int32_t axis) {
  auto t = cast<quant::UniformQuantizedPerAxisType>(type);
  return quant::UniformQuantizedPerAxisType::get(
      t.getFlags(), t.getStorageType(), t.getExpressedType(), t.getScales(),
      t.getZeroPoints(), axis, t.getStorageTypeMin(), t.getStorageTypeMax());
}

/// `v` as a dequantized integer constant seen through transposes and
/// reshapes: the integers in `v`'s layout and their type.
std::optional<QuantizedConstant> dequantizedConstant(Value v) {
  SmallVector<Operation *> layout; // Consumer first.
  while (Operation *def = v.getDefiningOp()) {
    if (!isa<tosa::TransposeOp, tosa::ReshapeOp>(def))
      break;
    layout.push_back(def);
    v = def->getOperand(0);
  }
  auto dq = v.getDefiningOp<qforge::qf::DequantizeOp>();
  if (!dq)
    return std::nullopt;
  auto stored = dq.getInput().getDefiningOp<quant::StorageCastOp>();
  DenseElementsAttr ints;
  if (!stored || !matchPattern(stored.getInput(), m_Constant(&ints)))
    return std::nullopt;
  auto type = dyn_cast<quant::QuantizedType>(dq.getInput().getType().getElementType());
  if (!type || !isa<quant::UniformQuantizedType, quant::UniformQuantizedPerAxisType>(type))
    return std::nullopt;
  for (Operation *op : llvm::reverse(layout)) {
    auto outShape = cast<ShapedType>(op->getResult(0).getType()).getShape();
    ArrayRef<int64_t> inShape = cast<ShapedType>(ints.getType()).getShape();
    if (auto t = dyn_cast<tosa::TransposeOp>(op)) {
      SmallVector<int64_t> perms(t.getPerms().begin(), t.getPerms().end());
      if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(type)) {
        auto it = llvm::find(perms, perAxis.getQuantizedDimension());
        type = withAxis(type, static_cast<int32_t>(it - perms.begin()));
      }
      ints = qforge::permuteConstant(ints, perms);
      if (!ints)
        return std::nullopt;
    } else {
      if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(type)) {
        std::optional<int32_t> axis =
            movedAxis(inShape, outShape, perAxis.getQuantizedDimension());
        if (!axis)
          return std::nullopt;
        type = withAxis(type, *axis);
      }
      ints = ints.reshape(RankedTensorType::get(outShape, ints.getElementType()));
    }
  }
  return QuantizedConstant{ints, type};
}

SmallVector<double> scalesOf(quant::QuantizedType type, int64_t channels) {
  return qforge::readQuantParams(type).channelScales(channels);
}

/// The int32 bias [channels] at scale s_x * s_w[c] from `bias`: a
/// dequantized integer constant (its integers when its scales are already
/// those, as quantizers write them) or a float constant; null if neither.
Value integerBias(OpBuilder &b, Location loc, Value bias, double inputScale,
                  ArrayRef<double> weightScales) {
  int64_t channels = static_cast<int64_t>(weightScales.size());
  SmallVector<double> real;
  std::optional<QuantizedConstant> q = dequantizedConstant(bias);
  DenseElementsAttr dense;
  if (q && q->values.getNumElements() == channels) {
    qforge::QuantParams params = qforge::readQuantParams(q->type);
    SmallVector<double> scales = params.channelScales(channels);
    SmallVector<int64_t> zps = params.channelZeroPoints(channels);
    int64_t c = 0;
    for (APInt v : q->values.getValues<APInt>()) {
      real.push_back((static_cast<double>(v.getSExtValue()) - zps[c]) * scales[c]);
      ++c;
    }
  } else if (matchPattern(bias, m_Constant(&dense)) && isa<FloatType>(dense.getElementType()) &&
             (dense.isSplat() || dense.getNumElements() == channels)) {
    for (int64_t c = 0; c < channels; ++c)
      real.push_back(dense.isSplat() ? dense.getSplatValue<APFloat>().convertToDouble()
                                     : dense.getValues<APFloat>()[c].convertToDouble());
  } else {
    return {};
  }
  SmallVector<int32_t> ints;
  for (int64_t c = 0; c < channels; ++c) {
    double r = std::nearbyint(real[c] / (inputScale * weightScales[c]));
    ints.push_back(static_cast<int32_t>(std::clamp(r, -2147483648.0, 2147483647.0)));
  }
  auto type = RankedTensorType::get({channels}, b.getI32Type());
  return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, ArrayRef<int32_t>(ints)));
}

/// Input quantized per tensor behind a dequantize, or null.
Value quantizedInput(Value v) {
  auto dq = v.getDefiningOp<qforge::qf::DequantizeOp>();
  if (!dq || !isa<quant::UniformQuantizedType>(dq.getInput().getType().getElementType()))
    return {};
  return dq.getInput();
}

/// The single qf.quantize per tensor that `v` feeds, or null.
qforge::qf::QuantizeOp quantizedOutput(Value v) {
  if (!v.hasOneUse())
    return {};
  auto q = dyn_cast<qforge::qf::QuantizeOp>(*v.getUsers().begin());
  if (!q || !isa<quant::UniformQuantizedType>(q.getType().getElementType()))
    return {};
  return q;
}

Value quantizedWeights(OpBuilder &b, Location loc, const QuantizedConstant &w) {
  Value raw = arith::ConstantOp::create(b, loc, w.values);
  return quant::StorageCastOp::create(
      b, loc, cast<RankedTensorType>(w.values.getType()).clone(w.type), raw);
}

struct FuseQDQPass : qforge::impl::FuseQDQPassBase<FuseQDQPass> {
  void runOnOperation() override {
    SmallVector<Operation *> candidates;
    getOperation().walk([&](Operation *op) {
      if (isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp, tosa::MatMulOp>(op))
        candidates.push_back(op);
    });
    for (Operation *op : candidates) {
      if (auto conv = dyn_cast<tosa::Conv2DOp>(op))
        fuseConv(conv, conv.getInput(), conv.getWeight(), conv.getBias(), 1);
      else if (auto dw = dyn_cast<tosa::DepthwiseConv2DOp>(op))
        fuseDepthwise(dw);
      else
        fuseMatmul(cast<tosa::MatMulOp>(op));
    }
  }

  /// tosa.depthwise_conv2d with one output per input channel: its
  /// [KH, KW, C, 1] filter becomes qf's grouped OHWI [C, KH, KW, 1] (one
  /// group per channel), per-channel scales following it to axis 0.
  void fuseDepthwise(tosa::DepthwiseConv2DOp dw) {
    std::optional<QuantizedConstant> w = dequantizedConstant(dw.getWeight());
    if (!w)
      return;
    ArrayRef<int64_t> fs = cast<ShapedType>(w->values.getType()).getShape();
    if (fs.size() != 4 || fs[3] != 1)
      return;
    if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(w->type)) {
      if (perAxis.getQuantizedDimension() != 2)
        return;
      w->type = withAxis(w->type, 0);
    }
    w->values = qforge::permuteConstant(w->values, {2, 0, 1, 3});
    if (!w->values)
      return;
    fuseConv(dw, dw.getInput(), Value(), dw.getBias(), fs[2], &*w);
  }

  /// A convolution (`groups` 1, or the channel count for a depthwise one
  /// whose OHWI filter `filter` is given) between a dequantized input and a
  /// quantize, with dequantized integer weights.
  void fuseConv(Operation *conv, Value input, Value weight, Value biasValue, int64_t groups,
                const QuantizedConstant *filter = nullptr) {
    Value x = quantizedInput(input);
    std::optional<QuantizedConstant> w =
        filter ? std::optional<QuantizedConstant>(*filter) : dequantizedConstant(weight);
    qforge::qf::QuantizeOp out = quantizedOutput(conv->getResult(0));
    if (!x || !w || !out)
      return;
    if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(w->type);
        perAxis && perAxis.getQuantizedDimension() != 0)
      return;
    int64_t channels = cast<ShapedType>(w->values.getType()).getDimSize(0);
    double inputScale = cast<quant::UniformQuantizedType>(
                            cast<ShapedType>(x.getType()).getElementType())
                            .getScale();
    OpBuilder b(out);
    Location loc = conv->getLoc();
    Value bias = integerBias(b, loc, biasValue, inputScale, scalesOf(w->type, channels));
    if (!bias)
      return;
    Value fused = qforge::qf::Conv2DOp::create(
        b, loc, out.getType(), x, quantizedWeights(b, loc, *w), bias,
        conv->getAttrOfType<DenseI64ArrayAttr>("stride"),
        conv->getAttrOfType<DenseI64ArrayAttr>("pad"),
        conv->getAttrOfType<DenseI64ArrayAttr>("dilation"), b.getI64IntegerAttr(groups),
        DenseI64ArrayAttr());
    out.getResult().replaceAllUsesWith(fused);
    out->erase();
    conv->erase();
  }

  /// tosa.matmul [1, M, K] x [1, K, N] (reshapes around it, as the importer
  /// writes MatMul and Gemm), optionally + bias, then quantize.
  void fuseMatmul(tosa::MatMulOp mm) {
    Value x = quantizedInput(mm.getA());
    std::optional<QuantizedConstant> w = dequantizedConstant(mm.getB());
    if (!x || !w)
      return;
    auto wType = cast<ShapedType>(w->values.getType());
    if (wType.getRank() != 3 || wType.getDimSize(0) != 1)
      return;
    int64_t k = wType.getDimSize(1), n = wType.getDimSize(2);
    if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(w->type)) {
      if (perAxis.getQuantizedDimension() != 2)
        return;
      w->type = withAxis(w->type, 1);
    }
    w->values = w->values.reshape(RankedTensorType::get({k, n}, w->values.getElementType()));
    // Result -> reshapes -> [add bias] -> quantize.
    Value v = mm.getResult();
    SmallVector<Operation *> reshapes;
    while (v.hasOneUse() && isa<tosa::ReshapeOp>(*v.getUsers().begin())) {
      reshapes.push_back(*v.getUsers().begin());
      v = reshapes.back()->getResult(0);
    }
    Value biasValue;
    tosa::AddOp add;
    if (v.hasOneUse() && (add = dyn_cast<tosa::AddOp>(*v.getUsers().begin()))) {
      biasValue = add.getInput1() == v ? add.getInput2() : add.getInput1();
      v = add.getResult();
    }
    qforge::qf::QuantizeOp out = quantizedOutput(v);
    if (!out)
      return;
    double inputScale = cast<quant::UniformQuantizedType>(
                            cast<ShapedType>(x.getType()).getElementType())
                            .getScale();
    OpBuilder b(out);
    Location loc = mm.getLoc();
    Value bias;
    if (biasValue &&
        !(bias = integerBias(b, loc, biasValue, inputScale, scalesOf(w->type, n))))
      return;
    auto mmType = cast<RankedTensorType>(mm.getType());
    auto outElement = cast<quant::UniformQuantizedType>(out.getType().getElementType());
    Value fused = qforge::qf::MatmulOp::create(
        b, loc, mmType.clone(outElement), x, quantizedWeights(b, loc, *w), bias,
        DenseI64ArrayAttr());
    if (mmType.getShape() != out.getType().getShape()) {
      // The reshapes, on the stored integers.
      Type storage = outElement.getStorageType();
      Value ints = quant::StorageCastOp::create(b, loc, mmType.clone(storage), fused);
      ints = tosa::ReshapeOp::create(b, loc, out.getType().clone(storage), ints,
                                     qforge::tosaConstShape(b, loc, out.getType().getShape()));
      fused = quant::StorageCastOp::create(b, loc, out.getType(), ints);
    }
    out.getResult().replaceAllUsesWith(fused);
    out->erase();
    if (add)
      add->erase();
    for (Operation *r : llvm::reverse(reshapes))
      r->erase();
    mm->erase();
  }
};

} // namespace
