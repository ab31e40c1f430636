//===- IntegerProduct.h - int8 products whose result stays float -*- C++ -*-===//
//
// A matmul with constant weights can compute in int8 without a range for
// its output: its int32 sums, scaled by s_x * s_w[n], are the float product
// (up to the rounding of x and w). Dynamic quantization works this way (s_x
// is known only at run time), and so does static quantization of a matmul
// whose input is calibrated but whose output is an intermediate value no
// table describes (a recurrent layer's gates).
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_LIB_QUANTIZATION_INTEGERPRODUCT_H
#define QFORGE_LIB_QUANTIZATION_INTEGERPRODUCT_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace qforge {

/// `x` [1, M, K] as [M, K] (a float or storage tensor: quantized tensors
/// do not pass through tensor ops).
mlir::Value withoutBatch(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x);

/// The int32 product [1, M, N] of the quantized activation rows [M, K] (per
/// tensor) and the quantized constant weights [K, N], as a qf.matmul, so
/// that the target's dot-product kernel computes it.
mlir::Value integerProduct(mlir::OpBuilder &b, mlir::Location loc, mlir::Value rows,
                           mlir::Value weights);

/// The float product of `type` from the int32 sums `acc` [1, M, N]: acc *
/// (s_x * s_w[n]), in that order of f32 operations, where `scale` is s_x as
/// a 0-d f32 tensor and `weightScales` holds s_w per column.
mlir::Value floatProduct(mlir::OpBuilder &b, mlir::Location loc, mlir::Value acc,
                         mlir::Value scale, llvm::ArrayRef<double> weightScales,
                         mlir::RankedTensorType type);

} // namespace qforge

#endif // QFORGE_LIB_QUANTIZATION_INTEGERPRODUCT_H
