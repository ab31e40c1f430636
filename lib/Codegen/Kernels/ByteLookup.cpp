//===- ByteLookup.cpp - a 256-entry byte table on AVX-512 VBMI ------------===//

#include "qforge/Codegen/Kernels/ByteLookup.h"

#include "qforge/Dialect/QF/IR/QFOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace qforge {

namespace {

constexpr int64_t kLanes = 64; // bytes per zmm register

/// The lookup of 64 index bytes through the table's four 64-byte quarters:
/// vpermi2b reads 7 index bits, so one covers entries 0..127 and one
/// 128..255; the index's top bit (negative as a signed byte) picks.
Value lookup64(OpBuilder &b, Location loc, Value index, ArrayRef<Value> quarters) {
  auto type = cast<VectorType>(index.getType());
  Value low = qf::VbmiPermuteOp::create(b, loc, type, quarters[0], index, quarters[1]);
  Value high = qf::VbmiPermuteOp::create(b, loc, type, quarters[2], index, quarters[3]);
  Value zero =
      arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, b.getI8IntegerAttr(0)));
  Value upper = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, index, zero);
  return arith::SelectOp::create(b, loc, upper, high, low);
}

/// The table's quarters as vector constants.
SmallVector<Value> tableQuarters(OpBuilder &b, Location loc, DenseIntElementsAttr table) {
  std::vector<int8_t> bytes;
  for (const APInt &entry : table.getValues<APInt>())
    bytes.push_back(static_cast<int8_t>(entry.getSExtValue()));
  auto type = VectorType::get({kLanes}, b.getI8Type());
  SmallVector<Value> quarters;
  for (int64_t q = 0; q < 4; ++q)
    quarters.push_back(arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(type, ArrayRef<int8_t>(bytes).slice(q * kLanes, kLanes))));
  return quarters;
}

/// out[offset, offset + 64) = lookup(in[offset, offset + 64)); with
/// `inBounds` false the read pads and the write stops at the end.
Value lookupChunk(OpBuilder &b, Location loc, Value in, Value out, Value offset, bool inBounds,
                  ArrayRef<Value> quarters) {
  auto type = VectorType::get({kLanes}, b.getI8Type());
  Value pad = arith::ConstantOp::create(b, loc, b.getI8IntegerAttr(0));
  SmallVector<bool> bounds = {inBounds};
  Value index = vector::TransferReadOp::create(b, loc, type, in, ValueRange{offset}, pad, bounds);
  Value looked = lookup64(b, loc, index, quarters);
  return vector::TransferWriteOp::create(b, loc, looked, out, ValueRange{offset}, bounds)
      .getResult();
}

} // namespace

Value buildVbmiLookup(OpBuilder &b, Location loc, Value bytes, DenseIntElementsAttr table) {
  auto type = cast<RankedTensorType>(bytes.getType());
  int64_t n = type.getNumElements();
  SmallVector<ReassociationIndices> all(1);
  for (int64_t d = 0; d < type.getRank(); ++d)
    all[0].push_back(d);
  Value flat = type.getRank() == 1 ? bytes : tensor::CollapseShapeOp::create(b, loc, bytes, all);
  SmallVector<Value> quarters = tableQuarters(b, loc, table);
  Value out = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{n}, b.getI8Type());
  int64_t whole = n / kLanes * kLanes;
  auto index = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); };
  if (whole > 0) {
    // Bounds made one by one: the IR's order must not depend on the order in
    // which the host compiler evaluates arguments.
    Value step = index(kLanes);
    Value upper = index(whole);
    Value lower = index(0);
    auto loop = scf::ForOp::create(
        b, loc, lower, upper, step, ValueRange{out},
        [&](OpBuilder &lb, Location ll, Value offset, ValueRange carried) {
          scf::YieldOp::create(
              lb, ll, lookupChunk(lb, ll, flat, carried[0], offset, true, quarters));
        });
    out = loop.getResult(0);
  }
  if (whole < n)
    out = lookupChunk(b, loc, flat, out, index(whole), false, quarters);
  if (type.getRank() == 1)
    return out;
  return tensor::ExpandShapeOp::create(b, loc, type, out, all);
}

} // namespace qforge
