//===- LookupPatterns.cpp - qf.lookup as a byte table load ----------------===//

#include "PatternsInternal.h"

#include "qforge/Conversion/QFToLinalg/IntegerLinalg.h"
#include "qforge/Dialect/QF/IR/QFOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace qforge {

namespace {

/// y = table[zext(x)]: one load from the 256-byte constant per element (the
/// stored byte's bit pattern is the index, whatever its signedness).
struct LookupLowering : OpConversionPattern<qf::LookupOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(qf::LookupOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    IntegerLinalg l{rewriter, op.getLoc()};
    Value table = arith::ConstantOp::create(rewriter, op.getLoc(), op.getTable());
    Value input = adaptor.getInput();
    auto type = cast<RankedTensorType>(input.getType());
    Value init = tensor::EmptyOp::create(rewriter, op.getLoc(), type.getShape(),
                                         type.getElementType());
    AffineMap id = rewriter.getMultiDimIdentityMap(type.getRank());
    SmallVector<utils::IteratorType> iterators(type.getRank(), utils::IteratorType::parallel);
    Value result = linalg::GenericOp::create(
                       rewriter, op.getLoc(), TypeRange{type}, ValueRange{input},
                       ValueRange{init}, SmallVector<AffineMap>{id, id}, iterators,
                       [&](OpBuilder &nb, Location nl, ValueRange args) {
                         Value byte = l.widen(nb, nl, args[0], /*isSigned=*/false);
                         Value index =
                             arith::IndexCastUIOp::create(nb, nl, nb.getIndexType(), byte);
                         Value entry = tensor::ExtractOp::create(nb, nl, table, index);
                         linalg::YieldOp::create(nb, nl, entry);
                       })
                       .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateLookupPatterns(const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<LookupLowering>(converter, patterns.getContext());
}

} // namespace qforge
