//===- Target.h - code generation targets -----------------------*- C++ -*-===//
//
// What `--target=NAME` means: an LLVM triple, CPU and feature string. The
// pipeline reads the features to choose kernels (qforge/Pipeline), the
// emitter hands all three to LLVM's TargetMachine (qforge/Emit).
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_SUPPORT_TARGET_H
#define QFORGE_SUPPORT_TARGET_H

#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace qforge {

/// A code generation target.
struct TargetSpec {
  std::string name;     // "host", "x86_64", "aarch64-i8mm", ...
  std::string triple;   // e.g. "x86_64-pc-linux-gnu"
  std::string cpu;      // e.g. "x86-64-v3", "znver4", "generic"
  std::string features; // e.g. "+avx512vnni", "+neon,+dotprod"
};

/// The names `--target` accepts, for --help and errors.
std::vector<std::string> targetNames();

/// Resolves a target name; `host` asks LLVM for this machine's CPU and
/// features. Returns false with `error` for an unknown name.
bool resolveTarget(llvm::StringRef name, TargetSpec &spec, std::string &error);

/// Whether `target` enables the LLVM feature `feature` (e.g. "avx512vnni").
bool hasFeature(const TargetSpec &target, llvm::StringRef feature);

} // namespace qforge

#endif // QFORGE_SUPPORT_TARGET_H
