//===- StateOutputs.cpp - outputs the next call passes back in ------------===//
//
// A streaming model (voice activity, keyword spotting, streaming ASR) returns
// its recurrent state, and its caller feeds it back on the next call. The
// compiled model says which output feeds which input, so that its header and
// executable can carry the state without the user working it out.
//
//===----------------------------------------------------------------------===//

#include "StateOutputs.h"

#include "qforge/Support/ModelInterface.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;

namespace qforge {

bool parseStatePair(llvm::StringRef text, std::string &output, std::string &input,
                    std::string &error) {
  auto [out, in] = text.split('=');
  if (out.empty() || in.empty() || in.contains('=')) {
    error = "'" + text.str() + "' is not OUTPUT=INPUT (a graph output's name, '=', "
            "the graph input it is passed back as)";
    return false;
  }
  output = out.str();
  input = in.str();
  return true;
}

namespace onnx_import {
namespace {

/// The recurrent layers' (final state, initial state) pairs of `graph`, by
/// tensor name: Y_h of initial_h, and an LSTM's Y_c of initial_c.
std::vector<std::pair<std::string, std::string>>
recurrentStates(const onnx::GraphProto &graph) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const onnx::NodeProto &node : graph.node()) {
    if (!node.domain().empty() && node.domain() != "ai.onnx")
      continue;
    llvm::StringRef op = node.op_type();
    if (op != "LSTM" && op != "GRU" && op != "RNN")
      continue;
    // (output, input) positions: Y_h / initial_h, Y_c / initial_c.
    for (auto [out, in] : {std::pair{1, 5}, std::pair{2, 6}})
      if (out < node.output_size() && in < node.input_size() &&
          !node.output(out).empty() && !node.input(in).empty())
        pairs.emplace_back(node.output(out), node.input(in));
  }
  return pairs;
}

std::string nameList(llvm::ArrayRef<std::string> names) {
  return llvm::join(llvm::make_filter_range(
                        names, [](const std::string &n) { return !n.empty(); }),
                    ", ");
}

using IndexPairs = SmallVector<std::pair<unsigned, unsigned>>;

/// Whether two (result, argument) pairs share a result or an argument.
bool overlap(std::pair<unsigned, unsigned> a, std::pair<unsigned, unsigned> b) {
  return a.first == b.first || a.second == b.second;
}

/// The recurrent layers' states that are a graph output and a graph input
/// of the same type, as (result, argument) indices; none that shares its
/// output or input with another (two layers starting from one input): which
/// value comes back is then the user's to say.
IndexPairs foundStates(func::FuncOp func, const onnx::GraphProto &graph,
                       ArrayRef<std::string> inputs, ArrayRef<std::string> outputs) {
  IndexPairs found;
  for (auto [output, input] : recurrentStates(graph)) {
    auto result = llvm::find(outputs, output), arg = llvm::find(inputs, input);
    if (result == outputs.end() || arg == inputs.end())
      continue;
    std::pair<unsigned, unsigned> pair(result - outputs.begin(), arg - inputs.begin());
    if (func.getResultTypes()[pair.first] == func.getArgumentTypes()[pair.second])
      found.push_back(pair);
  }
  IndexPairs unambiguous;
  for (auto pair : found)
    if (llvm::count_if(found, [&](auto other) { return overlap(pair, other); }) == 1)
      unambiguous.push_back(pair);
  return unambiguous;
}

/// The pairs --state declares, as (result, argument) indices; reports names
/// that are not the model's, types that differ and overlapping pairs.
LogicalResult declaredStates(func::FuncOp func,
                             ArrayRef<std::pair<std::string, std::string>> declared,
                             ArrayRef<std::string> inputs, ArrayRef<std::string> outputs,
                             Location fileLoc, IndexPairs &pairs) {
  bool ok = true;
  for (auto [output, input] : declared) {
    auto result = llvm::find(outputs, output), arg = llvm::find(inputs, input);
    auto diag = [&, output = output, input = input]() {
      ok = false;
      return emitError(fileLoc) << "--state=" << output << "=" << input << ": ";
    };
    if (result == outputs.end())
      diag() << "'" << output << "' is not an output of the model (outputs: "
             << nameList(outputs) << ")";
    if (arg == inputs.end())
      diag() << "'" << input << "' is not an input of the model (inputs: "
             << nameList(inputs) << ")";
    if (result == outputs.end() || arg == inputs.end())
      continue;
    std::pair<unsigned, unsigned> pair(result - outputs.begin(), arg - inputs.begin());
    Type outType = func.getResultTypes()[pair.first];
    Type inType = func.getArgumentTypes()[pair.second];
    if (outType != inType) {
      diag() << "'" << output << "' is " << outType << " but '" << input << "' is "
             << inType << "; a state comes back as an input of its own type";
      continue;
    }
    if (llvm::any_of(pairs, [&](auto other) { return overlap(pair, other); })) {
      diag() << "'" << output << "' or '" << input << "' is in another --state "
             << "already; each output and input carries one state";
      continue;
    }
    pairs.push_back(pair);
  }
  return success(ok);
}

} // namespace

LogicalResult markStateOutputs(func::FuncOp func, const onnx::GraphProto &graph,
                               ArrayRef<std::pair<std::string, std::string>> declared,
                               Location fileLoc) {
  std::vector<std::string> inputs = functionInputNames(func);
  std::vector<std::string> outputs = functionOutputNames(func);
  IndexPairs pairs;
  if (failed(declaredStates(func, declared, inputs, outputs, fileLoc, pairs)))
    return failure();
  // What the user declares overrides what overlaps it.
  for (auto pair : foundStates(func, graph, inputs, outputs))
    if (llvm::none_of(pairs, [&](auto other) { return overlap(pair, other); }))
      pairs.push_back(pair);
  Builder b(func.getContext());
  for (auto [result, arg] : pairs)
    func.setResultAttr(result, kStateInputAttrName, b.getI64IntegerAttr(arg));
  return success();
}

} // namespace onnx_import
} // namespace qforge
