//===- SanitizerDefaults.cpp - ASan defaults of the sanitize build --------===//
//
// Linked into every tool of the `sanitize` preset (tools/CMakeLists.txt).
//
// allow_user_poisoning=0: LLVM's BumpPtrAllocator, inlined from its header
// into our instrumented code, poisons each new slab and unpoisons what it
// hands out; Debian's uninstrumented libMLIR then allocates from the same
// slabs (MLIR's uniquer allocators are shared) without unpoisoning, and ASan
// reports the library's own writes as use-after-poison. Real heap and stack
// errors are still caught; only manual poisoning is off.
//
//===----------------------------------------------------------------------===//

extern "C" const char *__asan_default_options() { return "allow_user_poisoning=0"; }
