//===- LowerQFToLinalg.cpp - the qf-lower-to-linalg pass ------------------===//
//
// The reference lowering of the qf dialect as a dialect conversion:
// quantized tensors become their storage integers through
// QuantizedStorageConverter, each qf op its integer linalg computation.
// What cannot be lowered is reported first (checkLowerable), so the
// conversion itself does not fail.
//
//===----------------------------------------------------------------------===//

#include "qforge/Conversion/QFToLinalg/QFToLinalg.h"

#include "PatternsInternal.h"

#include "qforge/Conversion/Passes.h"
#include "qforge/Conversion/QFToLinalg/IntegerLinalg.h"
#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Dialect/QF/IR/QuantTypeChecks.h"

#include "mlir/Dialect/Quant/IR/Quant.h"

namespace qforge {
#define GEN_PASS_DEF_LOWERQFTOLINALGPASS
#include "qforge/Conversion/Passes.h.inc"
} // namespace qforge

using namespace mlir;

namespace qforge {

QuantizedStorageConverter::QuantizedStorageConverter() {
  addConversion([](Type type) { return type; });
  addConversion([](RankedTensorType type) -> Type {
    quant::QuantizedType q = qf::getQuantizedElementType(type);
    if (!q)
      return type;
    unsigned bits = storageBits(readQuantParams(q));
    return type.clone(IntegerType::get(type.getContext(), bits));
  });
}

void populateQFToLinalgPatterns(const TypeConverter &converter, RewritePatternSet &patterns) {
  populateStoragePatterns(converter, patterns);
  populateProductPatterns(converter, patterns);
  populateAddAndPoolPatterns(converter, patterns);
  populateElementwisePatterns(converter, patterns);
}

} // namespace qforge

namespace {

struct LowerQFToLinalgPass : qforge::impl::LowerQFToLinalgPassBase<LowerQFToLinalgPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (failed(qforge::checkLowerable(func)))
      return signalPassFailure();
    MLIRContext *ctx = &getContext();
    qforge::QuantizedStorageConverter converter;
    RewritePatternSet patterns(ctx);
    qforge::populateQFToLinalgPatterns(converter, patterns);
    ConversionTarget target(*ctx);
    target.addIllegalOp<qforge::qf::QuantizeOp, qforge::qf::DequantizeOp,
                        qforge::qf::RequantizeOp, qforge::qf::MatmulOp, qforge::qf::Conv2DOp,
                        qforge::qf::AddOp, qforge::qf::AvgPool2DOp, qforge::qf::LookupOp,
                        qforge::qf::MulOp, qforge::qf::PackedConstantOp, qforge::qf::ObserveOp,
                        quant::StorageCastOp>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    ConversionConfig config;
    // The ops lower as they are defined, not as their folds would make them.
    config.foldingMode = DialectConversionFoldingMode::Never;
    if (failed(applyPartialConversion(func, target, std::move(patterns), config)))
      signalPassFailure();
  }
};

} // namespace
