//===- QuantParams.h - a quantized type's numbers, as lowerings use them -*- C++ -*-===//
//
// The scales, zero points and storage range of a `!quant.uniform` type (per
// tensor, per axis, or in blocks), read once for every lowering and rewrite
// that computes with them: the reference conversion (QFToLinalg), the
// target kernels (Codegen) and QDQ fusion.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_DIALECT_QF_UTILS_QUANTPARAMS_H
#define QFORGE_DIALECT_QF_UTILS_QUANTPARAMS_H

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>

namespace qforge {

/// Quantization parameters of a tensor type, per tensor (axis -1) or per
/// axis; for a blocked type only the storage (see WeightBlocks).
struct QuantParams {
  llvm::SmallVector<double> scales;
  llvm::SmallVector<int64_t> zeroPoints;
  int64_t axis = -1;
  bool isSigned = true;
  unsigned bits = 8;
  int64_t qmin = 0, qmax = 0;
  bool blocked = false; // Scales per block: see readWeightBlocks.

  /// The scales, one per channel of `channels` (a per-tensor scale repeated).
  llvm::SmallVector<double> channelScales(int64_t channels) const;
  /// The zero points likewise.
  llvm::SmallVector<int64_t> channelZeroPoints(int64_t channels) const;
};

/// The parameters of `type`'s quantized element type (a tensor of
/// !quant.uniform, or the element type itself). A blocked (sub-channel)
/// type gives its storage only, `blocked` set.
QuantParams readQuantParams(mlir::Type type);

/// Block-quantized weights as the integer kernels compute with them: every
/// block scale is an integer multiple c (1..255) of a per-channel unit u,
/// so the blocks' int32 sums combine exactly as sum_g c[g] * partial[g] and
/// one requantization per channel (at s_act * u / s_out) finishes the job.
/// qf-quantize produces exactly this form.
struct WeightBlocks {
  int64_t axis = 0;                      // The blocked (reduction) axis.
  int64_t size = 0;                      // Values per block along it.
  int64_t count = 0;                     // Blocks along it.
  llvm::SmallVector<double> units;       // u per output channel.
  llvm::SmallVector<int64_t> multiples;  // c, [count][channels] row-major.
};

/// Reads the blocks of a weight type quantized in blocks along `axis` only
/// (per output channel along `channelAxis`); nullopt with `error` (a
/// sentence for the op's diagnostic) when they are of another form.
std::optional<WeightBlocks> readWeightBlocks(mlir::RankedTensorType type,
                                             int64_t channelAxis, int64_t axis,
                                             std::string &error);

/// The real requantization multipliers s_act * s_w / s_out, one per weight
/// scale (or block unit).
llvm::SmallVector<double> outputMultipliers(const QuantParams &act,
                                            llvm::ArrayRef<double> weightScales,
                                            const QuantParams &out);

/// An op's clamp in storage units, or the whole storage range of `out`.
std::pair<int64_t, int64_t> clampBounds(std::optional<llvm::ArrayRef<int64_t>> clamp,
                                        const QuantParams &out);

} // namespace qforge

#endif // QFORGE_DIALECT_QF_UTILS_QUANTPARAMS_H
