//===- FoldBatchNorm.h - BatchNormalization into Conv/Gemm ------*- C++ -*-===//

#ifndef QFORGE_LIB_IMPORT_FOLDBATCHNORM_H
#define QFORGE_LIB_IMPORT_FOLDBATCHNORM_H

#include "mlir/IR/MLIRContext.h"

#include "onnx/onnx_pb.h"

namespace qforge::onnx_import {

/// Folds every inference BatchNormalization whose input is the only use of a
/// Conv's or Gemm's output, where the layer's weights and bias and the
/// statistics are constants (initializers or Constant nodes), into that
/// layer's weights and bias: W' = W * a, B' = B * a + (beta - mean * a) with
/// a = scale / sqrt(var + eps) per output channel. The BatchNormalization
/// node disappears; the layer writes its output. Float32 only.
void foldBatchNormalization(onnx::GraphProto &graph, mlir::MLIRContext *context);

} // namespace qforge::onnx_import

#endif // QFORGE_LIB_IMPORT_FOLDBATCHNORM_H
