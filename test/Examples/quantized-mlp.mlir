// The bundled example stays valid and shows what it claims: the float round
// trip between its layers canonicalizes to one requantize, and it passes the
// backend contract.
// RUN: qforge-opt --canonicalize --qf-verify-quantized %S/../../examples/qf/quantized_mlp.mlir | FileCheck %s

// CHECK-LABEL: func.func @mlp
// CHECK: %[[Q:.*]] = qf.quantize
// CHECK: %[[H:.*]] = qf.matmul %[[Q]], {{.*}} clamp [0, 255]
// CHECK-NOT: qf.dequantize
// CHECK: %[[H2:.*]] = qf.requantize %[[H]]
// CHECK: %[[Y:.*]] = qf.matmul %[[H2]]
// CHECK: %[[OUT:.*]] = qf.dequantize %[[Y]]
// CHECK: return %[[OUT]]
