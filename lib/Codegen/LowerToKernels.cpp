//===- LowerToKernels.cpp - the qf-lower-to-kernels pass ------------------===//

#include "qforge/Codegen/KernelTable.h"
#include "qforge/Codegen/Passes.h"

#include "qforge/Dialect/QF/IR/QFOps.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

namespace qforge {
#define GEN_PASS_DEF_LOWERTOKERNELSPASS
#include "qforge/Codegen/Passes.h.inc"
} // namespace qforge

using namespace mlir;

namespace {

struct LowerToKernelsPass : qforge::impl::LowerToKernelsPassBase<LowerToKernelsPass> {
  void runOnOperation() override {
    SmallVector<std::pair<Operation *, qforge::qf::Kernel>> marked;
    getOperation().walk([&](Operation *op) {
      if (auto kernel = op->getAttrOfType<qforge::qf::KernelAttr>(qforge::qf::kKernelAttrName))
        marked.push_back({op, kernel.getValue()});
    });
    bool ok = true;
    for (auto [op, kernel] : marked)
      if (!qforge::kernelEntry(kernel).computes(op)) {
        op->emitOpError() << "is marked for the " << qforge::qf::stringifyKernel(kernel)
                          << " kernel, which cannot compute it (its weights are not "
                             "constant or not of the kernel's form, or its shape is not "
                             "one the kernel takes)";
        ok = false;
      }
    if (!ok)
      return signalPassFailure();
    IRRewriter rewriter(&getContext());
    for (auto [op, kernel] : marked)
      qforge::kernelEntry(kernel).emit(op, rewriter);
  }
};

} // namespace
