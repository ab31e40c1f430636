//===- Requantize.cpp - requantization arithmetic -------------------------===//

#include "qforge/Dialect/QF/Utils/Requantize.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinTypes.h"

#include <cmath>

using namespace mlir;

namespace qforge {

std::pair<int64_t, int64_t> fixedPointMultiplier(double multiplier, int bits) {
  int exponent;
  double fraction = std::frexp(multiplier, &exponent); // [0.5, 1)
  int64_t m = std::llround(std::ldexp(fraction, bits));
  if (m == (int64_t(1) << bits)) {
    m /= 2;
    ++exponent;
  }
  int64_t shift = bits - exponent;
  // Beyond 62 the product cannot reach a half unit; keep the shift usable.
  if (shift > 62) {
    m >>= (shift - 62);
    shift = 62;
  }
  return {m, shift};
}

namespace {

/// An integer constant of `like`'s type: a scalar, or a splat vector.
Value constantLike(OpBuilder &b, Location loc, Type like, int64_t v) {
  if (auto vec = dyn_cast<VectorType>(like))
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(vec, b.getIntegerAttr(vec.getElementType(), v)));
  return arith::ConstantOp::create(b, loc, like, b.getIntegerAttr(like, v));
}

Type withElement(Type like, Type element) {
  if (auto vec = dyn_cast<VectorType>(like))
    return vec.clone(element);
  return element;
}

} // namespace

Value scaleToStorage(OpBuilder &b, Location loc, Value acc, Value multiplier,
                     int64_t zeroPoint, int64_t lo, int64_t hi, Type storage,
                     bool productFitsInt32) {
  Type intType = acc.getType();
  Type f32 = withElement(intType, b.getF32Type());
  Type i32 = withElement(intType, b.getI32Type());
  bool vector = isa<VectorType>(intType);
  Value y = arith::MulFOp::create(b, loc, arith::SIToFPOp::create(b, loc, f32, acc), multiplier);
  if (vector && productFitsInt32) {
    // Vector kernels round with the current rounding mode, to nearest-even
    // unless the program changed it: one vcvtps2dq on x86 where roundeven
    // + fptosi is a vrndscaleps too. The product is in range, so the clamp
    // may follow in integers; at the storage type's own bounds LLVM makes
    // it one saturating truncation (vpmovusdb / vpmovsdb, sqxtun / sqxtn).
    Value r = LLVM::LrintOp::create(b, loc, i32, y);
    r = arith::AddIOp::create(b, loc, r, constantLike(b, loc, i32, zeroPoint));
    r = arith::MaxSIOp::create(b, loc, r, constantLike(b, loc, i32, lo));
    r = arith::MinSIOp::create(b, loc, r, constantLike(b, loc, i32, hi));
    return arith::TruncIOp::create(b, loc, withElement(intType, storage), r);
  }
  auto bound = [&](int64_t v) -> Value {
    auto attr = b.getF32FloatAttr(static_cast<float>(v - zeroPoint));
    if (auto vec = dyn_cast<VectorType>(f32))
      return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(vec, attr.getValue()));
    return arith::ConstantOp::create(b, loc, attr);
  };
  // Clamped before rounding (the bounds are integers, so the order does not
  // change the result) so that the conversion to an integer is always in
  // range. No NaN can arise: `nnan` lets x86 use a plain vmaxps/vminps.
  auto nnan = arith::FastMathFlags::nnan;
  y = arith::MaxNumFOp::create(b, loc, y, bound(lo), nnan);
  y = arith::MinNumFOp::create(b, loc, y, bound(hi), nnan);
  Value r = vector ? LLVM::LrintOp::create(b, loc, i32, y).getResult()
                   : arith::FPToSIOp::create(b, loc, i32, math::RoundEvenOp::create(b, loc, y))
                         .getResult();
  r = arith::AddIOp::create(b, loc, r, constantLike(b, loc, i32, zeroPoint));
  return arith::TruncIOp::create(b, loc, withElement(intType, storage), r);
}

// With p = q 2^n + r (0 <= r < 2^n) and h = 2^(n-1):
// (p + h - 1 + (q & 1)) >> n is q when r < h, q + 1 when r > h, and on a
// tie (r = h) q + (q & 1), the even one: five operations and no compare in
// the innermost epilogue of every integer kernel.
Value finishRequantization(OpBuilder &b, Location loc, Value p, Value n, int64_t zeroPoint,
                           int64_t lo, int64_t hi, Type storage) {
  Type t = p.getType();
  Value one = constantLike(b, loc, t, 1);
  Value odd = arith::AndIOp::create(b, loc, arith::ShRSIOp::create(b, loc, p, n), one);
  Value halfMinusOne = arith::SubIOp::create(
      b, loc, arith::ShLIOp::create(b, loc, one, arith::SubIOp::create(b, loc, n, one)), one);
  Value biased =
      arith::AddIOp::create(b, loc, p, arith::AddIOp::create(b, loc, halfMinusOne, odd));
  Value r = arith::ShRSIOp::create(b, loc, biased, n);
  r = arith::AddIOp::create(b, loc, r, constantLike(b, loc, t, zeroPoint));
  r = arith::MaxSIOp::create(b, loc, r, constantLike(b, loc, t, lo));
  r = arith::MinSIOp::create(b, loc, r, constantLike(b, loc, t, hi));
  return arith::TruncIOp::create(b, loc, withElement(t, storage), r);
}

ChannelRequantization::Tables
ChannelRequantization::materialize(OpBuilder &b, Location loc, int64_t channels) const {
  auto table = [&](auto values, Type element, int64_t fill) -> Value {
    using T = typename decltype(values)::value_type;
    std::vector<T> padded(values.begin(), values.end());
    padded.resize(channels, static_cast<T>(fill));
    auto type = RankedTensorType::get({channels}, element);
    return arith::ConstantOp::create(b, loc,
                                     DenseElementsAttr::get(type, ArrayRef<T>(padded)));
  };
  Tables t;
  if (!bias.empty())
    t.bias = table(bias, b.getI32Type(), 0);
  t.multiplier = table(multiplier, b.getF32Type(), 0);
  return t;
}

Value ChannelRequantization::apply(OpBuilder &b, Location loc, const Tables &tables,
                                   Value acc, Value c) const {
  auto accType = cast<VectorType>(acc.getType());
  SmallVector<bool> inBounds = {true};
  auto read = [&](Value table, Type element) -> Value {
    Value pad = arith::ConstantOp::create(b, loc, element, b.getZeroAttr(element));
    return vector::TransferReadOp::create(b, loc, accType.clone(element), table, ValueRange{c},
                                          pad, inBounds);
  };
  if (tables.bias)
    acc = arith::AddIOp::create(b, loc, acc, read(tables.bias, b.getI32Type()));
  // An int32 times at most 1/2 stays inside int32 after rounding.
  bool fits = llvm::all_of(multiplier, [](float m) { return std::fabs(m) <= 0.5f; });
  return scaleToStorage(b, loc, acc, read(tables.multiplier, b.getF32Type()), zeroPoint, lo,
                        hi, b.getIntegerType(bits), fits);
}

} // namespace qforge
