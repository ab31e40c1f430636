//===- ModelLoader.cpp - reading ONNX files -------------------------------===//

#include "ModelLoader.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace mlir;

namespace qforge::onnx_import {

bool loadModelFile(llvm::StringRef path, onnx::ModelProto &model,
                   Location fileLoc) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    emitError(fileLoc) << "cannot read the model: "
                       << buffer.getError().message();
    return false;
  }
  llvm::StringRef bytes = (*buffer)->getBuffer();
  if (bytes.empty()) {
    emitError(fileLoc) << "the file is empty, not an ONNX model";
    return false;
  }
  if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    emitError(fileLoc) << "not a valid ONNX model: the protobuf does not "
                          "parse (truncated or corrupt file?)";
    return false;
  }
  if (!model.has_graph()) {
    emitError(fileLoc) << "the model holds no graph";
    return false;
  }
  return loadExternalData(path, *model.mutable_graph(), fileLoc);
}

namespace {
/// Where an external tensor's bytes are (ONNX's external_data entries).
struct ExternalData {
  std::string location;
  uint64_t offset = 0;
  std::optional<uint64_t> length;
};

/// The entries of `tensor`, or an error message.
std::optional<ExternalData> readEntries(const onnx::TensorProto &tensor, std::string &error) {
  ExternalData data;
  for (const onnx::StringStringEntryProto &entry : tensor.external_data()) {
    uint64_t number = 0;
    bool isNumber = llvm::to_integer(entry.value(), number, 10);
    if (entry.key() == "location")
      data.location = entry.value();
    else if (entry.key() == "offset" && isNumber)
      data.offset = number;
    else if (entry.key() == "length" && isNumber)
      data.length = number;
    else if (entry.key() == "offset" || entry.key() == "length") {
      error = "its external " + entry.key() + " '" + entry.value() + "' is not a number";
      return std::nullopt;
    }
  }
  if (data.location.empty()) {
    error = "it keeps its data in an external file but names none (no 'location')";
    return std::nullopt;
  }
  // Relative to the model, and inside its directory (as ONNX's checker
  // requires): a model cannot make qforge read arbitrary files.
  llvm::SmallVector<llvm::StringRef> parts;
  llvm::StringRef(data.location).split(parts, '/');
  if (llvm::sys::path::is_absolute(data.location) || llvm::is_contained(parts, "..")) {
    error = "its external file '" + data.location +
            "' is not a path inside the model's directory";
    return std::nullopt;
  }
  return data;
}

/// Reads `tensor`'s bytes from its external file next to `modelPath` into
/// raw_data; an error message otherwise.
bool internalize(llvm::StringRef modelPath, onnx::TensorProto &tensor, std::string &error) {
  std::optional<ExternalData> data = readEntries(tensor, error);
  if (!data)
    return false;
  llvm::SmallString<256> file = llvm::sys::path::parent_path(modelPath);
  llvm::sys::path::append(file, data->location);
  auto buffer = llvm::MemoryBuffer::getFile(file, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    error = "its external file '" + file.str().str() + "' cannot be read: " +
            buffer.getError().message();
    return false;
  }
  uint64_t size = (*buffer)->getBufferSize();
  uint64_t length = data->length.value_or(size > data->offset ? size - data->offset : 0);
  if (data->offset > size || length > size - data->offset) {
    error = "its external file '" + file.str().str() + "' has " + std::to_string(size) +
            " bytes, but " + std::to_string(length) + " are declared from offset " +
            std::to_string(data->offset) + " (truncated?)";
    return false;
  }
  tensor.set_raw_data((*buffer)->getBufferStart() + data->offset, length);
  tensor.clear_external_data();
  tensor.set_data_location(onnx::TensorProto::DEFAULT);
  return true;
}
} // namespace

bool loadExternalData(llvm::StringRef modelPath, onnx::GraphProto &graph,
                      Location fileLoc) {
  bool ok = true;
  for (onnx::TensorProto &tensor : *graph.mutable_initializer()) {
    if (tensor.data_location() != onnx::TensorProto::EXTERNAL)
      continue;
    std::string error;
    if (!internalize(modelPath, tensor, error)) {
      emitError(fileLoc) << "initializer '" << tensor.name() << "': " << error;
      ok = false;
    }
  }
  return ok;
}

} // namespace qforge::onnx_import
