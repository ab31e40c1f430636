//===- ConstantLayout.h - constants in another layout -----------*- C++ -*-===//

#ifndef QFORGE_TRANSFORMS_CONSTANTLAYOUT_H
#define QFORGE_TRANSFORMS_CONSTANTLAYOUT_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinAttributes.h"

namespace qforge {

/// `dense` with its dimensions permuted: result dimension i is `dense`'s
/// dimension perms[i] (as tosa.transpose and linalg.transpose define it).
/// Moves the stored bytes; null for element types narrower than a byte.
mlir::DenseElementsAttr permuteConstant(mlir::DenseElementsAttr dense,
                                        llvm::ArrayRef<int64_t> perms);

/// `filter` [F, H, W, C] as [H, W, C, F]: output channels innermost, so that
/// the output-channel loop reads filter rows contiguously. A constant is
/// transposed at compile time (its bytes moved), anything else by a
/// linalg.transpose.
mlir::Value filterToHWCF(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value filter);

} // namespace qforge

#endif // QFORGE_TRANSFORMS_CONSTANTLAYOUT_H
