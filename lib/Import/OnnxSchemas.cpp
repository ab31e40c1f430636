//===- OnnxSchemas.cpp - what ONNX's operator schemas say -----------------===//
//
// Compiled with -fexceptions (lib/Import/CMakeLists.txt), which ONNX's
// schema headers need.
//
//===----------------------------------------------------------------------===//

#include "OnnxSchemas.h"

#include "onnx/defs/schema.h"

namespace qforge::onnx_import {

static FormalInput::Kind kindOf(onnx::OpSchema::FormalParameterOption option) {
  switch (option) {
  case onnx::OpSchema::Single:
    return FormalInput::Single;
  case onnx::OpSchema::Optional:
    return FormalInput::Optional;
  case onnx::OpSchema::Variadic:
    return FormalInput::Variadic;
  }
  return FormalInput::Optional;
}

bool formalInputs(const std::string &opType, const std::string &domain, int opset,
                  std::vector<FormalInput> &inputs) {
  const onnx::OpSchema *schema = onnx::OpSchemaRegistry::Schema(opType, opset, domain);
  if (!schema)
    return false;
  inputs.clear();
  for (const onnx::OpSchema::FormalParameter &formal : schema->inputs())
    inputs.push_back({formal.GetName(), kindOf(formal.GetOption()), formal.GetMinArity()});
  return true;
}

} // namespace qforge::onnx_import
