//===- FreeAfterLastUse.cpp - deallocate at the last use ------------------===//

#include "qforge/Codegen/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace qforge {
#define GEN_PASS_DEF_FREEAFTERLASTUSEPASS
#include "qforge/Codegen/Passes.h.inc"
} // namespace qforge

using namespace mlir;

namespace {

struct FreeAfterLastUsePass
    : qforge::impl::FreeAfterLastUsePassBase<FreeAfterLastUsePass> {
  void runOnOperation() override {
    getOperation().walk([](memref::DeallocOp dealloc) {
      auto alloc = dealloc.getMemref().getDefiningOp<memref::AllocOp>();
      if (!alloc || alloc->getBlock() != dealloc->getBlock())
        return;
      Block *block = dealloc->getBlock();
      // The buffer and every view of it.
      SmallVector<Value> aliases = {alloc.getResult()};
      Operation *last = alloc;
      for (size_t i = 0; i < aliases.size(); ++i) {
        for (Operation *user : aliases[i].getUsers()) {
          if (user == dealloc)
            continue;
          if (isa<func::ReturnOp, memref::StoreOp, CallOpInterface>(user))
            return; // Escapes: leave the dealloc where it is.
          if (auto view = dyn_cast<ViewLikeOpInterface>(user))
            if (view.getViewSource() == aliases[i])
              aliases.push_back(user->getResult(0));
          Operation *inBlock = block->findAncestorOpInBlock(*user);
          if (!inBlock)
            return;
          if (last->isBeforeInBlock(inBlock))
            last = inBlock;
        }
      }
      dealloc->moveAfter(last);
    });
  }
};

} // namespace
