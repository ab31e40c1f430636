//===- FloatDepthwise.h - float depthwise convolution on FMAs --*- C++ -*-===//
//
// A depthwise convolution has no reduction over channels, so it makes no
// matrix product; its float kernel keeps 16 channels in each vector's lanes
// and walks the output a tile of pixels along a row at a time: per kernel
// row, each input pixel the tile's windows share is loaded once and
// multiplied into every output of the tile whose window holds it (a fused
// multiply-add with the tap's 16 weights, which stay in L1). Channel counts
// that are not a multiple of 16 end in one masked block.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_CODEGEN_KERNELS_FLOATDEPTHWISE_H
#define QFORGE_CODEGEN_KERNELS_FLOATDEPTHWISE_H

#include "qforge/Codegen/Kernels/ConvWindows.h"
#include "qforge/Codegen/Kernels/FloatGemm.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

namespace qforge {

/// f32 [N, OH, OW, C] = bias[c] + sum_{kh, kw} x[n, oh SH + kh DH, ow SW +
/// kw DW, c] w[kh, kw, c]: `padded.input` is the NHWC input already padded
/// with zeros, `weights` the [KH, KW, C] filter (one output per channel).
mlir::Value buildFloatDepthwise(mlir::OpBuilder &b, mlir::Location loc,
                                const ConvWindows &padded, mlir::DenseFPElementsAttr weights,
                                llvm::ArrayRef<float> bias, FloatVectors vectors = kZmmFloats);

} // namespace qforge

#endif // QFORGE_CODEGEN_KERNELS_FLOATDEPTHWISE_H
