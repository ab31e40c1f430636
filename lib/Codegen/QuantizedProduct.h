//===- QuantizedProduct.h - a qf product as the integer kernels read it -*- C++ -*-===//

#ifndef QFORGE_LIB_CODEGEN_QUANTIZEDPRODUCT_H
#define QFORGE_LIB_CODEGEN_QUANTIZEDPRODUCT_H

#include "qforge/Codegen/Kernels/DotProductMatmul.h"
#include "qforge/Dialect/QF/Utils/QuantParams.h"
#include "qforge/Dialect/QF/Utils/Requantize.h"

#include "mlir/IR/Builders.h"

namespace qforge {

/// What the integer kernels need of a qf.matmul or qf.conv2d: int8
/// activations and constant, symmetric, signed weights, either int8 (a
/// quant.scast of a constant) or 4-bit (a qf.packed_constant), per channel
/// or in blocks of whole 4-byte steps.
struct QuantizedProduct {
  QuantParams act, weight;
  std::optional<WeightBlocks> blocks;
  /// The weights as signed values in the op's layout ([K, N] for a matmul,
  /// OHWI for a convolution), one per element.
  mlir::DenseIntElementsAttr values;
  bool nibbles = false; // 4-bit weights
};

/// The product's inputs as the kernels take them, or nullopt when they are
/// of another form.
std::optional<QuantizedProduct> readQuantizedProduct(mlir::Operation *op);

/// The run multiples of block-quantized weights whose reduction axis
/// repeats the blocks `repeats` times (a convolution's KH x KW windows over
/// the blocked input channels).
WeightRuns weightRuns(const WeightBlocks &blocks, int64_t channels, int64_t repeats);

/// The requantization the product's result asks for, as per-channel tables
/// a kernel applies in registers: for a quantized result with a constant
/// (or no) bias; none otherwise (the kernel returns accumulators). With
/// blocks the kernel's accumulators are the combined block sums, in units
/// of the blocks' units; they fit int32 below 2^30 (dotProductFitsInt32), so
/// a bias below 2^30 keeps the sum exact in int32 as in the reference's
/// int64.
std::optional<ChannelRequantization> channelEpilogue(const QuantizedProduct &product,
                                                     mlir::Value bias, int64_t channels,
                                                     std::optional<llvm::ArrayRef<int64_t>> clamp,
                                                     mlir::Type resultType);

/// A quantized operand's storage integers (quant.scast), for a kernel.
mlir::Value storageOf(mlir::OpBuilder &b, mlir::Location loc, mlir::Value quantized);

/// A kernel's result as the product's storage: as it is when the kernel
/// requantized in registers (`fused`); else its accumulators (int32 sums;
/// with blocks, widened to the reference's int64) finished by the reference
/// epilogue (bias, requantization).
mlir::Value finishKernelProduct(mlir::OpBuilder &b, mlir::Location loc, mlir::Value acc,
                                bool fused, const QuantizedProduct &product, mlir::Value bias,
                                int64_t channelAxis,
                                std::optional<llvm::ArrayRef<int64_t>> clamp,
                                mlir::Type resultType);

/// `storage` as a value of the op's result type: cast to it when that is
/// quantized (quant.scast), as it is otherwise (accumulators, floats).
mlir::Value resultFromStorage(mlir::OpBuilder &b, mlir::Location loc, mlir::Value storage,
                              mlir::Type resultType);

} // namespace qforge

#endif // QFORGE_LIB_CODEGEN_QUANTIZEDPRODUCT_H
