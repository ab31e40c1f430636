//===- StateOutputs.h - outputs the next call passes back in ----*- C++ -*-===//

#ifndef QFORGE_LIB_IMPORT_STATEOUTPUTS_H
#define QFORGE_LIB_IMPORT_STATEOUTPUTS_H

#include "qforge/Import/OnnxImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include "onnx/onnx_pb.h"

namespace qforge::onnx_import {

/// Marks each result of the imported `func` that is a state carried from one
/// call to the next with the index of the input it comes back as
/// (qf.state_input): the final state Y_h (LSTM: and Y_c) of a recurrent
/// layer whose initial state is a graph input and whose final state is a
/// graph output, and every pair `declared` names (graph output -> graph
/// input, which must have the same type). Reports at `fileLoc` what it
/// cannot mark.
mlir::LogicalResult
markStateOutputs(mlir::func::FuncOp func, const onnx::GraphProto &graph,
                 llvm::ArrayRef<std::pair<std::string, std::string>> declared,
                 mlir::Location fileLoc);

} // namespace qforge::onnx_import

#endif // QFORGE_LIB_IMPORT_STATEOUTPUTS_H
