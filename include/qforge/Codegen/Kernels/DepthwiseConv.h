//===- DepthwiseConv.h - vectorized integer depthwise convolution -*- C++ -*-===//
//
// A depthwise convolution has no reduction over channels, so it cannot use
// a dot-product instruction the way a matrix product does; its kernel keeps
// channels in vector lanes instead: 16 channels per int32 vector, each tap
// a widening load of 16 activation bytes, a multiply by the tap's 16
// weights (widened at compile time, loaded once per channel block) and an
// add. The accumulators start at the zero-point compensation, so the result
// is the exact sum of (x - z) * w.
//
// With AVX-512 VNNI a second kernel puts a kernel row's taps in the 4 bytes
// of each lane instead, so that one vpdpbusd sums a row for 16 channels: the
// activations are first copied into channel blocks ([N][H][C/16][W][16],
// which also pads them), so that a row's taps for 16 channels lie in one
// 64-byte window (up to 4 pixels) that one byte shuffle (vpermb) spreads
// over the lanes. Three instructions per kernel row where the other kernel
// takes three per tap; a row of 5 to 8 taps takes two windows.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_CODEGEN_KERNELS_DEPTHWISECONV_H
#define QFORGE_CODEGEN_KERNELS_DEPTHWISECONV_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "qforge/Dialect/QF/Utils/Requantize.h"

namespace qforge {

/// Channels per vector of the depthwise kernels; a convolution whose
/// channel count is not a multiple of it is padded to one by the caller.
constexpr int64_t kDepthwiseLanes = 16;

/// int32 [N, OH, OW, C] = sum_{kh, kw} (x[n, oh*sh + kh*dh, ow*sw + kw*dw, c]
/// - z) * w[c, kh, kw]: `x` is the already padded NHWC activation storage
/// (`xSigned`: int8, else uint8) with zero point `zeroPoint`, `filter` the
/// constant OHWI [C, KH, KW, 1] int8 filter of a depthwise convolution
/// (one output channel per input channel). With `epilogue` (per channel)
/// the kernel requantizes in registers and returns storage integers.
mlir::Value buildDepthwiseConv(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                               bool xSigned, int64_t zeroPoint,
                               mlir::DenseIntElementsAttr filter,
                               llvm::ArrayRef<int64_t> outShape,
                               llvm::ArrayRef<int64_t> strides,
                               llvm::ArrayRef<int64_t> dilations,
                               const ChannelRequantization *epilogue = nullptr);

/// Whether buildDepthwiseRowDot can take a kernel KW wide at width
/// dilation `dilationW`: a row's taps within 4 pixels, or up to 8 taps
/// undilated (two windows of 4 per kernel row).
bool depthwiseRowDotFits(int64_t kw, int64_t dilationW);

/// The same convolution on vpdpbusd (qf.vnni_dot), one instruction per
/// kernel row: `x` is the unpadded NHWC storage and `pad` = [top, bottom,
/// left, right] (the blocked copy pads it with the zero point); the channel
/// count is a multiple of kDepthwiseLanes and depthwiseRowDotFits holds.
mlir::Value buildDepthwiseRowDot(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                                 bool xSigned, int64_t zeroPoint,
                                 llvm::ArrayRef<int64_t> pad,
                                 mlir::DenseIntElementsAttr filter,
                                 llvm::ArrayRef<int64_t> outShape,
                                 llvm::ArrayRef<int64_t> strides,
                                 llvm::ArrayRef<int64_t> dilations,
                                 const ChannelRequantization *epilogue = nullptr);

} // namespace qforge

#endif // QFORGE_CODEGEN_KERNELS_DEPTHWISECONV_H
