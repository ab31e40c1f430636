//===- HostFolding.h - evaluating small integer graphs at import --*- C++ -*-===//
//
// Exporters compute shapes at run time (Shape -> Gather -> Concat -> Reshape).
// With static input shapes those chains are constants; the importer evaluates
// them on the host so that Reshape, Slice, Pad and friends see plain numbers.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_LIB_IMPORT_HOSTFOLDING_H
#define QFORGE_LIB_IMPORT_HOSTFOLDING_H

#include "ImportContext.h"

namespace qforge::onnx_import {

/// The elements of an integer host tensor as int64 (sign per the type).
llvm::SmallVector<int64_t> intValues(HostTensor value);
/// The elements of a float host tensor as double.
llvm::SmallVector<double> floatValues(HostTensor value);

/// An integer host tensor of `elementType` and `shape`.
HostTensor makeIntTensor(mlir::Type elementType, llvm::ArrayRef<int64_t> shape,
                         llvm::ArrayRef<int64_t> values);
/// A float host tensor of `elementType` and `shape`.
HostTensor makeFloatTensor(mlir::Type elementType,
                           llvm::ArrayRef<int64_t> shape,
                           llvm::ArrayRef<double> values);

/// Numpy-broadcast integer binary op on the host; `op` maps two elements to
/// one. The result has the element type of `lhs` (or i1 for comparisons,
/// when `resultElement` is given).
HostTensor foldIntBinary(HostTensor lhs, HostTensor rhs,
                         llvm::function_ref<int64_t(int64_t, int64_t)> op,
                         mlir::Type resultElement = {});

/// Numpy-broadcast float binary op on the host, computed in double and
/// rounded to `lhs`'s element type.
HostTensor foldFloatBinary(HostTensor lhs, HostTensor rhs,
                           llvm::function_ref<double(double, double)> op);

/// Row-major strides of `shape`.
llvm::SmallVector<int64_t> stridesOf(llvm::ArrayRef<int64_t> shape);

} // namespace qforge::onnx_import

#endif // QFORGE_LIB_IMPORT_HOSTFOLDING_H
