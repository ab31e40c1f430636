//===- ModelLoader.cpp - reading ONNX files -------------------------------===//

#include "ModelLoader.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/MemoryBuffer.h"


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
  return true;
}

} // namespace qforge::onnx_import
