//===- QFDialect.cpp - the qf dialect -------------------------------------===//

#include "qforge/Dialect/QF/IR/QFDialect.h"
#include "qforge/Dialect/QF/IR/QFOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace qforge::qf;

#include "qforge/Dialect/QF/IR/QFDialect.cpp.inc"
#include "qforge/Dialect/QF/IR/QFEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "qforge/Dialect/QF/IR/QFAttrs.cpp.inc"

void QFDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "qforge/Dialect/QF/IR/QFOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "qforge/Dialect/QF/IR/QFAttrs.cpp.inc"
      >();
}

/// Which ops a kernel can compute at all; whether it computes a given one
/// (constant weights of its form, shapes it takes) is for the kernel
/// lowering to say.
static LogicalResult verifyKernelTarget(Operation *op, Kernel kernel) {
  StringRef opName = op->getName().getStringRef();
  auto conv = dyn_cast<Conv2DOp>(op);
  switch (kernel) {
  case Kernel::VnniProduct:
  case Kernel::AvxVnniProduct:
  case Kernel::SdotProduct:
  case Kernel::SmmlaProduct:
  case Kernel::PmaddwdProduct:
  case Kernel::SmullProduct:
  case Kernel::AmxProduct:
    if (isa<MatmulOp>(op) || (conv && conv.getGroups() == 1))
      return success();
    return op->emitError() << "'" << kKernelAttrName << "' " << stringifyKernel(kernel)
                           << " computes qf.matmul and ungrouped qf.conv2d, not this op";
  case Kernel::VnniDepthwiseRows:
  case Kernel::VectorDepthwise:
    if (conv && conv.getGroups() > 1)
      return success();
    return op->emitError() << "'" << kKernelAttrName << "' " << stringifyKernel(kernel)
                           << " computes depthwise (grouped) qf.conv2d, not this op";
  case Kernel::FmaProduct:
  case Kernel::Fma256Product:
  case Kernel::FmlaProduct:
    if (opName == "tosa.conv2d" || opName == "tosa.matmul")
      return success();
    return op->emitError() << "'" << kKernelAttrName << "' " << stringifyKernel(kernel)
                           << " computes float tosa.conv2d and tosa.matmul, not this op";
  case Kernel::FmaDepthwise:
  case Kernel::Fma256Depthwise:
  case Kernel::FmlaDepthwise:
    if (opName == "tosa.depthwise_conv2d")
      return success();
    return op->emitError() << "'" << kKernelAttrName << "' " << stringifyKernel(kernel)
                           << " computes float tosa.depthwise_conv2d, not this op";
  case Kernel::VbmiLookup:
    if (isa<LookupOp>(op))
      return success();
    return op->emitError() << "'" << kKernelAttrName << "' " << stringifyKernel(kernel)
                           << " computes qf.lookup, not this op";
  }
  llvm_unreachable("unknown kernel");
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
  if (name == kKernelStoreAttrName) {
    if (!isa<UnitAttr>(attr.getValue()))
      return op->emitError() << "'" << name << "' must be a unit attribute";
    if (op->getName().getStringRef() != "vector.transfer_write")
      return op->emitError() << "'" << name << "' marks a kernel's vector.transfer_write, not this op";
    return success();
  }
  if (name == kKernelAttrName) {
    auto kernel = dyn_cast<KernelAttr>(attr.getValue());
    if (!kernel)
      return op->emitError() << "'" << name << "' must be a #qf.kernel attribute";
    return verifyKernelTarget(op, kernel.getValue());
  }
  if (name == kScratchBytesAttrName) {
    if (!isa<IntegerAttr>(attr.getValue()))
      return op->emitError() << "'" << name << "' must be an integer attribute";
    return success();
  }
  if (name == kInputRangeOfAttrName) {
    if (!isa<StringAttr>(attr.getValue()))
      return op->emitError() << "'" << name << "' must be a string attribute";
    if (op->getName().getStringRef() != "tosa.matmul")
      return op->emitError() << "'" << name << "' names the range of a tosa.matmul's input, "
                             << "not of this op's";
    return success();
  }
  return op->emitError() << "unknown qf attribute '" << name << "'";
}
