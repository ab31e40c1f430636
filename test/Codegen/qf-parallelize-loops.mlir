// RUN: qforge-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(qf-parallelize-loops))' | FileCheck %s

// A GEMM-shaped nest: the row loop (4 to 100 step 8: 12 iterations, the
// last one short) is split; each chunk runs the column loop around its rows
// and the read-only op between the two loops.
// CHECK-LABEL: func.func @rows
// CHECK: %[[ITEMS:.*]] = arith.constant 12 : i64
// CHECK: qf.parallel_for (%[[B:.*]], %[[E:.*]]) in %[[ITEMS]] {
// CHECK: %[[BI:.*]] = arith.index_cast %[[B]] : i64 to index
// CHECK: %[[BS:.*]] = arith.muli %[[BI]], %[[C8:.*]] : index
// CHECK: %[[LO:.*]] = arith.addi %[[C4:.*]], %[[BS]] : index
// CHECK: %[[EI:.*]] = arith.index_cast %[[E]] : i64 to index
// CHECK: %[[ES:.*]] = arith.muli %[[EI]], %{{.*}} : index
// CHECK: %[[EB:.*]] = arith.addi %{{.*}}, %[[ES]] : index
// CHECK: %[[HI:.*]] = arith.minsi %[[EB]], %{{.*}} : index
// CHECK: scf.for %[[N:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK: memref.load %arg1[%[[N]]]
// CHECK: scf.for %[[M:.*]] = %[[LO]] to %[[HI]] step %{{.*}} {
// CHECK: memref.store %{{.*}}, %arg0[%[[M]], %[[N]]]
// CHECK-NOT: qf.parallel_split
// CHECK: qf.parallel_yield
// CHECK-NOT: scf.for
// CHECK: return
func.func @rows(%out: memref<100x32xf32>, %col: memref<32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c32 = arith.constant 32 : index
  %c100 = arith.constant 100 : index
  scf.for %n = %c0 to %c32 step %c1 {
    %v = memref.load %col[%n] : memref<32xf32>
    scf.for %m = %c4 to %c100 step %c8 {
      memref.store %v, %out[%m, %n] : memref<100x32xf32>
    } {qf.parallel_split}
  }
  return
}

// -----

// The outermost loop itself may be the split one.
// CHECK-LABEL: func.func @outermost
// CHECK: %[[ITEMS:.*]] = arith.constant 4 : i64
// CHECK: qf.parallel_for (%{{.*}}, %{{.*}}) in %[[ITEMS]] {
// CHECK: scf.for
// CHECK: qf.parallel_yield
func.func @outermost(%out: memref<64xf32>, %v: f32) {
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  scf.for %i = %c0 to %c64 step %c16 {
    memref.store %v, %out[%i] : memref<64xf32>
  } {qf.parallel_split}
  return
}

// -----

// One iteration: nothing to split, the loop stays (unmarked).
// CHECK-LABEL: func.func @single_iteration
// CHECK-NOT: qf.parallel_for
// CHECK: scf.for
// CHECK-NOT: qf.parallel_split
func.func @single_iteration(%out: memref<64xf32>, %v: f32) {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  scf.for %i = %c0 to %c64 step %c64 {
    memref.store %v, %out[%i] : memref<64xf32>
  } {qf.parallel_split}
  return
}

// -----

// Every chunk would run the outer loop's store: refused.
func.func @outer_writes(%out: memref<8x8xf32>, %acc: memref<8xf32>, %v: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.for %n = %c0 to %c8 step %c1 {
    // expected-error @+1 {{cannot split for threads: every chunk would run this op, which writes memory}}
    memref.store %v, %acc[%n] : memref<8xf32>
    scf.for %m = %c0 to %c8 step %c1 {
      memref.store %v, %out[%m, %n] : memref<8x8xf32>
    } {qf.parallel_split}
  }
  return
}

// -----

// A loop that still carries a value has an order between its iterations.
func.func @results(%out: memref<8xf32>, %v: f32) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  // expected-error @+1 {{cannot split for threads: the loop has results}}
  %r = scf.for %i = %c0 to %c8 step %c1 iter_args(%a = %v) -> (f32) {
    memref.store %a, %out[%i] : memref<8xf32>
    %b = arith.addf %a, %v : f32
    scf.yield %b : f32
  } {qf.parallel_split}
  return %r : f32
}

// -----

func.func @dynamic_bounds(%out: memref<?xf32>, %n: index, %v: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // expected-error @+1 {{'qf.parallel_split' needs constant bounds and a positive step}}
  scf.for %i = %c0 to %n step %c1 {
    memref.store %v, %out[%i] : memref<?xf32>
  } {qf.parallel_split}
  return
}
