//===- LowerAmxReady.cpp - the qf-lower-amx-ready pass --------------------===//

#include "qforge/Codegen/Passes.h"

#include "qforge/Dialect/QF/IR/QFOps.h"

namespace qforge {
#define GEN_PASS_DEF_LOWERAMXREADYPASS
#include "qforge/Codegen/Passes.h.inc"
} // namespace qforge

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kReadyFunction = "qforge_amx_ready";

struct LowerAmxReadyPass : qforge::impl::LowerAmxReadyPassBase<LowerAmxReadyPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<qforge::qf::AmxReadyOp> queries;
    module.walk([&](qforge::qf::AmxReadyOp op) { queries.push_back(op); });
    if (queries.empty())
      return;
    OpBuilder b(module.getContext());
    Type i32 = b.getI32Type();
    if (!module.lookupSymbol(kReadyFunction)) {
      b.setInsertionPointToStart(module.getBody());
      func::FuncOp::create(b, module.getLoc(), kReadyFunction, b.getFunctionType({}, {i32}))
          .setPrivate();
    }
    for (qforge::qf::AmxReadyOp op : queries) {
      b.setInsertionPoint(op);
      Location loc = op.getLoc();
      Value answer =
          func::CallOp::create(b, loc, kReadyFunction, TypeRange{i32}, ValueRange{}).getResult(0);
      Value zero = arith::ConstantOp::create(b, loc, i32, b.getI32IntegerAttr(0));
      op.replaceAllUsesWith(
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, answer, zero).getResult());
      op.erase();
    }
  }
};

} // namespace
