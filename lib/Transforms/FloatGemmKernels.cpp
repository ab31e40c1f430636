//===- FloatGemmKernels.cpp - float products on the packed FMA kernel -----===//
//
// The float baseline deserves the same kernel structure as the integer
// path: one register-tiled product on weights packed at compile time.
//
//===----------------------------------------------------------------------===//

#include "qforge/Transforms/PackedGemm.h"
#include "qforge/Transforms/Passes.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"

namespace qforge {
#define GEN_PASS_DEF_FLOATGEMMKERNELSPASS
#include "qforge/Transforms/Passes.h.inc"
} // namespace qforge

using namespace mlir;

namespace {

int64_t roundUp(int64_t v, int64_t m) { return (v + m - 1) / m * m; }

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

/// y [M, N] = x [M, K] * w [K, N] + bias[n], on packed weights.
Value floatGemm(OpBuilder &b, Location loc, Value x, DenseFPElementsAttr weights,
                ArrayRef<float> bias) {
  auto xType = cast<RankedTensorType>(x.getType());
  int64_t m = xType.getDimSize(0), k = xType.getDimSize(1);
  int64_t n = cast<ShapedType>(weights.getType()).getDimSize(1);
  qforge::GemmTile tile = qforge::chooseGemmTile(m, n);
  constexpr int64_t lanes = qforge::kGemmLanes;
  int64_t width = lanes * tile.vectors;
  int64_t mp = roundUp(m, tile.rows), np = roundUp(n, width);
  Type f32 = b.getF32Type();

  // Weights as [Np/W][K][W]: step s of column tile t reads w[s][W t ..
  // W t + W - 1], contiguous; padded columns are zero.
  std::vector<float> values = floats(weights);
  std::vector<float> packed(np * k, 0.0f);
  for (int64_t t = 0; t < np / width; ++t)
    for (int64_t s = 0; s < k; ++s)
      for (int64_t j = 0; j < width && t * width + j < n; ++j)
        packed[(t * k + s) * width + j] = values[s * n + t * width + j];
  auto packedType = RankedTensorType::get({np / width, k, width}, f32);
  std::vector<float> biasTable(np, 0.0f);
  for (int64_t j = 0; j < n; ++j)
    biasTable[j] = bias.size() == 1 ? bias[0] : bias[j];

  qforge::PackedGemm g;
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
  return qforge::sliceToShape(b, loc, qforge::emitPackedGemm(b, loc, g), m, n);
}


struct FloatGemmKernelsPass
    : qforge::impl::FloatGemmKernelsPassBase<FloatGemmKernelsPass> {
  void runOnOperation() override {
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if (isa<tosa::Conv2DOp, tosa::MatMulOp>(op))
        ops.push_back(op);
    });
    for (Operation *op : ops) {
      if (auto conv = dyn_cast<tosa::Conv2DOp>(op))
        rewriteConv(conv);
      else
        rewriteMatmul(cast<tosa::MatMulOp>(op));
    }
  }

  void rewriteConv(tosa::Conv2DOp conv) {
    auto type = cast<RankedTensorType>(conv.getType());
    DenseFPElementsAttr filter = floatConstant(conv.getWeight());
    DenseFPElementsAttr bias = floatConstant(conv.getBias());
    if (!type.getElementType().isF32() || !type.hasStaticShape() || !filter || !bias ||
        !isZero(conv.getInputZp()) || !isZero(conv.getWeightZp()) ||
        !conv.getInput().getType().hasStaticShape())
      return;
    OpBuilder b(conv);
    Location loc = conv.getLoc();
    Value input =
        qforge::padSpatial(b, loc, conv.getInput(), conv.getPad(), b.getF32FloatAttr(0));
    ArrayRef<int64_t> fs = cast<ShapedType>(filter.getType()).getShape(); // O, KH, KW, C
    Value rows = qforge::unfoldPatches(b, loc, input, fs[1], fs[2], type.getShape(),
                                       conv.getStride(), conv.getDilation());
    auto weights = cast<DenseFPElementsAttr>(qforge::filterAsMatrix(filter));
    Value y = floatGemm(b, loc, rows, weights, floats(bias));
    Value result = tensor::ExpandShapeOp::create(b, loc, type, y,
                                                 SmallVector<ReassociationIndices>{{0, 1, 2}, {3}});
    conv.getResult().replaceAllUsesWith(result);
    conv->erase();
  }

  /// tosa.matmul [1, M, K] x [1, K, N] with constant B.
  void rewriteMatmul(tosa::MatMulOp mm) {
    auto type = cast<RankedTensorType>(mm.getType());
    DenseFPElementsAttr weights = floatConstant(mm.getB());
    auto aType = cast<RankedTensorType>(mm.getA().getType());
    if (!type.getElementType().isF32() || !type.hasStaticShape() || !weights ||
        !aType.hasStaticShape() || type.getDimSize(0) != 1 || !isZero(mm.getAZp()) ||
        !isZero(mm.getBZp()))
      return;
    OpBuilder b(mm);
    Location loc = mm.getLoc();
    int64_t k = aType.getDimSize(2), n = type.getDimSize(2);
    SmallVector<ReassociationIndices> drop = {{0, 1}, {2}};
    Value a = tensor::CollapseShapeOp::create(b, loc, mm.getA(), drop);
    auto matrix = cast<DenseFPElementsAttr>(
        weights.reshape(RankedTensorType::get({k, n}, b.getF32Type())));
    Value y = floatGemm(b, loc, a, matrix, {0.0f});
    Value result = tensor::ExpandShapeOp::create(b, loc, type, y, drop);
    mm.getResult().replaceAllUsesWith(result);
    mm->erase();
  }
};

} // namespace
