//===- AmxMatmul.h - int8 products on AMX tiles -----------------*- C++ -*-===//
//
// Intel AMX (Sapphire Rapids and later Xeons) multiplies whole tiles:
// `tdpbusd` (u8 x s8) and `tdpbssd` (s8 x s8) add the products of a
// 16 x 64-byte activation tile and a 16 x 64-byte weight tile, laid out as
// 16 rows of 4-byte groups of the reduction for 16 columns, into a 16 x 16
// int32 accumulator tile: 16K multiply-adds per instruction. With 8 tile
// registers, a block of 32 rows by 32 columns holds 4 accumulators, 2
// activation tiles and 2 weight tiles.
//
// The weights' layout is the VNNI kernel's packing with 2 vectors of 16
// columns per step ([Np/32][Kp/4][2 x 16 x 4] bytes): a weight tile is 16
// consecutive steps of one vector, at a row stride of 128 bytes. The
// activations are an [Mp, Kp] matrix whose rows are read in place, 64
// bytes of 16 rows per tile; or a convolution's padded NHWC input, read in
// place: a tile is R output pixels of one image row (R dividing the output
// width, at most 16) at one tap and 64 of its channels, rows sw C bytes
// apart, and a block two such tiles by 32 columns. The accumulators go
// through memory (a small buffer per block, on the stack of the thread
// computing it) to the vector epilogue of the other kernels. The blocks
// run as one sequence in pairs, the first one's epilogue after the second
// one's tile products; consecutive blocks share one operand's panel (32
// rows or columns by Kp bytes), which stays in the L1 cache while the
// other operand streams by (the weights, unless they are the larger one).
//
// A process that may not use AMX (qf.amx_ready: the operating system
// refused, or QFORGE_AMX=0) computes each block's sums on vpdpbusd from
// the same operands instead, 2 rows at a time: the same integers.
//
// Tiles live in memory as far as MLIR is concerned (the upstream `amx`
// dialect loads and stores memrefs), so the kernel takes the buffers of its
// tensor operands (bufferization.to_buffer) and returns its own.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_CODEGEN_KERNELS_AMXMATMUL_H
#define QFORGE_CODEGEN_KERNELS_AMXMATMUL_H

#include "mlir/IR/Builders.h"

#include <functional>
#include <optional>

namespace qforge {

/// Rows and columns of the output block one pass over the reduction
/// computes (2 x 2 accumulator tiles; a convolution read in place has
/// 2 R rows), and the reduction bytes per step.
constexpr int64_t kAmxBlockRows = 32;
constexpr int64_t kAmxBlockColumns = 32;
constexpr int64_t kAmxStepBytes = 64;
/// Products with a shorter reduction keep the VNNI kernel: padded to a
/// step, they would leave most of each tile multiply idle.
constexpr int64_t kAmxMinDepth = 32;

/// A convolution's windows in its padded NHWC input (channels a multiple
/// of 64, the filter matrix's rows in [KH][KW][C] order).
struct AmxWindows {
  int64_t pixelsPerTile; // R: divides outW, at most 16
  int64_t rows;          // output pixels N OH OW
  int64_t outH, outW, strideH, strideW, dilationH, dilationW;
  int64_t kernelW, channels, paddedH, paddedW;
};

struct AmxProduct {
  int64_t mp, np, kp; // multiples of a block's rows, a block's columns, a step
  /// [Mp, Kp] activation bytes, unsigned (`lhsUnsigned`) or signed; with
  /// `windows`, the convolution's padded input as one run of bytes.
  mlir::Value lhs;
  std::optional<AmxWindows> windows;
  bool lhsUnsigned = true;
  /// The weights as [Np / 32][Kp / 4][128] signed bytes (see above).
  mlir::Value packed;
  /// For signed activations: 128 times each column's weight sum, [Np]
  /// int32, which the vpdpbusd form (processes refused AMX) takes off.
  mlir::Value flipCorrection;
  /// What the epilogue stores.
  mlir::Type outElement;
  /// The int32 sums of columns [col, col + 16) of one row -> the vector to
  /// store.
  std::function<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::Value sums,
                            mlir::Value col)>
      epilogue;
};

/// The rows R of a tile of output pixels of a row `outW` wide: its largest
/// divisor up to 16, or 0 when that is below 4 (the windows are then
/// unfolded into a matrix).
int64_t amxPixelsPerTile(int64_t outW);

/// Whether a convolution of `channels` input channels and an output
/// `outW` wide is read in place (else its windows are unfolded).
bool amxReadsWindowsInPlace(int64_t channels, int64_t outW);

/// Emits the loop over the pairs of blocks: the [Mp, Np] result tensor of
/// outElement. A product with at least kIntegerParallelMinMacs multiply-adds and
/// two pairs marks that loop for threads to split (qf.parallel_split).
mlir::Value emitAmxProduct(mlir::OpBuilder &b, mlir::Location loc, const AmxProduct &p);

} // namespace qforge

#endif // QFORGE_CODEGEN_KERNELS_AMXMATMUL_H
