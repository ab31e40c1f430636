//===- LayerObservers.h - observe a layer's output and its float twin -*- C++ -*-===//
//
// The report's SQNR and the bias correction on data both compare what a
// quantized layer outputs with what the float model computes for the same
// ONNX value: each pair gets one observer id in both modules.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_LIB_QUANTIZATION_LAYEROBSERVERS_H
#define QFORGE_LIB_QUANTIZATION_LAYEROBSERVERS_H

#include "qforge/Quantization/Quantize.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <utility>
#include <vector>

namespace qforge {

/// An observer with `id` and `label` right after `v` is defined.
void observeValue(mlir::Value v, int64_t id, llvm::StringRef label);

/// One observed pair: the layer's index and the float value it stands for.
struct ObservedLayer {
  size_t layer;
  mlir::Value floatValue;
};

/// For each layer of `layers` that `wanted` accepts, whose quantized
/// output (`quantizedOutput` of it; null for none) has a float twin of the
/// same ONNX name and type in `floatModule`: observes both with the next id
/// (0, 1, ...). Returns the observed layers in id order.
std::vector<ObservedLayer>
observeLayerOutputs(mlir::ModuleOp floatModule, llvm::ArrayRef<QuantizedLayer> layers,
                    llvm::function_ref<mlir::Value(const QuantizedLayer &)> quantizedOutput,
                    llvm::function_ref<bool(const QuantizedLayer &)> wanted);

} // namespace qforge

#endif // QFORGE_LIB_QUANTIZATION_LAYEROBSERVERS_H
