//===- ImportContext.h - state shared by the ONNX op converters -*- C++ -*-===//
//
// Private to lib/Import. The graph importer walks the nodes in order and hands
// each to the converter registered for its op type through a NodeContext:
// inputs (materialized on demand, constants kept on the host for folding),
// attributes, and a way to name the node in errors. Converters derive their
// result types themselves.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_LIB_IMPORT_IMPORTCONTEXT_H
#define QFORGE_LIB_IMPORT_IMPORTCONTEXT_H

#include "qforge/Import/OnnxImporter.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringMap.h"

#include "onnx/onnx_pb.h"

#include <optional>
#include <vector>

namespace qforge::onnx_import {

/// ONNX TensorProto data type -> MLIR element type; null when unsupported.
mlir::Type convertElementType(mlir::MLIRContext *context, int onnxType);

/// A readable name of an ONNX data type ("FLOAT", "INT64", ...).
std::string onnxTypeName(int onnxType);

/// One value known on the host: an initializer, a Constant node or a folded
/// shape computation.
using HostTensor = mlir::DenseElementsAttr;

/// A TensorProto's type and elements as little-endian bytes (one byte per
/// BOOL), whichever field held them.
struct TensorBytes {
  mlir::RankedTensorType type;
  std::vector<char> bytes;
};

/// Reads a TensorProto (raw or typed fields) without making an attribute
/// (attributes live as long as the compiler: a weight read only to be
/// folded must not leave one behind). On failure returns nothing and sets
/// `error`.
std::optional<TensorBytes> readTensorProto(mlir::MLIRContext *context,
                                           const onnx::TensorProto &tensor,
                                           std::string &error);

/// Converts a TensorProto (raw or typed fields) into an attribute. On failure
/// returns null and sets `error`.
HostTensor convertTensorProto(mlir::MLIRContext *context,
                              const onnx::TensorProto &tensor,
                              std::string &error);

class GraphImporter;

class NodeContext {
public:
  NodeContext(GraphImporter &graph, const onnx::NodeProto &node,
              mlir::OpBuilder &builder, mlir::Location loc, int64_t opset);

  const onnx::NodeProto &node;
  mlir::OpBuilder &b;
  mlir::Location loc;
  int64_t opset;

  llvm::StringRef opType() const { return node.op_type(); }
  /// The node's name, or its first output's name for unnamed nodes.
  llvm::StringRef name() const;

  // --- inputs -------------------------------------------------------------
  /// True when input `i` exists and is not the empty (omitted) name.
  bool hasInput(size_t i) const;
  size_t numInputs() const { return node.input_size(); }
  /// The SSA value of input `i` (constants are materialized as tosa.const).
  mlir::Value input(size_t i);
  mlir::RankedTensorType inputType(size_t i);
  /// The ONNX value name of input `i`, for messages.
  llvm::StringRef inputName(size_t i) const { return node.input(i); }
  /// The host value of input `i`, or null when it is computed at run time.
  HostTensor constInput(size_t i) const;
  /// Whether input `i` is a host value (without reading it).
  bool isConstInput(size_t i) const;
  /// Constant input `i` reshaped to `shape` (its element count) with its
  /// dimensions permuted by `perms` (as permuteConstant), read once: a
  /// weight read this way leaves no attribute of its ONNX layout behind.
  /// Null when the input is computed at run time.
  HostTensor permutedConstInput(size_t i, llvm::ArrayRef<int64_t> shape,
                                llvm::ArrayRef<int64_t> perms) const;
  /// Input `i` (an integer tensor, maybe unsigned) as a signless tensor of
  /// the same bits: constants reinterpreted on the host, run-time values
  /// through an unrealized cast that qf-erase-integer-signedness removes.
  mlir::Value signlessInput(size_t i);
  /// A signless tensor back in ONNX's element type `onnxElement` (the
  /// inverse view).
  mlir::Value onnxView(mlir::Value signless, mlir::Type onnxElement);
  /// Integer contents of a constant input; reports an error naming `what`
  /// and fails when the input is not a constant.
  mlir::FailureOr<llvm::SmallVector<int64_t>> constInts(size_t i,
                                                        llvm::StringRef what);
  /// Float contents of a constant input, as for constInts.
  mlir::FailureOr<llvm::SmallVector<double>> constFloats(size_t i,
                                                         llvm::StringRef what);
  /// The single value of a constant one-element input, as double.
  mlir::FailureOr<double> constScalar(size_t i, llvm::StringRef what);
  bool allInputsConstant() const;

  // --- outputs ------------------------------------------------------------
  size_t numOutputs() const { return node.output_size(); }
  /// True when output `i` exists and some node or the graph uses it.
  bool outputUsed(size_t i) const;
  void setOutput(size_t i, mlir::Value value);
  /// Records a value computed on the host (folded); it is materialized only
  /// if a run-time op needs it.
  void setOutput(size_t i, HostTensor value);

  // --- attributes ---------------------------------------------------------
  const onnx::AttributeProto *attr(llvm::StringRef name) const;
  bool hasAttr(llvm::StringRef name) const { return attr(name) != nullptr; }
  int64_t getInt(llvm::StringRef name, int64_t dflt) const;
  float getFloat(llvm::StringRef name, float dflt) const;
  std::string getString(llvm::StringRef name, llvm::StringRef dflt) const;
  llvm::SmallVector<int64_t> getInts(llvm::StringRef name) const;
  llvm::SmallVector<float> getFloats(llvm::StringRef name) const;

  /// `axis` of a tensor of rank `rank`, made non-negative; an error when out
  /// of range (ONNX's [-rank, rank)).
  mlir::FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank);

  // --- diagnostics --------------------------------------------------------
  /// An error that starts with "node 'NAME' (OpType): ".
  mlir::InFlightDiagnostic emitError();
  /// Reports that this node uses a feature the importer lacks.
  mlir::LogicalResult unsupported(const llvm::Twine &what);

  GraphImporter &graph;
};

using ConvertFn = mlir::LogicalResult (*)(NodeContext &);

struct OpConverter {
  ConvertFn convert;
  SupportedOp info;
};

using ConverterMap = llvm::StringMap<OpConverter>;

/// Registers `fn` for ONNX op type `name`: `since` is the oldest opset whose
/// form it reads; `lowersTo` and `notes` go into docs/onnx-ops.md.
void addConverter(ConverterMap &map, llvm::StringRef name, ConvertFn fn,
                  int since, llvm::StringRef lowersTo, llvm::StringRef notes = "");

/// All converters, by ONNX op type (default domain).
const ConverterMap &converters();

// Each file of converters adds its own.
void addElementwiseConverters(ConverterMap &map);
void addNeuralNetConverters(ConverterMap &map);
void addShapeConverters(ConverterMap &map);
void addQuantizedConverters(ConverterMap &map);
void addResizeConverters(ConverterMap &map);
void addIndexingConverters(ConverterMap &map);
void addSignalConverters(ConverterMap &map);
void addLossConverters(ConverterMap &map);
void addRecurrentConverters(ConverterMap &map);
void addOptimizerConverters(ConverterMap &map);
void addTfIdfVectorizerConverter(ConverterMap &map);
void addNormalizationConverters(ConverterMap &map);
void addLpPoolConverters(ConverterMap &map);
void addControlFlowConverters(ConverterMap &map);
void addRoiAlignConverter(ConverterMap &map);
void addNonMaxSuppressionConverter(ConverterMap &map);
void addUniqueConverter(ConverterMap &map);
void addEinsumConverter(ConverterMap &map);
void addGridSampleConverter(ConverterMap &map);

} // namespace qforge::onnx_import

#endif // QFORGE_LIB_IMPORT_IMPORTCONTEXT_H
