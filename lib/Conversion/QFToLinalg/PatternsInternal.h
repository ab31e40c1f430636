//===- PatternsInternal.h - the conversion's pattern groups -----*- C++ -*-===//

#ifndef QFORGE_LIB_CONVERSION_QFTOLINALG_PATTERNSINTERNAL_H
#define QFORGE_LIB_CONVERSION_QFTOLINALG_PATTERNSINTERNAL_H

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

namespace qforge {

/// quant.scast, qf.observe, qf.quantize, qf.dequantize, qf.requantize and
/// qf.packed_constant: the storage of quantized values.
void populateStoragePatterns(const mlir::TypeConverter &converter,
                             mlir::RewritePatternSet &patterns);

/// qf.matmul and qf.conv2d: integer products.
void populateProductPatterns(const mlir::TypeConverter &converter,
                             mlir::RewritePatternSet &patterns);

/// qf.add and qf.avg_pool2d: sums requantized once.
void populateAddAndPoolPatterns(const mlir::TypeConverter &converter,
                                mlir::RewritePatternSet &patterns);

void populateElementwisePatterns(const mlir::TypeConverter &converter,
                                 mlir::RewritePatternSet &patterns);

} // namespace qforge

#endif // QFORGE_LIB_CONVERSION_QFTOLINALG_PATTERNSINTERNAL_H
