// RUN: qforge-opt %s --pass-pipeline='builtin.module(func.func(qf-lower-vnni-dot))' | FileCheck %s
// RUN: qforge-opt %s --pass-pipeline='builtin.module(func.func(qf-lower-vnni-dot),convert-func-to-llvm)' | mlir-translate --mlir-to-llvmir | llc -mtriple=aarch64-linux-gnu | FileCheck %s --check-prefix=ASM

// qf-lower-vnni-dot's AArch64 op, apart from the x86 ones (whose
// assembly qf-lower-vnni-dot.mlir checks for an x86 triple).
// qf.byte_pair_dot is smull (8 byte products in int16), then saddlp (pairs
// added into int32) and an add of the accumulator, which the backend
// fuses into sadalp.
// CHECK-LABEL: func.func @byte_pairs
// CHECK: %[[P:.*]] = llvm.call_intrinsic "llvm.aarch64.neon.smull.v8i16"(%arg1, %arg2) : (vector<8xi8>, vector<8xi8>) -> vector<8xi16>
// CHECK: %[[S:.*]] = llvm.call_intrinsic "llvm.aarch64.neon.saddlp.v4i32.v8i16"(%[[P]]) : (vector<8xi16>) -> vector<4xi32>
// CHECK: llvm.add %arg0, %[[S]] : vector<4xi32>
// CHECK-NOT: qf.byte_pair_dot
// ASM-LABEL: byte_pairs:
// ASM: smull v{{[0-9]+}}.8h, v{{[0-9]+}}.8b, v{{[0-9]+}}.8b
// ASM-NEXT: sadalp v0.4s, v{{[0-9]+}}.8h
func.func @byte_pairs(%acc: vector<4xi32>, %w: vector<8xi8>, %x: vector<8xi8>) -> vector<4xi32> {
  %r = qf.byte_pair_dot %acc, %w, %x : vector<4xi32>, vector<8xi8>
  return %r : vector<4xi32>
}

// qf.two_byte_pair_dot adds its two smull products in int16 (LLVM's smlal)
// before the pairs join the accumulator (sadalp).
// CHECK-LABEL: func.func @two_byte_pairs
// CHECK: %[[Q:.*]] = llvm.call_intrinsic "llvm.aarch64.neon.smull.v8i16"(%arg3, %arg4) : (vector<8xi8>, vector<8xi8>) -> vector<8xi16>
// CHECK: %[[P:.*]] = llvm.call_intrinsic "llvm.aarch64.neon.smull.v8i16"(%arg1, %arg2) : (vector<8xi8>, vector<8xi8>) -> vector<8xi16>
// CHECK: %[[PQ:.*]] = llvm.add %[[P]], %[[Q]] : vector<8xi16>
// CHECK: %[[S:.*]] = llvm.call_intrinsic "llvm.aarch64.neon.saddlp.v4i32.v8i16"(%[[PQ]]) : (vector<8xi16>) -> vector<4xi32>
// CHECK: llvm.add %arg0, %[[S]] : vector<4xi32>
// CHECK-NOT: qf.two_byte_pair_dot
// ASM-LABEL: two_byte_pairs:
// ASM: smull v{{[0-9]+}}.8h, v{{[0-9]+}}.8b, v{{[0-9]+}}.8b
// ASM-NEXT: smlal v{{[0-9]+}}.8h, v{{[0-9]+}}.8b, v{{[0-9]+}}.8b
// ASM-NEXT: sadalp v0.4s, v{{[0-9]+}}.8h
func.func @two_byte_pairs(%acc: vector<4xi32>, %w: vector<8xi8>, %x: vector<8xi8>,
                          %w2: vector<8xi8>, %x2: vector<8xi8>) -> vector<4xi32> {
  %r = qf.two_byte_pair_dot %acc, %w, %x, %w2, %x2 : vector<4xi32>, vector<8xi8>
  return %r : vector<4xi32>
}
