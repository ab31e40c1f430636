// RUN: qforge-opt %s -split-input-file --qf-lower-amx-ready | FileCheck %s

// Each question becomes a call of the runtime's qforge_amx_ready, declared
// once, compared with zero.
// CHECK: func.func private @qforge_amx_ready() -> i32
// CHECK-NOT: func.func private @qforge_amx_ready
// CHECK-LABEL: func.func @two_layers
// CHECK: %[[A:.*]] = call @qforge_amx_ready() : () -> i32
// CHECK: %[[Z:.*]] = arith.constant 0 : i32
// CHECK: %[[R:.*]] = arith.cmpi ne, %[[A]], %[[Z]] : i32
// CHECK: %[[B:.*]] = call @qforge_amx_ready() : () -> i32
// CHECK: arith.cmpi ne, %[[B]]
// CHECK-NOT: qf.amx_ready
// CHECK: return %[[R]], %{{.*}} : i1, i1
func.func @two_layers() -> (i1, i1) {
  %a = qf.amx_ready
  %b = qf.amx_ready
  return %a, %b : i1, i1
}

// -----

// A module that asks nothing gets no declaration.
// CHECK-LABEL: func.func @no_question
// CHECK-NOT: qforge_amx_ready
func.func @no_question(%x: i1) -> i1 {
  return %x : i1
}

// -----

// An existing declaration is used as it is.
// CHECK: func.func private @qforge_amx_ready() -> i32
// CHECK-NOT: func.func private @qforge_amx_ready
// CHECK-LABEL: func.func @declared
// CHECK: call @qforge_amx_ready() : () -> i32
func.func private @qforge_amx_ready() -> i32
func.func @declared() -> i1 {
  %a = qf.amx_ready
  return %a : i1
}
