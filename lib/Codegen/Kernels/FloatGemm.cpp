//===- FloatGemm.cpp - float products on the packed FMA kernel ------------===//

#include "qforge/Codegen/Kernels/FloatGemm.h"
#include "qforge/Codegen/Kernels/PackedGemm.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;

namespace qforge {

Value buildFloatGemm(OpBuilder &b, Location loc, Value x, DenseFPElementsAttr weights,
                     ArrayRef<float> bias) {
  auto xType = cast<RankedTensorType>(x.getType());
  int64_t m = xType.getDimSize(0), k = xType.getDimSize(1);
  int64_t n = cast<ShapedType>(weights.getType()).getDimSize(1);
  GemmTile tile = chooseGemmTile(m, n);
  constexpr int64_t lanes = kGemmLanes;
  int64_t width = lanes * tile.vectors;
  int64_t mp = llvm::alignTo(m, tile.rows), np = llvm::alignTo(n, width);
  Type f32 = b.getF32Type();

  // Weights as [Np/W][K][W]: step s of column tile t reads w[s][W t ..
  // W t + W - 1], contiguous; padded columns are zero.
  std::vector<float> values(weights.getValues<float>().begin(),
                            weights.getValues<float>().end());
  std::vector<float> packed(np * k, 0.0f);
  for (int64_t t = 0; t < np / width; ++t)
    for (int64_t s = 0; s < k; ++s)
      for (int64_t j = 0; j < width && t * width + j < n; ++j)
        packed[(t * k + s) * width + j] = values[s * n + t * width + j];
  auto packedType = RankedTensorType::get({np / width, k, width}, f32);
  std::vector<float> biasTable(np, 0.0f);
  for (int64_t j = 0; j < n; ++j)
    biasTable[j] = bias.size() == 1 ? bias[0] : bias[j];

  PackedGemm g;
  g.tile = tile;
  g.mp = mp;
  g.np = np;
  g.kp = k;
  g.depth = 1;
  g.lhs = x;
  if (mp != m) {
    Value zero = arith::ConstantOp::create(b, loc, f32, b.getF32FloatAttr(0));
    g.lhs = tensor::PadOp::create(
        b, loc, RankedTensorType::get({mp, k}, f32), x,
        ArrayRef<OpFoldResult>{b.getIndexAttr(0), b.getIndexAttr(0)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(mp - m), b.getIndexAttr(0)}, zero);
  }
  g.packed = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(packedType, ArrayRef<float>(packed)));
  Value biasValues = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(RankedTensorType::get({np}, f32), ArrayRef<float>(biasTable)));
  g.accType = VectorType::get({lanes}, f32);
  g.panelType = g.accType;
  g.outElement = f32;
  SmallVector<bool> inBounds = {true};
  Value zeroF = arith::ConstantOp::create(b, loc, f32, b.getF32FloatAttr(0));
  g.loadRow = [&](OpBuilder &rb, Location rl, Value row, Value step) -> Value {
    Value one = vector::TransferReadOp::create(rb, rl, VectorType::get({1}, f32), g.lhs,
                                               ValueRange{row, step}, zeroF, inBounds);
    Value scalar = vector::ExtractOp::create(rb, rl, one, ArrayRef<int64_t>{0});
    return vector::BroadcastOp::create(rb, rl, g.accType, scalar);
  };
  g.combine = [&](OpBuilder &cb, Location cl, Value acc, Value a, Value panel) -> Value {
    return vector::FMAOp::create(cb, cl, a, panel, acc);
  };
  g.epilogue = [&](OpBuilder &eb, Location el, Value acc, Value col) -> Value {
    Value bv = vector::TransferReadOp::create(eb, el, g.accType, biasValues, ValueRange{col},
                                              zeroF, inBounds);
    return arith::AddFOp::create(eb, el, acc, bv);
  };
  return sliceToShape(b, loc, emitPackedGemm(b, loc, g), m, n);
}

} // namespace qforge
