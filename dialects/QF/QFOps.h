//===- QFOps.h - qf operations ----------------------------------*- C++ -*-===//

#ifndef QFORGE_DIALECT_QF_QFOPS_H
#define QFORGE_DIALECT_QF_QFOPS_H

#include "QF/QFDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "QF/QFOps.h.inc"

#endif // QFORGE_DIALECT_QF_QFOPS_H
