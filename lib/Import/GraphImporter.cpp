//===- GraphImporter.cpp - one ONNX graph to one func.func ----------------===//

#include "GraphImporter.h"
#include "HostFolding.h"
#include "FoldBatchNorm.h"
#include "ModelLoader.h"
#include "OnnxSchemas.h"
#include "StateOutputs.h"
#include "TosaBuilders.h"

#include "qforge/Dialect/QF/IR/QFDialect.h"
#include "qforge/Dialect/QF/Utils/Layout.h"
#include "qforge/Support/ModelInterface.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/ScopeExit.h"

using namespace mlir;

namespace qforge {
namespace onnx_import {

//===----------------------------------------------------------------------===//
// NodeContext
//===----------------------------------------------------------------------===//

NodeContext::NodeContext(GraphImporter &graph, const onnx::NodeProto &node,
                         OpBuilder &builder, Location loc, int64_t opset)
    : node(node), b(builder), loc(loc), opset(opset), graph(graph) {}

/// How diagnostics name a node: its name, else its first output, else "?".
static StringRef nodeLabel(const onnx::NodeProto &node) {
  if (!node.name().empty())
    return node.name();
  return node.output_size() ? StringRef(node.output(0)) : StringRef("?");
}

StringRef NodeContext::name() const { return nodeLabel(node); }

bool NodeContext::hasInput(size_t i) const {
  return static_cast<int>(i) < node.input_size() && !node.input(i).empty();
}

Value NodeContext::input(size_t i) {
  assert(hasInput(i) && "converter asked for an absent input");
  return graph.lookup(node.input(i), loc);
}

RankedTensorType NodeContext::inputType(size_t i) {
  return graph.lookupType(node.input(i));
}

HostTensor NodeContext::constInput(size_t i) const {
  if (!hasInput(i))
    return {};
  return graph.lookupHost(node.input(i));
}

Value NodeContext::signlessInput(size_t i) {
  RankedTensorType type = inputType(i);
  Type signless = b.getIntegerType(type.getElementType().getIntOrFloatBitWidth());
  if (HostTensor value = constInput(i))
    return constant(b, loc, value.bitcast(signless));
  Value v = input(i);
  if (type.getElementType() == signless)
    return v;
  return UnrealizedConversionCastOp::create(b, loc, type.clone(signless), v).getResult(0);
}

Value NodeContext::onnxView(Value signless, Type onnxElement) {
  RankedTensorType type = typeOf(signless);
  if (type.getElementType() == onnxElement)
    return signless;
  return UnrealizedConversionCastOp::create(b, loc, type.clone(onnxElement), signless)
      .getResult(0);
}

bool NodeContext::isConstInput(size_t i) const {
  return hasInput(i) && graph.isHost(node.input(i));
}

HostTensor NodeContext::permutedConstInput(size_t i, ArrayRef<int64_t> shape,
                                           ArrayRef<int64_t> perms) const {
  if (!hasInput(i))
    return {};
  return graph.lookupHostPermuted(node.input(i), shape, perms);
}

bool NodeContext::allInputsConstant() const {
  for (int i = 0; i < node.input_size(); ++i)
    if (hasInput(i) && !constInput(i))
      return false;
  return true;
}

/// Reports that input `i` (in the role `what`) must be a compile-time
/// constant. The message names the ONNX value too, so a caller can tell which
/// graph input to freeze.
static void reportNotConstant(NodeContext &ctx, size_t i, StringRef what,
                              StringRef kind) {
  auto diag = ctx.emitError() << "input '" << what << "'";
  if (ctx.node.input(i) != what)
    diag << " (value '" << ctx.node.input(i) << "')";
  diag << " must be a constant " << kind
       << " (computed at compile time); a value known only at run time is "
          "not supported";
}

FailureOr<SmallVector<int64_t>> NodeContext::constInts(size_t i,
                                                       StringRef what) {
  HostTensor value = constInput(i);
  if (!value || !isa<IntegerType>(value.getElementType())) {
    reportNotConstant(*this, i, what, "integer tensor");
    return failure();
  }
  return intValues(value);
}

FailureOr<SmallVector<double>> NodeContext::constFloats(size_t i,
                                                        StringRef what) {
  HostTensor value = constInput(i);
  if (!value || !isa<FloatType>(value.getElementType())) {
    reportNotConstant(*this, i, what, "float tensor");
    return failure();
  }
  return floatValues(value);
}

FailureOr<double> NodeContext::constScalar(size_t i, StringRef what) {
  HostTensor value = constInput(i);
  if (!value || value.getNumElements() != 1) {
    reportNotConstant(*this, i, what, "with one element");
    return failure();
  }
  if (isa<FloatType>(value.getElementType()))
    return floatValues(value)[0];
  return static_cast<double>(intValues(value)[0]);
}

bool NodeContext::outputUsed(size_t i) const {
  return static_cast<int>(i) < node.output_size() && !node.output(i).empty() &&
         graph.isUsed(node.output(i));
}

// An output the node does not name (a trailing optional one left off, or
// an empty name) has no reader: the value is dropped.
static bool namesOutput(const onnx::NodeProto &node, size_t i) {
  return static_cast<int>(i) < node.output_size() && !node.output(i).empty();
}

void NodeContext::setOutput(size_t i, Value value) {
  if (namesOutput(node, i))
    graph.define(node.output(i), value);
}

void NodeContext::setOutput(size_t i, HostTensor value) {
  if (namesOutput(node, i))
    graph.defineHost(node.output(i), value);
}

LogicalResult GraphImporter::checkRequiredInputs(const onnx::NodeProto &node) {
  std::vector<FormalInput> formals;
  std::string domain = node.domain() == "ai.onnx" ? "" : node.domain();
  if (!formalInputs(node.op_type(), domain, static_cast<int>(opset), formals))
    return success(); // Unknown here; an unsupported operator is reported later.
  for (size_t i = 0; i < formals.size(); ++i) {
    int given = node.input_size() - static_cast<int>(i);
    bool missing = formals[i].kind == FormalInput::Single
                       ? given <= 0 || node.input(static_cast<int>(i)).empty()
                       : formals[i].kind == FormalInput::Variadic && given < formals[i].minArity;
    if (missing) {
      emitError(fileLoc) << "node '" << nodeLabel(node) << "' (" << node.op_type()
                         << ") lacks input " << i << " ('" << formals[i].name
                         << "'), which the operator requires";
      return failure();
    }
  }
  return success();
}

FailureOr<int64_t> NodeContext::normalizeAxis(int64_t axis, int64_t rank) {
  int64_t a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) {
    emitError() << "axis " << axis << " is out of range for rank " << rank;
    return failure();
  }
  return a;
}

const onnx::AttributeProto *NodeContext::attr(StringRef name) const {
  for (const onnx::AttributeProto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t NodeContext::getInt(StringRef name, int64_t dflt) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->i() : dflt;
}

float NodeContext::getFloat(StringRef name, float dflt) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->f() : dflt;
}

std::string NodeContext::getString(StringRef name, StringRef dflt) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->s() : dflt.str();
}

SmallVector<int64_t> NodeContext::getInts(StringRef name) const {
  const onnx::AttributeProto *a = attr(name);
  if (!a)
    return {};
  return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
}

SmallVector<float> NodeContext::getFloats(StringRef name) const {
  const onnx::AttributeProto *a = attr(name);
  if (!a)
    return {};
  return SmallVector<float>(a->floats().begin(), a->floats().end());
}

InFlightDiagnostic NodeContext::emitError() {
  return mlir::emitError(graph.fileLoc)
         << "node '" << name() << "' (" << opType() << "): ";
}

LogicalResult NodeContext::unsupported(const Twine &what) {
  emitError() << what << " is not supported";
  return failure();
}

//===----------------------------------------------------------------------===//
// GraphImporter
//===----------------------------------------------------------------------===//

GraphImporter::GraphImporter(ModuleOp module, onnx::ModelProto &model,
                             Location fileLoc, int64_t opset,
                             const ImportOptions &options)
    : fileLoc(fileLoc), context(module.getContext()), module(module),
      model(model), opset(opset), options(options), builder(context) {}

Value GraphImporter::lookup(StringRef name, Location loc) {
  auto it = values.find(name);
  if (it != values.end())
    return it->second;
  HostTensor host = lookupHost(name);
  assert(host && "use of an undefined ONNX value");
  // Materialize a host value the first time run-time code needs it.
  Value value = constant(builder, loc, host);
  values[name] = value;
  return value;
}

HostTensor GraphImporter::lookupHost(StringRef name) {
  auto it = hostValues.find(name);
  if (it != hostValues.end())
    return it->second;
  auto unread = initializers.find(name);
  if (unread == initializers.end())
    return {};
  // collectInitializers read it once already: this cannot fail.
  std::string error;
  HostTensor value = convertTensorProto(context, *unread->second.proto, error);
  assert(value && "an initializer that was read before fails to convert");
  initializers.erase(unread);
  hostValues[name] = value;
  return value;
}

HostTensor GraphImporter::lookupHostPermuted(StringRef name, ArrayRef<int64_t> shape,
                                             ArrayRef<int64_t> perms) {
  auto unread = initializers.find(name);
  // Elements narrower than a byte (bool, int4) are permuted as attributes.
  if (unread == initializers.end() ||
      unread->second.type.getElementTypeBitWidth() % 8 != 0) {
    HostTensor value = lookupHost(name);
    if (!value)
      return {};
    return permuteConstant(value.reshape(value.getType().clone(shape)), perms);
  }
  std::string error;
  std::optional<TensorBytes> read = readTensorProto(context, *unread->second.proto, error);
  assert(read && "an initializer that was read before fails to read");
  Type element = read->type.getElementType();
  SmallVector<int64_t> permuted;
  for (int64_t p : perms)
    permuted.push_back(shape[p]);
  return DenseElementsAttr::getFromRawBuffer(
      RankedTensorType::get(permuted, element),
      permuteBytes(read->bytes, shape, perms, element.getIntOrFloatBitWidth() / 8));
}

bool GraphImporter::isHost(StringRef name) const {
  return hostValues.contains(name) || initializers.contains(name);
}

RankedTensorType GraphImporter::lookupType(StringRef name) const {
  auto it = values.find(name);
  if (it != values.end())
    return cast<RankedTensorType>(it->second.getType());
  auto host = hostValues.find(name);
  if (host != hostValues.end())
    return cast<RankedTensorType>(host->second.getType());
  auto unread = initializers.find(name);
  assert(unread != initializers.end() && "use of an undefined ONNX value");
  return unread->second.type;
}

void GraphImporter::define(StringRef name, Value value) {
  values[name] = value;
}

void GraphImporter::defineHost(StringRef name, HostTensor value) {
  hostValues[name] = value;
}

/// The op that produces an ONNX output gets the location
/// `"value"("node"(file))`: tools after import (observers, the calibration
/// table, quantization reports) name tensors by their ONNX value names and
/// still know the node. Ops the node did not create itself (an output that
/// is another node's value passed through) keep their own location.
void GraphImporter::nameNodeOutputs(const onnx::NodeProto &node,
                                    Location nodeLoc) {
  for (const std::string &output : node.output()) {
    auto it = values.find(output);
    if (output.empty() || it == values.end())
      continue;
    Operation *producer = it->second.getDefiningOp();
    if (producer && producer->getLoc() == nodeLoc)
      producer->setLoc(
          NameLoc::get(StringAttr::get(context, output), nodeLoc));
  }
}

LogicalResult GraphImporter::collectInitializers() {
  bool ok = true;
  for (const onnx::TensorProto &tensor : model.graph().initializer()) {
    // Read once to check it; the attribute is made when a node needs it
    // (lookupHost), or never, when it is only read permuted.
    std::string error;
    std::optional<TensorBytes> read = readTensorProto(context, tensor, error);
    if (!read) {
      emitError(fileLoc) << "initializer: " << error;
      ok = false;
      continue;
    }
    initializers[tensor.name()] = {&tensor, read->type};
  }
  return success(ok);
}

/// Whether the product of `shape` fits in an int64 (a tensor's element
/// count, which every later byte count multiplies further).
static bool fitsElementCount(ArrayRef<int64_t> shape) {
  int64_t count = 1;
  for (int64_t d : shape)
    if (llvm::MulOverflow(count, d, count))
      return false;
  return true;
}

/// Every tensor has one writer: no two nodes write the same output, and no
/// node writes a graph input or an initializer. Reports each clash.
LogicalResult GraphImporter::checkSingleWriters() {
  const onnx::GraphProto &graph = model.graph();
  llvm::StringMap<std::string> writer;
  for (const onnx::ValueInfoProto &input : graph.input())
    writer[input.name()] = "a graph input";
  for (const onnx::TensorProto &init : graph.initializer())
    writer[init.name()] = "an initializer";
  bool ok = true;
  for (const onnx::NodeProto &node : graph.node()) {
    std::string nodeName = nodeLabel(node).str();
    for (const std::string &output : node.output()) {
      if (output.empty())
        continue;
      auto [it, inserted] =
          writer.try_emplace(output, "node '" + nodeName + "' (" + node.op_type() + ")");
      if (inserted)
        continue;
      emitError(fileLoc) << "node '" << nodeName << "' (" << node.op_type() << ") writes '"
                         << output << "', which " << it->second
                         << " already defines; every tensor has one writer";
      ok = false;
    }
  }
  return success(ok);
}

LogicalResult GraphImporter::buildSignature(func::FuncOp &func) {
  const onnx::GraphProto &graph = model.graph();
  bool ok = true;
  SmallVector<Type> argTypes;
  SmallVector<Location> argLocs;
  SmallVector<std::string> argNames;
  llvm::StringSet<> inputNames;
  for (const onnx::ValueInfoProto &input : graph.input()) {
    // Old models list initializers among the inputs; they are weights.
    if (isHost(input.name()))
      continue;
    inputNames.insert(input.name());
    if (!input.type().has_tensor_type()) {
      emitError(fileLoc) << "input '" << input.name()
                         << "' is not a tensor; only tensor inputs are "
                            "supported";
      ok = false;
      continue;
    }
    const onnx::TypeProto::Tensor &tensor = input.type().tensor_type();
    Type element = convertElementType(context, tensor.elem_type());
    if (!element) {
      emitError(fileLoc) << "input '" << input.name()
                         << "' has unsupported data type "
                         << onnxTypeName(tensor.elem_type());
      ok = false;
      continue;
    }
    SmallVector<int64_t> shape;
    auto pinned = options.inputShapes.find(input.name());
    if (pinned != options.inputShapes.end()) {
      shape.assign(pinned->second.begin(), pinned->second.end());
      if (tensor.has_shape() &&
          tensor.shape().dim_size() != static_cast<int>(shape.size())) {
        emitError(fileLoc) << "--input-shape gives input '" << input.name()
                           << "' rank " << shape.size()
                           << " but the model declares rank "
                           << tensor.shape().dim_size();
        ok = false;
        continue;
      }
      bool mismatch = false;
      for (int d = 0; tensor.has_shape() && d < tensor.shape().dim_size(); ++d) {
        const auto &dim = tensor.shape().dim(d);
        if (dim.has_dim_value() && dim.dim_value() != shape[d]) {
          emitError(fileLoc) << "--input-shape gives input '" << input.name()
                             << "' size " << shape[d] << " in dimension " << d
                             << " but the model fixes it at "
                             << dim.dim_value();
          mismatch = true;
        }
      }
      if (mismatch) {
        ok = false;
        continue;
      }
    } else if (!tensor.has_shape()) {
      emitError(fileLoc) << "input '" << input.name()
                         << "' has no declared shape; give it with "
                            "--input-shape="
                         << input.name() << ":DIMS";
      ok = false;
      continue;
    } else {
      for (int d = 0; d < tensor.shape().dim_size(); ++d) {
        const auto &dim = tensor.shape().dim(d);
        if (dim.has_dim_value() && dim.dim_value() > 0) {
          shape.push_back(dim.dim_value());
          continue;
        }
        if (dim.has_dim_value() && dim.dim_value() < 0) {
          emitError(fileLoc) << "input '" << input.name() << "' has size "
                             << dim.dim_value() << " in dimension " << d
                             << "; sizes cannot be negative";
          ok = false;
          continue;
        }
        if (d == 0) {
          // A dynamic leading dimension is the batch: compile for one.
          shape.push_back(1);
          continue;
        }
        std::string symbol =
            dim.has_dim_param() ? "'" + dim.dim_param() + "'" : "unnamed";
        emitError(fileLoc) << "input '" << input.name()
                           << "' has dynamic dimension " << d << " ("
                           << symbol << "); pin it with --input-shape="
                           << input.name() << ":DIMS";
        ok = false;
      }
      if (static_cast<int>(shape.size()) != tensor.shape().dim_size())
        continue;
    }
    if (!fitsElementCount(shape)) {
      emitError(fileLoc) << "input '" << input.name() << "' has shape "
                         << llvm::join(llvm::map_range(shape, [](int64_t d) {
                              return std::to_string(d);
                            }), "x")
                         << ", more elements than a 64-bit count holds";
      ok = false;
      continue;
    }
    argTypes.push_back(RankedTensorType::get(shape, element));
    argLocs.push_back(NameLoc::get(StringAttr::get(context, input.name()), fileLoc));
    argNames.push_back(input.name());
  }
  for (const auto &entry : options.inputShapes) {
    if (!inputNames.contains(entry.first)) {
      emitError(fileLoc) << "--input-shape names '" << entry.first
                         << "', which is not an input of the model";
      ok = false;
    }
  }
  if (!ok)
    return failure();

  builder.setInsertionPointToEnd(module.getBody());
  func = func::FuncOp::create(builder, fileLoc, options.functionName,
                              builder.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  for (auto [i, arg] : llvm::enumerate(entry->getArguments())) {
    arg.setLoc(argLocs[i]);
    values[argNames[i]] = arg;
  }
  builder.setInsertionPointToStart(entry);
  return success();
}

/// Operators whose opset 1-6 forms are the form qforge reads (legacy
/// attributes such as consumed_inputs aside): in a model of opset 6 or
/// older, any other operator is reported unsupported (binary operators
/// broadcast differently, Concat's axis was optional, Tile and Reshape took
/// attributes, ...).
static bool hasSameFormBeforeOpset7(StringRef op) {
  static const llvm::StringSet<> kOps = {
      "Abs",        "Ceil",          "Elu",
      "Exp",        "Floor",         "GlobalAveragePool",
      "GlobalMaxPool", "HardSigmoid", "Identity",
      "InstanceNormalization", "LeakyRelu", "Log",
      "Neg",        "Not",           "Reciprocal",
      "ReduceL1",   "ReduceL2",      "ReduceLogSum",
      "ReduceLogSumExp", "ReduceMax", "ReduceMean",
      "ReduceMin",  "ReduceProd",    "ReduceSum",
      "ReduceSumSquare", "Relu",     "Selu",
      "Sigmoid",    "Softplus",      "Softsign",
      "Sqrt",       "Tanh"};
  return kOps.contains(op);
}

/// The converter table's name of a node's operator: its type, qualified
/// by its operator-set domain outside the default one.
static std::string converterKey(const onnx::NodeProto &node) {
  if (node.domain().empty() || node.domain() == "ai.onnx")
    return node.op_type();
  return node.domain() + "." + node.op_type();
}

/// Calls `fn` on every node of `graph` and of the subgraphs its nodes hold
/// (If branches, Loop and Scan bodies), outer nodes first.
static void forEachNode(const onnx::GraphProto &graph,
                        function_ref<void(const onnx::NodeProto &)> fn) {
  for (const onnx::NodeProto &node : graph.node()) {
    fn(node);
    for (const onnx::AttributeProto &attr : node.attribute()) {
      if (attr.has_g())
        forEachNode(attr.g(), fn);
      for (const onnx::GraphProto &g : attr.graphs())
        forEachNode(g, fn);
    }
  }
}

LogicalResult GraphImporter::run() {
  const onnx::GraphProto &graph = model.graph();
  const ConverterMap &registry = converters();

  // Every unsupported operator, with the nodes that use it (subgraphs'
  // included), in one report.
  std::vector<std::pair<std::string, SmallVector<std::string>>> unsupported;
  llvm::StringMap<size_t> unsupportedIndex;
  forEachNode(graph, [&](const onnx::NodeProto &node) {
    std::string nodeName = nodeLabel(node).str();
    bool defaultDomain = node.domain().empty() || node.domain() == "ai.onnx";
    bool legacyForm = defaultDomain && opset < 7 && !hasSameFormBeforeOpset7(node.op_type());
    if (registry.contains(converterKey(node)) && !legacyForm)
      return;
    // Operators of other operator-set domains (com.microsoft, ai.onnx.ml,
    // ...) are unsupported as a whole; the report names the domain.
    std::string key = !defaultDomain ? node.op_type() + " of operator-set domain '" +
                                           node.domain() + "'"
                      : legacyForm ? node.op_type() + " in its opset-" +
                                         std::to_string(opset) + " form"
                                   : node.op_type();
    auto [it, inserted] = unsupportedIndex.try_emplace(key, unsupported.size());
    if (inserted)
      unsupported.push_back({key, {}});
    unsupported[it->second].second.push_back(nodeName);
  });
  if (!unsupported.empty()) {
    auto diag = emitError(fileLoc)
                << unsupported.size() << " unsupported operator"
                << (unsupported.size() == 1 ? "" : "s") << ": ";
    bool first = true;
    for (auto &[op, nodes] : unsupported) {
      diag << (first ? "" : "; ") << op << " (node"
           << (nodes.size() == 1 ? " " : "s ");
      for (auto [i, n] : llvm::enumerate(nodes)) {
        if (i == 5) {
          diag << ", and " << nodes.size() - 5 << " more";
          break;
        }
        diag << (i ? ", " : "") << "'" << n << "'";
      }
      diag << ")";
      first = false;
    }
    return failure();
  }

  if (failed(checkSingleWriters()) || failed(collectInitializers()))
    return failure();
  forEachNode(graph, [&](const onnx::NodeProto &node) {
    for (const std::string &input : node.input())
      if (!input.empty())
        used.insert(input);
  });
  for (const onnx::ValueInfoProto &output : graph.output())
    used.insert(output.name());

  func::FuncOp func;
  if (failed(buildSignature(func)))
    return failure();

  // A failed node poisons its outputs; nodes that read them are skipped
  // without a second report, so each independent problem is reported once.
  llvm::StringSet<> poisoned;
  bool ok = true;
  for (const onnx::NodeProto &node : graph.node()) {
    bool skip = false;
    if (llvm::all_of(node.output(), [](const std::string &o) { return o.empty(); })) {
      emitError(fileLoc) << "node '" << nodeLabel(node) << "' (" << node.op_type()
                         << ") has no outputs; every ONNX operator produces at least one";
      ok = false;
      continue;
    }
    if (failed(checkRequiredInputs(node))) {
      ok = false;
      continue;
    }
    for (const std::string &input : node.input()) {
      if (input.empty())
        continue;
      if (poisoned.contains(input)) {
        skip = true;
        break;
      }
      if (!values.contains(input) && !isHost(input)) {
        emitError(fileLoc) << "node '" << nodeLabel(node) << "' (" << node.op_type()
                           << ") reads '" << input
                           << "', which no earlier node, input or initializer "
                              "defines";
        skip = true;
        ok = false;
        break;
      }
    }
    if (!skip) {
      if (succeeded(importNode(node)))
        continue;
      ok = false;
    }
    for (const std::string &output : node.output())
      poisoned.insert(output);
  }
  if (!ok)
    return failure();

  SmallVector<Value> results;
  SmallVector<Location> outputNames;
  for (const onnx::ValueInfoProto &output : graph.output()) {
    if (!values.contains(output.name()) && !isHost(output.name())) {
      emitError(fileLoc) << "graph output '" << output.name()
                         << "' is not produced by any node";
      return failure();
    }
    results.push_back(lookup(output.name(), fileLoc));
    outputNames.push_back(NameLoc::get(StringAttr::get(context, output.name()), fileLoc));
  }
  // Compiled models report the outputs' names (functionSignature).
  func::ReturnOp::create(builder, graphOutputsLoc(context, outputNames), results);
  func.setFunctionType(builder.getFunctionType(
      func.getArgumentTypes(), ValueRange(results).getTypes()));
  return success();
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node) {
  std::string locName = !node.name().empty() ? node.name()
                        : node.output_size()  ? node.output(0)
                                              : node.op_type();
  Location loc = NameLoc::get(StringAttr::get(context, locName), fileLoc);
  NodeContext ctx(*this, node, builder, loc, opset);
  if (failed(converters().lookup(converterKey(node)).convert(ctx)))
    return failure();
  bool ok = true;
  for (int i = 0; i < node.output_size(); ++i)
    if (!node.output(i).empty() && isUsed(node.output(i)) && !values.contains(node.output(i)) &&
        !isHost(node.output(i))) {
      ctx.emitError() << "output " << i << " ('" << node.output(i)
                      << "') is used but the importer does not produce it";
      ok = false;
    }
  if (ok)
    nameNodeOutputs(node, loc);
  return success(ok);
}

/// The names a subgraph defines: its inputs, initializers and node outputs.
static SmallVector<std::string> namesDefinedBy(const onnx::GraphProto &body) {
  SmallVector<std::string> names;
  for (const onnx::ValueInfoProto &input : body.input())
    names.push_back(input.name());
  for (const onnx::TensorProto &init : body.initializer())
    names.push_back(init.name());
  for (const onnx::NodeProto &node : body.node())
    for (const std::string &output : node.output())
      if (!output.empty())
        names.push_back(output);
  return names;
}

LogicalResult GraphImporter::importSubgraph(const onnx::GraphProto &body,
                                            ArrayRef<SubgraphValue> inputs,
                                            SmallVectorImpl<SubgraphValue> &outputs) {
  if (static_cast<size_t>(body.input_size()) != inputs.size()) {
    emitError(fileLoc) << "subgraph '" << body.name() << "' takes " << body.input_size()
                       << " inputs; " << inputs.size() << " given";
    return failure();
  }
  // The subgraph's names shadow the outer scope's while it is imported.
  struct Shadowed {
    std::string name;
    Value value;
    HostTensor host;
  };
  SmallVector<Shadowed> shadowed;
  for (const std::string &name : namesDefinedBy(body)) {
    shadowed.push_back({name, values.lookup(name), hostValues.lookup(name)});
    values.erase(name);
    hostValues.erase(name);
  }
  auto restore = llvm::make_scope_exit([&] {
    for (const Shadowed &s : llvm::reverse(shadowed)) {
      values.erase(s.name);
      hostValues.erase(s.name);
      if (s.value)
        values[s.name] = s.value;
      if (s.host)
        hostValues[s.name] = s.host;
    }
  });
  for (auto [formal, actual] : llvm::zip(body.input(), inputs)) {
    if (actual.host)
      hostValues[formal.name()] = actual.host;
    else
      values[formal.name()] = actual.value;
  }
  for (const onnx::TensorProto &init : body.initializer()) {
    std::string error;
    HostTensor value = convertTensorProto(context, init, error);
    if (!value) {
      emitError(fileLoc) << "subgraph '" << body.name() << "' initializer: " << error;
      return failure();
    }
    hostValues[init.name()] = value;
  }
  for (const onnx::ValueInfoProto &output : body.output())
    used.insert(output.name());
  for (const onnx::NodeProto &node : body.node()) {
    for (const std::string &input : node.input())
      used.insert(input);
    for (const std::string &input : node.input())
      if (!input.empty() && !values.contains(input) && !isHost(input)) {
        emitError(fileLoc) << "node '" << nodeLabel(node) << "' (" << node.op_type()
                           << ") in subgraph '" << body.name() << "' reads '" << input
                           << "', which nothing in scope defines";
        return failure();
      }
    if (failed(checkRequiredInputs(node)) || failed(importNode(node)))
      return failure();
  }
  for (const onnx::ValueInfoProto &output : body.output()) {
    if (HostTensor host = lookupHost(output.name()))
      outputs.push_back({{}, host});
    else if (values.contains(output.name()))
      outputs.push_back({values.lookup(output.name()), {}});
    else {
      emitError(fileLoc) << "subgraph '" << body.name() << "' output '" << output.name()
                         << "' is not produced by any node";
      return failure();
    }
  }
  return success();
}

void addConverter(ConverterMap &map, StringRef name, ConvertFn fn, int since,
                  StringRef lowersTo, StringRef notes) {
  map[name] = {fn, {name.str(), since, lowersTo.str(), notes.str()}};
}

const ConverterMap &converters() {
  static const ConverterMap map = [] {
    ConverterMap m;
    addElementwiseConverters(m);
    addNeuralNetConverters(m);
    addShapeConverters(m);
    addQuantizedConverters(m);
    addResizeConverters(m);
    addIndexingConverters(m);
    addSignalConverters(m);
    addLossConverters(m);
    addRecurrentConverters(m);
    addOptimizerConverters(m);
    addTfIdfVectorizerConverter(m);
    addNormalizationConverters(m);
    addLpPoolConverters(m);
    addControlFlowConverters(m);
    addRoiAlignConverter(m);
    addNonMaxSuppressionConverter(m);
    addUniqueConverter(m);
    addEinsumConverter(m);
    addGridSampleConverter(m);
    return m;
  }();
  return map;
}

} // namespace onnx_import

//===----------------------------------------------------------------------===//
// Public entry points
//===----------------------------------------------------------------------===//

using namespace onnx_import;

bool parseInputShape(StringRef text, std::string &name,
                     std::vector<int64_t> &shape, std::string &error) {
  // The name may itself contain ':' (e.g. "input:0" from tf2onnx), so the
  // shape is what follows the last one.
  size_t colon = text.rfind(':');
  if (colon == StringRef::npos || colon == 0 || colon + 1 == text.size()) {
    error = "expected NAME:DIMS such as input:1x3x224x224, got '" + text.str() +
            "'";
    return false;
  }
  name = text.take_front(colon).str();
  shape.clear();
  SmallVector<StringRef> dims;
  text.drop_front(colon + 1).split(dims, 'x');
  for (StringRef d : dims) {
    int64_t value;
    if (d.getAsInteger(10, value) || value <= 0) {
      error = "dimension '" + d.str() + "' in '" + text.str() +
              "' is not a positive integer";
      return false;
    }
    shape.push_back(value);
  }
  return true;
}

void registerImportDialects(DialectRegistry &registry) {
  registry.insert<func::FuncDialect, tosa::TosaDialect, arith::ArithDialect,
                  tensor::TensorDialect, math::MathDialect, quant::QuantDialect,
                  qf::QFDialect>();
}

/// The newest default-domain operator set of the newest ONNX release checked
/// (1.23); a model of a newer one is rejected rather than guessed at.
static constexpr int64_t kNewestOpset = 28;

OwningOpRef<ModuleOp> importOnnxFile(MLIRContext &context, StringRef path,
                                     const ImportOptions &options) {
  DialectRegistry registry;
  registerImportDialects(registry);
  context.appendDialectRegistry(registry);
  context.loadAllAvailableDialects();

  Location fileLoc = FileLineColLoc::get(&context, path, 0, 0);
  onnx::ModelProto model;
  if (!loadModelFile(path, model, fileLoc))
    return nullptr;

  int64_t opset = -1;
  for (const onnx::OperatorSetIdProto &set : model.opset_import())
    if (set.domain().empty() || set.domain() == "ai.onnx")
      opset = set.version();
  bool usesDefaultDomain = llvm::any_of(model.graph().node(), [](const onnx::NodeProto &n) {
    return n.domain().empty() || n.domain() == "ai.onnx";
  });
  // A graph of other domains' operators alone (an optimizer step) needs no
  // default operator set.
  if (opset < 0 && !usesDefaultDomain)
    opset = kNewestOpset;
  if (opset < 0) {
    // IR version 2 models carry no opset import and mean opset 1.
    emitError(fileLoc) << "the model imports no version of the default ONNX "
                          "operator set";
    return nullptr;
  }
  if (opset > kNewestOpset) {
    emitError(fileLoc) << "the model uses ONNX opset " << opset << "; qforge supports opsets up to "
                       << kNewestOpset << " (ONNX 1.23's newest): this one is newer than any "
                       << "ONNX release qforge knows; export the model with an older opset";
    return nullptr;
  }

  foldBatchNormalization(*model.mutable_graph(), &context);

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  GraphImporter importer(*module, model, fileLoc, opset, options);
  if (failed(importer.run()))
    return nullptr;
  auto func = module->lookupSymbol<func::FuncOp>(options.functionName);
  if (failed(markStateOutputs(func, model.graph(), options.states, fileLoc)))
    return nullptr;
  if (failed(verify(*module))) {
    emitError(fileLoc) << "internal error: the imported IR does not verify "
                          "(a bug in qforge's importer; please report it with "
                          "the model)";
    return nullptr;
  }
  return module;
}

std::vector<SupportedOp> supportedOnnxOps() {
  std::vector<SupportedOp> ops;
  for (const auto &entry : converters())
    ops.push_back(entry.second.info);
  llvm::sort(ops, [](const SupportedOp &a, const SupportedOp &b) {
    return a.name < b.name;
  });
  return ops;
}

} // namespace qforge
