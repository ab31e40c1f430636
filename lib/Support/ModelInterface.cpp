//===- ModelInterface.cpp - what a compiled model takes and needs ---------===//

#include "qforge/Support/ModelInterface.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;

namespace qforge {

static constexpr llvm::StringLiteral kGraphOutputsTag = "onnx.outputs";

Location graphOutputsLoc(MLIRContext *context, ArrayRef<Location> outputNames) {
  return FusedLoc::get(outputNames, StringAttr::get(context, kGraphOutputsTag), context);
}

bool isGraphOutputsLoc(Location loc) {
  auto fused = dyn_cast<FusedLoc>(loc);
  auto tag = fused ? dyn_cast_or_null<StringAttr>(fused.getMetadata()) : StringAttr();
  return tag && tag.getValue() == kGraphOutputsTag;
}

std::optional<DType> dtypeFor(Type type) {
  if (type.isF16())
    return DType::F16;
  if (type.isF32())
    return DType::F32;
  if (type.isF64())
    return DType::F64;
  if (type.isInteger(1))
    return DType::Bool;
  auto intType = dyn_cast<IntegerType>(type);
  if (!intType)
    return std::nullopt;
  bool isUnsigned = intType.isUnsigned();
  switch (intType.getWidth()) {
  case 8:
    return isUnsigned ? DType::U8 : DType::I8;
  case 16:
    return isUnsigned ? DType::U16 : DType::I16;
  case 32:
    return isUnsigned ? DType::U32 : DType::I32;
  case 64:
    return isUnsigned ? DType::U64 : DType::I64;
  default:
    return std::nullopt;
  }
}

static std::optional<TensorSpec> specFor(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape())
    return std::nullopt;
  std::optional<DType> dtype = dtypeFor(tensor.getElementType());
  if (!dtype)
    return std::nullopt;
  return TensorSpec{
      *dtype, std::vector<int64_t>(tensor.getShape().begin(), tensor.getShape().end()), ""};
}

/// The name a location gives a value: its NameLoc's, else "".
static std::string nameAt(Location loc) {
  if (auto named = dyn_cast<NameLoc>(loc))
    return named.getName().str();
  return "";
}

std::vector<std::string> functionInputNames(Operation *op) {
  auto func = cast<func::FuncOp>(op);
  std::vector<std::string> names;
  for (unsigned i = 0; i < func.getNumArguments(); ++i)
    names.push_back(func.isExternal() ? "" : nameAt(func.getArgument(i).getLoc()));
  return names;
}

std::vector<std::string> functionOutputNames(Operation *op) {
  auto func = cast<func::FuncOp>(op);
  std::vector<std::string> names;
  if (func.isExternal())
    return names;
  Location loc = func.front().getTerminator()->getLoc();
  if (!isGraphOutputsLoc(loc))
    return names;
  auto fused = cast<FusedLoc>(loc);
  if (fused.getLocations().size() != func.getNumResults())
    return names;
  for (Location loc : fused.getLocations())
    names.push_back(nameAt(loc));
  return names;
}

bool functionSignature(ModuleOp module, StringRef name,
                       std::vector<TensorSpec> &inputs,
                       std::vector<TensorSpec> &outputs) {
  auto func = module.lookupSymbol<func::FuncOp>(name);
  if (!func) {
    emitError(module.getLoc()) << "no function @" << name;
    return false;
  }
  inputs.clear();
  outputs.clear();
  std::vector<std::string> inputNames = functionInputNames(func);
  for (auto [i, t] : llvm::enumerate(func.getArgumentTypes())) {
    auto spec = specFor(t);
    if (!spec) {
      emitError(func.getLoc()) << "cannot pass an argument of type " << t;
      return false;
    }
    spec->name = inputNames[i];
    spec->sequence = static_cast<bool>(func.getArgAttr(i, kSequenceInputAttrName));
    inputs.push_back(*spec);
  }
  std::vector<std::string> names = functionOutputNames(func);
  for (auto [i, t] : llvm::enumerate(func.getResultTypes())) {
    auto spec = specFor(t);
    if (!spec) {
      emitError(func.getLoc()) << "cannot return a result of type " << t;
      return false;
    }
    if (i < names.size())
      spec->name = names[i];
    if (auto state = func.getResultAttrOfType<IntegerAttr>(i, kStateInputAttrName)) {
      int64_t input = state.getInt();
      if (input < 0 || input >= static_cast<int64_t>(inputs.size()) ||
          func.getArgumentTypes()[input] != t) {
        emitError(func.getLoc()) << "result " << i << " is marked as the state of input "
                                 << input << ", which is not an input of its type";
        return false;
      }
      spec->stateInput = static_cast<int>(input);
    }
    outputs.push_back(*spec);
  }
  return true;
}

} // namespace qforge
