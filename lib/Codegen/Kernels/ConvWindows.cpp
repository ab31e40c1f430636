//===- ConvWindows.cpp - convolution windows read in place ----------------===//

#include "qforge/Codegen/Kernels/ConvWindows.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

namespace qforge {

namespace {
Value idx(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}
} // namespace

SmallVector<std::pair<int64_t, int64_t>> WindowAxis::usesOf(int64_t i) const {
  SmallVector<std::pair<int64_t, int64_t>> uses;
  for (int64_t u = 0; u < outputs; ++u) {
    int64_t offset = i - u * stride;
    if (offset >= 0 && offset % dilation == 0 && offset / dilation < taps)
      uses.push_back({u, offset / dilation});
  }
  return uses;
}

GemmTile chooseConvTile(int64_t outWidth, int64_t m, int64_t n, int64_t lanes, int64_t maxRows,
                        int64_t registersPerAccumulator, int64_t maxVectors,
                        int64_t registers) {
  int64_t rows = 0;
  for (int64_t r = maxRows; r >= 4 && !rows; --r)
    if (outWidth % r == 0)
      rows = r;
  if (!rows)
    return chooseGemmTile(m, n, lanes, 1, 0, 8, registers);
  int64_t vectors = std::min<int64_t>(
      std::max<int64_t>((registers - 2) / (rows * registersPerAccumulator + 1), 1), maxVectors);
  return chooseGemmTile(m, n, lanes, 1, rows, vectors, registers);
}

WindowGeometry::WindowGeometry(const ConvWindows &padded, GemmTile tile, int64_t m,
                               int64_t depth, bool paddingAddsNothing)
    : m(m), depth(depth) {
  auto inType = cast<RankedTensorType>(padded.input.getType());
  channels = inType.getDimSize(3);
  hp = inType.getDimSize(1);
  wp = inType.getDimSize(2);
  height = hp - padded.pad[0] - padded.pad[1];
  width = wp - padded.pad[2] - padded.pad[3];
  oh = padded.outShape[1];
  ow = padded.outShape[2];
  sh = padded.strides[0];
  sw = padded.strides[1];
  dh = padded.dilations[0];
  dw = padded.dilations[1];
  kernelH = padded.kernelH;
  kernelW = padded.kernelW;
  padTop = padded.pad[0];
  padLeft = padded.pad[2];
  rows = tile.rows;
  // Rows of a tile lie in one image row when the tile divides its width.
  sameImageRow = ow % tile.rows == 0;
  // Padding that reads as zero adds nothing to the products (and nothing
  // to an integer kernel's compensation), so taps that fall only on it can
  // be left out.
  skipPadding = paddingAddsNothing && sameImageRow;
}

ConvWalk WindowGeometry::walk(
    std::function<Value(OpBuilder &, Location, Value offset)> loadAt) const {
  ConvWalk walk;
  walk.kernelH = kernelH;
  walk.kernelW = kernelW;
  walk.stepsPerTap = channels / depth;
  WindowGeometry geo = *this;
  walk.rowBases = [geo](OpBuilder &rb, Location rl, Value m0) {
    return geo.rowBases(rb, rl, m0);
  };
  walk.kernelRows = [geo](OpBuilder &rb, Location rl, Value m0) {
    return geo.kernelRows(rb, rl, m0);
  };
  skipPaddingColumns(walk);
  walk.loadTap = [geo, loadAt](OpBuilder &rb, Location rl, Value base, Value kh, int64_t kw,
                               Value step) -> Value {
    return loadAt(rb, rl, geo.tapOffset(rb, rl, base, kh, kw, step));
  };
  return walk;
}

/// Row m = ((n OH) + oh) OW + ow starts at ((n Hp + oh SH) Wp + ow SW) C;
/// rows past M (the tile's padding) read the last row's window.
SmallVector<Value> WindowGeometry::rowBases(OpBuilder &rb, Location rl, Value m0) const {
  SmallVector<Value> bases;
  for (int64_t r = 0; r < rows; ++r) {
    if (sameImageRow && r > 0) {
      bases.push_back(arith::AddIOp::create(rb, rl, bases[0], idx(rb, rl, r * sw * channels)));
      continue;
    }
    Value row = arith::MinUIOp::create(
        rb, rl, arith::AddIOp::create(rb, rl, m0, idx(rb, rl, r)), idx(rb, rl, m - 1));
    Value image = arith::DivUIOp::create(rb, rl, row, idx(rb, rl, oh * ow));
    Value y = arith::RemUIOp::create(
        rb, rl, arith::DivUIOp::create(rb, rl, row, idx(rb, rl, ow)), idx(rb, rl, oh));
    Value x = arith::RemUIOp::create(rb, rl, row, idx(rb, rl, ow));
    Value top = arith::AddIOp::create(rb, rl,
                                      arith::MulIOp::create(rb, rl, image, idx(rb, rl, hp)),
                                      arith::MulIOp::create(rb, rl, y, idx(rb, rl, sh)));
    Value pixel = arith::AddIOp::create(rb, rl,
                                        arith::MulIOp::create(rb, rl, top, idx(rb, rl, wp)),
                                        arith::MulIOp::create(rb, rl, x, idx(rb, rl, sw)));
    bases.push_back(arith::MulIOp::create(rb, rl, pixel, idx(rb, rl, channels)));
  }
  return bases;
}

/// All kernel rows, or (skipping padding) those that touch the image. The
/// window's top row in the unpadded input is y0 = oh SH - top; kernel row i
/// reads input row y0 + i DH, inside when 0 <= it < H.
std::pair<Value, Value> WindowGeometry::kernelRows(OpBuilder &rb, Location rl,
                                                   Value m0) const {
  if (!skipPadding)
    return {idx(rb, rl, 0), idx(rb, rl, kernelH)};
  Value y = arith::RemUIOp::create(
      rb, rl, arith::DivUIOp::create(rb, rl, m0, idx(rb, rl, ow)), idx(rb, rl, oh));
  Value y0 = arith::SubIOp::create(rb, rl, arith::MulIOp::create(rb, rl, y, idx(rb, rl, sh)),
                                   idx(rb, rl, padTop));
  Value first = arith::MaxSIOp::create(
      rb, rl, idx(rb, rl, 0),
      arith::CeilDivSIOp::create(rb, rl, arith::SubIOp::create(rb, rl, idx(rb, rl, 0), y0),
                                 idx(rb, rl, dh)));
  Value last = arith::MinSIOp::create(
      rb, rl, idx(rb, rl, kernelH),
      arith::AddIOp::create(
          rb, rl,
          arith::FloorDivSIOp::create(
              rb, rl, arith::SubIOp::create(rb, rl, idx(rb, rl, height - 1), y0),
              idx(rb, rl, dh)),
          idx(rb, rl, 1)));
  return {first, last};
}

/// Input column x SW - left + kw DW.
bool WindowGeometry::inside(int64_t x, int64_t kw) const {
  int64_t xIn = x * sw - padLeft + kw * dw;
  return xIn >= 0 && xIn < width;
}

/// With one tile per image row, row r is output column r; with more, tiles
/// are the first of their image row (output columns from 0), the last (from
/// OW - rows), or between (from `rows` to OW - 2 rows: a row is taken there
/// if it is at both ends), told apart at run time (tilePlace).
void WindowGeometry::skipPaddingColumns(ConvWalk &walk) const {
  WindowGeometry geo = *this;
  if (skipPadding && rows == ow) {
    walk.rowTakesColumn = [geo](int64_t, int64_t r, int64_t kw) { return geo.inside(r, kw); };
  } else if (skipPadding) {
    walk.places = 3;
    walk.tilePlace = [geo](OpBuilder &rb, Location rl, Value m0) -> Value {
      Value x0 = arith::RemUIOp::create(rb, rl, m0, idx(rb, rl, geo.ow));
      auto at = [&](int64_t x) {
        return arith::CmpIOp::create(rb, rl, arith::CmpIPredicate::eq, x0, idx(rb, rl, x));
      };
      // One statement per op: the IR's order must not depend on the order
      // in which the host compiler evaluates arguments.
      Value between = idx(rb, rl, 2);
      Value last = idx(rb, rl, 1);
      Value isLast = at(geo.ow - geo.rows);
      Value lastOrBetween = arith::SelectOp::create(rb, rl, isLast, last, between);
      Value first = idx(rb, rl, 0);
      Value isFirst = at(0);
      return arith::SelectOp::create(rb, rl, isFirst, first, lastOrBetween);
    };
    walk.rowTakesColumn = [geo](int64_t place, int64_t r, int64_t kw) {
      int64_t rows = geo.rows, ow = geo.ow;
      if (place == 0)
        return geo.inside(r, kw);
      if (place == 1)
        return geo.inside(ow - rows + r, kw);
      return ow < 3 * rows || (geo.inside(rows + r, kw) && geo.inside(ow - 2 * rows + r, kw));
    };
  } else {
    walk.rowTakesColumn = [](int64_t, int64_t, int64_t) { return true; };
  }
}

Value WindowGeometry::tapOffset(OpBuilder &rb, Location rl, Value base, Value kh, int64_t kw,
                                Value step) const {
  return arith::AddIOp::create(
      rb, rl, base,
      arith::AddIOp::create(
          rb, rl, arith::MulIOp::create(rb, rl, kh, idx(rb, rl, dh * wp * channels)),
          arith::AddIOp::create(rb, rl, idx(rb, rl, kw * dw * channels),
                                arith::MulIOp::create(rb, rl, step, idx(rb, rl, depth)))));
}

} // namespace qforge
