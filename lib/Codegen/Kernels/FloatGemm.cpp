//===- FloatGemm.cpp - float products on the packed FMA kernel ------------===//

#include "qforge/Codegen/Kernels/FloatGemm.h"
#include "qforge/Codegen/Kernels/ConvWindows.h"
#include "qforge/Codegen/Kernels/PackedGemm.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;

namespace qforge {

namespace {

/// One float product on the packed loop nest, in named steps: the plan
/// (tile and padded extents), the weights packed into column panels, the
/// rows read from a matrix or from a convolution's windows in place, a
/// fused multiply-add per step and the bias in the epilogue.
class FloatGemmBuilder {
public:
  FloatGemmBuilder(OpBuilder &b, Location loc, const FloatMatrix &weights, ArrayRef<float> bias)
      : b(b), loc(loc), weights(weights), bias(bias), f32(b.getF32Type()), k(weights.rows),
        n(weights.cols) {}

  /// Rows from `x` [M, K].
  Value fromMatrix(Value x);
  /// Rows from the windows of `padded` (its input already padded with 0).
  Value fromWindows(const ConvWindows &padded);

private:
  void plan(int64_t rows, GemmTile chosen);
  void packWeights();
  Value broadcastElement(OpBuilder &rb, Location rl, ValueRange at);
  void readMatrixRows();
  void readWindowsInPlace(const ConvWindows &padded);
  void multiplyAdd();
  void addBias();
  Value emit();

  OpBuilder &b;
  Location loc;
  const FloatMatrix &weights;
  ArrayRef<float> bias;
  Type f32;
  int64_t m = 0, k = 0, n = 0;
  SmallVector<bool> inBounds = {true};
  Value biasValues, zero;
  PackedGemm g;
  ConvWalk walk;
};

Value FloatGemmBuilder::fromMatrix(Value x) {
  plan(cast<RankedTensorType>(x.getType()).getDimSize(0),
       chooseGemmTile(cast<RankedTensorType>(x.getType()).getDimSize(0), n));
  g.lhs = x;
  if (g.mp != m) {
    Value pad = arith::ConstantOp::create(b, loc, f32, b.getF32FloatAttr(0));
    g.lhs = tensor::PadOp::create(
        b, loc, RankedTensorType::get({g.mp, k}, f32), x,
        ArrayRef<OpFoldResult>{b.getIndexAttr(0), b.getIndexAttr(0)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(g.mp - m), b.getIndexAttr(0)}, pad);
  }
  packWeights();
  readMatrixRows();
  return emit();
}

Value FloatGemmBuilder::fromWindows(const ConvWindows &padded) {
  ArrayRef<int64_t> out = padded.outShape;
  int64_t rows = out[0] * out[1] * out[2];
  plan(rows, chooseConvTile(out[2], rows, n, kGemmLanes));
  packWeights();
  readWindowsInPlace(padded);
  return emit();
}

/// The register tile and the extents padded to it.
void FloatGemmBuilder::plan(int64_t rows, GemmTile chosen) {
  m = rows;
  g.tile = chosen;
  g.mp = llvm::alignTo(m, chosen.rows);
  g.np = llvm::alignTo(n, kGemmLanes * chosen.vectors);
  g.kp = k;
  g.depth = 1;
  g.accType = VectorType::get({kGemmLanes}, f32);
  g.panelType = g.accType;
  g.outElement = f32;
}

/// Weights as [Np/W][K][W]: step s of column tile t reads w[s][W t ..
/// W t + W - 1], contiguous; padded columns are zero, and so is their bias.
void FloatGemmBuilder::packWeights() {
  int64_t width = kGemmLanes * g.tile.vectors, np = g.np;
  const std::vector<float> &values = weights.values;
  std::vector<float> packed(np * k, 0.0f);
  for (int64_t t = 0; t < np / width; ++t)
    for (int64_t s = 0; s < k; ++s)
      for (int64_t j = 0; j < width && t * width + j < n; ++j)
        packed[(t * k + s) * width + j] = values[s * n + t * width + j];
  std::vector<float> biasTable = paddedBias(bias, n, np);
  auto packedType = RankedTensorType::get({np / width, k, width}, f32);
  g.packed = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(packedType, ArrayRef<float>(packed)));
  biasValues = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(RankedTensorType::get({np}, f32), ArrayRef<float>(biasTable)));
  zero = arith::ConstantOp::create(b, loc, f32, b.getF32FloatAttr(0));
}

/// g.lhs at `at`, copied to every lane.
Value FloatGemmBuilder::broadcastElement(OpBuilder &rb, Location rl, ValueRange at) {
  Value one = vector::TransferReadOp::create(rb, rl, VectorType::get({1}, f32), g.lhs, at, zero,
                                             inBounds);
  Value scalar = vector::ExtractOp::create(rb, rl, one, ArrayRef<int64_t>{0});
  return vector::BroadcastOp::create(rb, rl, g.accType, scalar);
}

/// x[row, step], copied to every lane.
void FloatGemmBuilder::readMatrixRows() {
  g.loadRow = [this](OpBuilder &rb, Location rl, Value row, Value step) -> Value {
    return broadcastElement(rb, rl, ValueRange{row, step});
  };
}

/// A window's value at a tap and channel, copied to every lane, read from
/// the padded input flattened (zero padding adds nothing: taps on it only
/// are left out).
void FloatGemmBuilder::readWindowsInPlace(const ConvWindows &padded) {
  WindowGeometry geo(padded, g.tile, m, /*depth=*/1, /*paddingAddsNothing=*/true);
  g.lhs = tensor::CollapseShapeOp::create(b, loc, padded.input,
                                          SmallVector<ReassociationIndices>{{0, 1, 2, 3}});
  walk = geo.walk([this](OpBuilder &rb, Location rl, Value offset) -> Value {
    return broadcastElement(rb, rl, offset);
  });
  g.conv = &walk;
}

void FloatGemmBuilder::multiplyAdd() {
  g.combine = [](OpBuilder &cb, Location cl, Value acc, Value a, Value panel) -> Value {
    return vector::FMAOp::create(cb, cl, a, panel, acc);
  };
}

void FloatGemmBuilder::addBias() {
  g.epilogue = [this](OpBuilder &eb, Location el, Value acc, Value col) -> Value {
    Value bv = vector::TransferReadOp::create(eb, el, g.accType, biasValues, ValueRange{col},
                                              zero, inBounds);
    return arith::AddFOp::create(eb, el, acc, bv);
  };
}

Value FloatGemmBuilder::emit() {
  multiplyAdd();
  addBias();
  return sliceToShape(b, loc, emitPackedGemm(b, loc, g), m, n);
}

} // namespace

std::vector<float> paddedBias(ArrayRef<float> bias, int64_t n, int64_t padded) {
  std::vector<float> table(padded, 0.0f);
  for (int64_t j = 0; j < n; ++j)
    table[j] = bias.size() == 1 ? bias[0] : bias[j];
  return table;
}

Value buildFloatGemm(OpBuilder &b, Location loc, Value x, const FloatMatrix &weights,
                     ArrayRef<float> bias) {
  return FloatGemmBuilder(b, loc, weights, bias).fromMatrix(x);
}

Value buildFloatConv(OpBuilder &b, Location loc, const ConvWindows &padded,
                     const FloatMatrix &weights, ArrayRef<float> bias) {
  return FloatGemmBuilder(b, loc, weights, bias).fromWindows(padded);
}

} // namespace qforge
