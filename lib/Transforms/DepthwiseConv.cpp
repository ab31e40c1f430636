//===- DepthwiseConv.cpp - vectorized integer depthwise convolution -------===//

#include "qforge/Transforms/DepthwiseConv.h"
#include "qforge/Transforms/PackedGemm.h"

#include "QF/QFDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace qforge {

Value buildDepthwiseConv(OpBuilder &b, Location loc, Value x, bool xSigned, int64_t zeroPoint,
                         DenseIntElementsAttr filter, ArrayRef<int64_t> outShape,
                         ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
                         const ChannelRequantization *epilogue) {
  ArrayRef<int64_t> fs = cast<ShapedType>(filter.getType()).getShape(); // C, KH, KW, 1
  int64_t channels = fs[0], kh = fs[1], kw = fs[2], taps = kh * kw;
  Type i8 = b.getI8Type(), i32 = b.getI32Type();
  constexpr int64_t lanes = kDepthwiseLanes;
  auto accType = VectorType::get({lanes}, i32);
  auto bytesType = VectorType::get({lanes}, i8);

  // Weights widened at compile time to [taps][C] int32 (a tap's channels
  // contiguous), and the compensation z * sum_taps w[c] as the accumulators'
  // starting value, negated.
  std::vector<int32_t> weights(taps * channels), start(channels, 0);
  {
    int64_t i = 0;
    for (const APInt &v : filter.getValues<APInt>()) {
      int64_t c = i / taps, t = i % taps;
      weights[t * channels + c] = static_cast<int32_t>(v.getSExtValue());
      start[c] -= static_cast<int32_t>(zeroPoint * v.getSExtValue());
      ++i;
    }
  }
  auto weightType = RankedTensorType::get({taps, channels}, i32);
  auto startType = RankedTensorType::get({channels}, i32);
  Value weightTable = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(weightType, ArrayRef<int32_t>(weights)));
  Value startTable = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(startType, ArrayRef<int32_t>(start)));

  auto idx = [&](OpBuilder &ib, Location il, int64_t v) -> Value {
    return arith::ConstantIndexOp::create(ib, il, v);
  };
  auto loop = [&](OpBuilder &ob, Location ol, int64_t upper, int64_t step, Value carried,
                  function_ref<Value(OpBuilder &, Location, Value, Value)> body) {
    return scf::ForOp::create(ob, ol, idx(ob, ol, 0), idx(ob, ol, upper), idx(ob, ol, step),
                              ValueRange{carried},
                              [&](OpBuilder &ib, Location il, Value iv, ValueRange args) {
                                scf::YieldOp::create(ib, il, body(ib, il, iv, args[0]));
                              });
  };
  SmallVector<bool> inBounds = {true};
  Value zeroI8 = arith::ConstantOp::create(b, loc, i8, b.getI8IntegerAttr(0));
  Value zeroI32 = arith::ConstantOp::create(b, loc, i32, b.getI32IntegerAttr(0));
  ChannelRequantization::Tables tables;
  Type outElement = i32;
  if (epilogue) {
    tables = epilogue->materialize(b, loc, channels);
    outElement = b.getIntegerType(epilogue->bits);
  }
  Value out = tensor::EmptyOp::create(b, loc, outShape, outElement);
  // for n, channel block (weights loaded once), oh, ow: 16 channels of one
  // output pixel, all taps.
  scf::ForOp rowLoop;
  scf::ForOp batchLoop = loop(b, loc, outShape[0], 1, out, [&](OpBuilder &nb, Location nl, Value n, Value o0) {
    return loop(nb, nl, channels, lanes, o0, [&](OpBuilder &cb, Location cl, Value c, Value o1) {
      SmallVector<Value> tapWeights;
      for (int64_t t = 0; t < taps; ++t)
        tapWeights.push_back(vector::TransferReadOp::create(
            cb, cl, accType, weightTable, ValueRange{idx(cb, cl, t), c}, zeroI32, inBounds));
      Value init = vector::TransferReadOp::create(cb, cl, accType, startTable, ValueRange{c},
                                                  zeroI32, inBounds);
      rowLoop = loop(cb, cl, outShape[1], 1, o1, [&](OpBuilder &hb, Location hl, Value oh, Value o2) {
        Value rowBase = arith::MulIOp::create(hb, hl, oh, idx(hb, hl, strides[0]));
        return loop(hb, hl, outShape[2], 1, o2,
                    [&](OpBuilder &wb, Location wl, Value ow, Value o3) {
          Value colBase = arith::MulIOp::create(wb, wl, ow, idx(wb, wl, strides[1]));
          Value acc = init;
          for (int64_t i = 0; i < kh; ++i) {
            Value row = arith::AddIOp::create(wb, wl, rowBase, idx(wb, wl, i * dilations[0]));
            for (int64_t j = 0; j < kw; ++j) {
              Value col = arith::AddIOp::create(wb, wl, colBase, idx(wb, wl, j * dilations[1]));
              Value bytes = vector::TransferReadOp::create(
                  wb, wl, bytesType, x, ValueRange{n, row, col, c}, zeroI8, inBounds);
              Value wide = xSigned ? arith::ExtSIOp::create(wb, wl, accType, bytes).getResult()
                                   : arith::ExtUIOp::create(wb, wl, accType, bytes).getResult();
              acc = arith::AddIOp::create(
                  wb, wl, acc, arith::MulIOp::create(wb, wl, wide, tapWeights[i * kw + j]));
            }
          }
          if (epilogue)
            acc = epilogue->apply(wb, wl, tables, acc, c);
          return vector::TransferWriteOp::create(wb, wl, acc, o3, ValueRange{n, oh, ow, c},
                                                 inBounds)
              .getResult();
        }).getResult(0);
      });
      return rowLoop.getResult(0);
    }).getResult(0);
  });
  // Threads split the output rows; each runs every channel block over its
  // rows.
  if (outShape[0] * outShape[1] * outShape[2] * channels * taps >= kParallelMinMacs)
    rowLoop->setAttr(qf::kParallelSplitAttrName, b.getUnitAttr());
  return batchLoop.getResult(0);
}

} // namespace qforge
