//===- FloatGemm.h - float products on the packed FMA kernel ----*- C++ -*-===//
//
// The float baseline on the same kernel structure as the integer path: one
// register-tiled product (PackedGemm.h) on weights packed at compile time,
// each step a vector fused multiply-add.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_CODEGEN_KERNELS_FLOATGEMM_H
#define QFORGE_CODEGEN_KERNELS_FLOATGEMM_H

#include "qforge/Codegen/Kernels/ConvWindows.h"
#include "qforge/Codegen/Kernels/PackedGemm.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

#include <vector>

namespace qforge {

/// The vector registers a float kernel is built for: their f32 lanes and
/// how many there are (which bounds the register tile).
struct FloatVectors {
  int64_t lanes;
  int64_t registers;
};
/// AVX-512: 32 zmm registers of 16 floats.
inline constexpr FloatVectors kZmmFloats{16, 32};
/// AVX2 with FMA: 16 ymm registers of 8 floats.
inline constexpr FloatVectors kYmmFloats{8, 16};
/// AArch64 NEON: 32 q registers of 4 floats.
inline constexpr FloatVectors kNeonFloats{4, 32};

/// y [M, N] = x [M, K] * w [K, N] + bias[n] (one bias value: the same for
/// every column), in f32 on packed weights.
mlir::Value buildFloatGemm(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                           const FloatMatrix &weights, llvm::ArrayRef<float> bias,
                           FloatVectors vectors = kZmmFloats);

/// y [B, M, N] = x [B, M, K] * w [B, K, N], both computed at run time:
/// each batch's `w` packed into column panels by one transpose over all
/// batches, then the product above per batch, threads splitting the
/// batches.
mlir::Value buildFloatBatchMatmul(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                                  mlir::Value w, FloatVectors vectors = kZmmFloats);

/// The same product on a convolution's windows read in place from
/// `padded.input` (NHWC, already padded with zeros; `padded.pad` says by
/// how much): [N*OH*OW, O] = windows x `weights` ([KH*KW*C, O], the filter
/// matrix) + bias. Row tiles of one image row leave out the taps that fall
/// only on padding.
mlir::Value buildFloatConv(mlir::OpBuilder &b, mlir::Location loc, const ConvWindows &padded,
                           const FloatMatrix &weights, llvm::ArrayRef<float> bias,
                           FloatVectors vectors = kZmmFloats);

/// The float kernels' bias table: `bias` per output channel (one value:
/// the same for all `n`), zero up to `padded` channels, so that a
/// kernel's padding columns and masked last block read it in bounds.
std::vector<float> paddedBias(llvm::ArrayRef<float> bias, int64_t n, int64_t padded);

} // namespace qforge

#endif // QFORGE_CODEGEN_KERNELS_FLOATGEMM_H
