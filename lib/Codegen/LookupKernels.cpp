//===- LookupKernels.cpp - qf.lookup on a vector table kernel -------------===//

#include "KernelEntries.h"
#include "QuantizedProduct.h"

#include "qforge/Codegen/Kernels/ByteLookup.h"
#include "qforge/Dialect/QF/IR/QFOps.h"

using namespace mlir;

namespace qforge {

bool vbmiLookupComputes(Operation *op) {
  auto lookup = dyn_cast<qf::LookupOp>(op);
  return lookup && lookup.getInput().getType().hasStaticShape();
}

void emitVbmiLookup(Operation *op, RewriterBase &rewriter) {
  auto lookup = cast<qf::LookupOp>(op);
  rewriter.setInsertionPoint(op);
  Location loc = op->getLoc();
  Value bytes = storageOf(rewriter, loc, lookup.getInput());
  Value result = buildVbmiLookup(rewriter, loc, bytes, lookup.getTable());
  rewriter.replaceOp(op, resultFromStorage(rewriter, loc, result, lookup.getType()));
}

} // namespace qforge
