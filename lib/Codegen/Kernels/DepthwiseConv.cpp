//===- DepthwiseConv.cpp - vectorized integer depthwise convolution -------===//

#include "qforge/Codegen/Kernels/DepthwiseConv.h"
#include "qforge/Codegen/Kernels/ConvWindows.h"
#include "qforge/Codegen/Kernels/PackedGemm.h"

#include "qforge/Dialect/QF/IR/QFDialect.h"
#include "qforge/Dialect/QF/IR/QFOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace qforge {

namespace {

Value idx(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// Whether threads split a depthwise layer's output rows: from
/// kIntegerParallelMinMacs multiply-adds (`taps` per output).
bool depthwiseSplits(ArrayRef<int64_t> outShape, int64_t taps) {
  return outShape[0] * outShape[1] * outShape[2] * outShape[3] * taps >=
         kIntegerParallelMinMacs;
}

/// The loop nest both kernels share: for n, channel block (c in steps of
/// 16; `perBlock` loads what stays in registers for the block), oh in steps
/// of `rowStep`, ow: `pixels` gives the 16 output lanes of (n, oh + i, ow, c)
/// for i < rowStep (which divides the output height), stored to the NHWC
/// result. Threads split the output rows (each runs every channel block
/// over its rows) when depthwiseSplits.
Value depthwiseLoops(
    OpBuilder &b, Location loc, Value out, ArrayRef<int64_t> outShape, int64_t taps,
    int64_t rowStep, function_ref<void(OpBuilder &, Location, Value)> perBlock,
    function_ref<SmallVector<Value>(OpBuilder &, Location, Value, Value, Value, Value)> pixels) {
  assert(outShape[1] % rowStep == 0 && "the row step must divide the output height");
  SmallVector<bool> inBounds = {true};
  scf::ForOp rowLoop;
  scf::ForOp batchLoop = carryingLoop(b, loc, outShape[0], 1, out, [&](OpBuilder &nb, Location nl,
                                                               Value n, Value o0) {
    return carryingLoop(nb, nl, outShape[3], kDepthwiseLanes, o0,
                [&](OpBuilder &cb, Location cl, Value c, Value o1) {
      perBlock(cb, cl, c);
      rowLoop = carryingLoop(cb, cl, outShape[1], rowStep, o1, [&](OpBuilder &hb, Location hl,
                                                            Value oh, Value o2) {
        return carryingLoop(hb, hl, outShape[2], 1, o2, [&](OpBuilder &wb, Location wl, Value ow,
                                                     Value o3) {
          SmallVector<Value> rows = pixels(wb, wl, n, c, oh, ow);
          for (auto [i, lanes] : llvm::enumerate(rows)) {
            Value row = i == 0 ? oh : arith::AddIOp::create(wb, wl, oh, idx(wb, wl, i));
            o3 = vector::TransferWriteOp::create(wb, wl, lanes, o3, ValueRange{n, row, ow, c},
                                                 inBounds)
                     .getResult();
          }
          return o3;
        }).getResult(0);
      });
      return rowLoop.getResult(0);
    }).getResult(0);
  });
  if (depthwiseSplits(outShape, taps))
    rowLoop->setAttr(qf::kParallelSplitAttrName, b.getUnitAttr());
  return batchLoop.getResult(0);
}

} // namespace

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
  // Per channel block the taps' weights and the start in registers; per
  // output pixel, all taps.
  SmallVector<Value> tapWeights;
  Value init;
  auto perBlock = [&](OpBuilder &cb, Location cl, Value c) {
    tapWeights.clear();
    for (int64_t t = 0; t < taps; ++t)
      tapWeights.push_back(vector::TransferReadOp::create(
          cb, cl, accType, weightTable, ValueRange{idx(cb, cl, t), c}, zeroI32, inBounds));
    init = vector::TransferReadOp::create(cb, cl, accType, startTable, ValueRange{c}, zeroI32,
                                          inBounds);
  };
  auto pixel = [&](OpBuilder &wb, Location wl, Value n, Value c, Value oh,
                   Value ow) -> SmallVector<Value> {
    Value rowBase = arith::MulIOp::create(wb, wl, oh, idx(wb, wl, strides[0]));
    Value colBase = arith::MulIOp::create(wb, wl, ow, idx(wb, wl, strides[1]));
    Value acc = init;
    for (int64_t i = 0; i < kh; ++i) {
      Value row = arith::AddIOp::create(wb, wl, rowBase, idx(wb, wl, i * dilations[0]));
      for (int64_t j = 0; j < kw; ++j) {
        Value col = arith::AddIOp::create(wb, wl, colBase, idx(wb, wl, j * dilations[1]));
        Value bytes = vector::TransferReadOp::create(wb, wl, bytesType, x,
                                                     ValueRange{n, row, col, c}, zeroI8, inBounds);
        Value wide = xSigned ? arith::ExtSIOp::create(wb, wl, accType, bytes).getResult()
                             : arith::ExtUIOp::create(wb, wl, accType, bytes).getResult();
        acc = arith::AddIOp::create(
            wb, wl, acc, arith::MulIOp::create(wb, wl, wide, tapWeights[i * kw + j]));
      }
    }
    return {epilogue ? epilogue->apply(wb, wl, tables, acc, c) : acc};
  };
  return depthwiseLoops(b, loc, out, outShape, taps, 1, perBlock, pixel);
}

bool depthwiseRowDotFits(int64_t kw, int64_t dilationW) {
  // One window per kernel row; or, undilated, a row in windows of 4 taps
  // (two for a 5x5 kernel, whose second window holds one).
  return (kw <= 4 && (kw - 1) * dilationW + 1 <= 4) || (kw <= 8 && dilationW == 1);
}

namespace {

/// The VNNI depthwise kernel, one vpdpbusd per kernel row for 16 channels,
/// in named steps: the activations copied into channel blocks, the kernel
/// rows as byte tables, the loop nest reading each input row's window once
/// for the output rows that share it.
class RowDotKernel {
public:
  RowDotKernel(OpBuilder &b, Location loc, Value x, bool xSigned, int64_t zeroPoint,
               ArrayRef<int64_t> pad, DenseIntElementsAttr filter, ArrayRef<int64_t> outShape,
               ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
               const ChannelRequantization *epilogue)
      : b(b), loc(loc), x(x), xSigned(xSigned), pad(pad), filter(filter), outShape(outShape),
        strides(strides), dilations(dilations) {
    ArrayRef<int64_t> fs = cast<ShapedType>(filter.getType()).getShape(); // C, KH, KW, 1
    channels = fs[0];
    kh = fs[1];
    kw = fs[2];
    assert(depthwiseRowDotFits(kw, dilations[1]) && "a kernel row must fit its windows");
    parts = llvm::divideCeil((kw - 1) * dilations[1] + 1, 4);
    blocks = channels / lanes;
    in = cast<ShapedType>(x.getType()).getShape(); // N, H, W, C
    hp = in[1] + pad[0] + pad[1];
    int64_t wp = in[2] + pad[2] + pad[3];
    // Every window (4 pixels from the first tap of an output, or of its
    // last part) stays inside the row: pixels beyond the padding are added
    // as a tail.
    wt = std::max(wp, (outShape[2] - 1) * strides[1] + 4 * parts);
    i8 = b.getI8Type();
    i32 = b.getI32Type();
    accType = VectorType::get({lanes}, i32);
    windowType = VectorType::get({window}, i8);
    // vpdpbusd multiplies unsigned bytes: int8 activations are read + 128.
    readZero = xSigned ? zeroPoint + 128 : zeroPoint;
    // A fused epilogue's bias starts the accumulators; the rest stays.
    if (epilogue) {
      rest = *epilogue;
      bias = rest->bias;
      rest->bias.clear();
    }
  }

  Value build();

private:
  Value copyIntoChannelBlocks();
  void fillBorder(Value &copy, Value zeroByte, int64_t row, int64_t rows, int64_t col,
                  int64_t cols);
  void buildWeightTables();
  int64_t chooseRowStep() const;
  SmallVector<Value> pixels(OpBuilder &wb, Location wl, Value n, Value c, Value oh, Value ow);

  static constexpr int64_t lanes = kDepthwiseLanes, window = 4 * lanes;
  OpBuilder &b;
  Location loc;
  Value x;
  bool xSigned;
  ArrayRef<int64_t> pad;
  DenseIntElementsAttr filter;
  ArrayRef<int64_t> outShape, strides, dilations;
  std::optional<ChannelRequantization> rest;
  std::vector<int32_t> bias;
  // parts: windows of 4 taps per kernel row.
  int64_t channels, kh, kw, parts, blocks, hp, wt, readZero;
  ArrayRef<int64_t> in;
  Type i8, i32;
  VectorType accType, windowType;
  SmallVector<bool> inBounds = {true};
  Value blocked, rowTable, startTable, zeroI8, zeroI32;
  SmallVector<int64_t> gather;
  ChannelRequantization::Tables tables;
  int64_t rowStep = 1;
  // Per channel block: its kernel rows and start in registers.
  SmallVector<Value> kernelRows;
  Value init, block;
};

Value RowDotKernel::build() {
  blocked = copyIntoChannelBlocks();
  buildWeightTables();
  Type outElement = i32;
  if (rest) {
    tables = rest->materialize(b, loc, channels);
    outElement = b.getIntegerType(rest->bits);
  }
  zeroI8 = arith::ConstantOp::create(b, loc, i8, b.getI8IntegerAttr(0));
  zeroI32 = arith::ConstantOp::create(b, loc, i32, b.getI32IntegerAttr(0));
  Value out = tensor::EmptyOp::create(b, loc, outShape, outElement);
  auto perBlock = [&](OpBuilder &cb, Location cl, Value c) {
    block = arith::DivUIOp::create(cb, cl, c, idx(cb, cl, lanes));
    kernelRows.clear();
    for (int64_t r = 0; r < kh * parts; ++r)
      kernelRows.push_back(vector::TransferReadOp::create(
          cb, cl, windowType, rowTable, ValueRange{block, idx(cb, cl, r), idx(cb, cl, 0)},
          zeroI8, inBounds));
    init = vector::TransferReadOp::create(cb, cl, accType, startTable, ValueRange{c}, zeroI32,
                                          inBounds);
  };
  rowStep = chooseRowStep();
  auto pixelsOf = [&](OpBuilder &wb, Location wl, Value n, Value c, Value oh, Value ow) {
    return pixels(wb, wl, n, c, oh, ow);
  };
  return depthwiseLoops(b, loc, out, outShape, kh * kw, rowStep, perBlock, pixelsOf);
}

/// Activations in channel blocks, [N][HP][C/16][WT * 16]: a block's pixels
/// of one row contiguous, 16 bytes each, padded with the zero point. Only
/// the padding is filled; the interior is copied 16 bytes (a block's
/// channels of one pixel) at a time, in place (a linalg.generic through
/// expand_shape views was bufferized into a temporary and copied again).
Value RowDotKernel::copyIntoChannelBlocks() {
  auto blockedType = RankedTensorType::get({in[0], hp, blocks, wt * lanes}, i8);
  Value zeroByte = arith::ConstantOp::create(
      b, loc, i8, b.getIntegerAttr(i8, static_cast<int8_t>(static_cast<uint8_t>(readZero))));
  Value copy = tensor::EmptyOp::create(b, loc, blockedType.getShape(), i8);
  // The rows above and below, then the columns left and right of the
  // interior rows.
  fillBorder(copy, zeroByte, 0, pad[0], 0, wt * lanes);
  fillBorder(copy, zeroByte, pad[0] + in[1], hp - pad[0] - in[1], 0, wt * lanes);
  fillBorder(copy, zeroByte, pad[0], in[1], 0, pad[2] * lanes);
  fillBorder(copy, zeroByte, pad[0], in[1], (pad[2] + in[2]) * lanes,
             (wt - pad[2] - in[2]) * lanes);
  auto laneType = VectorType::get({lanes}, i8);
  Value flipSign =
      xSigned ? arith::ConstantOp::create(
                    b, loc, DenseElementsAttr::get(laneType, b.getIntegerAttr(i8, -128)))
              : Value();
  scf::ForOp copyRows;
  copy = carryingLoop(b, loc, in[0], 1, copy, [&](OpBuilder &nb, Location nl, Value n,
                                                        Value t0) {
    copyRows = carryingLoop(nb, nl, in[1], 1, t0, [&](OpBuilder &yb, Location yl, Value y,
                                                      Value t1) {
      Value row = arith::AddIOp::create(yb, yl, y, idx(yb, yl, pad[0]));
      return carryingLoop(yb, yl, in[2], 1, t1, [&](OpBuilder &xb, Location xl, Value xi,
                                                   Value t2) {
        Value col = arith::MulIOp::create(
            xb, xl, arith::AddIOp::create(xb, xl, xi, idx(xb, xl, pad[2])), idx(xb, xl, lanes));
        return carryingLoop(xb, xl, blocks, 1, t2, [&](OpBuilder &cb, Location cl, Value blk,
                                                      Value t3) {
          Value c = arith::MulIOp::create(cb, cl, blk, idx(cb, cl, lanes));
          Value v = vector::TransferReadOp::create(cb, cl, laneType, x, ValueRange{n, y, xi, c},
                                                   zeroByte, inBounds);
          if (flipSign)
            v = arith::XOrIOp::create(cb, cl, v, flipSign);
          return vector::TransferWriteOp::create(cb, cl, v, t3, ValueRange{n, row, blk, col},
                                                 inBounds)
              .getResult();
        }).getResult(0);
      }).getResult(0);
    });
    return copyRows.getResult(0);
  }).getResult(0);
  if (in[0] * in[1] * in[2] * channels >= kParallelMinElements)
    copyRows->setAttr(qf::kParallelSplitAttrName, b.getUnitAttr());
  return copy;
}

/// Fills rows [row, row + rows) by bytes [col, col + cols) of every block.
void RowDotKernel::fillBorder(Value &copy, Value zeroByte, int64_t row, int64_t rows,
                              int64_t col, int64_t cols) {
  if (rows <= 0 || cols <= 0)
    return;
  SmallVector<OpFoldResult> at = {b.getIndexAttr(0), b.getIndexAttr(row), b.getIndexAttr(0),
                                  b.getIndexAttr(col)};
  SmallVector<OpFoldResult> size = {b.getIndexAttr(in[0]), b.getIndexAttr(rows),
                                    b.getIndexAttr(blocks), b.getIndexAttr(cols)};
  SmallVector<OpFoldResult> unit(4, b.getIndexAttr(1));
  Value region = tensor::ExtractSliceOp::create(b, loc, copy, at, size, unit);
  region = linalg::FillOp::create(b, loc, zeroByte, ValueRange{region}).getResult(0);
  copy = tensor::InsertSliceOp::create(b, loc, region, copy, at, size, unit);
}

/// Weights [C/16][KH][16 lanes x 4 bytes]: one kernel row of a channel in
/// a lane's 4 bytes (taps left to right, zero beyond KW), and the
/// accumulators' start: the bias when the epilogue is fused, less the
/// zero-point compensation readZero * sum of the channel's weights. Lane
/// l's bytes from a window of 4 pixels: the kernel row's taps of channel
/// l; bytes beyond KW meet zero weights, so any byte will do.
void RowDotKernel::buildWeightTables() {
  std::vector<int8_t> rows(blocks * kh * parts * window, 0);
  std::vector<int32_t> start(channels, 0);
  // (Channels padded to whole vectors have no bias.)
  for (auto [c, value] : llvm::enumerate(bias))
    start[c] = value;
  int64_t i = 0;
  for (const APInt &v : filter.getValues<APInt>()) {
    int64_t c = i / (kh * kw), r = i / kw % kh, t = i % kw;
    int64_t w = v.getSExtValue();
    int64_t part = r * parts + t / 4;
    rows[((c / lanes) * kh * parts + part) * window + (c % lanes) * 4 + t % 4] =
        static_cast<int8_t>(w);
    start[c] -= static_cast<int32_t>(readZero * w);
    ++i;
  }
  rowTable = arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(RankedTensorType::get({blocks, kh * parts, window}, i8),
                             ArrayRef<int8_t>(rows)));
  startTable = arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(RankedTensorType::get({channels}, i32), ArrayRef<int32_t>(start)));
  for (int64_t l = 0; l < lanes; ++l)
    for (int64_t t = 0; t < 4; ++t)
      gather.push_back((t < kw ? t * dilations[1] : 0) * lanes + l);
}

/// Output rows computed together share their input rows: a row's window
/// is loaded and shuffled once for every output that uses it. 4 rows (or
/// 3, 2) leave threads at least 2 groups to split (more rows were no
/// faster on one thread); a layer too small to split takes up to 8 rows at
/// once (a 7x7 layer: 9 windows for 7 rows, not 21).
int64_t RowDotKernel::chooseRowStep() const {
  if (!depthwiseSplits(outShape, kh * kw) && outShape[1] <= 8)
    return outShape[1];
  for (int64_t step : {4, 3, 2})
    if (outShape[1] % step == 0 && outShape[1] / step >= 2)
      return step;
  return 1;
}

/// The rowStep outputs of (n, oh.., ow, c): one vpdpbusd per kernel row
/// that an input row is for each output.
SmallVector<Value> RowDotKernel::pixels(OpBuilder &wb, Location wl, Value n, Value c, Value oh,
                                        Value ow) {
  Value rowBase = arith::MulIOp::create(wb, wl, oh, idx(wb, wl, strides[0]));
  Value first = arith::MulIOp::create(wb, wl, ow, idx(wb, wl, strides[1] * lanes));
  SmallVector<Value> accs(rowStep, init);
  // Input row i (from rowBase) is kernel row r of output u when
  // i = u * stride + r * dilation.
  WindowAxis rows{rowStep, strides[0], dilations[0], kh};
  for (int64_t i = 0; i < rows.span(); ++i) {
    SmallVector<std::pair<int64_t, int64_t>> uses = rows.usesOf(i); // (output, kernel row)
    if (uses.empty())
      continue;
    Value row = arith::AddIOp::create(wb, wl, rowBase, idx(wb, wl, i));
    for (int64_t p = 0; p < parts; ++p) {
      Value col = arith::AddIOp::create(wb, wl, first, idx(wb, wl, p * 4 * lanes));
      Value window = vector::TransferReadOp::create(wb, wl, windowType, blocked,
                                                    ValueRange{n, row, block, col}, zeroI8,
                                                    inBounds);
      Value taps = vector::ShuffleOp::create(wb, wl, window, window, gather);
      for (auto [u, r] : uses)
        accs[u] =
            qf::VnniDotOp::create(wb, wl, accType, accs[u], taps, kernelRows[r * parts + p]);
    }
  }
  if (rest)
    for (Value &acc : accs)
      acc = rest->apply(wb, wl, tables, acc, c);
  return accs;
}

} // namespace

Value buildDepthwiseRowDot(OpBuilder &b, Location loc, Value x, bool xSigned, int64_t zeroPoint,
                           ArrayRef<int64_t> pad, DenseIntElementsAttr filter,
                           ArrayRef<int64_t> outShape, ArrayRef<int64_t> strides,
                           ArrayRef<int64_t> dilations, const ChannelRequantization *epilogue) {
  return RowDotKernel(b, loc, x, xSigned, zeroPoint, pad, filter, outShape, strides, dilations,
                      epilogue)
      .build();
}

} // namespace qforge
