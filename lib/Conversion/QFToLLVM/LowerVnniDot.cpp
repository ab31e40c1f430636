//===- LowerVnniDot.cpp - qf.vnni_dot, qf.vbmi_permute to x86 intrinsics --===//

#include "qforge/Conversion/Passes.h"

#include "qforge/Dialect/QF/IR/QFOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace qforge {
#define GEN_PASS_DEF_LOWERVNNIDOTPASS
#include "qforge/Conversion/Passes.h.inc"
} // namespace qforge

using namespace mlir;

namespace {

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
