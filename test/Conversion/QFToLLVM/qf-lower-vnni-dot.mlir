// RUN: qforge-opt %s --pass-pipeline='builtin.module(func.func(qf-lower-vnni-dot))' | FileCheck %s
// RUN: qforge-opt %s --pass-pipeline='builtin.module(func.func(qf-lower-vnni-dot),convert-func-to-llvm)' | mlir-translate --mlir-to-llvmir | llc -mtriple=x86_64-pc-linux-gnu -mattr=+avx512f,+avx512vl,+avx512bw,+avx512vnni,+avx512vbmi | FileCheck %s --check-prefix=ASM

// Each width maps to its intrinsic, and the backend selects vpdpbusd on
// xmm, ymm and zmm registers.
// CHECK-LABEL: func.func @widths
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.128"(%arg0, %arg3, %arg4) : (vector<4xi32>, vector<16xi8>, vector<16xi8>) -> vector<4xi32>
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"(%arg1, %arg5, %arg6) : (vector<8xi32>, vector<32xi8>, vector<32xi8>) -> vector<8xi32>
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%arg2, %arg7, %arg8) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
// CHECK-NOT: qf.vnni_dot
// ASM-LABEL: widths:
// ASM-DAG: vpdpbusd {{.*}}%xmm
// ASM-DAG: vpdpbusd {{.*}}%ymm
// ASM-DAG: vpdpbusd {{.*}}%zmm
func.func @widths(%a4: vector<4xi32>, %a8: vector<8xi32>, %a16: vector<16xi32>,
                  %u16: vector<16xi8>, %s16: vector<16xi8>, %u32: vector<32xi8>, %s32: vector<32xi8>,
                  %u64: vector<64xi8>, %s64: vector<64xi8>) -> (vector<4xi32>, vector<8xi32>, vector<16xi32>) {
  %r4 = qf.vnni_dot %a4, %u16, %s16 : vector<4xi32>, vector<16xi8>
  %r8 = qf.vnni_dot %a8, %u32, %s32 : vector<8xi32>, vector<32xi8>
  %r16 = qf.vnni_dot %a16, %u64, %s64 : vector<16xi32>, vector<64xi8>
  return %r4, %r8, %r16 : vector<4xi32>, vector<8xi32>, vector<16xi32>
}

// qf.pair_dot is vpmaddwd on its int16 operands, then an add of the
// accumulator, at each width (on zmm this target fuses the two into
// AVX-512 VNNI's vpdpwssd).
// CHECK-LABEL: func.func @pair_widths
// CHECK: %[[P4:.*]] = llvm.call_intrinsic "llvm.x86.sse2.pmadd.wd"(%arg3, %arg4) : (vector<8xi16>, vector<8xi16>) -> vector<4xi32>
// CHECK: llvm.add %arg0, %[[P4]] : vector<4xi32>
// CHECK: %[[P8:.*]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"(%arg5, %arg6) : (vector<16xi16>, vector<16xi16>) -> vector<8xi32>
// CHECK: llvm.add %arg1, %[[P8]] : vector<8xi32>
// CHECK: %[[P16:.*]] = llvm.call_intrinsic "llvm.x86.avx512.pmaddw.d.512"(%arg7, %arg8) : (vector<32xi16>, vector<32xi16>) -> vector<16xi32>
// CHECK: llvm.add %arg2, %[[P16]] : vector<16xi32>
// CHECK-NOT: qf.pair_dot
// ASM-LABEL: pair_widths:
// ASM-DAG: vpmaddwd {{.*}}%xmm
// ASM-DAG: vpmaddwd {{.*}}%ymm
// ASM-DAG: {{vpmaddwd|vpdpwssd}} {{.*}}%zmm
func.func @pair_widths(%a4: vector<4xi32>, %a8: vector<8xi32>, %a16: vector<16xi32>,
                       %x8: vector<8xi16>, %y8: vector<8xi16>, %x16: vector<16xi16>, %y16: vector<16xi16>,
                       %x32: vector<32xi16>, %y32: vector<32xi16>) -> (vector<4xi32>, vector<8xi32>, vector<16xi32>) {
  %r4 = qf.pair_dot %a4, %x8, %y8 : vector<4xi32>, vector<8xi16>
  %r8 = qf.pair_dot %a8, %x16, %y16 : vector<8xi32>, vector<16xi16>
  %r16 = qf.pair_dot %a16, %x32, %y32 : vector<16xi32>, vector<32xi16>
  return %r4, %r8, %r16 : vector<4xi32>, vector<8xi32>, vector<16xi32>
}

// qf.vbmi_permute is vpermi2b (or vpermt2b, the same permute with the
// other table register overwritten).
// CHECK-LABEL: func.func @permute
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpermi2var.qi.512"(%arg0, %arg1, %arg2) : (vector<64xi8>, vector<64xi8>, vector<64xi8>) -> vector<64xi8>
// CHECK-NOT: qf.vbmi_permute
// ASM-LABEL: permute:
// ASM: vperm{{[it]}}2b {{.*}}%zmm
func.func @permute(%lo: vector<64xi8>, %i: vector<64xi8>, %hi: vector<64xi8>) -> vector<64xi8> {
  %r = qf.vbmi_permute %lo, %i, %hi : vector<64xi8>
  return %r : vector<64xi8>
}
