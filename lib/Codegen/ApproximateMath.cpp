//===- ApproximateMath.cpp - the qf-approximate-math pass -----------------===//
//
// Transcendental functions as polynomials in the loop's own vector lanes,
// where LLVM would call the C library once per lane.
//
//===----------------------------------------------------------------------===//

#include "qforge/Codegen/Passes.h"

#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/StringSet.h"

namespace qforge {
#define GEN_PASS_DEF_APPROXIMATEMATHPASS
#include "qforge/Codegen/Passes.h.inc"
} // namespace qforge

using namespace mlir;

namespace {

/// The math ops computed as polynomials (upstream MLIR's approximations),
/// those whose error stays within a few ULP over the ranges models use
/// (docs/design.md). Not sin and cos: their range reduction by one f32
/// multiple of pi/2 loses thousands of ULP at |x| = 50, so they keep libm.
bool approximated(StringRef name) {
  static const llvm::StringSet<> names = {"math.exp",   "math.expm1", "math.log",
                                          "math.log1p", "math.log2",  "math.tanh",
                                          "math.erf",   "math.erfc"};
  return names.contains(name);
}

struct ApproximateMathPass : qforge::impl::ApproximateMathPassBase<ApproximateMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    // f16 and bf16 computed in f32, then the f32 polynomials.
    populateMathF32ExpansionPatterns(patterns, approximated);
    populateMathPolynomialApproximationPatterns(patterns, approximated);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
