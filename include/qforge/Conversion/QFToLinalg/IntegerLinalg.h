//===- IntegerLinalg.h - the reference integer computations -----*- C++ -*-===//
//
// Builders of the integer computations the qf ops are defined by, as
// linalg.generic ops on tensors of storage integers: exact int32 (or int64)
// accumulation of (x - z_x) * (w - z_w), bias, block sums combined, and
// requantization (qforge/Dialect/QF/Utils/Requantize.h). The reference
// conversion (qf-lower-to-linalg) is made of them; the target kernels
// (qf-lower-to-kernels) use them for what they do not fuse.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_CONVERSION_QFTOLINALG_INTEGERLINALG_H
#define QFORGE_CONVERSION_QFTOLINALG_INTEGERLINALG_H

#include "qforge/Dialect/QF/Utils/QuantParams.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"

namespace qforge {

/// Builds at one place in the IR (the op being lowered).
struct IntegerLinalg {
  mlir::OpBuilder &b;
  mlir::Location loc;

  mlir::Type i32() { return b.getI32Type(); }
  mlir::Type i64() { return b.getI64Type(); }

  mlir::Value intConst(mlir::OpBuilder &nb, mlir::Location nl, mlir::Type type, int64_t v);

  /// 1-D constant tensors.
  mlir::Value vector(mlir::Type element, llvm::ArrayRef<int64_t> values);
  mlir::Value vector(mlir::FloatType element, llvm::ArrayRef<double> values);

  /// Storage integer to i32 with the storage's signedness.
  mlir::Value widen(mlir::OpBuilder &nb, mlir::Location nl, mlir::Value v, bool isSigned);

  /// linalg.generic mapping each element of `input` to `outElement`; the
  /// `channel` tensors (1-D) are read at the element's index along `axis`.
  mlir::Value map(mlir::Value input, mlir::Type outElement, int64_t axis,
                  llvm::ArrayRef<mlir::Value> channel,
                  llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::Value,
                                                 mlir::ValueRange)>
                      body);

  /// Requantizes int32 or int64 accumulators: y = clamp(zp + round(acc *
  /// M[c])), the multipliers per channel along `axis` (or one for the
  /// tensor), as qforge::scaleToStorage computes it.
  mlir::Value requantize(mlir::Value acc, int64_t axis, llvm::ArrayRef<double> multipliers,
                         int64_t zeroPoint, int64_t lo, int64_t hi, unsigned bits);

  /// NHWC storage grown by `pad` = [top, bottom, left, right] of the zero
  /// point: real zero, contributing nothing to a sum of (x - zp).
  mlir::Value padWithZeroPoint(mlir::Value input, llvm::ArrayRef<int64_t> pad,
                               int64_t zeroPoint);

  /// Adds an int32 bias [C] along `axis` to int32 or int64 accumulators.
  mlir::Value addBias(mlir::Value acc, mlir::Value bias, int64_t axis);

  /// The integer product both matmul and conv reduce to: a linalg.generic
  /// accumulating (x - z_x) * (w - z_w[c]) into a zeroed int32 tensor of
  /// `outShape`. The maps index x, w, the per-channel weight zero points
  /// (`weightZp`; null, and no map, for symmetric weights) and the result.
  mlir::Value accumulate(llvm::ArrayRef<int64_t> outShape, mlir::Value x, mlir::Value w,
                         mlir::Value weightZp, llvm::ArrayRef<mlir::AffineMap> maps,
                         llvm::ArrayRef<mlir::utils::IteratorType> iterators,
                         const QuantParams &xp, const QuantParams &wp);

  /// Block sums combined exactly: acc[.., c] = sum_g multiple[g][c] *
  /// partial[.., g, c] in int64, where `partial` has the blocks in its
  /// second-to-last dimension and channels in its last.
  mlir::Value combineBlocks(mlir::Value partial, const WeightBlocks &blocks);

  /// Zero-filled integer tensor.
  mlir::Value zeros(llvm::ArrayRef<int64_t> shape, mlir::Type element);
};

/// The end of an integer product (qf.matmul, qf.conv2d): the bias added
/// along `channelAxis`, then either the int32 accumulator or its
/// requantization to the quantized `resultType`. With block-quantized
/// weights `acc` holds the combined int64 sums and `blocks` says at what
/// per-channel unit (the result must be quantized then).
mlir::Value finishProduct(mlir::Value acc, mlir::Value bias, int64_t channelAxis,
                          const QuantParams &act, const QuantParams &weight,
                          const WeightBlocks *blocks,
                          std::optional<llvm::ArrayRef<int64_t>> clamp, mlir::Type resultType,
                          IntegerLinalg &l);

/// A matmul's [..., M, K] operand as the [rows, K] matrix the products
/// take (`reassoc` then says how to undo it; empty for a matrix already).
mlir::Value collapseToRows(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                           llvm::SmallVectorImpl<mlir::ReassociationIndices> &reassoc);

/// A [rows, N] product back in the [..., M, N] shape of an operand of
/// `operandShape` collapsed by collapseToRows.
mlir::Value expandFromRows(mlir::OpBuilder &b, mlir::Location loc, mlir::Value rows,
                           llvm::ArrayRef<int64_t> operandShape, int64_t n,
                           llvm::ArrayRef<mlir::ReassociationIndices> reassoc);

/// The storage of a quantized value as the integer computations hold it:
/// signless integers of the storage width, at least 8 bits (4-bit values
/// one per byte, extended as qf.packed_constant unpacks them).
unsigned storageBits(const QuantParams &params);

} // namespace qforge

#endif // QFORGE_CONVERSION_QFTOLINALG_INTEGERLINALG_H
