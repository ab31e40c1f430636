//===- OnnxNames.cpp - ONNX node and value names from locations -----------===//

#include "qforge/Dialect/QF/Utils/OnnxNames.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Operation.h"

using namespace mlir;

namespace qforge {

StringRef onnxNodeName(Location loc) {
  auto name = dyn_cast<NameLoc>(loc);
  if (!name)
    return {};
  if (auto node = dyn_cast<NameLoc>(name.getChildLoc()))
    return node.getName().getValue();
  return name.getName().getValue();
}

std::string onnxValueName(Value value) {
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    if (auto name = dyn_cast<NameLoc>(arg.getLoc()))
      return name.getName().str();
    return "arg" + std::to_string(arg.getArgNumber());
  }
  auto result = cast<OpResult>(value);
  Operation *op = result.getOwner();
  std::string suffix = result.getResultNumber() == 0
                           ? ""
                           : ":" + std::to_string(result.getResultNumber());
  // Only the value form names a value. An op at a node's own location
  // ("node") is an intermediate of that node, whatever the node is called:
  // an unnamed node takes its output's name, which must not make its
  // intermediates look like that output.
  if (auto name = dyn_cast<NameLoc>(op->getLoc()))
    if (isa<NameLoc>(name.getChildLoc()))
      return name.getName().str() + suffix;
  return op->getName().getStringRef().str() + suffix;
}

} // namespace qforge
