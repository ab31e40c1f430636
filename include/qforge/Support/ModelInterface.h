//===- ModelInterface.h - what a compiled model takes and needs -*- C++ -*-===//
//
// The interface of a compiled model function, as the JIT calls it, the C
// header declares it and the executable's main() feeds it: its tensors'
// .npy dtypes and static shapes, and the scratch memory its intermediates
// need.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_SUPPORT_MODELINTERFACE_H
#define QFORGE_SUPPORT_MODELINTERFACE_H

#include "qforge/Support/Npy.h"

#include "mlir/IR/BuiltinOps.h"

#include <optional>
#include <string>
#include <vector>

namespace qforge {

/// One input or output tensor: its element type, static shape and name.
/// Unit attribute on a model function's argument: its leading dimension is
/// a sequence (a recurrent layer's time steps), not a batch, so callers may
/// not stack several inputs along it.
inline constexpr llvm::StringLiteral kSequenceInputAttrName = "qf.sequence_input";
/// Integer attribute on a model function's result: the index of the argument
/// the next call passes this result as (a recurrent state carried from call
/// to call, as in streaming models).
inline constexpr llvm::StringLiteral kStateInputAttrName = "qf.state_input";

struct TensorSpec {
  DType dtype;
  std::vector<int64_t> shape;
  std::string name; // The ONNX graph input or output it is, if known.
  /// An input whose leading dimension is a sequence (qf.sequence_input):
  /// the executable takes exactly that length, never a multiple.
  bool sequence = false;
  /// An output that is a state (qf.state_input): the index of the input the
  /// next call passes it as; -1 for other tensors.
  int stateInput = -1;
};

/// The location the importer gives a model function's return: one NameLoc
/// per ONNX graph output, in order, fused under this tag (which keeps a
/// single one fused). It names the outputs, not a node: no layer.
mlir::Location graphOutputsLoc(mlir::MLIRContext *context,
                               llvm::ArrayRef<mlir::Location> outputNames);
bool isGraphOutputsLoc(mlir::Location loc);

/// The ONNX names of a model function's inputs and outputs, as the importer
/// located them ("" where unknown; outputs: none if the return is not
/// located at the graph's outputs).
std::vector<std::string> functionInputNames(mlir::Operation *func);
std::vector<std::string> functionOutputNames(mlir::Operation *func);

/// The .npy dtype holding an MLIR element type, if any.
std::optional<DType> dtypeFor(mlir::Type elementType);

/// The input and output specs of function `name` in `module` (statically
/// shaped tensors of .npy-compatible types). Reports at the function and
/// returns false otherwise.
bool functionSignature(mlir::ModuleOp module, llvm::StringRef name,
                       std::vector<TensorSpec> &inputs,
                       std::vector<TensorSpec> &outputs);

/// The intermediate buffers of a compiled function, measured after
/// bufferization: each is allocated before its first use and freed after its
/// last, so at most `peakBytes` of them are live at once.
struct ScratchMemory {
  int64_t peakBytes = 0;  // The most live at once.
  int64_t totalBytes = 0; // All intermediate buffers together.
  int64_t buffers = 0;
  int64_t arenaBytes = 0; // The planned arena they live in.
  bool callerOwned = false;
};

} // namespace qforge

#endif // QFORGE_SUPPORT_MODELINTERFACE_H
