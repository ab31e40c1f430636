//===- TosaBuilders.h - small TOSA building blocks for converters -*- C++ -*-===//

#ifndef QFORGE_LIB_IMPORT_TOSABUILDERS_H
#define QFORGE_LIB_IMPORT_TOSABUILDERS_H

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

namespace qforge::onnx_import {

mlir::RankedTensorType tensorType(llvm::ArrayRef<int64_t> shape,
                                  mlir::Type elementType);
mlir::RankedTensorType typeOf(mlir::Value value);
/// The number of elements of a shape.
int64_t product(llvm::ArrayRef<int64_t> dims);
/// Row-major strides of `shape`, in elements.
llvm::SmallVector<int64_t> rowMajorStrides(llvm::ArrayRef<int64_t> shape);

/// tosa.cast of `v` to element type `element` (`v` when it has it already).
mlir::Value castElements(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                         mlir::Type element);

/// tosa.const holding `value`.
mlir::Value constant(mlir::OpBuilder &b, mlir::Location loc,
                     mlir::DenseElementsAttr value);
/// A splat constant of `elementType` and `shape` (rank-0 allowed).
mlir::Value splat(mlir::OpBuilder &b, mlir::Location loc,
                  mlir::Type elementType, llvm::ArrayRef<int64_t> shape,
                  double value);
/// tosa.const_shape.
mlir::Value shapeValue(mlir::OpBuilder &b, mlir::Location loc,
                       llvm::ArrayRef<int64_t> shape);

/// tosa.reshape, or `value` itself when it already has `shape`.
mlir::Value reshape(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                    llvm::ArrayRef<int64_t> shape);
/// tosa.transpose with result[i] = input[perms[i]]; identity is skipped.
mlir::Value transpose(mlir::OpBuilder &b, mlir::Location loc,
                      mlir::Value value, llvm::ArrayRef<int32_t> perms);
/// Prepends unit dimensions up to `rank` (numpy broadcasting alignment).
mlir::Value alignRank(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                      int64_t rank);
/// Broadcasts `value` to `shape` (numpy rules) with tosa.tile.
mlir::Value broadcastTo(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value value, llvm::ArrayRef<int64_t> shape);
/// Numpy broadcast of two shapes (same rank after alignment).
llvm::SmallVector<int64_t> broadcastShape(llvm::ArrayRef<int64_t> a,
                                          llvm::ArrayRef<int64_t> b);

/// Element-wise binary TOSA op with numpy broadcasting; the result type is
/// derived from the operands when `resultElement` is null.
template <typename OpT>
mlir::Value binary(mlir::OpBuilder &b, mlir::Location loc, mlir::Value lhs,
                   mlir::Value rhs, mlir::Type resultElement = {}) {
  int64_t rank = std::max(typeOf(lhs).getRank(), typeOf(rhs).getRank());
  lhs = alignRank(b, loc, lhs, rank);
  rhs = alignRank(b, loc, rhs, rank);
  if (!resultElement)
    resultElement = typeOf(lhs).getElementType();
  auto type = tensorType(
      broadcastShape(typeOf(lhs).getShape(), typeOf(rhs).getShape()),
      resultElement);
  return OpT::create(b, loc, type, lhs, rhs);
}

/// Exact float division under numpy broadcasting: arith.divf on tensors
/// (TOSA has only a reciprocal, which rounds twice).
mlir::Value divide(mlir::OpBuilder &b, mlir::Location loc, mlir::Value lhs,
                   mlir::Value rhs);

/// tosa.mul (with its zero shift) under numpy broadcasting.
mlir::Value mul(mlir::OpBuilder &b, mlir::Location loc, mlir::Value lhs,
                mlir::Value rhs);
/// x * scalar, for a float tensor x.
mlir::Value mulScalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                      double scalar);
/// x + scalar, for a float tensor x.
mlir::Value addScalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                      double scalar);
/// tosa.clamp with bounds of x's element type (float or integer).
mlir::Value clamp(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                  double lo, double hi);
/// A one-element zero-point tensor of `elementType` (what TOSA's conv, matmul,
/// pool and negate take).
mlir::Value zeroPoint(mlir::OpBuilder &b, mlir::Location loc,
                      mlir::Type elementType);
/// Reductions over one axis keeping the dimension.
mlir::Value reduceSum(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                      int64_t axis);
mlir::Value reduceMax(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                      int64_t axis);
mlir::Value reduceMin(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                      int64_t axis);
mlir::Value reduceProduct(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                          int64_t axis);
/// The elements of `x` (flattened, row-major) at `offsets`, shaped `shape`:
/// one tosa.gather with constant indices.
mlir::Value gatherElements(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                           llvm::ArrayRef<int64_t> offsets, llvm::ArrayRef<int64_t> shape);
/// The same with the offsets computed at run time: an i32 [1, count] tensor.
mlir::Value gatherElements(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                           mlir::Value offsets, llvm::ArrayRef<int64_t> shape);
/// [B, M, K] x [B, K, N] -> [B, M, N] with tosa.matmul (zero points 0).
mlir::Value batchMatmul(mlir::OpBuilder &b, mlir::Location loc, mlir::Value lhs,
                        mlir::Value rhs);
/// [0, size) along `axis` of an i32 tensor of rank `rank` whose other
/// dimensions are 1 (to compare with indices along that axis).
mlir::Value axisPositions(mlir::OpBuilder &b, mlir::Location loc, int64_t rank, int64_t axis,
                          int64_t size);
/// A per-channel vector [C] reshaped to broadcast against [N, C, ...] of
/// rank `rank`.
mlir::Value perChannel(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v, int64_t rank);
/// Mean and (population) variance of `x` over `axes`, dimensions kept.
std::pair<mlir::Value, mlir::Value> moments(mlir::OpBuilder &b, mlir::Location loc,
                                            mlir::Value x, llvm::ArrayRef<int64_t> axes);
/// Exclusive prefix sum of an i32 vector [L] (log2 L shifted adds).
mlir::Value exclusivePrefixSum(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v);
/// Rows [L, W] (i32) moved so that those marked in `valid` [L] (i1) come
/// first, in order, and rows of -1 after them: how a bounded output of a
/// data-dependent size is laid out.
mlir::Value compactRows(mlir::OpBuilder &b, mlir::Location loc, mlir::Value rows,
                        mlir::Value valid);
/// Softmax along `axis` (shifted by the maximum), or its logarithm.
mlir::Value softmax(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x, int64_t axis,
                    bool logarithm);
/// The index of the first largest element along `axis` (tosa.argmax), i32,
/// with the axis kept at size 1.
mlir::Value argMaxKeepingAxis(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                              int64_t axis);
/// An order-reversing map of `x`, so that the largest of the result is the
/// smallest of `x`: -x for floats (exact), ~x = -x - 1 for signed integers
/// (no overflow).
mlir::Value reverseOrder(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x);
/// tosa.slice.
mlir::Value slice(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                  llvm::ArrayRef<int64_t> start, llvm::ArrayRef<int64_t> size);

/// x[..., indices[j], ...] along `axis` for compile-time indices (already
/// in range), with tosa.gather on a [outer, K, inner] view.
mlir::Value gatherAlongAxis(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value x, int64_t axis,
                            llvm::ArrayRef<int64_t> indices);

/// Permutations between ONNX's channels-first and TOSA's channels-last 2-D
/// layouts.
inline constexpr int32_t kNchwToNhwc[] = {0, 2, 3, 1};
inline constexpr int32_t kNhwcToNchw[] = {0, 3, 1, 2};

/// The mean over H and W of an NCHW float image, [N, C, 1, 1], as one
/// average pooling window over the whole image (GlobalAveragePool, and
/// ReduceMean over those axes): an op quantization recognizes
/// (qf.avg_pool2d), unlike a sum and a multiply. Null unless `x` is 4-D
/// float with static H and W.
mlir::Value imageMean(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x);

} // namespace qforge::onnx_import

#endif // QFORGE_LIB_IMPORT_TOSABUILDERS_H
