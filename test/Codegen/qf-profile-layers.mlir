// RUN: qforge-opt %s -split-input-file --qf-profile-layers | FileCheck %s

// Three ops of two ONNX nodes: a mark before the first op of each node, one
// before the return; the node met again (relu after conv) adds to its own
// entry. Allocations and constants start no layer.
// CHECK-LABEL: llvm.mlir.global external @model_profile_seconds(dense<0.000000e+00> : tensor<2xf64>)
// CHECK-SAME: : !llvm.array<2 x f64>
// CHECK: llvm.mlir.global internal constant @model_profile_names_0("conv\00")
// CHECK: llvm.mlir.global internal constant @model_profile_names_1("relu\00")
// CHECK: llvm.mlir.global external constant @model_profile_names()
// CHECK: llvm.mlir.addressof @model_profile_names_0
// CHECK: llvm.mlir.addressof @model_profile_names_1
// CHECK: llvm.return {{.*}} : !llvm.array<2 x ptr>
// CHECK: func.func private @qforge_profile_mark(i64, !llvm.ptr)
// CHECK-LABEL: func.func @model
// CHECK: memref.alloc
// CHECK: %[[C0:.*]] = arith.constant 0 : i64
// CHECK: %[[T0:.*]] = llvm.mlir.addressof @model_profile_seconds
// CHECK: call @qforge_profile_mark(%[[C0]], %[[T0]])
// CHECK-NEXT: linalg.fill
// CHECK-NEXT: linalg.generic
// CHECK: %[[C1:.*]] = arith.constant 1 : i64
// CHECK: call @qforge_profile_mark(%[[C1]],
// CHECK-NEXT: linalg.generic
// CHECK: %[[C0B:.*]] = arith.constant 0 : i64
// CHECK: call @qforge_profile_mark(%[[C0B]],
// CHECK-NEXT: memref.copy
// CHECK: %[[END:.*]] = arith.constant -1 : i64
// CHECK: call @qforge_profile_mark(%[[END]],
// CHECK-NEXT: return
#id = affine_map<(d0) -> (d0)>
func.func @model(%in: memref<8xf32>, %out: memref<8xf32>) {
  %buf = memref.alloc() : memref<8xf32> loc("conv")
  %zero = arith.constant 0.0 : f32 loc("conv")
  linalg.fill ins(%zero : f32) outs(%buf : memref<8xf32>) loc("conv")
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%in : memref<8xf32>) outs(%buf : memref<8xf32>) {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } loc("conv")
  linalg.generic {indexing_maps = [#id], iterator_types = ["parallel"]}
      outs(%buf : memref<8xf32>) {
  ^bb0(%b: f32):
    %r = arith.maximumf %b, %zero : f32
    linalg.yield %r : f32
  } loc(fused["relu", "conv"])
  memref.copy %buf, %out : memref<8xf32> to memref<8xf32> loc("conv")
  memref.dealloc %buf : memref<8xf32>
  return
}

// -----

// Value locations (`"value"("node")`) name their node; a fused location
// names its first node; work before any named op is "(unnamed)". Private
// functions and declarations are not models and stay as they are.
// CHECK: @model_profile_names_0("(unnamed)\00")
// CHECK: @model_profile_names_1("gemm\00")
// CHECK: @model_profile_names_2("add\00")
// CHECK-LABEL: func.func private @helper
// CHECK-NOT: qforge_profile_mark
// CHECK: return
// CHECK-LABEL: func.func @model
// CHECK-COUNT-4: call @qforge_profile_mark
// CHECK-NOT: call @qforge_profile_mark
func.func private @helper(%x: memref<4xf32>) {
  memref.copy %x, %x : memref<4xf32> to memref<4xf32>
  return
}
func.func private @external(memref<4xf32>)
func.func @model(%x: memref<4xf32>) {
  memref.copy %x, %x : memref<4xf32> to memref<4xf32>
  memref.copy %x, %x : memref<4xf32> to memref<4xf32> loc("y"("gemm"))
  memref.copy %x, %x : memref<4xf32> to memref<4xf32> loc(fused["add", "gemm"])
  return
}

// -----

// A model with no work has no layers, and gets no tables.
// CHECK-LABEL: func.func @empty
// CHECK-NOT: qforge_profile
func.func @empty() {
  return
}
