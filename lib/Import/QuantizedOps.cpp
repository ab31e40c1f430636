//===- QuantizedOps.cpp - ONNX QuantizeLinear, QLinear* and *Integer ops --===//

#include "ImportContext.h"

using namespace mlir;

namespace qforge::onnx_import {

void addQuantizedConverters(ConverterMap &map) {}

} // namespace qforge::onnx_import
