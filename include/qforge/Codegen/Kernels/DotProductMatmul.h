//===- DotProductMatmul.h - int8 products on dot-product instructions -*- C++ -*-===//
//
// The register-tiled micro-kernels qf-lower-to-kernels emits for integer
// matrix products (qf.matmul, and qf.conv2d read in place or through
// im2col) on targets with a 4-byte dot-product instruction: each int32
// lane of the accumulator adds the 4 products of 4 activation bytes and 4
// weight bytes.
//
// - x86 AVX-512 VNNI, `vpdpbusd` (qf.vnni_dot): 16 lanes, unsigned
//   activations by signed weights.
// - x86 AVX-VNNI, the same instruction VEX-encoded on ymm registers (CPUs
//   without AVX-512: Intel Alder Lake and later client cores): 8 lanes,
//   and half the registers, so smaller register tiles.
// - x86 AVX2 without VNNI, `vpmaddwd` (qf.pair_dot) twice per 4 bytes:
//   the activations widened to int16 (unsigned) once before the kernel,
//   the weights sign-extended in registers from panels that hold each
//   column's first two bytes, then its last two. `vpmaddubsw`, which
//   multiplies bytes directly, saturates its int16 pair sums (255 * 127
//   * 2 does not fit) and so would not match the reference loops; the
//   widened form is exact and, on cores with two vector multipliers,
//   does as many multiply-adds per cycle (docs/performance.md).
// - AArch64 dotprod, `sdot` (arm_neon.intr.sdot): 4 lanes, signed by signed;
//   with int8 weights 4 instructions a step, each row's 16 bytes loaded
//   once and taken 4 at a time by element.
// - AArch64 i8mm, `smmla` (arm_neon.intr.smmla): a 2 x 8 by 8 x 2 product
//   of signed bytes into a 2 x 2 block of int32 (two rows, two columns per
//   accumulator; 8 bytes of the reduction per instruction).
// - AArch64 without either (ARMv8.0: Cortex-A53, A72), `smull` + `sadalp`
//   (qf.byte_pair_dot): 8 byte products in int16, added in pairs into 4
//   int32 lanes, signed by signed, 2 bytes of the reduction per
//   instruction (each row's pair copied to every column); exact for every
//   byte, unlike gemmlowp's `smlal2` form, which adds two products in
//   int16. With int8 weights 4 instructions a step, as for sdot.
//
// - x86 AMX, `tdpbusd` or `tdpbssd` on tiles (AmxMatmul.h): the weights
//   packed as for vpdpbusd with 2 vectors per step, 16 steps of which make
//   a weight tile; activations of either signedness as they are.
//
// Data tiling: the weights [K, N] are packed at compile time into
// [N/W][K/D][W x D] panels, D the instruction's depth (4; 8 for smmla, 2
// for smull),
// W = C V for C columns per accumulator and V accumulators across a column
// tile; one step of the kernel reads a column tile's V panels of C x D
// bytes, contiguous. Activations are read in place, with their top bit
// flipped when the instruction wants the other signedness (x ^ 0x80, a
// shift by 128); the shift, with the zero point, is taken back by a
// per-column compensation computed from the weights at compile time:
// sum_k (x - z) w = sum_k x' w - z' colsum(w), x' the byte the
// instruction reads and z' the zero point in its units.
//
// 4-bit weights (every instruction) stay 4-bit in memory: the panels of
// two neighbouring column vectors share one panel's bytes (64 on zmm, 32
// on ymm, 16 on a q register; weight i of the first in the low nibble of
// byte i, weight i of the second in its high nibble; a last unpaired panel
// keeps its halves, weight i and i + half, in half the bytes) and are
// unpacked in registers by byte shifts, before any widening.
// Block-quantized ones are summed in runs of one block each, every run's
// partial sums multiplied by the block's integer multiple per column
// (smmla's 2 x 2 blocks: the multiples of its 2 columns in both rows)
// before they join the totals.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_CODEGEN_KERNELS_DOTPRODUCTMATMUL_H
#define QFORGE_CODEGEN_KERNELS_DOTPRODUCTMATMUL_H

#include "qforge/Codegen/Kernels/ConvWindows.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "qforge/Dialect/QF/Utils/Requantize.h"

namespace qforge {

/// The dot-product instruction a kernel is built on.
enum class DotInstruction {
  X86Vnni,
  X86AvxVnni,
  X86Pmaddwd,
  ArmSdot,
  ArmSmmla,
  ArmSmull,
  /// AMX tiles (AmxMatmul.h): signed or unsigned activations as they are,
  /// always read from a matrix (convolutions unfolded), int8 weights only.
  X86Amx,
};

/// Weights whose reduction axis is split into runs of `size` values, run r
/// of column n weighing `multiples[r * N + n]` times its values (4-bit
/// weights with block scales that are integer multiples of a channel unit).
struct WeightRuns {
  int64_t size = 0;
  std::vector<int32_t> multiples;
};

/// The constant weights of a product: signed [K, N] values, 4-bit ones
/// (`nibbles`, in [-8, 7]) stored two per byte by the kernel, optionally in
/// runs.
struct DotProductWeights {
  mlir::DenseIntElementsAttr values;
  bool nibbles = false;
  const WeightRuns *runs = nullptr;
};

/// The reduction values one instruction takes per output (4; smmla 8):
/// block-quantized weights need blocks of whole multiples of it.
int64_t dotProductDepth(DotInstruction instruction);

/// Whether the kernel's int32 accumulators hold every sum exactly for any
/// activations: twice 255 times the largest column sum of |weight x
/// multiple| is below 2^31 (the reference computes block sums in int64).
bool dotProductFitsInt32(const DotProductWeights &weights);

/// int32 [M, N] = sum_k (x[m, k] - z) * w[k, n] (times w's run multiple):
/// `x` is a tensor<MxKxi8> of activation storage (`xSigned`: int8, else
/// uint8) with zero point `zeroPoint`. With `epilogue` (per column n) the
/// kernel requantizes its accumulators in registers and returns the [M, N]
/// storage integers instead.
mlir::Value buildDotProductMatmul(mlir::OpBuilder &b, mlir::Location loc,
                                  DotInstruction instruction, mlir::Value x, bool xSigned,
                                  int64_t zeroPoint, const DotProductWeights &weights,
                                  const ChannelRequantization *epilogue = nullptr);

/// buildDotProductMatmul on the windows of `windows`: [N*OH*OW, O]. The
/// input is padded as it is copied to the bytes the instruction reads;
/// then the kernel reads the windows in place when it can (single-row
/// accumulators, channels that fill whole steps, runs of weights, if any,
/// that do not straddle taps), else from them unfolded (im2col). In place,
/// when the padding reads as zero bytes (zero point 0 in the instruction's
/// units, e.g. u8 0 or i8 -128 on x86), row tiles of one image row skip
/// the kernel rows and columns that fall on padding.
mlir::Value buildDotProductConv(mlir::OpBuilder &b, mlir::Location loc,
                                DotInstruction instruction, const ConvWindows &windows,
                                bool xSigned, int64_t zeroPoint,
                                const DotProductWeights &weights,
                                const ChannelRequantization *epilogue = nullptr);

} // namespace qforge

#endif // QFORGE_CODEGEN_KERNELS_DOTPRODUCTMATMUL_H
