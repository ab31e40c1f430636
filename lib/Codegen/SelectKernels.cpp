//===- SelectKernels.cpp - the qf-select-kernels pass ---------------------===//

#include "qforge/Codegen/KernelTable.h"
#include "qforge/Codegen/Passes.h"

#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Dialect/QF/IR/QuantTypeChecks.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

namespace qforge {
#define GEN_PASS_DEF_SELECTKERNELSPASS
#include "qforge/Codegen/Passes.h.inc"
} // namespace qforge

using namespace mlir;

namespace {

/// The ops a kernel may compute.
bool isCandidate(Operation *op) {
  return isa<qforge::qf::MatmulOp, qforge::qf::Conv2DOp, qforge::qf::LookupOp,
             tosa::Conv2DOp, tosa::DepthwiseConv2DOp, tosa::MatMulOp>(op);
}

/// Whether a qf product's weights are 4-bit.
bool hasFourBitWeights(Operation *op) {
  Value weights;
  if (auto matmul = dyn_cast<qforge::qf::MatmulOp>(op))
    weights = matmul.getRhs();
  else if (auto conv = dyn_cast<qforge::qf::Conv2DOp>(op))
    weights = conv.getFilter();
  mlir::quant::QuantizedType q =
      weights ? qforge::qf::getQuantizedElementType(weights.getType()) : nullptr;
  return q && q.getStorageTypeIntegralWidth() == 4;
}

struct SelectKernelsPass : qforge::impl::SelectKernelsPassBase<SelectKernelsPass> {
  using SelectKernelsPassBase::SelectKernelsPassBase;

  void runOnOperation() override {
    ArrayRef<qforge::qf::Kernel> kernels = qforge::familyKernels(family);
    bool fourBit = qforge::familyTakesFourBitWeights(family);
    getOperation().walk([&](Operation *op) {
      if (!isCandidate(op) || op->hasAttr(qforge::qf::kKernelAttrName))
        return;
      if (hasFourBitWeights(op) && !fourBit)
        return;
      for (qforge::qf::Kernel kernel : kernels)
        if (qforge::kernelEntry(kernel).computes(op)) {
          op->setAttr(qforge::qf::kKernelAttrName,
                      qforge::qf::KernelAttr::get(op->getContext(), kernel));
          return;
        }
    });
  }
};

} // namespace
