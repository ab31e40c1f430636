// RUN: qforge-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(qf-share-chunk-bodies)' | FileCheck %s

// Two layers' chunks that differ in the weights they read (a global) and
// a zero point (a vector constant): @b goes, @a loads both from fields
// appended to its context, and each call stores its layer's values there.
// The shift amount is 4 in both and stays a constant, although @b's
// lowering shared one constant between its shift and its zero point.
// CHECK-LABEL: llvm.func @two_layers(
// CHECK: %[[C0:.*]] = llvm.alloca %{{.*}} x !llvm.struct<(ptr, ptr, vector<4xi32>)>
// CHECK: %[[C1:.*]] = llvm.alloca %{{.*}} x !llvm.struct<(ptr, ptr, vector<4xi32>)>
// CHECK: %[[A0:.*]] = llvm.mlir.addressof @a : !llvm.ptr
// CHECK: %[[W0:.*]] = llvm.mlir.addressof @w0 : !llvm.ptr
// CHECK: %[[F01:.*]] = llvm.getelementptr %[[C0]][0, 1] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr, ptr, vector<4xi32>)>
// CHECK: llvm.store %[[W0]], %[[F01]] : !llvm.ptr, !llvm.ptr
// CHECK: %[[Z0:.*]] = llvm.mlir.constant(dense<2> : vector<4xi32>) : vector<4xi32>
// CHECK: %[[F02:.*]] = llvm.getelementptr %[[C0]][0, 2]
// CHECK: llvm.store %[[Z0]], %[[F02]] : vector<4xi32>, !llvm.ptr
// CHECK: llvm.call @qforge_parallel_for(%[[A0]], %[[C0]], %{{.*}}, %{{.*}})
// CHECK: %[[W1:.*]] = llvm.mlir.addressof @w1 : !llvm.ptr
// CHECK: %[[F11:.*]] = llvm.getelementptr %[[C1]][0, 1]
// CHECK: llvm.store %[[W1]], %[[F11]] : !llvm.ptr, !llvm.ptr
// CHECK: %[[Z1:.*]] = llvm.mlir.constant(dense<4> : vector<4xi32>) : vector<4xi32>
// CHECK: %[[F12:.*]] = llvm.getelementptr %[[C1]][0, 2]
// CHECK: llvm.store %[[Z1]], %[[F12]] : vector<4xi32>, !llvm.ptr
// CHECK: %[[A1:.*]] = llvm.mlir.addressof @a : !llvm.ptr
// CHECK: llvm.call @qforge_parallel_for(%[[A1]], %[[C1]], %{{.*}}, %{{.*}})

// CHECK-LABEL: llvm.func internal @a(
// CHECK-SAME: %[[CTX:[^:]*]]: !llvm.ptr
// CHECK: %[[FW:.*]] = llvm.getelementptr %[[CTX]][0, 1] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr, ptr, vector<4xi32>)>
// CHECK: %[[W:.*]] = llvm.load %[[FW]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[FZ:.*]] = llvm.getelementptr %[[CTX]][0, 2] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr, ptr, vector<4xi32>)>
// CHECK: %[[ZP:.*]] = llvm.load %[[FZ]] : !llvm.ptr -> vector<4xi32>
// CHECK: %[[OUT:.*]] = llvm.load %{{.*}} : !llvm.ptr -> !llvm.ptr
// CHECK: %[[X:.*]] = llvm.load %[[W]] : !llvm.ptr -> vector<4xi32>
// CHECK: %[[FOUR:.*]] = llvm.mlir.constant(dense<4> : vector<4xi32>) : vector<4xi32>
// CHECK: %[[S:.*]] = llvm.shl %[[X]], %[[FOUR]] : vector<4xi32>
// CHECK: %[[Y:.*]] = llvm.add %[[S]], %[[ZP]] : vector<4xi32>
// CHECK: llvm.store %[[Y]]
// CHECK-NOT: llvm.func internal @b
llvm.mlir.global internal constant @w0(dense<[1, 2, 3, 4]> : tensor<4xi32>) {addr_space = 0 : i32} : !llvm.array<4 x i32>
llvm.mlir.global internal constant @w1(dense<[5, 6, 7, 8]> : tensor<4xi32>) {addr_space = 0 : i32} : !llvm.array<4 x i32>

llvm.func @two_layers(%o0: !llvm.ptr, %o1: !llvm.ptr) {
  %one = llvm.mlir.constant(1 : i64) : i64
  %c0 = llvm.alloca %one x !llvm.struct<(ptr)> : (i64) -> !llvm.ptr
  %c1 = llvm.alloca %one x !llvm.struct<(ptr)> : (i64) -> !llvm.ptr
  %n = llvm.mlir.constant(8 : i64) : i64
  %t = llvm.mlir.constant(0 : i64) : i64
  %f0 = llvm.getelementptr %c0[0, 0] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr)>
  llvm.store %o0, %f0 : !llvm.ptr, !llvm.ptr
  %a = llvm.mlir.addressof @a : !llvm.ptr
  llvm.call @qforge_parallel_for(%a, %c0, %n, %t) : (!llvm.ptr, !llvm.ptr, i64, i64) -> ()
  %f1 = llvm.getelementptr %c1[0, 0] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr)>
  llvm.store %o1, %f1 : !llvm.ptr, !llvm.ptr
  %b = llvm.mlir.addressof @b : !llvm.ptr
  llvm.call @qforge_parallel_for(%b, %c1, %n, %t) : (!llvm.ptr, !llvm.ptr, i64, i64) -> ()
  llvm.return
}

llvm.func internal @a(%ctx: !llvm.ptr, %begin: i64, %end: i64) {
  %f = llvm.getelementptr %ctx[0, 0] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr)>
  %out = llvm.load %f : !llvm.ptr -> !llvm.ptr
  %w = llvm.mlir.addressof @w0 : !llvm.ptr
  %x = llvm.load %w : !llvm.ptr -> vector<4xi32>
  %four = llvm.mlir.constant(dense<4> : vector<4xi32>) : vector<4xi32>
  %s = llvm.shl %x, %four : vector<4xi32>
  %zp = llvm.mlir.constant(dense<2> : vector<4xi32>) : vector<4xi32>
  %y = llvm.add %s, %zp : vector<4xi32>
  %p = llvm.getelementptr %out[%begin] : (!llvm.ptr, i64) -> !llvm.ptr, vector<4xi32>
  llvm.store %y, %p : vector<4xi32>, !llvm.ptr
  llvm.return
}

llvm.func internal @b(%ctx: !llvm.ptr, %begin: i64, %end: i64) {
  %f = llvm.getelementptr %ctx[0, 0] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr)>
  %out = llvm.load %f : !llvm.ptr -> !llvm.ptr
  %w = llvm.mlir.addressof @w1 : !llvm.ptr
  %x = llvm.load %w : !llvm.ptr -> vector<4xi32>
  %four = llvm.mlir.constant(dense<4> : vector<4xi32>) : vector<4xi32>
  %s = llvm.shl %x, %four : vector<4xi32>
  %y = llvm.add %s, %four : vector<4xi32>
  %p = llvm.getelementptr %out[%begin] : (!llvm.ptr, i64) -> !llvm.ptr, vector<4xi32>
  llvm.store %y, %p : vector<4xi32>, !llvm.ptr
  llvm.return
}

llvm.func @qforge_parallel_for(!llvm.ptr, !llvm.ptr, i64, i64)

// -----

// Chunks that differ in an integer (here the trip count) have different
// shapes: both stay, as they were.
// CHECK-LABEL: llvm.func @different_trip_counts(
// CHECK: %[[C:.*]] = llvm.mlir.addressof @c : !llvm.ptr
// CHECK: llvm.call @qforge_parallel_for(%[[C]],
// CHECK: %[[D:.*]] = llvm.mlir.addressof @d : !llvm.ptr
// CHECK: llvm.call @qforge_parallel_for(%[[D]],
// CHECK-LABEL: llvm.func internal @c(
// CHECK: llvm.mlir.constant(16 : i64) : i64
// CHECK-LABEL: llvm.func internal @d(
// CHECK: llvm.mlir.constant(32 : i64) : i64
llvm.func @different_trip_counts() {
  %z0 = llvm.mlir.zero : !llvm.ptr
  %z1 = llvm.mlir.zero : !llvm.ptr
  %n = llvm.mlir.constant(8 : i64) : i64
  %t = llvm.mlir.constant(0 : i64) : i64
  %c = llvm.mlir.addressof @c : !llvm.ptr
  llvm.call @qforge_parallel_for(%c, %z0, %n, %t) : (!llvm.ptr, !llvm.ptr, i64, i64) -> ()
  %d = llvm.mlir.addressof @d : !llvm.ptr
  llvm.call @qforge_parallel_for(%d, %z1, %n, %t) : (!llvm.ptr, !llvm.ptr, i64, i64) -> ()
  llvm.return
}

llvm.func internal @c(%ctx: !llvm.ptr, %begin: i64, %end: i64) {
  %k = llvm.mlir.constant(16 : i64) : i64
  %less = llvm.icmp "slt" %begin, %k : i64
  llvm.cond_br %less, ^work, ^done
^work:
  llvm.call @touch(%begin) : (i64) -> ()
  llvm.br ^done
^done:
  llvm.return
}

llvm.func internal @d(%ctx: !llvm.ptr, %begin: i64, %end: i64) {
  %k = llvm.mlir.constant(32 : i64) : i64
  %less = llvm.icmp "slt" %begin, %k : i64
  llvm.cond_br %less, ^work, ^done
^work:
  llvm.call @touch(%begin) : (i64) -> ()
  llvm.br ^done
^done:
  llvm.return
}

llvm.func @touch(i64)
llvm.func @qforge_parallel_for(!llvm.ptr, !llvm.ptr, i64, i64)

// -----

// Chunks without a context that differ in a global: the calls get a
// context for it, allocated once in the caller's entry block.
// CHECK-LABEL: llvm.func @no_context(
// CHECK: %[[C1:.*]] = llvm.alloca %{{.*}} x !llvm.struct<(ptr)>
// CHECK: %[[C0:.*]] = llvm.alloca %{{.*}} x !llvm.struct<(ptr)>
// CHECK-NOT: llvm.mlir.zero
// CHECK: %[[E:.*]] = llvm.mlir.addressof @e : !llvm.ptr
// CHECK: %[[G0:.*]] = llvm.mlir.addressof @g0 : !llvm.ptr
// CHECK: %[[F0:.*]] = llvm.getelementptr %[[C0]][0, 0] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr)>
// CHECK: llvm.store %[[G0]], %[[F0]]
// CHECK: llvm.call @qforge_parallel_for(%[[E]], %[[C0]],
// CHECK: %[[G1:.*]] = llvm.mlir.addressof @g1 : !llvm.ptr
// CHECK: %[[F1:.*]] = llvm.getelementptr %[[C1]][0, 0]
// CHECK: llvm.store %[[G1]], %[[F1]]
// CHECK: %[[E1:.*]] = llvm.mlir.addressof @e : !llvm.ptr
// CHECK: llvm.call @qforge_parallel_for(%[[E1]], %[[C1]],
// CHECK-LABEL: llvm.func internal @e(
// CHECK-SAME: %[[CTX:[^:]*]]: !llvm.ptr
// CHECK: %[[FG:.*]] = llvm.getelementptr %[[CTX]][0, 0] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr)>
// CHECK: %[[G:.*]] = llvm.load %[[FG]] : !llvm.ptr -> !llvm.ptr
// CHECK: llvm.call @use(%[[G]])
// CHECK-NOT: llvm.func internal @f
llvm.mlir.global internal constant @g0(1 : i32) {addr_space = 0 : i32} : i32
llvm.mlir.global internal constant @g1(2 : i32) {addr_space = 0 : i32} : i32

llvm.func @no_context() {
  %z0 = llvm.mlir.zero : !llvm.ptr
  %z1 = llvm.mlir.zero : !llvm.ptr
  %n = llvm.mlir.constant(8 : i64) : i64
  %t = llvm.mlir.constant(0 : i64) : i64
  %e = llvm.mlir.addressof @e : !llvm.ptr
  llvm.call @qforge_parallel_for(%e, %z0, %n, %t) : (!llvm.ptr, !llvm.ptr, i64, i64) -> ()
  %f = llvm.mlir.addressof @f : !llvm.ptr
  llvm.call @qforge_parallel_for(%f, %z1, %n, %t) : (!llvm.ptr, !llvm.ptr, i64, i64) -> ()
  llvm.return
}

llvm.func internal @e(%ctx: !llvm.ptr, %begin: i64, %end: i64) {
  %g = llvm.mlir.addressof @g0 : !llvm.ptr
  llvm.call @use(%g) : (!llvm.ptr) -> ()
  llvm.return
}

llvm.func internal @f(%ctx: !llvm.ptr, %begin: i64, %end: i64) {
  %g = llvm.mlir.addressof @g1 : !llvm.ptr
  llvm.call @use(%g) : (!llvm.ptr) -> ()
  llvm.return
}

llvm.func @use(!llvm.ptr)
llvm.func @qforge_parallel_for(!llvm.ptr, !llvm.ptr, i64, i64)

// -----

// Equal chunks, data included, become one with the same context. A chunk
// whose address is used otherwise as well (@k, stored) is left alone.
// CHECK-LABEL: llvm.func @equal_and_escaping(
// CHECK: llvm.alloca %{{.*}} x !llvm.struct<(ptr)> : (i64) -> !llvm.ptr
// CHECK: llvm.alloca %{{.*}} x !llvm.struct<(ptr)> : (i64) -> !llvm.ptr
// CHECK: %[[H:.*]] = llvm.mlir.addressof @h : !llvm.ptr
// CHECK: llvm.call @qforge_parallel_for(%[[H]],
// CHECK: %[[H1:.*]] = llvm.mlir.addressof @h : !llvm.ptr
// CHECK: llvm.call @qforge_parallel_for(%[[H1]],
// CHECK: %[[K:.*]] = llvm.mlir.addressof @k : !llvm.ptr
// CHECK: llvm.store %[[K]]
// CHECK: llvm.call @qforge_parallel_for(%[[K]],
// CHECK-LABEL: llvm.func internal @h(
// CHECK: llvm.getelementptr %{{.*}}[0, 0] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr)>
// CHECK: llvm.mlir.addressof @g0
// CHECK-NOT: llvm.func internal @j(
// CHECK-LABEL: llvm.func internal @k(
llvm.mlir.global internal constant @g0(1 : i32) {addr_space = 0 : i32} : i32
llvm.mlir.global internal constant @g1(2 : i32) {addr_space = 0 : i32} : i32

llvm.func @equal_and_escaping(%o: !llvm.ptr, %slot: !llvm.ptr) {
  %one = llvm.mlir.constant(1 : i64) : i64
  %c0 = llvm.alloca %one x !llvm.struct<(ptr)> : (i64) -> !llvm.ptr
  %c1 = llvm.alloca %one x !llvm.struct<(ptr)> : (i64) -> !llvm.ptr
  %z = llvm.mlir.zero : !llvm.ptr
  %n = llvm.mlir.constant(8 : i64) : i64
  %t = llvm.mlir.constant(0 : i64) : i64
  %f0 = llvm.getelementptr %c0[0, 0] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr)>
  llvm.store %o, %f0 : !llvm.ptr, !llvm.ptr
  %h = llvm.mlir.addressof @h : !llvm.ptr
  llvm.call @qforge_parallel_for(%h, %c0, %n, %t) : (!llvm.ptr, !llvm.ptr, i64, i64) -> ()
  %f1 = llvm.getelementptr %c1[0, 0] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr)>
  llvm.store %o, %f1 : !llvm.ptr, !llvm.ptr
  %j = llvm.mlir.addressof @j : !llvm.ptr
  llvm.call @qforge_parallel_for(%j, %c1, %n, %t) : (!llvm.ptr, !llvm.ptr, i64, i64) -> ()
  %k = llvm.mlir.addressof @k : !llvm.ptr
  llvm.store %k, %slot : !llvm.ptr, !llvm.ptr
  llvm.call @qforge_parallel_for(%k, %z, %n, %t) : (!llvm.ptr, !llvm.ptr, i64, i64) -> ()
  llvm.return
}

llvm.func internal @h(%ctx: !llvm.ptr, %begin: i64, %end: i64) {
  %f = llvm.getelementptr %ctx[0, 0] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr)>
  %out = llvm.load %f : !llvm.ptr -> !llvm.ptr
  %g = llvm.mlir.addressof @g0 : !llvm.ptr
  llvm.call @copy(%out, %g) : (!llvm.ptr, !llvm.ptr) -> ()
  llvm.return
}

llvm.func internal @j(%ctx: !llvm.ptr, %begin: i64, %end: i64) {
  %f = llvm.getelementptr %ctx[0, 0] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr)>
  %out = llvm.load %f : !llvm.ptr -> !llvm.ptr
  %g = llvm.mlir.addressof @g0 : !llvm.ptr
  llvm.call @copy(%out, %g) : (!llvm.ptr, !llvm.ptr) -> ()
  llvm.return
}

llvm.func internal @k(%ctx: !llvm.ptr, %begin: i64, %end: i64) {
  %g = llvm.mlir.addressof @g1 : !llvm.ptr
  llvm.call @copy(%g, %g) : (!llvm.ptr, !llvm.ptr) -> ()
  llvm.return
}

llvm.func @copy(!llvm.ptr, !llvm.ptr)
llvm.func @qforge_parallel_for(!llvm.ptr, !llvm.ptr, i64, i64)

// -----

// Compiled for one thread, chunks are called directly with their context
// first: the second call now calls @m, with its layer's global stored in
// the appended field.
// CHECK-LABEL: llvm.func @direct_calls(
// CHECK: %[[C1:.*]] = llvm.alloca %{{.*}} x !llvm.struct<(ptr)>
// CHECK: %[[C0:.*]] = llvm.alloca %{{.*}} x !llvm.struct<(ptr)>
// CHECK: %[[G0:.*]] = llvm.mlir.addressof @g0 : !llvm.ptr
// CHECK: llvm.store %[[G0]]
// CHECK: llvm.call @m(%[[C0]], %{{.*}}, %{{.*}}) : (!llvm.ptr, i64, i64) -> ()
// CHECK: %[[G1:.*]] = llvm.mlir.addressof @g1 : !llvm.ptr
// CHECK: llvm.store %[[G1]]
// CHECK: llvm.call @m(%[[C1]], %{{.*}}, %{{.*}}) : (!llvm.ptr, i64, i64) -> ()
// CHECK: llvm.call @p(
// CHECK: llvm.call @q(
// CHECK-LABEL: llvm.func internal @m(
// CHECK: llvm.load %{{.*}} : !llvm.ptr -> !llvm.ptr
// CHECK-NOT: llvm.func internal @n(
// Functions seen from outside the module keep their bodies.
// CHECK-LABEL: llvm.func @p(
// CHECK: llvm.mlir.addressof @g0
// CHECK-LABEL: llvm.func @q(
// CHECK: llvm.mlir.addressof @g1
llvm.mlir.global internal constant @g0(1 : i32) {addr_space = 0 : i32} : i32
llvm.mlir.global internal constant @g1(2 : i32) {addr_space = 0 : i32} : i32

llvm.func @direct_calls() {
  %z0 = llvm.mlir.zero : !llvm.ptr
  %z1 = llvm.mlir.zero : !llvm.ptr
  %begin = llvm.mlir.constant(0 : i64) : i64
  %n = llvm.mlir.constant(8 : i64) : i64
  llvm.call @m(%z0, %begin, %n) : (!llvm.ptr, i64, i64) -> ()
  llvm.call @n(%z1, %begin, %n) : (!llvm.ptr, i64, i64) -> ()
  %z2 = llvm.mlir.zero : !llvm.ptr
  %z3 = llvm.mlir.zero : !llvm.ptr
  llvm.call @p(%z2, %begin, %n) : (!llvm.ptr, i64, i64) -> ()
  llvm.call @q(%z3, %begin, %n) : (!llvm.ptr, i64, i64) -> ()
  llvm.return
}

llvm.func internal @m(%ctx: !llvm.ptr, %begin: i64, %end: i64) {
  %g = llvm.mlir.addressof @g0 : !llvm.ptr
  llvm.call @use(%g) : (!llvm.ptr) -> ()
  llvm.return
}

llvm.func internal @n(%ctx: !llvm.ptr, %begin: i64, %end: i64) {
  %g = llvm.mlir.addressof @g1 : !llvm.ptr
  llvm.call @use(%g) : (!llvm.ptr) -> ()
  llvm.return
}

llvm.func @p(%ctx: !llvm.ptr, %begin: i64, %end: i64) {
  %g = llvm.mlir.addressof @g0 : !llvm.ptr
  llvm.call @use(%g) : (!llvm.ptr) -> ()
  llvm.return
}

llvm.func @q(%ctx: !llvm.ptr, %begin: i64, %end: i64) {
  %g = llvm.mlir.addressof @g1 : !llvm.ptr
  llvm.call @use(%g) : (!llvm.ptr) -> ()
  llvm.return
}

llvm.func @use(!llvm.ptr)
