//===- VnniMatmul.h - int8 matrix products on AVX-512 VNNI ------*- C++ -*-===//
//
// The register-tiled micro-kernel qf-lower-to-linalg uses for integer
// matrix products (qf.matmul, and qf.conv2d through im2col) on x86 targets
// with AVX-512 VNNI: vpdpbusd multiplies 4 unsigned by 4 signed bytes and
// adds the 4 products to each of 16 int32 lanes.
//
// Data tiling: the weights [K, N] are packed at compile time into
// [N/16][K/4][16 x 4] panels, the 64 bytes one vpdpbusd reads per step.
// Activations are read in place, as unsigned bytes: signed int8 storage is
// shifted by +128 (x ^ 0x80), and the shift, with the zero point, is taken
// back by a per-column compensation computed from the weights at compile
// time: sum_k (x - z) w = sum_k u w - (z_u) colsum(w), u the unsigned byte
// and z_u the zero point in its units.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_TRANSFORMS_VNNIMATMUL_H
#define QFORGE_TRANSFORMS_VNNIMATMUL_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "qforge/Transforms/Requantize.h"

namespace qforge {

/// int32 [M, N] = sum_k (x[m, k] - z) * w[k, n]: `x` is a tensor<MxKxi8>
/// of activation storage (`xSigned`: int8, else uint8) with zero point
/// `zeroPoint`; `weights` is the constant signed int8 [K, N]. With
/// `epilogue` (per column n) the kernel requantizes its accumulators in
/// registers and returns the [M, N] storage integers instead.
mlir::Value buildVnniMatmul(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                            bool xSigned, int64_t zeroPoint,
                            mlir::DenseIntElementsAttr weights,
                            const ChannelRequantization *epilogue = nullptr);

} // namespace qforge

#endif // QFORGE_TRANSFORMS_VNNIMATMUL_H
