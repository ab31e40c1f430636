//===- JsonDocument.h - a JSON file that names its format -------*- C++ -*-===//
//
// Precision plans and layer profiles are JSON objects whose "format" key
// says what they are; both readers start the same way.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_LIB_QUANTIZATION_JSONDOCUMENT_H
#define QFORGE_LIB_QUANTIZATION_JSONDOCUMENT_H

#include "llvm/Support/JSON.h"

#include <optional>
#include <string>

namespace qforge {

/// `text` as a JSON object whose "format" is `format`; else nullopt with
/// `error`: "not JSON: ..." or "not a WHAT (its "format" is not
/// "FORMAT"HINT)".
inline std::optional<llvm::json::Object> parseJsonDocument(llvm::StringRef text,
                                                           llvm::StringRef format,
                                                           llvm::StringRef what,
                                                           llvm::StringRef hint,
                                                           std::string &error) {
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(text);
  if (!parsed) {
    error = "not JSON: " + llvm::toString(parsed.takeError());
    return std::nullopt;
  }
  llvm::json::Object *root = parsed->getAsObject();
  std::optional<llvm::StringRef> found = root ? root->getString("format") : std::nullopt;
  if (!found || *found != format) {
    error = ("not a " + what + " (its \"format\" is not \"" + format + "\"" + hint + ")").str();
    return std::nullopt;
  }
  return std::move(*root);
}

} // namespace qforge

#endif // QFORGE_LIB_QUANTIZATION_JSONDOCUMENT_H
