//===- FloatGemm.cpp - float products on the packed FMA kernel ------------===//

#include "qforge/Codegen/Kernels/FloatGemm.h"
#include "qforge/Codegen/Kernels/ConvWindows.h"
#include "qforge/Codegen/Kernels/PackedGemm.h"

#include "qforge/Dialect/QF/IR/QFDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
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
  FloatGemmBuilder(OpBuilder &b, Location loc, FloatVectors vectors, const FloatMatrix &weights,
                   ArrayRef<float> bias)
      : b(b), loc(loc), lanes(vectors.lanes), registers(vectors.registers), weights(&weights),
        bias(bias), f32(b.getF32Type()), k(weights.rows), n(weights.cols) {}
  /// A product of two run-time operands [B, M, K] x [B, K, N].
  FloatGemmBuilder(OpBuilder &b, Location loc, FloatVectors vectors, Value x, Value w)
      : b(b), loc(loc), lanes(vectors.lanes), registers(vectors.registers), f32(b.getF32Type()),
        k(cast<RankedTensorType>(w.getType()).getDimSize(1)),
        n(cast<RankedTensorType>(w.getType()).getDimSize(2)), batchX(x), batchW(w) {}

  /// Rows from `x` [M, K].
  Value fromMatrix(Value x);
  /// Rows from the windows of `padded` (its input already padded with 0).
  Value fromWindows(const ConvWindows &padded);
  /// The batched product of the run-time operands: each batch's `w` packed
  /// at run time, then one product per batch.
  Value fromBatches();

private:
  void plan(int64_t rows, GemmTile chosen, int64_t stepDepth = 1);
  void packWeights();
  Value padWithZeros(Value x, int64_t dim, int64_t size);
  Value packAtRunTime();
  Value batchProduct(OpBuilder &bb, Location bl, Value batch, Value lhs, Value packed,
                     Value out);
  Value broadcastElement(OpBuilder &rb, Location rl, ValueRange at);
  void readMatrixRows();
  void readWindowsInPlace(const ConvWindows &padded);
  void multiplyAdd();
  void addBias();
  Value emit();

  /// A tile for `rows` rows of a matrix, within the registers, for steps
  /// of `stepDepth` values. Steps of several values (AArch64) take them by
  /// element (chooseByElementTile: each panel's D vectors, each row's
  /// values). 4-float steps of one value take 6 rows, whose loads feed
  /// enough fmla (llvm-mca; docs/performance.md).
  GemmTile matrixTile(int64_t rows, int64_t stepDepth = 1) const {
    if (stepDepth > 1)
      return chooseByElementTile(rows, n, lanes, stepDepth, registers);
    int64_t fixedRows = lanes == 4 && rows >= 6 ? 6 : 0;
    return chooseGemmTile(rows, n, lanes, 1, fixedRows, 8, registers);
  }

  OpBuilder &b;
  Location loc;
  int64_t lanes, registers;
  int64_t depth = 1; // reduction values per step (see stepDepthFor)
  const FloatMatrix *weights = nullptr;
  ArrayRef<float> bias;
  Type f32;
  int64_t m = 0, k = 0, n = 0;
  SmallVector<bool> inBounds = {true};
  Value biasValues, zero;
  Value batchX, batchW;
  PackedGemm g;
  ConvWalk walk;
};

/// Reduction values per step: 4 on 4-float vectors (AArch64), so that one
/// q load brings 4 of a row's values and the step's fused multiply-adds
/// take them by element (fmla v, v, v.s[i]), for a matrix (`channels` 0:
/// its rows are padded to whole steps) or a convolution read in place
/// whose taps hold whole steps of channels; 1 elsewhere, each value
/// broadcast from memory.
static int64_t stepDepthFor(int64_t lanes, int64_t channels = 0) {
  return lanes == 4 && channels % 4 == 0 ? 4 : 1;
}

Value FloatGemmBuilder::fromMatrix(Value x) {
  int64_t rows = cast<RankedTensorType>(x.getType()).getDimSize(0);
  int64_t stepDepth = stepDepthFor(lanes);
  plan(rows, matrixTile(rows, stepDepth), stepDepth);
  g.lhs = padWithZeros(padWithZeros(x, 0, g.mp), 1, g.kp);
  packWeights();
  readMatrixRows();
  return emit();
}

Value FloatGemmBuilder::fromWindows(const ConvWindows &padded) {
  ArrayRef<int64_t> out = padded.outShape;
  int64_t rows = out[0] * out[1] * out[2];
  // With 16 registers, at most 6 rows: two vectors of columns each.
  // Steps of several values: at most 2 vectors (matrixTile).
  int64_t channels = cast<RankedTensorType>(padded.input.getType()).getDimSize(3);
  int64_t stepDepth = stepDepthFor(lanes, channels);
  plan(rows,
       chooseConvTile(out[2], rows, n, lanes, std::min<int64_t>(8, registers / 2 - 2), 1,
                      stepDepth > 1 ? 2 : 8, registers),
       stepDepth);
  packWeights();
  readWindowsInPlace(padded);
  return emit();
}

Value FloatGemmBuilder::fromBatches() {
  auto xType = cast<RankedTensorType>(batchX.getType());
  int64_t batches = xType.getDimSize(0);
  plan(xType.getDimSize(1), matrixTile(xType.getDimSize(1)));
  zero = arith::ConstantOp::create(b, loc, f32, b.getF32FloatAttr(0));
  Value lhs = padWithZeros(batchX, 1, g.mp);
  Value packed = packAtRunTime();
  readMatrixRows();
  multiplyAdd();
  g.epilogue = [](OpBuilder &, Location, Value acc, Value) { return acc; };
  g.splitForThreads = batches < 2;
  // One result for all batches, padded to the tile: no buffer per batch.
  Value out = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{batches, g.mp, g.np}, f32);
  scf::ForOp loop = carryingLoop(
      b, loc, batches, 1, out, [&](OpBuilder &bb, Location bl, Value batch, Value carried) {
        return batchProduct(bb, bl, batch, lhs, packed, carried);
      });
  if (batches >= 2 && batches * g.mp * g.np * k >= kParallelMinMacs)
    loop->setAttr(qf::kParallelSplitAttrName, b.getUnitAttr());
  return sliceToShape(b, loc, loop.getResult(0), {batches, m, n});
}

/// `x` with its dimension `dim` padded with zeros at the end to `size`.
Value FloatGemmBuilder::padWithZeros(Value x, int64_t dim, int64_t size) {
  auto type = cast<RankedTensorType>(x.getType());
  if (type.getDimSize(dim) == size)
    return x;
  SmallVector<int64_t> shape(type.getShape());
  SmallVector<OpFoldResult> low(shape.size(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> high(low);
  high[dim] = b.getIndexAttr(size - shape[dim]);
  shape[dim] = size;
  Value pad = arith::ConstantOp::create(b, loc, f32, b.getF32FloatAttr(0));
  return tensor::PadOp::create(b, loc, type.clone(shape), x, low, high, pad);
}

/// The run-time operand [B, K, N] as each batch's column panels, [B, Np/W,
/// K, W] (packWeights' layout per batch): columns padded with zeros,
/// split into panels of W, panels moved before the reduction.
Value FloatGemmBuilder::packAtRunTime() {
  int64_t width = lanes * g.tile.vectors;
  auto type = cast<RankedTensorType>(batchW.getType());
  int64_t batches = type.getDimSize(0);
  Value w = padWithZeros(batchW, 2, g.np);
  Value panels = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get({batches, k, g.np / width, width}, f32), w,
      SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  Value init =
      tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{batches, g.np / width, k, width}, f32);
  return linalg::TransposeOp::create(b, loc, panels, init, ArrayRef<int64_t>{0, 2, 1, 3})
      .getResult()[0];
}

/// Batch `batch`'s product, stored into `out` [B, Mp, Np] at the batch's
/// index (a kernel result element-wise consumers can join when nothing is
/// padded).
Value FloatGemmBuilder::batchProduct(OpBuilder &bb, Location bl, Value batch, Value lhs,
                                     Value packed, Value out) {
  auto batchSlice = [&](Value t, ArrayRef<int64_t> shape) -> Value {
    SmallVector<OpFoldResult> offsets(shape.size() + 1, bb.getIndexAttr(0));
    offsets[0] = batch;
    SmallVector<OpFoldResult> sizes = {bb.getIndexAttr(1)};
    for (int64_t d : shape)
      sizes.push_back(bb.getIndexAttr(d));
    SmallVector<OpFoldResult> strides(shape.size() + 1, bb.getIndexAttr(1));
    auto type = RankedTensorType::get(shape, f32);
    return tensor::ExtractSliceOp::create(bb, bl, type, t, offsets, sizes, strides);
  };
  int64_t width = lanes * g.tile.vectors;
  g.lhs = batchSlice(lhs, {g.mp, k});
  g.packed = batchSlice(packed, {g.np / width, k, width});
  g.into = out;
  g.storePrefix = {batch};
  return emitPackedGemm(bb, bl, g);
}

/// The register tile, the reduction values per step and the extents
/// padded to them.
void FloatGemmBuilder::plan(int64_t rows, GemmTile chosen, int64_t stepDepth) {
  m = rows;
  depth = stepDepth;
  g.tile = chosen;
  g.mp = llvm::alignTo(m, chosen.rows);
  g.np = llvm::alignTo(n, lanes * chosen.vectors);
  g.kp = llvm::alignTo(k, depth);
  g.depth = depth;
  g.accType = VectorType::get({lanes}, f32);
  g.panelType = VectorType::get({depth * lanes}, f32);
  g.outElement = f32;
}

/// Weights as [Np/W][Kp/D][V][D][L] (W = V L columns of a tile, D values
/// of the reduction per step): step s of column tile t reads, for each of
/// its V vectors, the D rows' L weights, contiguous (with D = 1: w[s][W t
/// .. W t + W - 1]); padded rows and columns are zero, and so is their
/// bias.
void FloatGemmBuilder::packWeights() {
  int64_t width = lanes * g.tile.vectors, np = g.np, kp = g.kp;
  const std::vector<float> &values = weights->values;
  std::vector<float> packed(np * kp, 0.0f);
  for (int64_t t = 0; t < np / width; ++t)
    for (int64_t s = 0; s < k; ++s)
      for (int64_t j = 0; j < width && t * width + j < n; ++j) {
        int64_t step = s / depth, v = j / lanes;
        int64_t at = ((t * (kp / depth) + step) * g.tile.vectors + v) * depth * lanes +
                     (s % depth) * lanes + j % lanes;
        packed[at] = values[s * n + t * width + j];
      }
  std::vector<float> biasTable = paddedBias(bias, n, np);
  auto packedType = RankedTensorType::get({np / width, kp / depth, width * depth}, f32);
  g.packed = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(packedType, ArrayRef<float>(packed)));
  biasValues = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(RankedTensorType::get({np}, f32), ArrayRef<float>(biasTable)));
  zero = arith::ConstantOp::create(b, loc, f32, b.getF32FloatAttr(0));
}

/// g.lhs at `at`, copied to every lane; with steps of several values,
/// those values as they are (multiplyAdd takes them by element).
Value FloatGemmBuilder::broadcastElement(OpBuilder &rb, Location rl, ValueRange at) {
  if (depth > 1)
    return vector::TransferReadOp::create(rb, rl, VectorType::get({depth}, f32), g.lhs, at, zero,
                                          inBounds);
  Value one = vector::TransferReadOp::create(rb, rl, VectorType::get({1}, f32), g.lhs, at, zero,
                                             inBounds);
  Value scalar = vector::ExtractOp::create(rb, rl, one, ArrayRef<int64_t>{0});
  return vector::BroadcastOp::create(rb, rl, g.accType, scalar);
}

/// x[row, step], copied to every lane (x[row, D step ..] with steps of D).
void FloatGemmBuilder::readMatrixRows() {
  g.loadRow = [this](OpBuilder &rb, Location rl, Value row, Value step) -> Value {
    Value col = depth == 1 ? step
                           : arith::MulIOp::create(rb, rl, step,
                                                   arith::ConstantIndexOp::create(rb, rl, depth))
                                 .getResult();
    return broadcastElement(rb, rl, ValueRange{row, col});
  };
}

/// A window's value at a tap and channel, copied to every lane, read from
/// the padded input flattened (zero padding adds nothing: taps on it only
/// are left out).
void FloatGemmBuilder::readWindowsInPlace(const ConvWindows &padded) {
  WindowGeometry geo(padded, g.tile, m, depth, /*paddingAddsNothing=*/true);
  g.lhs = tensor::CollapseShapeOp::create(b, loc, padded.input,
                                          SmallVector<ReassociationIndices>{{0, 1, 2, 3}});
  walk = geo.walk([this](OpBuilder &rb, Location rl, Value offset) -> Value {
    return broadcastElement(rb, rl, offset);
  });
  g.conv = &walk;
}

/// acc + a * panel; with steps of D values, D fused multiply-adds, value
/// d of the row times the panel's d-th vector.
void FloatGemmBuilder::multiplyAdd() {
  g.combine = [this](OpBuilder &cb, Location cl, Value acc, Value a, Value panel) -> Value {
    if (depth == 1)
      return vector::FMAOp::create(cb, cl, a, panel, acc);
    for (int64_t d = 0; d < depth; ++d) {
      Value weights = vector::ExtractStridedSliceOp::create(
          cb, cl, panel, ArrayRef<int64_t>{d * lanes}, ArrayRef<int64_t>{lanes},
          ArrayRef<int64_t>{1});
      Value value = vector::BroadcastOp::create(
          cb, cl, g.accType, vector::ExtractOp::create(cb, cl, a, ArrayRef<int64_t>{d}));
      acc = vector::FMAOp::create(cb, cl, value, weights, acc);
    }
    return acc;
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
  return sliceToShape(b, loc, emitPackedGemm(b, loc, g), {m, n});
}

} // namespace

std::vector<float> paddedBias(ArrayRef<float> bias, int64_t n, int64_t padded) {
  std::vector<float> table(padded, 0.0f);
  for (int64_t j = 0; j < n; ++j)
    table[j] = bias.size() == 1 ? bias[0] : bias[j];
  return table;
}

Value buildFloatGemm(OpBuilder &b, Location loc, Value x, const FloatMatrix &weights,
                     ArrayRef<float> bias, FloatVectors vectors) {
  return FloatGemmBuilder(b, loc, vectors, weights, bias).fromMatrix(x);
}

Value buildFloatBatchMatmul(OpBuilder &b, Location loc, Value x, Value w,
                            FloatVectors vectors) {
  return FloatGemmBuilder(b, loc, vectors, x, w).fromBatches();
}

Value buildFloatConv(OpBuilder &b, Location loc, const ConvWindows &padded,
                     const FloatMatrix &weights, ArrayRef<float> bias, FloatVectors vectors) {
  return FloatGemmBuilder(b, loc, vectors, weights, bias).fromWindows(padded);
}

} // namespace qforge
