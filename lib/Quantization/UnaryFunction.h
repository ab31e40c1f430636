//===- UnaryFunction.h - float element-wise chains of one input -*- C++ -*-===//
//
// An activation imported from ONNX is often several TOSA ops (HardSwish is
// x * clamp(x / 6 + 1/2, 0, 1); SiLU a sigmoid and a multiply) whose only
// tensor input is one activation x; their other operands are one-valued
// constants. Such a chain is a function of x alone, element by element: at
// int8 it can be tabulated for x's 256 stored values (qf.lookup).
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_LIB_QUANTIZATION_UNARYFUNCTION_H
#define QFORGE_LIB_QUANTIZATION_UNARYFUNCTION_H

#include "mlir/IR/Operation.h"
#include "llvm/ADT/SmallVector.h"

#include <functional>
#include <optional>

namespace qforge {

/// Float element-wise ops computing `output` from `input` alone, in
/// program order; every intermediate value is used only by the chain.
struct UnaryFunction {
  mlir::Value input, output;
  llvm::SmallVector<mlir::Operation *> ops;

  /// f(x) in double precision; nullopt where it is not a number.
  std::optional<double> evaluate(double x) const;
};

/// The chains of `block` that start at a float tensor and end at a value
/// `isEnd` accepts (one whose quantization is known), the longest for each
/// start; chains do not overlap.
llvm::SmallVector<UnaryFunction>
findUnaryFunctions(mlir::Block &block, const std::function<bool(mlir::Value)> &isStart,
                   const std::function<bool(mlir::Value)> &isEnd);

} // namespace qforge

#endif // QFORGE_LIB_QUANTIZATION_UNARYFUNCTION_H
