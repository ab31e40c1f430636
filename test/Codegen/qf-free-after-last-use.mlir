// RUN: qforge-opt %s -split-input-file -allow-unregistered-dialect --pass-pipeline='builtin.module(func.func(qf-free-after-last-use))' | FileCheck %s

// Each buffer is freed right after its last use, before the next layer's
// buffer is allocated.
// CHECK-LABEL: func.func @chain
// CHECK: %[[A:.*]] = memref.alloc() : memref<16xf32>
// CHECK-NEXT: "test.produce"(%[[A]])
// CHECK-NEXT: %[[B:.*]] = memref.alloc() : memref<16xf32>
// CHECK-NEXT: "test.use"(%[[A]], %[[B]])
// CHECK-NEXT: memref.dealloc %[[A]]
// CHECK-NEXT: "test.use"(%[[B]], %{{.*}})
// CHECK-NEXT: memref.dealloc %[[B]]
// CHECK-NEXT: return
func.func @chain(%out: memref<16xf32>) {
  %a = memref.alloc() : memref<16xf32>
  "test.produce"(%a) : (memref<16xf32>) -> ()
  %b = memref.alloc() : memref<16xf32>
  "test.use"(%a, %b) : (memref<16xf32>, memref<16xf32>) -> ()
  "test.use"(%b, %out) : (memref<16xf32>, memref<16xf32>) -> ()
  memref.dealloc %a : memref<16xf32>
  memref.dealloc %b : memref<16xf32>
  return
}

// -----

// A use through a view (here a reshape) keeps the buffer alive, and so does
// a use nested in a loop.
// CHECK-LABEL: func.func @views_and_loops
// CHECK: %[[A:.*]] = memref.alloc() : memref<4x4xf32>
// CHECK: %[[V:.*]] = memref.collapse_shape %[[A]]
// CHECK: "test.first"(%[[A]])
// CHECK: scf.for
// CHECK: "test.in_loop"(%[[V]])
// CHECK: }
// CHECK-NEXT: memref.dealloc %[[A]]
// CHECK-NEXT: "test.after"
func.func @views_and_loops(%n: index) {
  %a = memref.alloc() : memref<4x4xf32>
  %v = memref.collapse_shape %a [[0, 1]] : memref<4x4xf32> into memref<16xf32>
  "test.first"(%a) : (memref<4x4xf32>) -> ()
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    "test.in_loop"(%v) : (memref<16xf32>) -> ()
  }
  "test.after"() : () -> ()
  memref.dealloc %a : memref<4x4xf32>
  return
}

// -----

// A buffer passed to a call escapes: its dealloc stays.
// CHECK-LABEL: func.func @escapes
// CHECK: call @keep
// CHECK-NEXT: "test.after"
// CHECK-NEXT: memref.dealloc
func.func private @keep(memref<8xf32>)
func.func @escapes() {
  %a = memref.alloc() : memref<8xf32>
  func.call @keep(%a) : (memref<8xf32>) -> ()
  "test.after"() : () -> ()
  memref.dealloc %a : memref<8xf32>
  return
}
