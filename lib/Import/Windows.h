//===- Windows.h - convolution and pooling windows --------------*- C++ -*-===//

#ifndef QFORGE_LIB_IMPORT_WINDOWS_H
#define QFORGE_LIB_IMPORT_WINDOWS_H

#include "ImportContext.h"

namespace qforge::onnx_import {

/// One spatial dimension of a convolution or pool, resolved to explicit
/// padding. TOSA requires the padded extent minus the dilated kernel to be a
/// multiple of the stride, so trailing rows no window reads are dropped:
/// first from the end padding, then (`crop`) from the input itself.
struct Window {
  int64_t padBegin = 0, padEnd = 0, out = 0, crop = 0;
};

mlir::FailureOr<Window> resolveWindow(NodeContext &ctx, int64_t in,
                                     int64_t kernel, int64_t stride,
                                     int64_t dilation, int64_t padBegin,
                                     int64_t padEnd, llvm::StringRef autoPad,
                                     bool ceilMode);

/// One spatial dimension of a transposed convolution: the padding taken
/// off its full output ((in - 1) stride + output_padding + the dilated
/// kernel's extent) and the output's size.
struct TransposedWindow {
  int64_t padBegin = 0, padEnd = 0, out = 0;
};

/// The declared pads, or, with `outputSize` (output_shape) or SAME
/// auto_pad (then in x stride), the pads that give that size: the odd one
/// at the end for SAME_UPPER, else at the beginning, as ONNX specifies; an
/// output larger than the full one grows at the end (onnxruntime, and
/// ONNX's test data). An empty output is an error naming `axis`.
mlir::FailureOr<TransposedWindow>
resolveTransposedWindow(NodeContext &ctx, int64_t axis, int64_t in, int64_t extent,
                        int64_t stride, int64_t outputPadding, int64_t padBegin,
                        int64_t padEnd, std::optional<int64_t> outputSize,
                        llvm::StringRef autoPad);

/// The spatial attributes of Conv/ConvTranspose/MaxPool/AveragePool for
/// `spatial` dimensions, with ONNX defaults.
struct WindowAttrs {
  llvm::SmallVector<int64_t> kernel, strides, dilations, pads;
  std::string autoPad;
};

/// Reads and checks them: one value per spatial dimension (two for pads),
/// kernel sizes, strides and dilations at least 1, pads not negative; an
/// error naming the attribute otherwise.
mlir::FailureOr<WindowAttrs> readWindowAttrs(NodeContext &ctx, int64_t spatial);

/// Brings a 1-D window (rank 3, [N, C, L]) to 2-D with H = 1; attributes
/// gain the neutral H entries.
void liftTo2D(WindowAttrs &a);

/// [N, C, L] -> [N, C, 1, L].
llvm::SmallVector<int64_t> withUnitH(llvm::ArrayRef<int64_t> shape);

/// Transposes NCHW to NHWC and crops rows/columns no window reads.
mlir::Value toNhwc(NodeContext &ctx, mlir::Value x, const Window &h,
                   const Window &w);

/// Conv and ConvTranspose of a 5-D (NCDHW, float) input on tosa.conv3d.
mlir::LogicalResult convertVolumeConv(NodeContext &ctx);
mlir::LogicalResult convertVolumeConvTranspose(NodeContext &ctx);

enum class TapPool { Max, Average, Sum };

/// Pools `x` [N, C, spatial...] (float) by combining the window's taps one
/// by one: for the windows TOSA's 2-D pools do not take (dilated, or more
/// than two spatial dimensions) and for sums (LpPool).
mlir::FailureOr<mlir::Value> poolByTaps(NodeContext &ctx, mlir::Value x, const WindowAttrs &a,
                                        TapPool kind);

/// MaxPool with its Indices output, by taps as poolByTaps: the maxima and,
/// for each, the flattened index of its first occurrence in the window
/// (int64; row-major, or column-major for storage_order 1, each image of
/// the batch and channel after the ones before it, as ONNX specifies).
mlir::FailureOr<std::pair<mlir::Value, mlir::Value>>
maxPoolWithIndices(NodeContext &ctx, mlir::Value x, const WindowAttrs &a, bool columnMajor);

} // namespace qforge::onnx_import

#endif // QFORGE_LIB_IMPORT_WINDOWS_H
