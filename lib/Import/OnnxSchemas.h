//===- OnnxSchemas.h - what ONNX's operator schemas say --------*- C++ -*-===//
//
// ONNX's schema headers need C++ exceptions, which the rest of qforge (like
// LLVM) is built without; OnnxSchemas.cpp alone is compiled with them and
// hands out plain data.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_IMPORT_ONNXSCHEMAS_H
#define QFORGE_IMPORT_ONNXSCHEMAS_H

#include <string>
#include <vector>

namespace qforge::onnx_import {

struct FormalInput {
  enum Kind { Single, Optional, Variadic };
  std::string name;
  Kind kind = Single;
  int minArity = 1; // Variadic: the fewest values it takes.
};

/// The formal inputs of operator `opType` of `domain` ("" for ONNX's) at
/// `opset`; false when the installed ONNX library does not know it.
bool formalInputs(const std::string &opType, const std::string &domain, int opset,
                  std::vector<FormalInput> &inputs);

} // namespace qforge::onnx_import

#endif // QFORGE_IMPORT_ONNXSCHEMAS_H
