//===- ByteLookup.h - a 256-entry byte table on AVX-512 VBMI -----*- C++ -*-===//
//
// qf.lookup maps each stored byte through a 256-byte table. AVX-512 VBMI's
// vpermi2b picks, for each of 64 index bytes, one byte of two 64-byte
// registers (7 index bits): two of them cover the table's halves, and the
// index's top bit chooses between their results. Four instructions for 64
// elements, where a scalar loop loads one byte per element.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_CODEGEN_KERNELS_BYTELOOKUP_H
#define QFORGE_CODEGEN_KERNELS_BYTELOOKUP_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

namespace qforge {

/// `bytes` (a static i8 tensor of any shape) mapped through `table` (256
/// i8 entries, indexed by the byte read as unsigned): a tensor of the same
/// type.
mlir::Value buildVbmiLookup(mlir::OpBuilder &b, mlir::Location loc, mlir::Value bytes,
                            mlir::DenseIntElementsAttr table);

} // namespace qforge

#endif // QFORGE_CODEGEN_KERNELS_BYTELOOKUP_H
