//===- Requantize.h - requantization arithmetic -----------------*- C++ -*-===//
//
// One definition of the requantization arithmetic, for the reference
// lowering (one element at a time in linalg.generic bodies) and for the
// target kernels' fused epilogues (16 channels at a time in registers), so
// that both compute the same bits.
//
// Products and sums are requantized in float32: the integer accumulator
// converted (rounded to nearest even), multiplied by M = s_x s_w / s_y as a
// float32, clamped, rounded half to even. Each step is one correctly rounded
// IEEE operation and no two are contracted into a fused multiply-add, so
// every target computes the same bits; in registers it is 7 instructions
// per 16 channels, where the 64-bit fixed-point form took about 25. The
// quantized add keeps the fixed-point form (two multipliers, one rounding).
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_DIALECT_QF_UTILS_REQUANTIZE_H
#define QFORGE_DIALECT_QF_UTILS_REQUANTIZE_H

#include "mlir/IR/Builders.h"

#include <utility>
#include <vector>

namespace qforge {

/// M = m * 2^-shift with m in [2^(bits-1), 2^bits), for a positive real
/// multiplier. 31 bits suit int32 accumulators (the product stays within
/// 62 bits); wider accumulators get fewer.
std::pair<int64_t, int64_t> fixedPointMultiplier(double multiplier, int bits = 31);

/// clamp(zp + roundeven(float(acc) * multiplier)) in `storage` (an integer
/// type; the result has acc's shape): acc is an integer (i32 or i64) scalar
/// or vector, multiplier an f32 one of the same shape. `productFitsInt32`
/// (the caller knows |acc * multiplier| < 2^31) lets a vector clamp after
/// rounding, which is cheaper and gives the same values.
mlir::Value scaleToStorage(mlir::OpBuilder &b, mlir::Location loc, mlir::Value acc,
                           mlir::Value multiplier, int64_t zeroPoint, int64_t lo, int64_t hi,
                           mlir::Type storage, bool productFitsInt32 = false);

/// The end of the fixed-point requantization (the quantized add): p / 2^n
/// rounded half to even, plus the zero point, clamped to [lo, hi],
/// truncated to `storage` (an integer type; the result has p's shape). p and
/// n are i64, or vectors of i64 of one shape, n >= 1.
mlir::Value finishRequantization(mlir::OpBuilder &b, mlir::Location loc, mlir::Value p,
                                 mlir::Value n, int64_t zeroPoint, int64_t lo, int64_t hi,
                                 mlir::Type storage);

/// A per-channel requantization epilogue as a kernel applies it: int32 bias,
/// float32 multiplier per channel, output zero point, clamp.
struct ChannelRequantization {
  std::vector<int32_t> bias; // empty: none
  std::vector<float> multiplier;
  int64_t zeroPoint = 0, lo = -128, hi = 127;
  unsigned bits = 8;

  /// Builds the tables as constants, padded to `channels` (multiplier 0:
  /// padded channels compute a value a kernel slices away).
  struct Tables {
    mlir::Value bias, multiplier;
  };
  Tables materialize(mlir::OpBuilder &b, mlir::Location loc, int64_t channels) const;

  /// acc (vector<L x i32>, channels [c, c+L)) -> vector<L x i<bits>>:
  /// scaleToStorage(acc + bias, M[c]), exactly as the reference lowering
  /// computes each element.
  mlir::Value apply(mlir::OpBuilder &b, mlir::Location loc, const Tables &tables,
                    mlir::Value acc, mlir::Value c) const;
};

} // namespace qforge

#endif // QFORGE_DIALECT_QF_UTILS_REQUANTIZE_H
