//===- ModelLoader.h - reading ONNX files -----------------------*- C++ -*-===//
//
// Reading and parsing the protobuf. The importer does not use ONNX's C++
// shape inference: Debian's ONNX 1.12 knows operator schemas only up to
// opset 17, so each converter derives its result types itself.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_LIB_IMPORT_MODELLOADER_H
#define QFORGE_LIB_IMPORT_MODELLOADER_H

#include "mlir/IR/Location.h"
#include "llvm/ADT/StringRef.h"

#include <optional>

#include "onnx/onnx_pb.h"

namespace qforge::onnx_import {

/// Reads and parses `path`, with the external data of its initializers.
/// Reports a missing, unreadable, truncated or corrupt file at `fileLoc`
/// and returns false.
bool loadModelFile(llvm::StringRef path, onnx::ModelProto &model,
                   mlir::Location fileLoc);

/// Reads into each initializer of `graph` that keeps its data in an
/// external file (ONNX's external data: a file relative to the model at
/// `modelPath`, an offset and a length) those bytes. Reports a missing or
/// short file, or a location outside the model's directory, at `fileLoc`
/// for each such tensor and returns false.
bool loadExternalData(llvm::StringRef modelPath, onnx::GraphProto &graph,
                      mlir::Location fileLoc);

} // namespace qforge::onnx_import

#endif // QFORGE_LIB_IMPORT_MODELLOADER_H
