// RUN: qforge-opt %s -split-input-file -verify-diagnostics

// The answer is a truth value.
func.func @not_i1() -> i32 {
  // expected-error @+1 {{'qf.amx_ready' op result #0 must be 1-bit signless integer}}
  %r = "qf.amx_ready"() : () -> i32
  return %r : i32
}

// -----

// It asks about the process and takes nothing.
func.func @operand(%x: i1) -> i1 {
  // expected-error @+1 {{'qf.amx_ready' op requires zero operands}}
  %r = "qf.amx_ready"(%x) : (i1) -> i1
  return %r : i1
}
