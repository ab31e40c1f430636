// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-outline-layers))' | FileCheck %s

// Each top-level loop nest and linalg op is wrapped in a qf.parallel_for of
// one item (one shared constant); allocations, views and plain copies stay
// where they are.
// CHECK-LABEL: func.func @layers
// CHECK: %[[ONE:.*]] = arith.constant 1 : i64
// CHECK: memref.alloc
// CHECK: qf.parallel_for (%{{.*}}, %{{.*}}) in %[[ONE]] {
// CHECK-NEXT: scf.for
// CHECK: memref.store
// CHECK: }
// CHECK-NEXT: qf.parallel_yield
// CHECK-NEXT: }
// CHECK-NEXT: memref.copy
// CHECK-NEXT: qf.parallel_for (%{{.*}}, %{{.*}}) in %[[ONE]] {
// CHECK-NEXT: linalg.fill
// CHECK-NEXT: qf.parallel_yield
// CHECK-NEXT: }
// CHECK-NEXT: return
func.func @layers(%in: memref<16xf32>, %out: memref<16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0.0 : f32
  %tmp = memref.alloc() : memref<16xf32>
  scf.for %i = %c0 to %c16 step %c1 {
    %v = memref.load %in[%i] : memref<16xf32>
    %w = arith.addf %v, %v : f32
    memref.store %w, %tmp[%i] : memref<16xf32>
  }
  memref.copy %tmp, %out : memref<16xf32> to memref<16xf32>
  linalg.fill ins(%zero : f32) outs(%tmp : memref<16xf32>)
  return
}

// -----

// A loop already split for threads, a loop that contains one and a loop
// with results stay as they are; nothing to wrap, no constant added.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: arith.constant 1 : i64
// CHECK: qf.parallel_for (%{{.*}}, %{{.*}}) in %arg1 {
// CHECK: scf.for
// CHECK: qf.parallel_for (%{{.*}}, %{{.*}}) in %arg1 {
// CHECK: scf.for {{.*}} iter_args
// CHECK: return
func.func @left_alone(%out: memref<16xf32>, %n: i64) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0.0 : f32
  qf.parallel_for (%b, %e) in %n {
    memref.store %zero, %out[%c0] : memref<16xf32>
    qf.parallel_yield
  }
  scf.for %i = %c0 to %c16 step %c1 {
    qf.parallel_for (%b, %e) in %n {
      memref.store %zero, %out[%i] : memref<16xf32>
      qf.parallel_yield
    }
  }
  %sum = scf.for %i = %c0 to %c16 step %c1 iter_args(%acc = %zero) -> f32 {
    %v = memref.load %out[%i] : memref<16xf32>
    %s = arith.addf %acc, %v : f32
    scf.yield %s : f32
  }
  return %sum : f32
}

// -----

// A declaration has no body to outline from.
// CHECK-LABEL: func.func private @declared
func.func private @declared(memref<16xf32>)
