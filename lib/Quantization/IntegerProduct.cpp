//===- IntegerProduct.cpp - int8 products whose result stays float --------===//

#include "IntegerProduct.h"

#include "qforge/Dialect/QF/IR/QFOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace qforge {

Value withoutBatch(OpBuilder &b, Location loc, Value x) {
  auto type = cast<RankedTensorType>(x.getType());
  return tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get(type.getShape().drop_front(), type.getElementType()), x,
      SmallVector<ReassociationIndices>{{0, 1}, {2}});
}

Value integerProduct(OpBuilder &b, Location loc, Value rows, Value weights) {
  auto rowsType = cast<RankedTensorType>(rows.getType());
  auto wType = cast<RankedTensorType>(weights.getType());
  int64_t m = rowsType.getDimSize(0), n = wType.getDimSize(1);
  Value acc = qf::MatmulOp::create(b, loc, RankedTensorType::get({m, n}, b.getI32Type()), rows,
                                   weights, Value(), DenseI64ArrayAttr());
  return tensor::ExpandShapeOp::create(b, loc,
                                       RankedTensorType::get({1, m, n}, b.getI32Type()), acc,
                                       SmallVector<ReassociationIndices>{{0, 1}, {2}});
}

Value floatProduct(OpBuilder &b, Location loc, Value acc, Value scale,
                   ArrayRef<double> weightScales, RankedTensorType type) {
  MLIRContext *ctx = b.getContext();
  SmallVector<float> wScales(weightScales.begin(), weightScales.end());
  auto scalesType = RankedTensorType::get({static_cast<int64_t>(wScales.size())}, b.getF32Type());
  Value wScale = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(scalesType, ArrayRef<float>(wScales)));
  AffineMap all = b.getMultiDimIdentityMap(3);
  Value init = tensor::EmptyOp::create(b, loc, type.getShape(), b.getF32Type());
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, ValueRange{acc, scale, wScale}, ValueRange{init},
             SmallVector<AffineMap>{all, AffineMap::get(3, 0, {}, ctx),
                                    AffineMap::get(3, 0, {getAffineDimExpr(2, ctx)}, ctx), all},
             SmallVector<utils::IteratorType>(3, utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               Value m = arith::MulFOp::create(nb, nl, args[1], args[2]);
               Value f = arith::SIToFPOp::create(nb, nl, nb.getF32Type(), args[0]);
               linalg::YieldOp::create(nb, nl, ValueRange{arith::MulFOp::create(nb, nl, f, m)});
             })
      .getResult(0);
}

} // namespace qforge
