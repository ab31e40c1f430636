//===- LowerVnniDot.cpp - qf's x86 instruction ops to intrinsics ----------===//

#include "qforge/Conversion/Passes.h"

#include "qforge/Dialect/QF/IR/QFOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace qforge {
#define GEN_PASS_DEF_LOWERVNNIDOTPASS
#include "qforge/Conversion/Passes.h.inc"
} // namespace qforge

using namespace mlir;

namespace {

/// vpmaddwd's intrinsic for an accumulator of `lanes` int32.
std::string pairDotIntrinsic(int64_t lanes) {
  switch (lanes) {
  case 4:
    return "llvm.x86.sse2.pmadd.wd";
  case 8:
    return "llvm.x86.avx2.pmadd.wd";
  default:
    return "llvm.x86.avx512.pmaddw.d.512";
  }
}

struct LowerVnniDotPass : qforge::impl::LowerVnniDotPassBase<LowerVnniDotPass> {
  void runOnOperation() override {
    getOperation().walk([](qforge::qf::VnniDotOp dot) {
      OpBuilder b(dot);
      int64_t bits = 32 * dot.getAcc().getType().getNumElements();
      std::string name = "llvm.x86.avx512.vpdpbusd." + std::to_string(bits);
      Value result = LLVM::CallIntrinsicOp::create(
                         b, dot.getLoc(), dot.getType(), b.getStringAttr(name),
                         ValueRange{dot.getAcc(), dot.getLhs(), dot.getRhs()})
                         .getResult(0);
      dot.replaceAllUsesWith(result);
      dot.erase();
    });
    getOperation().walk([](qforge::qf::PairDotOp dot) {
      OpBuilder b(dot);
      Value products = LLVM::CallIntrinsicOp::create(
                           b, dot.getLoc(), dot.getType(),
                           b.getStringAttr(pairDotIntrinsic(dot.getType().getNumElements())),
                           ValueRange{dot.getLhs(), dot.getRhs()})
                           .getResult(0);
      Value result = LLVM::AddOp::create(b, dot.getLoc(), dot.getAcc(), products);
      dot.replaceAllUsesWith(result);
      dot.erase();
    });
    getOperation().walk([](qforge::qf::VbmiPermuteOp permute) {
      OpBuilder b(permute);
      Value result = LLVM::CallIntrinsicOp::create(
                         b, permute.getLoc(), permute.getType(),
                         b.getStringAttr("llvm.x86.avx512.vpermi2var.qi.512"),
                         ValueRange{permute.getLow(), permute.getIndex(), permute.getHigh()})
                         .getResult(0);
      permute.replaceAllUsesWith(result);
      permute.erase();
    });
  }
};

} // namespace
