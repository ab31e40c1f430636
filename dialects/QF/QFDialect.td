//===- QFDialect.td - the qf dialect ----------------------*- tablegen -*-===//
//
// qf holds what upstream MLIR lacks for quantized inference: calibration
// observers, quantize/dequantize/requantize on tensors, integer compute with
// fused requantization, and packed sub-byte weights. Quantization parameters
// live in upstream `!quant.uniform` types; qf adds no types of its own.
//
//===----------------------------------------------------------------------===//

#ifndef QF_DIALECT_TD
#define QF_DIALECT_TD

include "mlir/IR/OpBase.td"

def QF_Dialect : Dialect {
  let name = "qf";
  let summary = "qforge's quantized-inference dialect";
  let description = [{
    Operations for post-training quantization: `qf.observe` marks a float
    tensor whose range calibration records; `qf.quantize`, `qf.dequantize`
    and `qf.requantize` convert between float and `!quant.uniform` tensors;
    `qf.matmul` and `qf.conv2d` compute in integers and requantize their
    int32 accumulators; `qf.packed_constant` holds 4-bit weights two per byte.
    Target kernels: `#qf.kernel` records the micro-kernel chosen for an op,
    `qf.vnni_dot` is one x86 dot-product instruction, and `qf.parallel_for`
    splits a kernel's loop over threads.
  }];
  let cppNamespace = "::qforge::qf";
  let dependentDialects = ["::mlir::quant::QuantDialect"];
  let hasOperationAttrVerify = 1;
  let useDefaultAttributePrinterParser = 1;
}

class QF_Op<string mnemonic, list<Trait> traits = []>
    : Op<QF_Dialect, mnemonic, traits>;

#endif // QF_DIALECT_TD
