//===- FilterLayout.h - convolution filters with output channels last -*- C++ -*-===//

#ifndef QFORGE_LIB_TRANSFORMS_FILTERLAYOUT_H
#define QFORGE_LIB_TRANSFORMS_FILTERLAYOUT_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace qforge {

/// `filter` [F, H, W, C] as [H, W, C, F]: output channels innermost, so that
/// the output-channel loop reads filter rows contiguously. A constant is
/// transposed at compile time (its bytes moved), anything else by a
/// linalg.transpose.
mlir::Value filterToHWCF(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value filter);

} // namespace qforge

#endif // QFORGE_LIB_TRANSFORMS_FILTERLAYOUT_H
