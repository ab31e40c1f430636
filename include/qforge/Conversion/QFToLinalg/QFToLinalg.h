//===- QFToLinalg.h - qf ops to the reference integer form ------*- C++ -*-===//
//
// The reference lowering of the qf dialect (qf-lower-to-linalg): quantized
// tensors become their storage integers (a TypeConverter), each qf op the
// integer linalg computation that defines it (IntegerLinalg.h). Target
// independent: the kernels a target has replace some ops before it runs
// (qf-select-kernels, qf-lower-to-kernels in lib/Codegen).
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_CONVERSION_QFTOLINALG_QFTOLINALG_H
#define QFORGE_CONVERSION_QFTOLINALG_QFTOLINALG_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

namespace qforge {

/// Tensors of `!quant.uniform` elements as tensors of their storage
/// integers (signless, at least 8 bits: see storageBits); other types as
/// they are.
class QuantizedStorageConverter : public mlir::TypeConverter {
public:
  QuantizedStorageConverter();
};

/// Patterns lowering every qf op the reference conversion takes (quantize,
/// dequantize, requantize, matmul, conv2d, add, avg_pool2d,
/// packed_constant, observe) and quant.scast.
void populateQFToLinalgPatterns(const mlir::TypeConverter &converter,
                                mlir::RewritePatternSet &patterns);

/// Reports, at each op, every reason the conversion cannot lower `func`:
/// quantized values that no qf or quant op produced (function arguments),
/// other ops using quantized values, quantization forms the lowering does
/// not take (blocks outside weights, block scales of another form,
/// per-axis results with different zero points).
mlir::LogicalResult checkLowerable(mlir::func::FuncOp func);

} // namespace qforge

#endif // QFORGE_CONVERSION_QFTOLINALG_QFTOLINALG_H
