//===- FmaKernels.cpp - float products on the packed FMA kernel -----------===//
//
// Float tosa.conv2d (its windows read in place) and tosa.matmul (constant
// weights packed at compile time, run-time ones packed at run time) on the
// register-tiled FMA kernel (Kernels/FloatGemm.h),
// and float tosa.depthwise_conv2d on its own FMA kernel
// (Kernels/FloatDepthwise.h), before TOSA's own lowering would take them.
//
//===----------------------------------------------------------------------===//

#include "KernelEntries.h"

#include "qforge/Codegen/Kernels/FloatDepthwise.h"
#include "qforge/Codegen/Kernels/FloatGemm.h"
#include "qforge/Codegen/Kernels/PackedGemm.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace qforge {

namespace {

/// A constant f32 tensor, or null.
DenseFPElementsAttr floatConstant(Value v) {
  DenseFPElementsAttr values;
  if (!matchPattern(v, m_Constant(&values)) || !values.getElementType().isF32())
    return {};
  return values;
}

/// True for a constant that is zero everywhere (a float op's zero point).
bool isZero(Value v) {
  DenseFPElementsAttr values = floatConstant(v);
  return values && llvm::all_of(values.getValues<APFloat>(),
                                [](const APFloat &f) { return f.isZero(); });
}

std::vector<float> floats(DenseFPElementsAttr values) {
  return std::vector<float>(values.getValues<float>().begin(), values.getValues<float>().end());
}

/// An f32 convolution (tosa.conv2d or tosa.depthwise_conv2d) with static
/// shapes, constant filter and bias, and zero zero points.
template <typename ConvOp>
bool isStaticFloatConv(ConvOp conv) {
  auto type = cast<RankedTensorType>(conv.getType());
  return type.getElementType().isF32() && type.hasStaticShape() &&
         floatConstant(conv.getWeight()) && floatConstant(conv.getBias()) &&
         isZero(conv.getInputZp()) && isZero(conv.getWeightZp()) &&
         conv.getInput().getType().hasStaticShape();
}

/// A depthwise convolution with one output per channel.
bool computesDepthwise(tosa::DepthwiseConv2DOp conv) {
  auto filterType = cast<RankedTensorType>(conv.getWeight().getType()); // KH, KW, C, M
  return isStaticFloatConv(conv) && filterType.getDimSize(3) == 1;
}

/// The constant f32 values of a matmul's B operand, also through the
/// tosa.reshape that gives a [K, N] weight its batch dimension (the
/// importer's MatMul and Gemm), or null.
DenseFPElementsAttr weightConstant(Value b) {
  while (auto reshape = b.getDefiningOp<tosa::ReshapeOp>())
    b = reshape.getInput1();
  return floatConstant(b);
}

/// tosa.matmul [B, M, K] x [B, K, N] in f32 with static shapes: B
/// constant (packed at compile time, one batch), or computed at run time
/// (packed at run time, any batch; attention's products).
bool computesMatmul(tosa::MatMulOp mm) {
  auto type = cast<RankedTensorType>(mm.getType());
  auto aType = cast<RankedTensorType>(mm.getA().getType());
  auto bType = cast<RankedTensorType>(mm.getB().getType());
  if (!type.getElementType().isF32() || !type.hasStaticShape() || !aType.hasStaticShape() ||
      !bType.hasStaticShape() || !isZero(mm.getAZp()) || !isZero(mm.getBZp()))
    return false;
  return !weightConstant(mm.getB()) || type.getDimSize(0) == 1;
}

/// The windows of `conv` (a tosa.conv2d or tosa.depthwise_conv2d) over its
/// input padded as `padded`.
template <typename ConvOp>
ConvWindows windowsOf(ConvOp conv, Value padded, int64_t kernelH, int64_t kernelW) {
  ConvWindows windows;
  windows.input = padded;
  windows.pad.assign(conv.getPad().begin(), conv.getPad().end());
  windows.kernelH = kernelH;
  windows.kernelW = kernelW;
  ArrayRef<int64_t> shape = cast<RankedTensorType>(conv.getType()).getShape();
  windows.outShape.assign(shape.begin(), shape.end());
  windows.strides.assign(conv.getStride().begin(), conv.getStride().end());
  windows.dilations.assign(conv.getDilation().begin(), conv.getDilation().end());
  return windows;
}

/// A 1x1 stride-1 window is a row of the input itself: the product reads
/// the input as a matrix. Other windows are read in place from the padded
/// input (no im2col copy).
void emitConv(tosa::Conv2DOp conv, FloatVectors vectors, RewriterBase &rewriter) {
  auto type = cast<RankedTensorType>(conv.getType());
  DenseFPElementsAttr filter = floatConstant(conv.getWeight());
  DenseFPElementsAttr bias = floatConstant(conv.getBias());
  Location loc = conv.getLoc();
  Value input =
      padSpatial(rewriter, loc, conv.getInput(), conv.getPad(), rewriter.getF32FloatAttr(0));
  ArrayRef<int64_t> fs = cast<ShapedType>(filter.getType()).getShape(); // O, KH, KW, C
  FloatMatrix weights = filterAsFloatMatrix(filter);
  ArrayRef<int64_t> strides = conv.getStride();
  bool pointwise = fs[1] == 1 && fs[2] == 1 && strides[0] == 1 && strides[1] == 1;
  Value y;
  if (pointwise) {
    Value rows = unfoldPatches(rewriter, loc, input, fs[1], fs[2], type.getShape(), strides,
                               conv.getDilation());
    y = buildFloatGemm(rewriter, loc, rows, weights, floats(bias), vectors);
  } else {
    y = buildFloatConv(rewriter, loc, windowsOf(conv, input, fs[1], fs[2]), weights,
                       floats(bias), vectors);
  }
  rewriter.replaceOp(conv, tensor::ExpandShapeOp::create(
                               rewriter, loc, type, y,
                               SmallVector<ReassociationIndices>{{0, 1, 2}, {3}}));
}

void emitDepthwise(tosa::DepthwiseConv2DOp conv, FloatVectors vectors,
                   RewriterBase &rewriter) {
  DenseFPElementsAttr filter = floatConstant(conv.getWeight()); // KH, KW, C, 1
  DenseFPElementsAttr bias = floatConstant(conv.getBias());
  Location loc = conv.getLoc();
  Value input =
      padSpatial(rewriter, loc, conv.getInput(), conv.getPad(), rewriter.getF32FloatAttr(0));
  ArrayRef<int64_t> fs = cast<ShapedType>(filter.getType()).getShape();
  rewriter.replaceOp(conv, buildFloatDepthwise(rewriter, loc, windowsOf(conv, input, fs[0], fs[1]),
                                               filter, floats(bias), vectors));
}

void emitMatmul(tosa::MatMulOp mm, FloatVectors vectors, RewriterBase &rewriter) {
  auto type = cast<RankedTensorType>(mm.getType());
  DenseFPElementsAttr weights = weightConstant(mm.getB());
  if (!weights) {
    rewriter.replaceOp(
        mm, buildFloatBatchMatmul(rewriter, mm.getLoc(), mm.getA(), mm.getB(), vectors));
    return;
  }
  auto aType = cast<RankedTensorType>(mm.getA().getType());
  Location loc = mm.getLoc();
  int64_t k = aType.getDimSize(2), n = type.getDimSize(2);
  SmallVector<ReassociationIndices> drop = {{0, 1}, {2}};
  Value a = tensor::CollapseShapeOp::create(rewriter, loc, mm.getA(), drop);
  FloatMatrix matrix{floats(weights), k, n};
  Value y = buildFloatGemm(rewriter, loc, a, matrix, {0.0f}, vectors);
  rewriter.replaceOp(mm, tensor::ExpandShapeOp::create(rewriter, loc, type, y, drop));
}

} // namespace

bool fmaProductComputes(Operation *op) {
  if (auto conv = dyn_cast<tosa::Conv2DOp>(op))
    return isStaticFloatConv(conv);
  if (auto mm = dyn_cast<tosa::MatMulOp>(op))
    return computesMatmul(mm);
  return false;
}

bool fmaDepthwiseComputes(Operation *op) {
  auto conv = dyn_cast<tosa::DepthwiseConv2DOp>(op);
  return conv && computesDepthwise(conv);
}

void emitFmaDepthwise(Operation *op, FloatVectors vectors, RewriterBase &rewriter) {
  rewriter.setInsertionPoint(op);
  emitDepthwise(cast<tosa::DepthwiseConv2DOp>(op), vectors, rewriter);
}

void emitFmaProduct(Operation *op, FloatVectors vectors, RewriterBase &rewriter) {
  rewriter.setInsertionPoint(op);
  if (auto conv = dyn_cast<tosa::Conv2DOp>(op))
    return emitConv(conv, vectors, rewriter);
  emitMatmul(cast<tosa::MatMulOp>(op), vectors, rewriter);
}

} // namespace qforge
