//===- Passes.h - qforge passes ---------------------------------*- C++ -*-===//

#ifndef QFORGE_TRANSFORMS_PASSES_H
#define QFORGE_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace qforge {

#define GEN_PASS_DECL
#include "qforge/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qforge/Transforms/Passes.h.inc"

} // namespace qforge

#endif // QFORGE_TRANSFORMS_PASSES_H
