//===- Requantize.h - integer-only requantization arithmetic ----*- C++ -*-===//
//
// One definition of the requantization arithmetic, for the reference
// lowering (one element at a time in linalg.generic bodies) and for the
// target kernels' fused epilogues (16 channels at a time in registers), so
// that both compute the same bits.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_TRANSFORMS_REQUANTIZE_H
#define QFORGE_TRANSFORMS_REQUANTIZE_H

#include "mlir/IR/Builders.h"

#include <utility>
#include <vector>

namespace qforge {

/// M = m * 2^-shift with m in [2^(bits-1), 2^bits), for a positive real
/// multiplier. 31 bits suit int32 accumulators (the product stays within
/// 62 bits); wider accumulators get fewer.
std::pair<int64_t, int64_t> fixedPointMultiplier(double multiplier, int bits = 31);

/// The end of every requantization: p / 2^n rounded half to even, plus the
/// zero point, clamped to [lo, hi], truncated to `storage` (an integer type;
/// the result has p's shape). p and n are i64, or vectors of i64 of one
/// shape, n >= 1.
mlir::Value finishRequantization(mlir::OpBuilder &b, mlir::Location loc, mlir::Value p,
                                 mlir::Value n, int64_t zeroPoint, int64_t lo, int64_t hi,
                                 mlir::Type storage);

/// A per-channel requantization epilogue as a kernel applies it: int32 bias,
/// fixed-point multiplier and shift per channel, output zero point, clamp.
struct ChannelRequantization {
  std::vector<int32_t> bias; // empty: none
  std::vector<int32_t> multiplier;
  std::vector<int8_t> shift;
  int64_t zeroPoint = 0, lo = -128, hi = 127;
  unsigned bits = 8;

  /// Builds the tables as constants, padded to `channels` (multiplier 0,
  /// shift 1: padded channels compute a value a kernel slices away).
  struct Tables {
    mlir::Value bias, multiplier, shift;
  };
  Tables materialize(mlir::OpBuilder &b, mlir::Location loc, int64_t channels) const;

  /// acc (vector<L x i32>, channels [c, c+L)) -> vector<L x i<bits>>:
  /// clamp(zp + round((acc + bias) * M0 / 2^n)), exactly as the reference
  /// lowering computes each element.
  mlir::Value apply(mlir::OpBuilder &b, mlir::Location loc, const Tables &tables,
                    mlir::Value acc, mlir::Value c) const;
};

} // namespace qforge

#endif // QFORGE_TRANSFORMS_REQUANTIZE_H
