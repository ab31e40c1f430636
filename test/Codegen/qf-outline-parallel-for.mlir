// RUN: qforge-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(qf-outline-parallel-for{threads=3})' | FileCheck %s
// RUN: qforge-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(qf-outline-parallel-for{threads=1})' | FileCheck %s --check-prefix=SEQ

// The body becomes an internal function of (context, begin, end). The
// pointer argument travels in the context struct; the constant, and the
// value computed from constants alone, are recomputed in the body. The
// call passes the body's address, the context, the item count and the
// compiled-in thread count; the runtime is declared for the emitter to
// link.
// CHECK-LABEL: llvm.func @fill(
// CHECK-SAME: %[[P:.*]]: !llvm.ptr, %[[N:.*]]: i64)
// CHECK: %[[CTX:.*]] = llvm.alloca %{{.*}} x !llvm.struct<(ptr)> : (i64) -> !llvm.ptr
// CHECK: %[[F0:.*]] = llvm.getelementptr %[[CTX]][0, 0] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr)>
// CHECK: llvm.store %[[P]], %[[F0]] : !llvm.ptr, !llvm.ptr
// CHECK: %[[FN:.*]] = llvm.mlir.addressof @fill_chunk : !llvm.ptr
// CHECK: %[[T:.*]] = llvm.mlir.constant(3 : i64) : i64
// CHECK: llvm.call @qforge_parallel_for(%[[FN]], %[[CTX]], %[[N]], %[[T]]) : (!llvm.ptr, !llvm.ptr, i64, i64) -> ()
// CHECK-NOT: qf.parallel_for
// CHECK: llvm.return

// CHECK-LABEL: llvm.func internal @fill_chunk(
// CHECK-SAME: %[[C:.*]]: !llvm.ptr, %[[B:.*]]: i64, %[[E:.*]]: i64)
// CHECK: %[[G:.*]] = llvm.getelementptr %[[C]][0, 0] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr)>
// CHECK: %[[PP:.*]] = llvm.load %[[G]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[ONE:.*]] = llvm.mlir.constant(1.000000e+00 : f32) : f32
// CHECK: %[[TWO:.*]] = llvm.fadd %[[ONE]], %[[ONE]] : f32
// CHECK: llvm.br ^bb1(%[[B]], %[[E]] : i64, i64)
// CHECK: llvm.icmp "slt"
// CHECK: llvm.getelementptr %[[PP]][%{{.*}}] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// CHECK: llvm.store %[[TWO]]
// CHECK: llvm.return
// CHECK-NOT: qf.parallel_yield

// CHECK: llvm.func @qforge_parallel_for(!llvm.ptr, !llvm.ptr, i64, i64)

// Compiled for one thread, the body is the same function, called directly
// with the whole range; no thread pool is declared.
// SEQ-LABEL: llvm.func @fill(
// SEQ-SAME: %[[P:.*]]: !llvm.ptr, %[[N:.*]]: i64)
// SEQ: %[[CTX:.*]] = llvm.alloca %{{.*}} x !llvm.struct<(ptr)> : (i64) -> !llvm.ptr
// SEQ: llvm.store %[[P]]
// SEQ: %[[ZERO:.*]] = llvm.mlir.constant(0 : i64) : i64
// SEQ: llvm.call @fill_chunk(%[[CTX]], %[[ZERO]], %[[N]]) : (!llvm.ptr, i64, i64) -> ()
// Called directly, the body must stay a function of its own: LLVM's
// inliner would otherwise put it back into the model's function.
// SEQ-LABEL: llvm.func internal @fill_chunk(
// SEQ-SAME: attributes {no_inline}
// SEQ-NOT: qforge_parallel_for
llvm.func @fill(%p: !llvm.ptr, %n: i64) {
  %one = llvm.mlir.constant(1.0 : f32) : f32
  %two = llvm.fadd %one, %one : f32
  %step = llvm.mlir.constant(1 : i64) : i64
  qf.parallel_for (%begin, %end) in %n {
    llvm.br ^loop(%begin, %end : i64, i64)
  ^loop(%i: i64, %e: i64):
    %more = llvm.icmp "slt" %i, %e : i64
    llvm.cond_br %more, ^body, ^done
  ^body:
    %addr = llvm.getelementptr %p[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
    llvm.store %two, %addr : f32, !llvm.ptr
    %next = llvm.add %i, %step : i64
    llvm.br ^loop(%next, %e : i64, i64)
  ^done:
    qf.parallel_yield
  }
  llvm.return
}

// -----

// A body that uses nothing from outside gets a null context.
// SEQ-LABEL: llvm.func @nothing_captured
// SEQ: %[[Z:.*]] = llvm.mlir.zero : !llvm.ptr
// SEQ: llvm.call @nothing_captured_chunk(%[[Z]], %{{.*}}, %{{.*}})
// CHECK-LABEL: llvm.func @nothing_captured
// CHECK-NOT: llvm.alloca
// CHECK: %[[Z:.*]] = llvm.mlir.zero : !llvm.ptr
// CHECK: llvm.call @qforge_parallel_for(%{{.*}}, %[[Z]], %{{.*}}, %{{.*}})
llvm.func @nothing_captured(%n: i64) {
  qf.parallel_for (%begin, %end) in %n {
    qf.parallel_yield
  }
  llvm.return
}

// -----

func.func @not_lowered(%n: i64) {
  // expected-error @+1 {{qf.parallel_for must be inside an llvm.func: lower the function to the LLVM dialect first}}
  qf.parallel_for (%begin, %end) in %n {
    qf.parallel_yield
  }
  return
}

// -----

// A single item (a layer qf-outline-layers wrapped) is called directly at
// any thread count, and without threaded loops no runtime is declared.
// CHECK-LABEL: llvm.func @single_item(
// CHECK: llvm.alloca
// CHECK: %[[ONE:.*]] = llvm.mlir.constant(1 : i64) : i64
// CHECK: %[[ZERO:.*]] = llvm.mlir.constant(0 : i64) : i64
// CHECK: llvm.call @single_item_chunk(%{{.*}}, %[[ZERO]], %[[ONE]]) : (!llvm.ptr, i64, i64) -> ()
// CHECK-LABEL: llvm.func internal @single_item_chunk(
// CHECK-NOT: qforge_parallel_for
// SEQ-LABEL: llvm.func @single_item(
// SEQ: llvm.call @single_item_chunk(
llvm.func @single_item(%p: !llvm.ptr) {
  %one = llvm.mlir.constant(1 : i64) : i64
  %v = llvm.mlir.constant(2.0 : f32) : f32
  qf.parallel_for (%begin, %end) in %one {
    llvm.store %v, %p : f32, !llvm.ptr
    qf.parallel_yield
  }
  llvm.return
}
