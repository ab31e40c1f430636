//===- DotProductMatmul.cpp - int8 products on dot-product instructions ---===//

#include "qforge/Transforms/DotProductMatmul.h"
#include "qforge/Transforms/PackedGemm.h"

#include "QF/QFOps.h"
#include "mlir/Dialect/ArmNeon/ArmNeonDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace qforge {

namespace {

constexpr int64_t kDepth = 4; // bytes each lane reduces per instruction

/// What differs between the instructions.
struct DotTraits {
  int64_t lanes;         // int32 lanes of one accumulator register
  bool unsignedLhs;      // the activations' bytes are read as unsigned
};

DotTraits traitsOf(DotInstruction instruction) {
  switch (instruction) {
  case DotInstruction::X86Vnni:
    return {16, true}; // zmm; vpdpbusd: u8 x s8
  case DotInstruction::ArmSdot:
    return {4, false}; // q register; sdot: s8 x s8
  }
  llvm_unreachable("unknown dot-product instruction");
}

int64_t roundUp(int64_t v, int64_t m) { return (v + m - 1) / m * m; }

/// The weights [K, N] as [Np/W][Kp/4][V][4 L] bytes, W = L V the column
/// tile's width: the panel (t, kb, v) holds, for each of the L columns j
/// of vector v, the 4 weights w[4kb .. 4kb+3][W t + L v + j]. One step of
/// the kernel reads V panels, contiguous. The padding is zero, so padded
/// rows and columns add nothing.
Value packWeights(OpBuilder &b, Location loc, DenseIntElementsAttr weights,
                  int64_t kp, int64_t np, int64_t lanes, int64_t vectors) {
  auto type = cast<ShapedType>(weights.getType());
  int64_t k = type.getDimSize(0), n = type.getDimSize(1);
  std::vector<int8_t> values;
  values.reserve(k * n);
  for (const APInt &v : weights.getValues<APInt>())
    values.push_back(static_cast<int8_t>(v.getSExtValue()));
  int64_t width = lanes * vectors, tiles = np / width, steps = kp / kDepth;
  std::vector<int8_t> packed(np * kp, 0);
  for (int64_t t = 0; t < tiles; ++t)
    for (int64_t kb = 0; kb < steps; ++kb)
      for (int64_t v = 0; v < vectors; ++v)
        for (int64_t j = 0; j < lanes; ++j)
          for (int64_t i = 0; i < kDepth; ++i) {
            int64_t row = kb * kDepth + i, col = t * width + v * lanes + j;
            if (row < k && col < n)
              packed[(((t * steps + kb) * vectors + v) * lanes + j) * kDepth + i] =
                  values[row * n + col];
          }
  auto packedType =
      RankedTensorType::get({tiles, steps, vectors * lanes * kDepth}, b.getI8Type());
  return arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(packedType, ArrayRef<int8_t>(packed)));
}

/// The activations as the bytes the instruction reads: with their top bit
/// flipped when `flip` (a shift by 128 that changes the signedness), padded
/// with zeros to [Mp, Kp].
Value activationBytes(OpBuilder &b, Location loc, Value x, bool flip, int64_t mp,
                      int64_t kp) {
  auto type = cast<RankedTensorType>(x.getType());
  if (flip) {
    Value init = tensor::EmptyOp::create(b, loc, type.getShape(), b.getI8Type());
    AffineMap id = b.getMultiDimIdentityMap(2);
    x = linalg::GenericOp::create(
            b, loc, TypeRange{type}, ValueRange{x}, ValueRange{init},
            SmallVector<AffineMap>{id, id},
            SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
            [&](OpBuilder &nb, Location nl, ValueRange args) {
              Value top = arith::ConstantOp::create(nb, nl, nb.getI8Type(),
                                                    nb.getI8IntegerAttr(-128));
              linalg::YieldOp::create(
                  nb, nl, ValueRange{arith::XOrIOp::create(nb, nl, args[0], top)});
            })
            .getResult(0);
  }
  int64_t m = type.getDimSize(0), k = type.getDimSize(1);
  if (m == mp && k == kp)
    return x;
  Value zero = arith::ConstantOp::create(b, loc, b.getI8Type(), b.getI8IntegerAttr(0));
  return tensor::PadOp::create(
      b, loc, RankedTensorType::get({mp, kp}, b.getI8Type()), x,
      ArrayRef<OpFoldResult>{b.getIndexAttr(0), b.getIndexAttr(0)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(mp - m), b.getIndexAttr(kp - k)}, zero);
}

} // namespace

Value buildDotProductMatmul(OpBuilder &b, Location loc, DotInstruction instruction, Value x,
                            bool xSigned, int64_t zeroPoint, DenseIntElementsAttr weights,
                            const ChannelRequantization *epilogue) {
  DotTraits traits = traitsOf(instruction);
  int64_t lanes = traits.lanes;
  auto xType = cast<RankedTensorType>(x.getType());
  int64_t m = xType.getDimSize(0), k = xType.getDimSize(1);
  int64_t n = cast<ShapedType>(weights.getType()).getDimSize(1);
  GemmTile tile = chooseGemmTile(m, n, lanes);
  int64_t mp = roundUp(m, tile.rows), kp = roundUp(k, kDepth),
          np = roundUp(n, lanes * tile.vectors);
  Type i8 = b.getI8Type(), i32 = b.getI32Type();
  auto accType = VectorType::get({lanes}, i32);
  auto bytesType = VectorType::get({lanes * kDepth}, i8);
  SmallVector<bool> inBounds = {true};

  // Compensation: the zero point in the units of the bytes the instruction
  // reads times each column's sum, taken from the accumulators before they
  // leave the registers.
  bool flip = xSigned == traits.unsignedLhs;
  int64_t readZero = !flip ? zeroPoint : xSigned ? zeroPoint + 128 : zeroPoint - 128;
  std::vector<int32_t> correction(np, 0);
  {
    int64_t i = 0;
    for (const APInt &v : weights.getValues<APInt>())
      correction[i++ % n] += static_cast<int32_t>(v.getSExtValue() * readZero);
  }
  Value corrTable;
  if (llvm::any_of(correction, [](int32_t c) { return c != 0; }))
    corrTable = arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(RankedTensorType::get({np}, i32), ArrayRef<int32_t>(correction)));
  ChannelRequantization::Tables tables;
  if (epilogue)
    tables = epilogue->materialize(b, loc, np);
  Value zeroI8 = arith::ConstantOp::create(b, loc, i8, b.getI8IntegerAttr(0));
  Value zeroI32 = arith::ConstantOp::create(b, loc, i32, b.getI32IntegerAttr(0));

  PackedGemm g;
  g.tile = tile;
  g.mp = mp;
  g.np = np;
  g.kp = kp;
  g.depth = kDepth;
  g.lhs = activationBytes(b, loc, x, flip, mp, kp);
  g.packed = packWeights(b, loc, weights, kp, np, lanes, tile.vectors);
  g.accType = accType;
  g.panelType = bytesType;
  g.outElement = epilogue ? Type(b.getIntegerType(epilogue->bits)) : i32;
  // x[row, 4 step .. 4 step + 3] as one int32, copied to every lane.
  g.loadRow = [&](OpBuilder &rb, Location rl, Value row, Value step) -> Value {
    Value col = arith::MulIOp::create(rb, rl, step,
                                      arith::ConstantIndexOp::create(rb, rl, kDepth));
    Value four = vector::TransferReadOp::create(rb, rl, VectorType::get({kDepth}, i8), g.lhs,
                                                ValueRange{row, col}, zeroI8, inBounds);
    Value word = vector::ExtractOp::create(
        rb, rl, vector::BitCastOp::create(rb, rl, VectorType::get({1}, i32), four),
        ArrayRef<int64_t>{0});
    return vector::BitCastOp::create(rb, rl, bytesType,
                                     vector::BroadcastOp::create(rb, rl, accType, word));
  };
  g.combine = [&](OpBuilder &cb, Location cl, Value acc, Value a, Value panel) -> Value {
    switch (instruction) {
    case DotInstruction::X86Vnni:
      return qf::VnniDotOp::create(cb, cl, accType, acc, a, panel);
    case DotInstruction::ArmSdot:
      return arm_neon::SdotOp::create(cb, cl, accType, acc, a, panel);
    }
    llvm_unreachable("unknown dot-product instruction");
  };
  g.epilogue = [&](OpBuilder &eb, Location el, Value acc, Value col) -> Value {
    if (corrTable)
      acc = arith::SubIOp::create(
          eb, el, acc,
          vector::TransferReadOp::create(eb, el, accType, corrTable, ValueRange{col}, zeroI32,
                                         inBounds));
    return epilogue ? epilogue->apply(eb, el, tables, acc, col) : acc;
  };
  return sliceToShape(b, loc, emitPackedGemm(b, loc, g), m, n);
}

} // namespace qforge
