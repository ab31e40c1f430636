// RUN: qforge-opt %s -split-input-file -verify-diagnostics

func.func @lanes(%acc: vector<2xi32>, %a: vector<4xi16>) {
  // expected-error @+1 {{'qf.pair_dot' op acc must have 4, 8 or 16 int32 lanes (xmm, ymm, zmm), got 2}}
  %r = qf.pair_dot %acc, %a, %a : vector<2xi32>, vector<4xi16>
  return
}

// -----

func.func @values_per_lane(%acc: vector<8xi32>, %a: vector<32xi16>) {
  // expected-error @+1 {{'qf.pair_dot' op operands must have 2 int16 values per int32 lane: 16 for 8 lanes, got 32}}
  %r = qf.pair_dot %acc, %a, %a : vector<8xi32>, vector<32xi16>
  return
}

// -----

func.func @element_type(%acc: vector<8xi32>, %a: vector<32xi8>) {
  // expected-error @+1 {{'qf.pair_dot' op operand #1 must be vector of 16-bit signless integer values of ranks 1}}
  %r = "qf.pair_dot"(%acc, %a, %a) : (vector<8xi32>, vector<32xi8>, vector<32xi8>) -> vector<8xi32>
  return
}

// -----

func.func @operand_types(%acc: vector<8xi32>, %a: vector<16xi16>, %b: vector<8xi16>) {
  // expected-error @+1 {{'qf.pair_dot' op failed to verify that all of {lhs, rhs} have same type}}
  %r = "qf.pair_dot"(%acc, %a, %b) : (vector<8xi32>, vector<16xi16>, vector<8xi16>) -> vector<8xi32>
  return
}
