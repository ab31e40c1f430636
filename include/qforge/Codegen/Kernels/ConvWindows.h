//===- ConvWindows.h - convolution windows read in place --------*- C++ -*-===//
//
// A convolution as a matrix product without im2col: row m of the product is
// output pixel m = (n, oh, ow), and its reduction walks the kernel window in
// the padded NHWC input directly, tap by tap, in the order of the filter
// matrix's rows [KH][KW][C]. The integer and the float product kernels
// share this geometry (PackedGemm.h's ConvWalk is what the loop nest asks
// of it).
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_CODEGEN_KERNELS_CONVWINDOWS_H
#define QFORGE_CODEGEN_KERNELS_CONVWINDOWS_H

#include "qforge/Codegen/Kernels/PackedGemm.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/SmallVector.h"

#include <functional>

namespace qforge {

/// An ungrouped convolution's windows over its input.
struct ConvWindows {
  mlir::Value input;                 // NHWC, unpadded (or padded: see users)
  llvm::SmallVector<int64_t, 4> pad; // [top, bottom, left, right]
  int64_t kernelH = 1, kernelW = 1;
  llvm::SmallVector<int64_t, 4> outShape; // [N, OH, OW, O]
  llvm::SmallVector<int64_t, 2> strides, dilations;
};

/// Consecutive outputs' windows along one axis: output u reads input
/// position u * stride + t * dilation (counted from output 0's first tap)
/// for each tap t < taps. Kernels that load each input position once for
/// every output using it (the depthwise kernels) walk the span and ask
/// who uses each position.
struct WindowAxis {
  int64_t outputs, stride, dilation, taps;

  /// How many input positions the outputs' windows cover.
  int64_t span() const { return (outputs - 1) * stride + (taps - 1) * dilation + 1; }
  /// The (output, tap) pairs that read input position `i`.
  llvm::SmallVector<std::pair<int64_t, int64_t>> usesOf(int64_t i) const;
};

/// A convolution's register tile: rows within one image row when a count
/// from `maxRows` down to 4 divides the output width, so that a tile's rows
/// share their kernel rows; as many vectors (up to `maxVectors`) as the
/// `registers` hold beside the accumulators (`registersPerAccumulator`
/// each), a step's panels and a row's activations. Otherwise the matrix
/// product's tile.
GemmTile chooseConvTile(int64_t outWidth, int64_t m, int64_t n, int64_t lanes,
                        int64_t maxRows = 8, int64_t registersPerAccumulator = 1,
                        int64_t maxVectors = 8, int64_t registers = 32);

/// How a convolution's rows find their windows in its padded input, read
/// as one flat run of elements: the tap (kh, kw) of the row whose window
/// starts at element `base` lies at base + (kh DH Wp + kw DW) C, and step s
/// of a tap (`depth` elements each) `depth` s further.
class WindowGeometry {
public:
  /// `padded` is the windows' input already padded; `tile` the register
  /// tile, `m` the product's rows. With `paddingAddsNothing` (padding
  /// reads as zero), tiles of one image row leave out the taps that fall
  /// only on padding.
  WindowGeometry(const ConvWindows &padded, GemmTile tile, int64_t m, int64_t depth,
                 bool paddingAddsNothing);

  /// The walk the packed loop nest takes over the windows; `loadAt` reads
  /// a step's activations at an element offset of the flat input, as the
  /// kernel's combine takes them.
  ConvWalk walk(std::function<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::Value offset)>
                    loadAt) const;

  /// The element offset at which each row of the tile at m0 starts its
  /// window.
  llvm::SmallVector<mlir::Value> rowBases(mlir::OpBuilder &b, mlir::Location loc,
                                          mlir::Value m0) const;
  /// The kernel rows [first, last) the tile at m0 walks.
  std::pair<mlir::Value, mlir::Value> kernelRows(mlir::OpBuilder &b, mlir::Location loc,
                                                 mlir::Value m0) const;
  /// The element offset of the row with window base `base` at tap (kh, kw),
  /// step `step`.
  mlir::Value tapOffset(mlir::OpBuilder &b, mlir::Location loc, mlir::Value base,
                        mlir::Value kh, int64_t kw, mlir::Value step) const;

private:
  /// Whether output column x's kernel column kw reads the image, not
  /// padding.
  bool inside(int64_t x, int64_t kw) const;
  /// Which kernel columns each row of a tile takes.
  void skipPaddingColumns(ConvWalk &walk) const;

  int64_t m, channels, depth;
  int64_t hp, wp, height, width; // padded and unpadded input extents
  int64_t oh, ow, sh, sw, dh, dw;
  int64_t kernelH, kernelW, padTop, padLeft;
  int64_t rows;      // of the register tile
  bool sameImageRow; // the tile's rows lie in one image row
  bool skipPadding;  // taps on padding add nothing and may be left out
};

} // namespace qforge

#endif // QFORGE_CODEGEN_KERNELS_CONVWINDOWS_H
