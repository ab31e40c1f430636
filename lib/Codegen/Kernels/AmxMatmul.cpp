//===- AmxMatmul.cpp - int8 products on AMX tiles -------------------------===//

#include "qforge/Codegen/Kernels/AmxMatmul.h"
#include "qforge/Codegen/Kernels/PackedGemm.h"

#include "qforge/Dialect/QF/IR/QFDialect.h"
#include "qforge/Dialect/QF/IR/QFOps.h"

#include "mlir/Dialect/AMX/AMXDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace qforge {

namespace {

constexpr int64_t kTileRows = 16;    // rows of a tile read from a matrix
constexpr int64_t kTileColumns = 16; // int32 columns of an accumulator tile
constexpr int64_t kVectorRows = 2;   // rows at a time without tiles (4 zmm sums)

Value index(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

Value plus(OpBuilder &b, Location loc, Value v, int64_t offset) {
  return offset ? arith::AddIOp::create(b, loc, v, index(b, loc, offset)).getResult() : v;
}

Value times(OpBuilder &b, Location loc, Value v, int64_t factor) {
  return factor == 1 ? v : arith::MulIOp::create(b, loc, v, index(b, loc, factor)).getResult();
}

/// for iv in [0, upper) by `step`, carrying `inits` (what `body` returns
/// for the next iteration).
scf::ForOp loopFromZero(
    OpBuilder &b, Location loc, int64_t upper, int64_t step, ValueRange inits,
    function_ref<SmallVector<Value>(OpBuilder &, Location, Value iv, ValueRange carried)> body) {
  // Made one by one, in an order that does not depend on the host compiler.
  Value stepValue = index(b, loc, step);
  Value upperValue = index(b, loc, upper);
  Value lowerValue = index(b, loc, 0);
  return scf::ForOp::create(b, loc, lowerValue, upperValue, stepValue, inits,
                            [&](OpBuilder &ib, Location il, Value iv, ValueRange carried) {
                              scf::YieldOp::create(ib, il, body(ib, il, iv, carried));
                            });
}

/// A loop without results over [0, upper) by `step`.
scf::ForOp plainLoop(OpBuilder &b, Location loc, int64_t upper, int64_t step,
                     function_ref<void(OpBuilder &, Location, Value)> body) {
  return loopFromZero(b, loc, upper, step, ValueRange{},
                      [&](OpBuilder &ib, Location il, Value iv, ValueRange) {
                        body(ib, il, iv);
                        return SmallVector<Value>{};
                      });
}

/// Where the activation bytes of a row (an output pixel of a convolution)
/// at reduction offset k lie in the kernel's `lhs` buffer.
class ActivationRows {
public:
  explicit ActivationRows(const AmxProduct &p) : p(p) {}

  /// Rows of one activation tile.
  int64_t tileRows() const { return p.windows ? p.windows->pixelsPerTile : kTileRows; }

  /// What locates row `row` in `lhs`, computed once per row: the row
  /// itself, or its pixel's window offset.
  Value base(OpBuilder &b, Location loc, Value row) const {
    return p.windows ? pixelBase(b, loc, row) : row;
  }

  /// The indices of the byte k of the row at `base` (k a multiple of 4;
  /// of 64 for a tile's first row).
  SmallVector<Value> at(OpBuilder &b, Location loc, Value base, Value k) const {
    if (!p.windows)
      return {base, k};
    return {arith::AddIOp::create(b, loc, base, tapOffset(b, loc, k))};
  }

  /// The row stride of a tile: the matrix's own, or sw C between the
  /// pixels of an image row.
  Value tileStride(OpBuilder &b, Location loc) const {
    return p.windows ? index(b, loc, p.windows->strideW * p.windows->channels) : Value();
  }

  /// The first row of tile `t` of the block at m0. A convolution's
  /// padding rows (past N OH OW) read the last real tile's pixels instead
  /// of bytes past the input; their results are never kept.
  Value tileStart(OpBuilder &b, Location loc, Value m0, int64_t t) const {
    Value start = plus(b, loc, m0, t * tileRows());
    if (!p.windows)
      return start;
    return arith::MinSIOp::create(b, loc, start,
                                  index(b, loc, p.windows->rows - p.windows->pixelsPerTile));
  }

  /// Row `row` of the block at m0 for the vector form (padding rows as
  /// tileStart).
  Value row(OpBuilder &b, Location loc, Value m0, Value offset) const {
    Value r = arith::AddIOp::create(b, loc, m0, offset);
    if (!p.windows)
      return r;
    return arith::MinSIOp::create(b, loc, r, index(b, loc, p.windows->rows - 1));
  }

private:
  /// The offset of pixel (n, oh, ow)'s window at tap (0, 0):
  /// ((n Hp + oh sh) Wp + ow sw) C.
  Value pixelBase(OpBuilder &b, Location loc, Value pixel) const {
    const AmxWindows &w = *p.windows;
    Value image = arith::DivUIOp::create(b, loc, pixel, index(b, loc, w.outH * w.outW));
    Value inImage = arith::RemUIOp::create(b, loc, pixel, index(b, loc, w.outH * w.outW));
    Value oh = arith::DivUIOp::create(b, loc, inImage, index(b, loc, w.outW));
    Value ow = arith::RemUIOp::create(b, loc, inImage, index(b, loc, w.outW));
    Value y = arith::AddIOp::create(b, loc, times(b, loc, image, w.paddedH),
                                    times(b, loc, oh, w.strideH));
    Value x = arith::AddIOp::create(b, loc, times(b, loc, y, w.paddedW),
                                    times(b, loc, ow, w.strideW));
    return times(b, loc, x, w.channels);
  }

  /// The offset of reduction byte k = (kh KW + kw) C + c from the window's
  /// start: (kh dh Wp + kw dw) C + c.
  Value tapOffset(OpBuilder &b, Location loc, Value k) const {
    const AmxWindows &w = *p.windows;
    Value tap = arith::DivUIOp::create(b, loc, k, index(b, loc, w.channels));
    Value c = arith::RemUIOp::create(b, loc, k, index(b, loc, w.channels));
    Value kh = arith::DivUIOp::create(b, loc, tap, index(b, loc, w.kernelW));
    Value kw = arith::RemUIOp::create(b, loc, tap, index(b, loc, w.kernelW));
    Value pixels = arith::AddIOp::create(b, loc, times(b, loc, kh, w.dilationH * w.paddedW),
                                         times(b, loc, kw, w.dilationW));
    return arith::AddIOp::create(b, loc, times(b, loc, pixels, w.channels), c);
  }

  const AmxProduct &p;
};

/// Where a block lies: its first row and its column tile (columns
/// [32 t, 32 t + 32)).
struct AmxBlockAt {
  Value m0, columnTile;
};

/// One block of 2 tiles of rows by 32 columns: the reduction on tiles
/// (or, where the process may not use them, on vpdpbusd), the sums stored
/// to a small buffer on the stack of the thread that computes the block
/// (it stays in the L1 cache), then each row's two vectors through the
/// epilogue into `out`.
class AmxBlockEmitter {
public:
  AmxBlockEmitter(const AmxProduct &p, Value ready, Value lhs, Value packed, Value out)
      : p(p), rows(p), ready(ready), lhs(lhs), packed(packed), out(out) {}

  int64_t blockRows() const { return 2 * rows.tileRows(); }

  /// Two blocks, computed in this order; the first block's epilogue comes
  /// after the second block's tile products in program order, so that the
  /// core runs the vector work while the tiles multiply (a block at a
  /// time, the tiles would wait for every epilogue).
  void emitPair(OpBuilder &b, Location loc, AmxBlockAt first, AmxBlockAt second) {
    // The scope frees the buffers at the end of each pair.
    auto scope = memref::AllocaScopeOp::create(b, loc, TypeRange{});
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&scope.getBodyRegion().emplaceBlock());
    auto sumsType = MemRefType::get({blockRows(), kAmxBlockColumns}, b.getI32Type());
    AmxBlockAt blocks[2] = {first, second};
    Value sums[2], firstColumns[2];
    for (int i = 0; i < 2; ++i) {
      sums[i] = memref::AllocaOp::create(b, loc, sumsType, b.getI64IntegerAttr(64));
      firstColumns[i] = times(b, loc, blocks[i].columnTile, kAmxBlockColumns);
    }
    scf::IfOp::create(
        b, loc, ready,
        [&](OpBuilder &tb, Location tl) {
          storeSums(tb, tl, reduce(tb, tl, first.m0, first.columnTile), sums[0]);
          SmallVector<Value> next = reduce(tb, tl, second.m0, second.columnTile);
          finishRows(tb, tl, first.m0, firstColumns[0], sums[0]);
          storeSums(tb, tl, next, sums[1]);
          scf::YieldOp::create(tb, tl);
        },
        [&](OpBuilder &vb, Location vl) {
          for (int i = 0; i < 2; ++i)
            sumOnVectors(vb, vl, blocks[i].m0, blocks[i].columnTile, firstColumns[i], sums[i]);
          finishRows(vb, vl, first.m0, firstColumns[0], sums[0]);
          scf::YieldOp::create(vb, vl);
        });
    finishRows(b, loc, second.m0, firstColumns[1], sums[1]);
    memref::AllocaScopeReturnOp::create(b, loc);
  }

private:
  /// The four accumulator tiles, [row tile][column tile], after the whole
  /// reduction.
  SmallVector<Value> reduce(OpBuilder &b, Location loc, Value m0, Value columnTile) {
    auto accType = amx::TileType::get({rows.tileRows(), kTileColumns}, b.getI32Type());
    SmallVector<Value> zeros;
    // One zero tile each: a shared one would be copied through memory.
    for (int i = 0; i < 4; ++i)
      zeros.push_back(amx::TileZeroOp::create(b, loc, accType));
    Value starts[2] = {rows.base(b, loc, rows.tileStart(b, loc, m0, 0)),
                       rows.base(b, loc, rows.tileStart(b, loc, m0, 1))};
    auto loop = loopFromZero(b, loc, p.kp, kAmxStepBytes, zeros,
                             [&](OpBuilder &ib, Location il, Value k0, ValueRange accs) {
                               return step(ib, il, starts, columnTile, k0, accs);
                             });
    return SmallVector<Value>(loop.getResults());
  }

  /// acc[r][c] += lhs tile r x weight tile c over 64 bytes of the reduction.
  SmallVector<Value> step(OpBuilder &b, Location loc, ArrayRef<Value> starts, Value columnTile,
                          Value k0, ValueRange accs) {
    Type i8 = b.getI8Type();
    auto lhsType = amx::TileType::get({rows.tileRows(), kAmxStepBytes}, i8);
    auto weightType = amx::TileType::get({kAmxStepBytes / 4, kAmxStepBytes}, i8);
    Value tiles[2], weights[2];
    for (int r = 0; r < 2; ++r)
      tiles[r] = amx::TileLoadOp::create(b, loc, lhsType, lhs, rows.at(b, loc, starts[r], k0),
                                         rows.tileStride(b, loc));
    // Steps of 4 bytes: a weight tile's 16 rows are 16 steps.
    Value panelStep = arith::DivUIOp::create(b, loc, k0, index(b, loc, 4));
    for (int c = 0; c < 2; ++c)
      weights[c] = amx::TileLoadOp::create(
          b, loc, weightType, packed,
          ValueRange{columnTile, panelStep, index(b, loc, c * kTileColumns * 4)});
    SmallVector<Value> next;
    for (int r = 0; r < 2; ++r)
      for (int c = 0; c < 2; ++c)
        next.push_back(amx::TileMulIOp::create(b, loc, accs[r * 2 + c].getType(), tiles[r],
                                               weights[c], accs[r * 2 + c],
                                               /*isZextLhs=*/p.lhsUnsigned));
    return next;
  }

  void storeSums(OpBuilder &b, Location loc, ArrayRef<Value> accs, Value sums) {
    for (int r = 0; r < 2; ++r)
      for (int c = 0; c < 2; ++c)
        amx::TileStoreOp::create(
            b, loc, sums,
            ValueRange{index(b, loc, r * rows.tileRows()), index(b, loc, c * kTileColumns)},
            accs[r * 2 + c]);
  }

  /// The block's sums on vpdpbusd (qf.vnni_dot), two rows at a time: each
  /// row's 4 bytes of a step copied to every lane, against the step's two
  /// 64-byte weight panels (16 columns x 4 bytes: a weight tile's rows are
  /// the VNNI kernel's panels). vpdpbusd reads unsigned bytes: signed ones
  /// are read with their top bit flipped (+128), and 128 times the
  /// columns' weight sums taken off, so that the sums equal the tiles'.
  void sumOnVectors(OpBuilder &b, Location loc, Value m0, Value columnTile, Value n0,
                    Value sums) {
    auto accType = VectorType::get({kTileColumns}, b.getI32Type());
    Value zero =
        arith::ConstantOp::create(b, loc, DenseElementsAttr::get(accType, b.getI32IntegerAttr(0)));
    plainLoop(b, loc, blockRows(), kVectorRows, [&](OpBuilder &rb, Location rl, Value r0) {
      SmallVector<Value> rowIds;
      for (int64_t i = 0; i < kVectorRows; ++i)
        rowIds.push_back(rows.base(rb, rl, rows.row(rb, rl, m0, plus(rb, rl, r0, i))));
      auto loop = loopFromZero(rb, rl, p.kp / 4, 1, SmallVector<Value>(2 * kVectorRows, zero),
                               [&](OpBuilder &kb, Location kl, Value step, ValueRange accs) {
                                 return vectorStep(kb, kl, rowIds, columnTile, step, accs);
                               });
      for (int64_t i = 0; i < kVectorRows; ++i)
        for (int64_t c = 0; c < 2; ++c) {
          Value sum = loop.getResult(i * 2 + c);
          if (p.flipCorrection) {
            Value zeroI32 = arith::ConstantOp::create(rb, rl, rb.getI32IntegerAttr(0));
            Value taken = vector::TransferReadOp::create(
                rb, rl, accType, p.flipCorrection, ValueRange{plus(rb, rl, n0, c * kTileColumns)},
                zeroI32, SmallVector<bool>{true});
            sum = arith::SubIOp::create(rb, rl, sum, taken);
          }
          vector::StoreOp::create(rb, rl, sum, sums,
                                  ValueRange{plus(rb, rl, r0, i), index(rb, rl, c * kTileColumns)});
        }
    });
  }

  /// One 4-byte step of the rows at `rowIds` (their bases) by the block's
  /// 32 columns.
  SmallVector<Value> vectorStep(OpBuilder &b, Location loc, ArrayRef<Value> rowIds,
                                Value columnTile, Value step, ValueRange accs) {
    auto accType = VectorType::get({kTileColumns}, b.getI32Type());
    auto bytesType = VectorType::get({kTileColumns * 4}, b.getI8Type());
    Value panels[2];
    for (int64_t c = 0; c < 2; ++c)
      panels[c] = vector::LoadOp::create(b, loc, bytesType, packed,
                                         ValueRange{columnTile, step, index(b, loc, c * 64)});
    Value k = times(b, loc, step, 4);
    SmallVector<Value> next;
    for (auto [i, row] : llvm::enumerate(rowIds)) {
      Value four = vector::LoadOp::create(b, loc, VectorType::get({4}, b.getI8Type()), lhs,
                                          rows.at(b, loc, row, k));
      Value word = vector::ExtractOp::create(
          b, loc, vector::BitCastOp::create(b, loc, VectorType::get({1}, b.getI32Type()), four),
          ArrayRef<int64_t>{0});
      Value copies = vector::BroadcastOp::create(b, loc, accType, word);
      if (p.flipCorrection) {
        auto topBits = DenseElementsAttr::get(accType, b.getI32IntegerAttr(int32_t(0x80808080u)));
        copies = arith::XOrIOp::create(b, loc, copies, arith::ConstantOp::create(b, loc, topBits));
      }
      Value bytes = vector::BitCastOp::create(b, loc, bytesType, copies);
      for (int64_t c = 0; c < 2; ++c)
        next.push_back(qf::VnniDotOp::create(b, loc, accType, accs[i * 2 + c], bytes, panels[c]));
    }
    return next;
  }

  void finishRows(OpBuilder &b, Location loc, Value m0, Value n0, Value sums) {
    auto sumType = VectorType::get({kTileColumns}, b.getI32Type());
    plainLoop(b, loc, blockRows(), 1, [&](OpBuilder &rb, Location rl, Value r) {
      Value row = arith::AddIOp::create(rb, rl, m0, r);
      for (int c = 0; c < 2; ++c) {
        Value col = plus(rb, rl, n0, c * kTileColumns);
        Value s = vector::LoadOp::create(rb, rl, sumType, sums,
                                         ValueRange{r, index(rb, rl, c * kTileColumns)});
        vector::StoreOp::create(rb, rl, p.epilogue(rb, rl, s, col), out, ValueRange{row, col});
      }
    });
  }

  const AmxProduct &p;
  ActivationRows rows;
  Value ready, lhs, packed, out;
};

} // namespace

int64_t amxPixelsPerTile(int64_t outW) {
  for (int64_t r = std::min<int64_t>(outW, kTileRows); r >= 4; --r)
    if (outW % r == 0)
      return r;
  return 0;
}

bool amxReadsWindowsInPlace(int64_t channels, int64_t outW) {
  return channels % kAmxStepBytes == 0 && amxPixelsPerTile(outW) != 0;
}

Value emitAmxProduct(OpBuilder &b, Location loc, const AmxProduct &p) {
  Type i8 = b.getI8Type();
  MemRefType lhsType =
      p.windows ? MemRefType::get({cast<ShapedType>(p.lhs.getType()).getNumElements()}, i8)
                : MemRefType::get({p.mp, p.kp}, i8);
  Value lhs = bufferization::ToBufferOp::create(b, loc, lhsType, p.lhs, /*read_only=*/true);
  Value packed = bufferization::ToBufferOp::create(
      b, loc, MemRefType::get({p.np / kAmxBlockColumns, p.kp / 4, 2 * kTileColumns * 4}, i8),
      p.packed, /*read_only=*/true);
  auto outType = MemRefType::get({p.mp, p.np}, p.outElement);
  Value out = memref::AllocOp::create(b, loc, outType, ValueRange{}, b.getI64IntegerAttr(64));

  // Asked once per product, before its loops (each thread's chunks read it).
  Value ready = qf::AmxReadyOp::create(b, loc, b.getI1Type());
  AmxBlockEmitter block(p, ready, lhs, packed, out);
  int64_t blockRows = block.blockRows();
  assert(p.mp % blockRows == 0 && p.np % kAmxBlockColumns == 0 &&
         p.kp % kAmxStepBytes == 0 && "padded to whole blocks and steps");
  int64_t rowBlocks = p.mp / blockRows, columnTiles = p.np / kAmxBlockColumns;
  // The blocks go in one sequence, in pairs. Consecutive blocks share one
  // operand's panel (32 rows or columns by Kp bytes), which stays in the
  // L1 cache while the other operand streams from L2. Weights stream well
  // (each step's two tiles are 2 KiB in a row), activation tiles less (16
  // rows a matrix row or an image row apart), so the sequence runs along
  // the columns (streaming the weights) unless the weights are the larger
  // operand.
  bool alongColumns = p.np <= p.mp;
  int64_t inner = alongColumns ? columnTiles : rowBlocks;
  int64_t blocks = rowBlocks * columnTiles;
  scf::ForOp pairLoop =
      plainLoop(b, loc, blocks, 2, [&](OpBuilder &pb, Location pl, Value first) {
        auto at = [&](Value t) {
          Value major = arith::DivUIOp::create(pb, pl, t, index(pb, pl, inner));
          Value minor = arith::RemUIOp::create(pb, pl, t, index(pb, pl, inner));
          return alongColumns ? AmxBlockAt{times(pb, pl, major, blockRows), minor}
                              : AmxBlockAt{times(pb, pl, minor, blockRows), major};
        };
        // An odd count's last pair computes its block twice.
        Value second = plus(pb, pl, first, 1);
        if (blocks % 2)
          second = arith::MinSIOp::create(pb, pl, second, index(pb, pl, blocks - 1));
        block.emitPair(pb, pl, at(first), at(second));
      });
  if (p.mp * p.np * p.kp >= kIntegerParallelMinMacs && blocks >= 4)
    pairLoop->setAttr(qf::kParallelSplitAttrName, b.getUnitAttr());
  return bufferization::ToTensorOp::create(
      b, loc, RankedTensorType::get({p.mp, p.np}, p.outElement), out, /*restrict=*/true,
      /*writable=*/true);
}

} // namespace qforge
