//===- PlanScratchArena.cpp - intermediates in one planned arena ----------===//
//
// Static memory planning: shapes and the execution order are known at
// compile time, so the intermediate buffers of a model can be laid out once,
// in one arena, reusing bytes between buffers that are never live together.
// Compiled models then make one allocation per call, or none when the
// caller provides the arena.
//
//===----------------------------------------------------------------------===//

#include "qforge/Codegen/Passes.h"

#include "qforge/Dialect/QF/IR/QFDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace qforge {
#define GEN_PASS_DEF_PLANSCRATCHARENAPASS
#include "qforge/Codegen/Passes.h.inc"
} // namespace qforge

using namespace mlir;

namespace {

constexpr int64_t kAlignment = 64;

struct Buffer {
  memref::AllocOp alloc;
  memref::DeallocOp dealloc;
  int64_t begin, end; // Lifetime in op positions of the entry block.
  int64_t bytes;
  int64_t offset = -1;
};

int64_t alignUp(int64_t v) { return (v + kAlignment - 1) / kAlignment * kAlignment; }

struct PlanScratchArenaPass
    : qforge::impl::PlanScratchArenaPassBase<PlanScratchArenaPass> {
  using PlanScratchArenaPassBase::PlanScratchArenaPassBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    Block &entry = func.getBody().front();
    llvm::DenseMap<Operation *, int64_t> position;
    int64_t index = 0;
    for (Operation &op : entry)
      position[&op] = index++;

    // Candidates: static identity-layout buffers of the entry block with one
    // dealloc there and no other way out of the function.
    SmallVector<Buffer> buffers;
    for (Operation &op : entry) {
      auto alloc = dyn_cast<memref::AllocOp>(op);
      if (!alloc)
        continue;
      MemRefType type = alloc.getType();
      if (!type.hasStaticShape() || !type.getLayout().isIdentity() ||
          type.getMemorySpace() || !type.getElementType().isIntOrFloat())
        continue;
      memref::DeallocOp dealloc;
      bool escapes = false;
      for (Operation *user : alloc->getUsers()) {
        if (auto d = dyn_cast<memref::DeallocOp>(user))
          dealloc = d->getBlock() == &entry ? d : memref::DeallocOp();
        else if (isa<func::ReturnOp>(user))
          escapes = true;
      }
      if (!dealloc || escapes)
        continue;
      int64_t bits = type.getElementTypeBitWidth();
      int64_t bytes = type.getNumElements() * std::max<int64_t>(1, (bits + 7) / 8);
      buffers.push_back({alloc, dealloc, position[alloc], position[dealloc],
                         alignUp(std::max<int64_t>(bytes, 1))});
    }

    // Largest first, each at the lowest offset clear of every placed buffer
    // whose lifetime overlaps.
    SmallVector<Buffer *> order;
    for (Buffer &b : buffers)
      order.push_back(&b);
    llvm::stable_sort(order, [](Buffer *a, Buffer *b) { return a->bytes > b->bytes; });
    int64_t arenaBytes = 0;
    SmallVector<Buffer *> placed;
    for (Buffer *b : order) {
      SmallVector<std::pair<int64_t, int64_t>> taken;
      for (Buffer *p : placed)
        if (p->begin < b->end && b->begin < p->end)
          taken.push_back({p->offset, p->offset + p->bytes});
      llvm::sort(taken);
      int64_t offset = 0;
      for (auto [lo, hi] : taken) {
        if (offset + b->bytes <= lo)
          break;
        offset = std::max(offset, hi);
      }
      b->offset = offset;
      arenaBytes = std::max(arenaBytes, offset + b->bytes);
      placed.push_back(b);
    }

    OpBuilder builder(func.getContext());
    func->setAttr(qforge::qf::kScratchBytesAttrName,
                  builder.getI64IntegerAttr(arenaBytes));
    if (buffers.empty())
      return;
    Location loc = func.getLoc();
    Value arena;
    if (callerOwned) {
      auto type = MemRefType::get({ShapedType::kDynamic}, builder.getI8Type());
      if (failed(func.insertArgument(func.getNumArguments(), type, {}, loc)))
        return signalPassFailure();
      arena = entry.getArguments().back();
    } else {
      builder.setInsertionPointToStart(&entry);
      arena = memref::AllocOp::create(
          builder, loc, MemRefType::get({arenaBytes}, builder.getI8Type()),
          builder.getI64IntegerAttr(kAlignment));
      builder.setInsertionPoint(entry.getTerminator());
      memref::DeallocOp::create(builder, loc, arena);
    }
    for (Buffer &b : buffers) {
      builder.setInsertionPoint(b.alloc);
      Value shift = arith::ConstantIndexOp::create(builder, b.alloc.getLoc(), b.offset);
      Value view = memref::ViewOp::create(builder, b.alloc.getLoc(), b.alloc.getType(),
                                          arena, shift, ValueRange{});
      b.dealloc.erase();
      b.alloc.getResult().replaceAllUsesWith(view);
      b.alloc.erase();
    }
  }
};

} // namespace
