// RUN: qforge-opt %s -split-input-file -verify-diagnostics
// qf.byte_pair_dot and qf.two_byte_pair_dot: the operand shapes of smull and sadalp.

func.func @lanes(%acc: vector<8xi32>, %a: vector<8xi8>) {
  // expected-error @+1 {{'qf.byte_pair_dot' op operand #0 must be vector of 32-bit signless integer values of length 4}}
  %r = "qf.byte_pair_dot"(%acc, %a, %a) : (vector<8xi32>, vector<8xi8>, vector<8xi8>) -> vector<8xi32>
  return
}

// -----

func.func @bytes_per_lane(%acc: vector<4xi32>, %a: vector<16xi8>) {
  // expected-error @+1 {{'qf.byte_pair_dot' op operand #1 must be vector of 8-bit signless integer values of length 8}}
  %r = qf.byte_pair_dot %acc, %a, %a : vector<4xi32>, vector<16xi8>
  return
}

// -----

func.func @element_type(%acc: vector<4xi32>, %a: vector<8xi16>) {
  // expected-error @+1 {{'qf.byte_pair_dot' op operand #1 must be vector of 8-bit signless integer values of length 8}}
  %r = "qf.byte_pair_dot"(%acc, %a, %a) : (vector<4xi32>, vector<8xi16>, vector<8xi16>) -> vector<4xi32>
  return
}

// -----

func.func @operand_types(%acc: vector<4xi32>, %a: vector<8xi8>, %b: vector<8xi16>) {
  // expected-error @+1 {{'qf.byte_pair_dot' op operand #2 must be vector of 8-bit signless integer values of length 8}}
  %r = "qf.byte_pair_dot"(%acc, %a, %b) : (vector<4xi32>, vector<8xi8>, vector<8xi16>) -> vector<4xi32>
  return
}

// -----

func.func @two_lanes(%acc: vector<2xi32>, %a: vector<8xi8>) {
  // expected-error @+1 {{'qf.two_byte_pair_dot' op operand #0 must be vector of 32-bit signless integer values of length 4}}
  %r = "qf.two_byte_pair_dot"(%acc, %a, %a, %a, %a) : (vector<2xi32>, vector<8xi8>, vector<8xi8>, vector<8xi8>, vector<8xi8>) -> vector<2xi32>
  return
}

// -----

func.func @two_operand_types(%acc: vector<4xi32>, %a: vector<8xi8>, %b: vector<16xi8>) {
  // expected-error @+1 {{'qf.two_byte_pair_dot' op operand #4 must be vector of 8-bit signless integer values of length 8}}
  %r = "qf.two_byte_pair_dot"(%acc, %a, %a, %a, %b) : (vector<4xi32>, vector<8xi8>, vector<8xi8>, vector<8xi8>, vector<16xi8>) -> vector<4xi32>
  return
}
