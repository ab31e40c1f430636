// RUN: qforge-opt %s -split-input-file -verify-diagnostics

func.func @lanes(%acc: vector<2xi32>, %a: vector<8xi8>) {
  // expected-error @+1 {{'qf.vnni_dot' op acc must have 4, 8 or 16 int32 lanes (xmm, ymm, zmm), got 2}}
  %r = qf.vnni_dot %acc, %a, %a : vector<2xi32>, vector<8xi8>
  return
}

// -----

func.func @bytes_per_lane(%acc: vector<16xi32>, %a: vector<32xi8>) {
  // expected-error @+1 {{'qf.vnni_dot' op operands must have 4 bytes per int32 lane: 64 for 16 lanes, got 32}}
  %r = qf.vnni_dot %acc, %a, %a : vector<16xi32>, vector<32xi8>
  return
}

// -----

func.func @element_type(%acc: vector<16xi32>, %a: vector<64xi16>) {
  // expected-error @+1 {{'qf.vnni_dot' op operand #1 must be vector of 8-bit signless integer values of ranks 1}}
  %r = "qf.vnni_dot"(%acc, %a, %a) : (vector<16xi32>, vector<64xi16>, vector<64xi16>) -> vector<16xi32>
  return
}
