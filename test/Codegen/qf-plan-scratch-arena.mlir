// RUN: qforge-opt %s -split-input-file -allow-unregistered-dialect --pass-pipeline='builtin.module(func.func(qf-plan-scratch-arena))' | FileCheck %s
// RUN: qforge-opt %s -split-input-file -allow-unregistered-dialect --pass-pipeline='builtin.module(func.func(qf-plan-scratch-arena{caller-owned=true}))' | FileCheck %s --check-prefix=CALLER

// %a (64 B) and %b (1 KiB) are live together; %c (1 KiB) starts after %b's
// last use and reuses its bytes. Arena: 1024 + 64.
// CHECK-LABEL: func.func @reuse
// CHECK-SAME: attributes {qf.scratch_bytes = 1088 : i64}
// CHECK: %[[ARENA:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1088xi8>
// CHECK: %[[OFF_A:.*]] = arith.constant 1024 : index
// CHECK: memref.view %[[ARENA]][%[[OFF_A]]][] : memref<1088xi8> to memref<16xf32>
// CHECK: %[[OFF_B:.*]] = arith.constant 0 : index
// CHECK: memref.view %[[ARENA]][%[[OFF_B]]][] : memref<1088xi8> to memref<256xf32>
// CHECK: %[[OFF_C:.*]] = arith.constant 0 : index
// CHECK: memref.view %[[ARENA]][%[[OFF_C]]][] : memref<1088xi8> to memref<16x16xf32>
// CHECK-NOT: memref.alloc()
// CHECK: memref.dealloc %[[ARENA]]
// CHECK-NEXT: return
// CALLER-LABEL: func.func @reuse
// CALLER-SAME: (%[[OUT:.*]]: memref<16xf32>, %[[ARENA:.*]]: memref<?xi8>)
// CALLER-NOT: memref.alloc
// CALLER: memref.view %[[ARENA]]
// CALLER-NOT: memref.dealloc
func.func @reuse(%out: memref<16xf32>) {
  %a = memref.alloc() : memref<16xf32>
  %b = memref.alloc() : memref<256xf32>
  "test.op"(%a, %b) : (memref<16xf32>, memref<256xf32>) -> ()
  memref.dealloc %b : memref<256xf32>
  %c = memref.alloc() : memref<16x16xf32>
  "test.op"(%a, %c) : (memref<16xf32>, memref<16x16xf32>) -> ()
  memref.dealloc %c : memref<16x16xf32>
  "test.op"(%a, %out) : (memref<16xf32>, memref<16xf32>) -> ()
  memref.dealloc %a : memref<16xf32>
  return
}

// -----

// A buffer without a dealloc (it escapes) stays on the heap.
// CHECK-LABEL: func.func @escapes
// CHECK-SAME: attributes {qf.scratch_bytes = 0 : i64}
// CHECK: %[[A:.*]] = memref.alloc() : memref<4xf32>
// CHECK: return %[[A]]
func.func @escapes() -> memref<4xf32> {
  %a = memref.alloc() : memref<4xf32>
  return %a : memref<4xf32>
}
