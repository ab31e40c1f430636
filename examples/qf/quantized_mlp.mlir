// A two-layer int8 MLP with illustrative (untrained) weights (16 -> 8 -> 4) in the qf dialect, as the quantizer will
// produce it: float only at the edges, int8 weights per output channel, int32
// bias, a fused ReLU as a clamp, and a requantized hidden layer.
//
// scripts/run-example canonicalizes it (the dequantize -> quantize pair between
// the layers becomes one requantize) and runs the backend contract check
// (--qf-verify-quantized), which reports any float compute left behind.

!act_in = !quant.uniform<u8:f32, 0.00392156862745098:0>
!act_hidden = !quant.uniform<u8:f32, 0.05:0>
!act_hidden2 = !quant.uniform<i8:f32, 0.05:-128>
!act_out = !quant.uniform<i8:f32, 0.1:5>
!w1 = !quant.uniform<i8<-127:127>:f32:1, {0.010,0.012,0.009,0.011,0.010,0.013,0.008,0.010}>
!w2 = !quant.uniform<i8<-127:127>:f32:1, {0.020,0.018,0.021,0.019}>

func.func @mlp(%x: tensor<1x16xf32>) -> tensor<1x4xf32> attributes {qf.quantized} {
  %w1_bytes = arith.constant dense<[[-116, -79, -42, -5, 32, 69, 106, -112], [-75, -38, -1, 36, 73, 110, -108, -71], [-34, 3, 40, 77, 114, -104, -67, -30], [7, 44, 81, 118, -100, -63, -26, 11], [48, 85, 122, -96, -59, -22, 15, 52], [89, 126, -92, -55, -18, 19, 56, 93], [-125, -88, -51, -14, 23, 60, 97, -121], [-84, -47, -10, 27, 64, 101, -117, -80], [-43, -6, 31, 68, 105, -113, -76, -39], [-2, 35, 72, 109, -109, -72, -35, 2], [39, 76, 113, -105, -68, -31, 6, 43], [80, 117, -101, -64, -27, 10, 47, 84], [121, -97, -60, -23, 14, 51, 88, 125], [-93, -56, -19, 18, 55, 92, -126, -89], [-52, -15, 22, 59, 96, -122, -85, -48], [-11, 26, 63, 100, -118, -81, -44, -7]]> : tensor<16x8xi8>
  %w1 = quant.scast %w1_bytes : tensor<16x8xi8> to tensor<16x8x!w1>
  %b1 = arith.constant dense<[120, -40, 33, 0, 7, -300, 64, 15]> : tensor<8xi32>
  %w2_bytes = arith.constant dense<[[-105, -68, -31, 6], [43, 80, 117, -101], [-64, -27, 10, 47], [84, 121, -97, -60], [-23, 14, 51, 88], [125, -93, -56, -19], [18, 55, 92, -126], [-89, -52, -15, 22]]> : tensor<8x4xi8>
  %w2 = quant.scast %w2_bytes : tensor<8x4xi8> to tensor<8x4x!w2>
  %b2 = arith.constant dense<[10, -10, 20, -20]> : tensor<4xi32>

  %q = qf.quantize %x : tensor<1x16xf32> -> tensor<1x16x!act_in>
  // ReLU fused: the clamp starts at the output zero point.
  %h = qf.matmul %q, %w1 bias %b1 clamp [0, 255]
      : (tensor<1x16x!act_in>, tensor<16x8x!w1>, tensor<8xi32>) -> tensor<1x8x!act_hidden>
  // A float round trip between layers, as naive rewriting leaves it;
  // canonicalization turns it into one qf.requantize.
  %hf = qf.dequantize %h : tensor<1x8x!act_hidden> -> tensor<1x8xf32>
  %h2 = qf.quantize %hf : tensor<1x8xf32> -> tensor<1x8x!act_hidden2>
  %y = qf.matmul %h2, %w2 bias %b2
      : (tensor<1x8x!act_hidden2>, tensor<8x4x!w2>, tensor<4xi32>) -> tensor<1x4x!act_out>
  %out = qf.dequantize %y : tensor<1x4x!act_out> -> tensor<1x4xf32>
  return %out : tensor<1x4xf32>
}
