// RUN: qforge-opt %s -split-input-file -verify-diagnostics

// vpermi2b on zmm registers only: 64 bytes.
func.func @lanes(%a: vector<32xi8>) {
  // expected-error @+1 {{'qf.vbmi_permute' op operand #0 must be vector of 8-bit signless integer values of length 64}}
  %r = qf.vbmi_permute %a, %a, %a : vector<32xi8>
  return
}

// -----

func.func @element_type(%a: vector<64xi16>) {
  // expected-error @+1 {{'qf.vbmi_permute' op operand #0 must be vector of 8-bit signless integer values of length 64}}
  %r = qf.vbmi_permute %a, %a, %a : vector<64xi16>
  return
}
