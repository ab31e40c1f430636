//===- PackedGemm.cpp - register-tiled products on packed weights ---------===//

#include "qforge/Codegen/Kernels/PackedGemm.h"

#include "qforge/Dialect/QF/Utils/Layout.h"

#include "qforge/Dialect/QF/IR/QFDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/ADT/Sequence.h"

#include <cstring>

using namespace mlir;

namespace qforge {

GemmTile chooseGemmTile(int64_t m, int64_t n, int64_t lanes, int64_t blockRows,
                        int64_t rows, int64_t maxVectors, int64_t registers) {
  GemmTile tile;
  int64_t columns = lanes / blockRows;
  int64_t columnVectors = (n + columns - 1) / columns;
  tile.rows = rows ? rows : std::min<int64_t>((m + blockRows - 1) / blockRows, 4);
  // Accumulators leave four registers to the operands.
  int64_t fit = std::max<int64_t>((registers - 4) / tile.rows, 1);
  int64_t widest = std::min<int64_t>(
      {columnVectors, tile.rows == 1 ? 8 : 4, std::max<int64_t>(maxVectors, 1), fit});
  // The widest tile down to half of it that pads the columns least (144
  // channels: 3 vectors of 16 fit exactly, 4 would compute 192). With 16
  // registers a vector less is a third of the accumulators, each step's
  // loads then feed too few instructions: only padding a tenth less pays
  // for it (1024 columns of 8: 3 vectors pad to 1032, and are 1.2x the
  // speed of 2, which pad to none; docs/performance.md).
  tile.vectors = widest;
  auto padded = [&](int64_t v) { return (columnVectors + v - 1) / v * v; };
  auto paysOff = [&](int64_t v) {
    return registers < 32 ? 10 * padded(v) < 9 * padded(tile.vectors)
                          : padded(v) < padded(tile.vectors);
  };
  for (int64_t v = widest; v > 0 && 2 * v >= widest; --v)
    if (paysOff(v))
      tile.vectors = v;
  if (blockRows > 1)
    tile.vectors += tile.vectors % 2;
  return tile;
}

GemmTile chooseByElementTile(int64_t m, int64_t n, int64_t lanes, int64_t panelVectors,
                             int64_t registers) {
  int64_t rows = std::min<int64_t>(m, 8);
  return chooseGemmTile(m, n, lanes, 1, rows, (registers - rows) / (rows + panelVectors),
                        registers);
}

namespace {

Value idx(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// The activations of the tile's row r at a row step.
using RowAt = function_ref<Value(OpBuilder &, Location, int64_t r, Value step)>;

/// A loop over [first, last) carrying the accumulators, one step (or run)
/// per iteration.
scf::ForOp stepLoop(OpBuilder &b, Location loc, Value first, Value last, ValueRange accs,
                    function_ref<SmallVector<Value>(OpBuilder &, Location, Value, ValueRange)>
                        body) {
  return scf::ForOp::create(b, loc, first, last, idx(b, loc, 1), accs,
                            [&](OpBuilder &sb, Location sl, Value i, ValueRange a) {
                              scf::YieldOp::create(sb, sl, body(sb, sl, i, a));
                            });
}

/// Emits one PackedGemm: for n0 (column tiles) { for m0 (row tiles) {
/// reduction; epilogue and store the tile } }, so that a column tile's
/// weight panels stay in cache while every row tile passes over them.
class PackedGemmEmitter {
public:
  PackedGemmEmitter(OpBuilder &b, Location loc, const PackedGemm &g) : g(g) {
    Type accElement = g.accType.getElementType();
    zeroAcc = arith::ConstantOp::create(
        b, loc, g.accType, DenseElementsAttr::get(g.accType, b.getZeroAttr(accElement)));
    Type panelElement = g.panelType.getElementType();
    panelPad = arith::ConstantOp::create(b, loc, panelElement, b.getZeroAttr(panelElement));
    lanes = g.accType.getNumElements();
    columns = lanes / g.blockRows;
    width = columns * g.tile.vectors;
    rowStep = g.tile.rows * g.blockRows;
    assert((g.blockRows == 1 || (g.blockRows == 2 && columns == 2 && g.tile.vectors % 2 == 0)) &&
           "2-row accumulators are 2 x 2 blocks, paired");
    assert((!g.conv || (g.blockRows == 1 &&
                         g.conv->stepsPerTap % std::max<int64_t>(g.runSteps, 1) == 0)) &&
           "a convolution's rows are single rows, its taps whole runs");
  }

  Value emit(OpBuilder &b, Location loc);

private:
  /// The row tile at m0 of the column tile at n0: its reduction, then its
  /// epilogue and store into `out`.
  Value rowTile(OpBuilder &b, Location loc, Value m0, Value out);
  /// The tile's V weight panels at `panelStep`.
  SmallVector<Value> loadPanels(OpBuilder &b, Location loc, Value panelStep);
  /// One reduction step: every accumulator of the tile's active rows
  /// combines its row's activations with its column panel (weights at
  /// `panelStep`, activations at `rowStep`).
  SmallVector<Value> step(OpBuilder &b, Location loc, Value panelStep, Value rowStep,
                          ValueRange accs, RowAt rowAt, ArrayRef<bool> active);
  /// One run of runSteps steps, unrolled (blocks of weights with their own
  /// integer multiple): its partial sums start at zero and stay in
  /// registers, then finishRun folds them into the totals.
  SmallVector<Value> run(OpBuilder &b, Location loc, Value run, Value panelStep, Value rowStep,
                         ValueRange totals, RowAt rowAt, ArrayRef<bool> active);
  /// The reduction over the rows of a matrix: one loop of steps (or runs).
  scf::ForOp matrixReduction(OpBuilder &b, Location loc, Value m0);
  /// The reduction over a convolution's windows: for kh in the tile's
  /// kernel rows { for each kernel column (unrolled) { for each step (or
  /// run) of the tap } }.
  scf::ForOp windowReduction(OpBuilder &b, Location loc, Value m0);
  /// Kernel column kw of kernel row kh: its steps for the rows that take
  /// it, one loop per kind of tile where the kinds differ.
  SmallVector<Value> tapColumn(OpBuilder &b, Location loc, Value kh, int64_t kw,
                               ArrayRef<Value> bases, Value place, SmallVector<Value> current);
  /// The tap's steps for the rows in `active`.
  SmallVector<Value> tapSteps(OpBuilder &b, Location loc, Value tapStep, RowAt tapRow,
                              ValueRange in, ArrayRef<bool> active);
  /// The epilogue of every accumulator, stored into `out`.
  Value storeTile(OpBuilder &b, Location loc, Value m0, scf::ForOp reduction, Value out);

  const PackedGemm &g;
  Value zeroAcc, panelPad;
  SmallVector<bool> inBounds = {true};
  int64_t lanes, columns, width, rowStep;
  // The current tile.
  Value n0, columnTile;
};

Value PackedGemmEmitter::emit(OpBuilder &b, Location loc) {
  Value empty = g.into ? g.into
                       : tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{g.mp, g.np},
                                                 g.outElement)
                             .getResult();
  scf::ForOp rowLoop;
  auto outer = scf::ForOp::create(
      b, loc, idx(b, loc, 0), idx(b, loc, g.np), idx(b, loc, width), ValueRange{empty},
      [&](OpBuilder &ob, Location ol, Value n0, ValueRange outerArgs) {
        this->n0 = n0;
        columnTile = arith::DivUIOp::create(ob, ol, n0, idx(ob, ol, width));
        rowLoop = scf::ForOp::create(
            ob, ol, idx(ob, ol, 0), idx(ob, ol, g.mp), idx(ob, ol, rowStep),
            ValueRange{outerArgs[0]},
            [&](OpBuilder &ib, Location il, Value m0, ValueRange innerArgs) {
              scf::YieldOp::create(ib, il, rowTile(ib, il, m0, innerArgs[0]));
            });
        scf::YieldOp::create(ob, ol, rowLoop.getResult(0));
      });
  // Threads split the columns when the activations are the smaller
  // operand (each thread then reads all of them and only its own weight
  // panels), else the rows, each thread passing over every column tile.
  int64_t weightBytes = g.np * g.kp * g.panelType.getElementTypeBitWidth() / 8;
  if (g.splitForThreads &&
      (g.mp * g.np * g.kp >= g.parallelMinMacs || weightBytes >= kParallelMinWeightBytes)) {
    if (g.mp < g.np && g.np / width >= 2)
      outer->setAttr(qf::kParallelSplitAttrName, b.getUnitAttr());
    else if (g.mp / rowStep >= 2)
      rowLoop->setAttr(qf::kParallelSplitAttrName, b.getUnitAttr());
  }
  return outer.getResult(0);
}

Value PackedGemmEmitter::rowTile(OpBuilder &b, Location loc, Value m0, Value out) {
  scf::ForOp reduction = g.conv ? windowReduction(b, loc, m0) : matrixReduction(b, loc, m0);
  return storeTile(b, loc, m0, reduction, out);
}

SmallVector<Value> PackedGemmEmitter::loadPanels(OpBuilder &b, Location loc, Value panelStep) {
  int64_t panelSize = g.panelType.getNumElements();
  SmallVector<Value> panels;
  for (int64_t v = 0; v < g.tile.vectors; ++v)
    panels.push_back(g.loadPanel ? g.loadPanel(b, loc, columnTile, panelStep, v)
                                 : vector::TransferReadOp::create(
                                       b, loc, g.panelType, g.packed,
                                       ValueRange{columnTile, panelStep,
                                                  idx(b, loc, v * panelSize)},
                                       panelPad, inBounds)
                                       .getResult());
  return panels;
}

SmallVector<Value> PackedGemmEmitter::step(OpBuilder &b, Location loc, Value panelStep,
                                           Value rowStep, ValueRange accs, RowAt rowAt,
                                           ArrayRef<bool> active) {
  SmallVector<Value> panels = loadPanels(b, loc, panelStep);
  SmallVector<Value> next(accs.begin(), accs.end());
  for (int64_t r = 0; r < g.tile.rows; ++r) {
    if (!active[r])
      continue;
    Value a = rowAt(b, loc, r, rowStep);
    for (int64_t v = 0; v < g.tile.vectors; ++v)
      next[r * g.tile.vectors + v] = g.combine(b, loc, accs[r * g.tile.vectors + v], a, panels[v]);
  }
  return next;
}

SmallVector<Value> PackedGemmEmitter::run(OpBuilder &b, Location loc, Value run, Value panelStep,
                                          Value rowStep, ValueRange totals, RowAt rowAt,
                                          ArrayRef<bool> active) {
  SmallVector<Value> partial(g.tile.rows * g.tile.vectors, zeroAcc);
  for (int64_t s = 0; s < g.runSteps; ++s)
    partial = step(b, loc, arith::AddIOp::create(b, loc, panelStep, idx(b, loc, s)),
                   arith::AddIOp::create(b, loc, rowStep, idx(b, loc, s)), partial, rowAt, active);
  SmallVector<Value> next(totals.begin(), totals.end());
  for (int64_t r = 0; r < g.tile.rows; ++r)
    for (int64_t v = 0; active[r] && v < g.tile.vectors; ++v) {
      int64_t i = r * g.tile.vectors + v;
      Value col = arith::AddIOp::create(b, loc, n0, idx(b, loc, v * columns));
      next[i] = g.finishRun(b, loc, totals[i], partial[i], run, col);
    }
  return next;
}

scf::ForOp PackedGemmEmitter::matrixReduction(OpBuilder &b, Location loc, Value m0) {
  SmallVector<Value> zeros(g.tile.rows * g.tile.vectors, zeroAcc);
  SmallVector<bool> allRows(g.tile.rows, true);
  auto matrixRow = [&](OpBuilder &sb, Location sl, int64_t r, Value step) {
    Value row = arith::AddIOp::create(sb, sl, m0, idx(sb, sl, r * g.blockRows));
    return g.loadRow(sb, sl, row, step);
  };
  int64_t chunk = g.runSteps ? g.runSteps : 1;
  int64_t totalSteps = g.kp / g.depth;
  return stepLoop(b, loc, idx(b, loc, 0), idx(b, loc, totalSteps / chunk), zeros,
                  [&](OpBuilder &sb, Location sl, Value i, ValueRange accs) {
                    if (!g.runSteps)
                      return step(sb, sl, i, i, accs, matrixRow, allRows);
                    Value first = arith::MulIOp::create(sb, sl, i, idx(sb, sl, chunk));
                    return run(sb, sl, i, first, first, accs, matrixRow, allRows);
                  });
}

scf::ForOp PackedGemmEmitter::windowReduction(OpBuilder &b, Location loc, Value m0) {
  const ConvWalk &w = *g.conv;
  SmallVector<Value> zeros(g.tile.rows * g.tile.vectors, zeroAcc);
  SmallVector<Value> bases = w.rowBases(b, loc, m0);
  auto [firstRow, lastRow] = w.kernelRows(b, loc, m0);
  Value place = w.places > 1 ? w.tilePlace(b, loc, m0) : Value();
  return stepLoop(b, loc, firstRow, lastRow, zeros,
                  [&](OpBuilder &hb, Location hl, Value kh, ValueRange accs) {
                    SmallVector<Value> current(accs.begin(), accs.end());
                    for (int64_t kw = 0; kw < w.kernelW; ++kw)
                      current = tapColumn(hb, hl, kh, kw, bases, place, current);
                    return current;
                  });
}

SmallVector<Value> PackedGemmEmitter::tapColumn(OpBuilder &b, Location loc, Value kh, int64_t kw,
                                                ArrayRef<Value> bases, Value place,
                                                SmallVector<Value> current) {
  const ConvWalk &w = *g.conv;
  auto tapRow = [&](OpBuilder &sb, Location sl, int64_t r, Value step) {
    return w.loadTap(sb, sl, bases[r], kh, kw, step);
  };
  // The tap's first step of the filter matrix.
  Value tapStep = arith::MulIOp::create(
      b, loc,
      arith::AddIOp::create(b, loc, arith::MulIOp::create(b, loc, kh, idx(b, loc, w.kernelW)),
                            idx(b, loc, kw)),
      idx(b, loc, w.stepsPerTap));
  SmallVector<SmallVector<bool>> active(w.places);
  for (int64_t p = 0; p < w.places; ++p)
    for (int64_t r = 0; r < g.tile.rows; ++r)
      active[p].push_back(w.rowTakesColumn(p, r, kw));
  // The places that take the rows the most of them take (the last of them
  // on a tie) share the default loop; each other place gets its own.
  int64_t common = w.places - 1;
  for (int64_t p = w.places - 1; p >= 0; --p)
    if (llvm::count(active, active[p]) > llvm::count(active, active[common]))
      common = p;
  SmallVector<int64_t> cases;
  for (int64_t p = 0; p < w.places; ++p)
    if (active[p] != active[common])
      cases.push_back(p);
  if (cases.empty())
    return tapSteps(b, loc, tapStep, tapRow, current, active[common]);
  auto dispatch = scf::IndexSwitchOp::create(b, loc, ValueRange(current).getTypes(), place,
                                             cases, cases.size());
  auto fill = [&](Region &region, ArrayRef<bool> rows) {
    OpBuilder cb(region);
    cb.createBlock(&region);
    scf::YieldOp::create(cb, loc, tapSteps(cb, loc, tapStep, tapRow, current, rows));
  };
  for (auto [region, p] : llvm::zip(dispatch.getCaseRegions(), cases))
    fill(region, active[p]);
  fill(dispatch.getDefaultRegion(), active[common]);
  return SmallVector<Value>(dispatch.getResults().begin(), dispatch.getResults().end());
}

SmallVector<Value> PackedGemmEmitter::tapSteps(OpBuilder &b, Location loc, Value tapStep,
                                               RowAt tapRow, ValueRange in,
                                               ArrayRef<bool> active) {
  if (llvm::none_of(active, [](bool a) { return a; }))
    return SmallVector<Value>(in.begin(), in.end());
  int64_t chunk = g.runSteps ? g.runSteps : 1;
  scf::ForOp tap = stepLoop(
      b, loc, idx(b, loc, 0), idx(b, loc, g.conv->stepsPerTap / chunk), in,
      [&](OpBuilder &sb, Location sl, Value i, ValueRange a) {
        if (!g.runSteps)
          return step(sb, sl, arith::AddIOp::create(sb, sl, tapStep, i), i, a, tapRow, active);
        Value first = arith::MulIOp::create(sb, sl, i, idx(sb, sl, chunk));
        Value runIndex = arith::AddIOp::create(
            sb, sl, arith::DivUIOp::create(sb, sl, tapStep, idx(sb, sl, chunk)), i);
        return run(sb, sl, runIndex, arith::AddIOp::create(sb, sl, tapStep, first), first, a,
                   tapRow, active);
      });
  return SmallVector<Value>(tap.getResults());
}

Value PackedGemmEmitter::storeTile(OpBuilder &b, Location loc, Value m0, scf::ForOp reduction,
                                   Value out) {
  Value c = out;
  auto store = [&](Value acc, int64_t rowOffset, int64_t colOffset) {
    Value row = arith::AddIOp::create(b, loc, m0, idx(b, loc, rowOffset));
    Value col = arith::AddIOp::create(b, loc, n0, idx(b, loc, colOffset));
    SmallVector<Value> at(g.storePrefix);
    at.append({row, col});
    auto write = vector::TransferWriteOp::create(b, loc, g.epilogue(b, loc, acc, col), c, at,
                                                 inBounds);
    if (isa<FloatType>(g.outElement))
      write->setAttr(qf::kKernelStoreAttrName, b.getUnitAttr());
    c = write.getResult();
  };
  auto acc = [&](int64_t r, int64_t v) { return reduction.getResult(r * g.tile.vectors + v); };
  if (g.blockRows == 1) {
    for (int64_t v = 0; v < g.tile.vectors; ++v)
      for (int64_t r = 0; r < g.tile.rows; ++r)
        store(acc(r, v), r, v * lanes);
    return c;
  }
  // Blocks [a00 a01 a10 a11] and [b00 b01 b10 b11] of columns (j, j + 1)
  // and (j + 2, j + 3): rows [a00 a01 b00 b01] and [a10 a11 b10 b11].
  for (int64_t v = 0; v < g.tile.vectors; v += 2)
    for (int64_t r = 0; r < g.tile.rows; ++r) {
      Value left = acc(r, v), right = acc(r, v + 1);
      store(vector::ShuffleOp::create(b, loc, left, right, ArrayRef<int64_t>{0, 1, 4, 5}), 2 * r,
            v * columns);
      store(vector::ShuffleOp::create(b, loc, left, right, ArrayRef<int64_t>{2, 3, 6, 7}),
            2 * r + 1, v * columns);
    }
  return c;
}

} // namespace

Value emitPackedGemm(OpBuilder &b, Location loc, const PackedGemm &g) {
  return PackedGemmEmitter(b, loc, g).emit(b, loc);
}

scf::ForOp carryingLoop(OpBuilder &b, Location loc, int64_t upper, int64_t step,
                        Value carried,
                        function_ref<Value(OpBuilder &, Location, Value, Value)> body) {
  auto index = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); };
  // Made one by one, in an order that does not depend on the host compiler.
  Value stepValue = index(step);
  Value upperValue = index(upper);
  Value lowerValue = index(0);
  return scf::ForOp::create(b, loc, lowerValue, upperValue, stepValue, ValueRange{carried},
                            [&](OpBuilder &ib, Location il, Value iv, ValueRange args) {
                              scf::YieldOp::create(ib, il, body(ib, il, iv, args[0]));
                            });
}

namespace {

/// unfoldPatches for inputs with few channels (a network's first layer: 3):
/// per tap the generic copy would move C elements, too few for a vector, so
/// each kernel row's KW * C consecutive input elements move as one masked
/// vector instead (a 7x7 kernel on 3 channels: 21 elements per row).
Value unfoldShortRows(OpBuilder &b, Location loc, Value input, int64_t kh, int64_t kw,
                      ArrayRef<int64_t> outShape, ArrayRef<int64_t> strides,
                      int64_t dilationH) {
  auto inType = cast<RankedTensorType>(input.getType());
  Type element = inType.getElementType();
  int64_t c = inType.getDimSize(3), run = kw * c;
  // [N, H, W * C]: a kernel row of an output pixel starts at ow * SW * C.
  Value rows = tensor::CollapseShapeOp::create(
      b, loc, input, SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  int64_t m = outShape[0] * outShape[1] * outShape[2];
  // Integer rows are already as long as the dot-product kernels read them
  // (a multiple of 4 bytes; zero beyond the taps), which spares the kernel
  // a padded copy of the whole matrix. The last kernel row's vector also
  // writes those zeros: its lanes past the taps are masked off the read,
  // which gives them the padding value.
  int64_t width = isa<IntegerType>(element) ? (kh * run + 3) / 4 * 4 : kh * run;
  int64_t tail = width - kh * run;
  int64_t lanes = llvm::PowerOf2Ceil(run + tail);
  auto vecType = VectorType::get({lanes}, element);
  auto maskType = VectorType::get({lanes}, b.getI1Type());
  Value out = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{m, width}, element);
  auto index = [](OpBuilder &ib, Location il, int64_t v) -> Value {
    return arith::ConstantIndexOp::create(ib, il, v);
  };
  Value mask = vector::ConstantMaskOp::create(b, loc, maskType, ArrayRef<int64_t>{run});
  Value lastMask =
      tail ? vector::ConstantMaskOp::create(b, loc, maskType, ArrayRef<int64_t>{run + tail})
                 .getResult()
           : mask;
  Value pad = arith::ConstantOp::create(b, loc, element, b.getZeroAttr(element));
  // Masked lanes may lie past a row's end: not in bounds, so the lowering
  // also masks what lies outside the tensor.
  ArrayAttr inBounds = b.getBoolArrayAttr({false});
  auto loop = [](OpBuilder &ob, Location ol, int64_t upper, Value carried,
                 function_ref<Value(OpBuilder &, Location, Value, Value)> body) {
    return carryingLoop(ob, ol, upper, 1, carried, body).getResult(0);
  };
  return loop(b, loc, outShape[0], out, [&](OpBuilder &nb, Location nl, Value n, Value o0) {
    return loop(nb, nl, outShape[1], o0, [&](OpBuilder &hb, Location hl, Value oh, Value o1) {
      return loop(hb, hl, outShape[2], o1, [&](OpBuilder &wb, Location wl, Value ow, Value o2) {
        // Row n * OH * OW + oh * OW + ow of the result.
        Value row = arith::AddIOp::create(
            wb, wl,
            arith::MulIOp::create(
                wb, wl,
                arith::AddIOp::create(wb, wl,
                                      arith::MulIOp::create(wb, wl, n, index(wb, wl, outShape[1])),
                                      oh),
                index(wb, wl, outShape[2])),
            ow);
        Value first = arith::MulIOp::create(wb, wl, ow, index(wb, wl, strides[1] * c));
        Value top = arith::MulIOp::create(wb, wl, oh, index(wb, wl, strides[0]));
        Value acc = o2;
        for (int64_t i = 0; i < kh; ++i) {
          Value y = arith::AddIOp::create(wb, wl, top, index(wb, wl, i * dilationH));
          Value v = vector::TransferReadOp::create(
              wb, wl, vecType, rows, ValueRange{n, y, first},
              AffineMapAttr::get(AffineMap::getMinorIdentityMap(3, 1, wb.getContext())), pad,
              mask, inBounds);
          acc = vector::TransferWriteOp::create(
                    wb, wl, v, acc, ValueRange{row, index(wb, wl, i * run)},
                    AffineMapAttr::get(AffineMap::getMinorIdentityMap(2, 1, wb.getContext())),
                    i + 1 == kh ? lastMask : mask, inBounds)
                    .getResult();
        }
        return acc;
      });
    });
  });
}

} // namespace

Value unfoldPatches(OpBuilder &b, Location loc, Value input, int64_t kh, int64_t kw,
                    ArrayRef<int64_t> outShape, ArrayRef<int64_t> strides,
                    ArrayRef<int64_t> dilations) {
  auto inType = cast<RankedTensorType>(input.getType());
  int64_t c = inType.getDimSize(3);
  if (kh == 1 && kw == 1 && llvm::all_of(strides, [](int64_t s) { return s == 1; }) &&
      inType.getDimSize(1) == outShape[1] && inType.getDimSize(2) == outShape[2])
    return tensor::CollapseShapeOp::create(b, loc, input,
                                           SmallVector<ReassociationIndices>{{0, 1, 2}, {3}});
  if (dilations[1] == 1 && c % 16 != 0 && kw * c <= 64)
    return unfoldShortRows(b, loc, input, kh, kw, outShape, strides, dilations[0]);
  MLIRContext *ctx = b.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  // (n, oh, ow, kh, kw, c)
  SmallVector<int64_t> unfolded = {outShape[0], outShape[1], outShape[2], kh, kw, c};
  Value init = tensor::EmptyOp::create(b, loc, unfolded, inType.getElementType());
  SmallVector<AffineMap> maps = {
      AffineMap::get(6, 0, {d(0), d(1) * strides[0] + d(3) * dilations[0],
                            d(2) * strides[1] + d(4) * dilations[1], d(5)}, ctx),
      b.getMultiDimIdentityMap(6)};
  Value patches =
      linalg::GenericOp::create(
          b, loc, TypeRange{init.getType()}, ValueRange{input}, ValueRange{init}, maps,
          SmallVector<utils::IteratorType>(6, utils::IteratorType::parallel),
          [&](OpBuilder &nb, Location nl, ValueRange args) {
            linalg::YieldOp::create(nb, nl, ValueRange{args[0]});
          })
          .getResult(0);
  return tensor::CollapseShapeOp::create(
      b, loc, patches, SmallVector<ReassociationIndices>{{0, 1, 2}, {3, 4, 5}});
}

namespace {

/// The row-major bytes of an OHWI filter's [KH*KW*C, O] matrix (whole
/// bytes per element, not a splat).
std::vector<char> filterMatrixBytes(DenseElementsAttr ohwi) {
  auto type = cast<ShapedType>(ohwi.getType());
  return permuteBytes(ohwi.getRawData(), type.getShape(), {1, 2, 3, 0},
                      type.getElementTypeBitWidth() / 8);
}

/// The type of an OHWI filter's [KH*KW*C, O] matrix.
RankedTensorType filterMatrixType(DenseElementsAttr ohwi) {
  ArrayRef<int64_t> fs = cast<ShapedType>(ohwi.getType()).getShape(); // O, KH, KW, C
  return RankedTensorType::get({fs[1] * fs[2] * fs[3], fs[0]}, ohwi.getElementType());
}

} // namespace

DenseElementsAttr filterAsMatrix(DenseElementsAttr ohwi) {
  RankedTensorType type = filterMatrixType(ohwi);
  if (ohwi.isSplat())
    return ohwi.reshape(type);
  if (type.getElementTypeBitWidth() % 8 != 0)
    return {};
  return DenseElementsAttr::getFromRawBuffer(type, filterMatrixBytes(ohwi));
}

FloatMatrix filterAsFloatMatrix(DenseFPElementsAttr ohwi) {
  RankedTensorType type = filterMatrixType(ohwi);
  FloatMatrix matrix{{}, type.getDimSize(0), type.getDimSize(1)};
  if (ohwi.isSplat()) {
    matrix.values.assign(type.getNumElements(), ohwi.getSplatValue<float>());
    return matrix;
  }
  std::vector<char> bytes = filterMatrixBytes(ohwi);
  matrix.values.resize(type.getNumElements());
  std::memcpy(matrix.values.data(), bytes.data(), bytes.size());
  return matrix;
}

Value sliceToShape(OpBuilder &b, Location loc, Value t, ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(t.getType());
  if (type.getShape() == shape)
    return t;
  SmallVector<OpFoldResult> offsets(shape.size(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> strides(shape.size(), b.getIndexAttr(1));
  return tensor::ExtractSliceOp::create(b, loc, type.clone(shape), t, offsets,
                                        getAsIndexOpFoldResult(b.getContext(), shape), strides);
}

} // namespace qforge
