//===- KernelTable.h - which kernels exist and what each computes -*- C++ -*-===//
//
// The table kernel selection and kernel lowering read: for each kernel
// (#qf.kernel), whether it computes a given op and how to emit it; for each
// kernel family, its kernels in order of preference. A new kernel is an
// entry here and a builder under lib/Codegen/Kernels/.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_CODEGEN_KERNELTABLE_H
#define QFORGE_CODEGEN_KERNELTABLE_H

#include "qforge/Codegen/KernelFamily.h"
#include "qforge/Dialect/QF/IR/QFDialect.h"

#include "mlir/IR/PatternMatch.h"

namespace qforge {

struct KernelEntry {
  qf::Kernel kernel;
  /// Whether the kernel computes `op` as it is (op kind, constant weights
  /// of its form, shapes it takes). Emits nothing.
  bool (*computes)(mlir::Operation *op);
  /// Replaces `op`, which the kernel computes, by the kernel's code.
  void (*emit)(mlir::Operation *op, mlir::RewriterBase &rewriter);
};

/// The entry of `kernel`.
const KernelEntry &kernelEntry(qf::Kernel kernel);

/// The kernels of `family`, in the order selection tries them.
llvm::ArrayRef<qf::Kernel> familyKernels(KernelFamily family);

/// Whether `family`'s kernels take 4-bit weights (its product kernel
/// unpacks them in registers); on the others such products keep the
/// reference loops.
bool familyTakesFourBitWeights(KernelFamily family);

} // namespace qforge

#endif // QFORGE_CODEGEN_KERNELTABLE_H
