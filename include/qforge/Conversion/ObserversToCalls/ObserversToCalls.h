//===- ObserversToCalls.h - observers call the collector --------*- C++ -*-===//
//
// The contract between qf-lower-observers-to-calls, which turns each
// qf.observe into a call, and whoever links the callee (calibration's JIT).
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_CONVERSION_OBSERVERSTOCALLS_OBSERVERSTOCALLS_H
#define QFORGE_CONVERSION_OBSERVERSTOCALLS_OBSERVERSTOCALLS_H

#include "llvm/ADT/StringRef.h"

namespace qforge {

/// The C function each observer calls:
/// void qforge_observe(int64_t id, float *allocated, float *aligned,
///                     int64_t offset, int64_t size, int64_t stride).
inline constexpr llvm::StringLiteral kObserverCallee = "qforge_observe";

} // namespace qforge

#endif // QFORGE_CONVERSION_OBSERVERSTOCALLS_OBSERVERSTOCALLS_H
