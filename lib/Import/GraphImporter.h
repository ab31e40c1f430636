//===- GraphImporter.h - one ONNX graph to one func.func --------*- C++ -*-===//

#ifndef QFORGE_LIB_IMPORT_GRAPHIMPORTER_H
#define QFORGE_LIB_IMPORT_GRAPHIMPORTER_H

#include "ImportContext.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringSet.h"

namespace qforge::onnx_import {

class GraphImporter {
public:
  GraphImporter(mlir::ModuleOp module, onnx::ModelProto &model,
                mlir::Location fileLoc, int64_t opset,
                const ImportOptions &options);

  /// Builds the function. Every problem is reported before returning
  /// failure, so one run lists all of them where they are independent.
  mlir::LogicalResult run();

  // Used by NodeContext.
  mlir::Value lookup(llvm::StringRef name, mlir::Location loc);
  /// The host value `name` names (an initializer is made an attribute the
  /// first time it is asked for), or null for a run-time value.
  HostTensor lookupHost(llvm::StringRef name);
  /// Host value `name` reshaped to `shape` with its dimensions permuted by
  /// `perms`: an initializer no node has read yet is permuted from its
  /// bytes, so its original layout never becomes an attribute (attributes
  /// live as long as the compiler, and weights are its largest memory).
  HostTensor lookupHostPermuted(llvm::StringRef name, llvm::ArrayRef<int64_t> shape,
                                llvm::ArrayRef<int64_t> perms);
  /// Whether `name` is a host value or an initializer.
  bool isHost(llvm::StringRef name) const;
  mlir::RankedTensorType lookupType(llvm::StringRef name) const;
  void define(llvm::StringRef name, mlir::Value value);
  void defineHost(llvm::StringRef name, HostTensor value);
  bool isUsed(llvm::StringRef name) const { return used.contains(name); }

  /// A value passed into or out of a subgraph: computed at run time, or a
  /// host constant.
  struct SubgraphValue {
    mlir::Value value;
    HostTensor host;
  };
  /// Imports the nodes of `body` (an If branch, a Loop or Scan body) at the
  /// builder's position, its inputs bound to `inputs`; the outer scope's
  /// values stay visible, the body's own names vanish afterwards.
  mlir::LogicalResult importSubgraph(const onnx::GraphProto &body,
                                     llvm::ArrayRef<SubgraphValue> inputs,
                                     llvm::SmallVectorImpl<SubgraphValue> &outputs);

  mlir::Location fileLoc;

private:
  mlir::LogicalResult collectInitializers();
  mlir::LogicalResult checkSingleWriters();
  /// Reports a node that lacks an input ONNX's schema for its operator
  /// requires (the converters read required inputs unchecked).
  mlir::LogicalResult checkRequiredInputs(const onnx::NodeProto &node);
  mlir::LogicalResult buildSignature(mlir::func::FuncOp &func);
  void nameNodeOutputs(const onnx::NodeProto &node, mlir::Location nodeLoc);
  /// Converts a node whose inputs are defined, reporting what fails.
  mlir::LogicalResult importNode(const onnx::NodeProto &node);

  mlir::MLIRContext *context;
  mlir::ModuleOp module;
  onnx::ModelProto &model;
  int64_t opset;
  const ImportOptions &options;
  mlir::OpBuilder builder;

  llvm::StringMap<mlir::Value> values;
  llvm::StringMap<HostTensor> hostValues;
  /// Initializers not yet made attributes (see lookupHost).
  struct UnreadInitializer {
    const onnx::TensorProto *proto;
    mlir::RankedTensorType type;
  };
  llvm::StringMap<UnreadInitializer> initializers;
  llvm::StringSet<> used;
};

} // namespace qforge::onnx_import

#endif // QFORGE_LIB_IMPORT_GRAPHIMPORTER_H
