//===- LowerObserversToCalls.cpp - observers call the collector ----------===//

#include "qforge/Conversion/ObserversToCalls/ObserversToCalls.h"
#include "qforge/Conversion/Passes.h"

#include "qforge/Dialect/QF/IR/QFOps.h"

namespace qforge {
#define GEN_PASS_DEF_LOWEROBSERVERSTOCALLSPASS
#include "qforge/Conversion/Passes.h.inc"
} // namespace qforge

using namespace mlir;

namespace {

struct LowerObserversToCallsPass
    : qforge::impl::LowerObserversToCallsPassBase<LowerObserversToCallsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = module.getContext();
    SmallVector<qforge::qf::ObserveOp> observers;
    module.walk([&](qforge::qf::ObserveOp op) { observers.push_back(op); });
    if (observers.empty())
      return;

    Type f32 = Float32Type::get(ctx);
    auto flatType = MemRefType::get({ShapedType::kDynamic}, f32);
    auto calleeType =
        FunctionType::get(ctx, {IntegerType::get(ctx, 64), flatType}, {});
    OpBuilder builder(ctx);
    if (auto existing = module.lookupSymbol<func::FuncOp>(qforge::kObserverCallee)) {
      if (existing.getFunctionType() != calleeType) {
        existing.emitOpError() << "@" << qforge::kObserverCallee << " must have type "
                               << calleeType << " to receive observations";
        return signalPassFailure();
      }
    } else {
      builder.setInsertionPointToStart(module.getBody());
      auto decl = func::FuncOp::create(builder, module.getLoc(), qforge::kObserverCallee,
                                       calleeType);
      decl.setPrivate();
    }

    for (qforge::qf::ObserveOp op : observers) {
      builder.setInsertionPoint(op);
      Location loc = op.getLoc();
      Value tensor = op.getInput();
      auto type = cast<RankedTensorType>(tensor.getType());
      unsigned width = type.getElementType().getIntOrFloatBitWidth();
      if (width < 32)
        tensor = arith::ExtFOp::create(builder, loc, type.clone(f32), tensor);
      else if (width > 32)
        tensor = arith::TruncFOp::create(builder, loc, type.clone(f32), tensor);
      auto bufferType = MemRefType::get(type.getShape(), f32);
      Value buffer = bufferization::ToBufferOp::create(
          builder, loc, bufferType, tensor, builder.getUnitAttr());
      Value flat;
      if (type.getRank() == 0) {
        flat = memref::ExpandShapeOp::create(
            builder, loc, MemRefType::get({1}, f32), buffer,
            ArrayRef<ReassociationIndices>{});
      } else {
        ReassociationIndices all;
        for (int64_t d = 0; d < type.getRank(); ++d)
          all.push_back(d);
        flat = memref::CollapseShapeOp::create(builder, loc, buffer,
                                               ArrayRef<ReassociationIndices>{all});
      }
      Value dynamic = memref::CastOp::create(builder, loc, flatType, flat);
      Value id = arith::ConstantOp::create(
          builder, loc, builder.getI64IntegerAttr(op.getIdAttr().getInt()));
      func::CallOp::create(builder, loc, qforge::kObserverCallee, TypeRange{},
                           ValueRange{id, dynamic});
      op.erase();
    }
  }
};

} // namespace
