//===- FloatDepthwise.cpp - float depthwise convolution on FMAs -----------===//

#include "qforge/Codegen/Kernels/FloatDepthwise.h"
#include "qforge/Codegen/Kernels/FloatGemm.h"
#include "qforge/Codegen/Kernels/PackedGemm.h"

#include "qforge/Dialect/QF/IR/QFDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;

namespace qforge {

namespace {

Value idx(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// The kernel in named steps: tables of weights and bias padded to whole
/// channel blocks, the loop nest (image, output row, pixel tile, channel
/// block), and one tile's fused multiply-adds.
class FloatDepthwiseKernel {
public:
  FloatDepthwiseKernel(OpBuilder &b, Location loc, FloatVectors vectors,
                       const ConvWindows &padded, DenseFPElementsAttr weights,
                       ArrayRef<float> bias)
      : b(b), loc(loc), lanes(vectors.lanes), x(padded.input), weights(weights), bias(bias),
        out(padded.outShape), strides(padded.strides), dilations(padded.dilations),
        kh(padded.kernelH), kw(padded.kernelW), f32(b.getF32Type()),
        laneType(VectorType::get({lanes}, f32)) {
    channels = out[3];
    fullBlocks = channels / lanes;
    tailChannels = channels % lanes;
    // The widest tile of pixels up to 8 that divides the row; a row that
    // only 1, 2 or 3 divide takes tiles of 8 and one shorter tile at its end.
    tile = std::min<int64_t>(8, out[2]);
    for (int64_t t = tile; t >= 4; --t)
      if (out[2] % t == 0) {
        tile = t;
        break;
      }
  }

  Value build();

private:
  void buildTables();
  /// Output row oh of image n: its tiles of pixels, every channel block.
  Value row(OpBuilder &rb, Location rl, Value n, Value oh, Value o);
  /// The tile of `pixels` outputs from column ow, all channel blocks.
  Value tileAt(OpBuilder &tb, Location tl, Value n, Value oh, Value ow, int64_t pixels, Value o);
  /// The tile's `pixels` outputs of the channel block at c (`whole`: a
  /// vector of channels; else the masked last block), stored into `o`.
  Value block(OpBuilder &cb, Location cl, Value n, Value oh, Value ow, Value c, int64_t pixels,
              bool whole, Value o);

  OpBuilder &b;
  Location loc;
  /// Channels per vector (a tile's 8 accumulators, a kernel row's weights
  /// and an input vector fit in 16 registers too).
  int64_t lanes;
  Value x;
  DenseFPElementsAttr weights;
  ArrayRef<float> bias;
  ArrayRef<int64_t> out, strides, dilations;
  int64_t kh, kw, channels = 0, fullBlocks = 0, tailChannels = 0, tile = 1;
  Type f32;
  VectorType laneType;
  Value weightTable, biasTable, zero;
};

Value FloatDepthwiseKernel::build() {
  buildTables();
  zero = arith::ConstantOp::create(b, loc, f32, b.getF32FloatAttr(0));
  Value result = tensor::EmptyOp::create(b, loc, out, f32);
  scf::ForOp rows;
  Value done = carryingLoop(b, loc, out[0], 1, result, [&](OpBuilder &nb, Location nl, Value n,
                                                          Value o0) {
    rows = carryingLoop(nb, nl, out[1], 1, o0, [&](OpBuilder &hb, Location hl, Value oh,
                                                  Value o1) { return row(hb, hl, n, oh, o1); });
    return rows.getResult(0);
  }).getResult(0);
  int64_t macs = out[0] * out[1] * out[2] * channels * kh * kw;
  if (macs >= kParallelMinMacs)
    rows->setAttr(qf::kParallelSplitAttrName, b.getUnitAttr());
  return done;
}

/// Weights [KH KW][Cp] (a tap's channels contiguous) and bias [Cp], Cp the
/// channels rounded up to whole blocks, zero beyond C: the masked last
/// block reads them in bounds.
void FloatDepthwiseKernel::buildTables() {
  int64_t cp = llvm::alignTo(channels, lanes), taps = kh * kw;
  std::vector<float> w(taps * cp, 0.0f), bv = paddedBias(bias, channels, cp);
  int64_t i = 0;
  for (float v : weights.getValues<float>()) { // [KH][KW][C]
    w[(i / channels) * cp + i % channels] = v;
    ++i;
  }
  weightTable = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(RankedTensorType::get({taps, cp}, f32), ArrayRef<float>(w)));
  biasTable = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(RankedTensorType::get({cp}, f32), ArrayRef<float>(bv)));
}

Value FloatDepthwiseKernel::row(OpBuilder &rb, Location rl, Value n, Value oh, Value o) {
  int64_t whole = out[2] / tile * tile;
  o = carryingLoop(rb, rl, whole, tile, o, [&](OpBuilder &tb, Location tl, Value ow, Value o1) {
        return tileAt(tb, tl, n, oh, ow, tile, o1);
      }).getResult(0);
  if (whole < out[2])
    o = tileAt(rb, rl, n, oh, idx(rb, rl, whole), out[2] - whole, o);
  return o;
}

Value FloatDepthwiseKernel::tileAt(OpBuilder &tb, Location tl, Value n, Value oh, Value ow,
                                   int64_t pixels, Value o) {
  o = carryingLoop(tb, tl, fullBlocks * lanes, lanes, o,
                   [&](OpBuilder &cb, Location cl, Value c, Value o1) {
                     return block(cb, cl, n, oh, ow, c, pixels, /*whole=*/true, o1);
                   }).getResult(0);
  if (tailChannels)
    o = block(tb, tl, n, oh, ow, idx(tb, tl, fullBlocks * lanes), pixels, /*whole=*/false, o);
  return o;
}

/// Output pixel p of the tile reads input column (ow + p) SW + j DW for
/// kernel column j: per kernel row, input column i (from ow SW) serves each
/// (p, j) with p SW + j DW = i, loaded once for all of them.
Value FloatDepthwiseKernel::block(OpBuilder &cb, Location cl, Value n, Value oh, Value ow,
                                  Value c, int64_t pixels, bool whole, Value o) {
  SmallVector<bool> inBounds = {whole};
  SmallVector<bool> tableInBounds = {true};
  Value bv =
      vector::TransferReadOp::create(cb, cl, laneType, biasTable, ValueRange{c}, zero,
                                     tableInBounds);
  SmallVector<Value> accs(pixels, bv);
  Value top = arith::MulIOp::create(cb, cl, oh, idx(cb, cl, strides[0]));
  Value left = arith::MulIOp::create(cb, cl, ow, idx(cb, cl, strides[1]));
  WindowAxis columns{pixels, strides[1], dilations[1], kw};
  for (int64_t r = 0; r < kh; ++r) {
    Value inRow = arith::AddIOp::create(cb, cl, top, idx(cb, cl, r * dilations[0]));
    SmallVector<Value> tapWeights;
    for (int64_t j = 0; j < kw; ++j)
      tapWeights.push_back(vector::TransferReadOp::create(
          cb, cl, laneType, weightTable, ValueRange{idx(cb, cl, r * kw + j), c}, zero,
          tableInBounds));
    for (int64_t i = 0; i < columns.span(); ++i) {
      SmallVector<std::pair<int64_t, int64_t>> uses = columns.usesOf(i); // (pixel, kernel column)
      if (uses.empty())
        continue;
      Value inCol = arith::AddIOp::create(cb, cl, left, idx(cb, cl, i));
      Value v = vector::TransferReadOp::create(cb, cl, laneType, x,
                                               ValueRange{n, inRow, inCol, c}, zero, inBounds);
      for (auto [p, j] : uses)
        accs[p] = vector::FMAOp::create(cb, cl, v, tapWeights[j], accs[p]);
    }
  }
  for (int64_t p = 0; p < pixels; ++p) {
    Value col = arith::AddIOp::create(cb, cl, ow, idx(cb, cl, p));
    auto write =
        vector::TransferWriteOp::create(cb, cl, accs[p], o, ValueRange{n, oh, col, c}, inBounds);
    write->setAttr(qf::kKernelStoreAttrName, cb.getUnitAttr());
    o = write.getResult();
  }
  return o;
}

} // namespace

Value buildFloatDepthwise(OpBuilder &b, Location loc, const ConvWindows &padded,
                          DenseFPElementsAttr weights, ArrayRef<float> bias,
                          FloatVectors vectors) {
  return FloatDepthwiseKernel(b, loc, vectors, padded, weights, bias).build();
}

} // namespace qforge
