//===- QFOps.h - qf operations ----------------------------------*- C++ -*-===//

#ifndef QFORGE_DIALECT_QF_QFOPS_H
#define QFORGE_DIALECT_QF_QFOPS_H

#include "qforge/Dialect/QF/IR/QFDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "qforge/Dialect/QF/IR/QFOps.h.inc"

#endif // QFORGE_DIALECT_QF_QFOPS_H
