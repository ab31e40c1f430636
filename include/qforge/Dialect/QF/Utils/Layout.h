//===- Layout.h - tensors and constants in another layout -------*- C++ -*-===//
//
// ONNX is channels-first, qforge's convolutions channels-last: constants are
// permuted at compile time, filters laid out for the loops that read them,
// NHWC inputs padded. Shared by the importer, the rewrites, the reference
// conversion and the kernels.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_DIALECT_QF_UTILS_LAYOUT_H
#define QFORGE_DIALECT_QF_UTILS_LAYOUT_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinAttributes.h"

#include <vector>

namespace qforge {

/// `dense` with its dimensions permuted: result dimension i is `dense`'s
/// dimension perms[i] (as tosa.transpose and linalg.transpose define it).
/// Moves the stored bytes (i1 values one by one); null for other element
/// types narrower than a byte.
mlir::DenseElementsAttr permuteConstant(mlir::DenseElementsAttr dense,
                                        llvm::ArrayRef<int64_t> perms);

/// The row-major elements `raw` (of `elementBytes` bytes each, `shape`)
/// with their dimensions permuted as permuteConstant does, on the host: no
/// attribute is made (a weight tensor's attributes live as long as the
/// compiler does).
std::vector<char> permuteBytes(llvm::ArrayRef<char> raw, llvm::ArrayRef<int64_t> shape,
                               llvm::ArrayRef<int64_t> perms, size_t elementBytes);

/// `filter` [F, H, W, C] as [H, W, C, F]: output channels innermost, so that
/// the output-channel loop reads filter rows contiguously. A constant is
/// transposed at compile time (its bytes moved), anything else by a
/// linalg.transpose.
mlir::Value filterToHWCF(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value filter);

/// A `tosa.const_shape` holding `shape` (a reshape's or a slice's operand).
mlir::Value tosaConstShape(mlir::OpBuilder &b, mlir::Location loc, llvm::ArrayRef<int64_t> shape);

/// NHWC `input` grown by `pad` = [top, bottom, left, right] of `value` (a
/// float zero, or an integer input's zero point), or `input` itself when
/// there is no padding.
mlir::Value padSpatial(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                       llvm::ArrayRef<int64_t> pad, mlir::TypedAttr value);

} // namespace qforge

#endif // QFORGE_DIALECT_QF_UTILS_LAYOUT_H
