//===- QFDialect.cpp - the qf dialect -------------------------------------===//

#include "QF/QFDialect.h"
#include "QF/QFOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;
using namespace qforge::qf;

#include "QF/QFDialect.cpp.inc"

void QFDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "QF/QFOps.cpp.inc"
      >();
}

LogicalResult QFDialect::verifyOperationAttribute(Operation *op,
                                                  NamedAttribute attr) {
  StringRef name = attr.getName().strref();
  if (name == kQuantizedAttrName || name == kKeepFloatAttrName ||
      name == kParallelSplitAttrName) {
    if (!isa<UnitAttr>(attr.getValue()))
      return op->emitError() << "'" << name << "' must be a unit attribute";
    return success();
  }
  if (name == kScratchBytesAttrName) {
    if (!isa<IntegerAttr>(attr.getValue()))
      return op->emitError() << "'" << name << "' must be an integer attribute";
    return success();
  }
  return op->emitError() << "unknown qf attribute '" << name << "'";
}
