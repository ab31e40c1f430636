//===- LowerStridedCopies.cpp - strided copies as contiguous row copies ---===//

#include "qforge/Codegen/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"

namespace qforge {
#define GEN_PASS_DEF_LOWERSTRIDEDCOPIESPASS
#include "qforge/Codegen/Passes.h.inc"
} // namespace qforge

using namespace mlir;

namespace {

/// How many trailing dimensions of `type` are laid out contiguously (row
/// major, innermost stride 1); 0 when the layout is not known statically.
int64_t contiguousTrailingDims(MemRefType type) {
  SmallVector<int64_t> strides;
  int64_t offset;
  if (!type.hasStaticShape() || failed(type.getStridesAndOffset(strides, offset)))
    return 0;
  ArrayRef<int64_t> shape = type.getShape();
  int64_t rank = type.getRank(), expected = 1, dims = 0;
  for (int64_t d = rank - 1; d >= 0; --d) {
    // A dimension of one element has any stride.
    if (shape[d] != 1 && strides[d] != expected)
      break;
    expected *= shape[d];
    ++dims;
  }
  return dims;
}

void lowerCopy(memref::CopyOp copy) {
  auto source = cast<MemRefType>(copy.getSource().getType());
  auto target = cast<MemRefType>(copy.getTarget().getType());
  int64_t rank = source.getRank();
  int64_t inner = std::min(contiguousTrailingDims(source), contiguousTrailingDims(target));
  if (rank == 0 || inner == rank)
    return; // one contiguous block: the LLVM lowering makes it a memcpy
  OpBuilder b(copy);
  Location loc = copy.getLoc();
  if (inner == 0) {
    linalg::CopyOp::create(b, loc, ValueRange{copy.getSource()}, ValueRange{copy.getTarget()});
    copy.erase();
    return;
  }
  // Loops over the outer dimensions; per iteration, one contiguous block of
  // the trailing ones in both views.
  ArrayRef<int64_t> shape = source.getShape();
  SmallVector<OpFoldResult> offsets, sizes, strides(rank, b.getIndexAttr(1));
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  for (int64_t d = 0; d < rank - inner; ++d) {
    auto loop = scf::ForOp::create(b, loc, zero,
                                   arith::ConstantIndexOp::create(b, loc, shape[d]), one);
    b.setInsertionPoint(loop.getBody()->getTerminator());
    offsets.push_back(loop.getInductionVar());
    sizes.push_back(b.getIndexAttr(1));
  }
  for (int64_t d = rank - inner; d < rank; ++d) {
    offsets.push_back(b.getIndexAttr(0));
    sizes.push_back(b.getIndexAttr(shape[d]));
  }
  ArrayRef<int64_t> block = shape.take_back(inner);
  auto view = [&](Value memref, MemRefType type) -> Value {
    auto reduced = memref::SubViewOp::inferRankReducedResultType(block, type, offsets, sizes,
                                                                 strides);
    return memref::SubViewOp::create(b, loc, cast<MemRefType>(reduced), memref, offsets,
                                     sizes, strides);
  };
  Value from = view(copy.getSource(), source), to = view(copy.getTarget(), target);
  memref::CopyOp::create(b, loc, from, to);
  copy.erase();
}

struct LowerStridedCopiesPass
    : qforge::impl::LowerStridedCopiesPassBase<LowerStridedCopiesPass> {
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation().walk([&](memref::CopyOp copy) { copies.push_back(copy); });
    for (memref::CopyOp copy : copies)
      lowerCopy(copy);
  }
};

} // namespace
