// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-select-kernels{kernels=x86-avx512-vnni}))' | FileCheck %s --check-prefix=VNNI
// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-select-kernels{kernels=x86-avx512-vnni-vbmi}))' | FileCheck %s --check-prefix=VBMI
// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-select-kernels{kernels=x86-avx512}))' | FileCheck %s --check-prefix=AVX512
// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-select-kernels{kernels=x86-avx-vnni}))' | FileCheck %s --check-prefix=AVXVNNI
// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-select-kernels{kernels=arm-neon}))' | FileCheck %s --check-prefix=NEON
// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-select-kernels{kernels=arm-dotprod}))' | FileCheck %s --check-prefix=DOTPROD
// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-select-kernels{kernels=arm-i8mm}))' | FileCheck %s --check-prefix=I8MM
// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-select-kernels))' | FileCheck %s --check-prefix=REFERENCE
// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-select-kernels{kernels=x86-avx2}))' | FileCheck %s --check-prefix=AVX2
// RUN: qforge-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qf-select-kernels{kernels=x86-amx}))' | FileCheck %s --check-prefix=AMX
// RUN: not qforge-opt %s --pass-pipeline='builtin.module(func.func(qf-select-kernels{kernels=x86-sse2}))' 2>&1 | FileCheck %s --check-prefix=BAD-FAMILY

// Each family marks the ops its kernels compute; the reference family
// (the default) marks none.
// REFERENCE-LABEL: func.func @products
// REFERENCE-NOT: qf.kernel
// REFERENCE-LABEL: func.func @already_marked
// BAD-FAMILY: for the --kernels option: Cannot find option named 'x86-sse2'!

// An int8 matmul and an ungrouped convolution with constant weights: the
// dot-product kernels of the families that have one.
// VNNI-LABEL: func.func @products
// VNNI: qf.matmul {{.*}}qf.kernel = #qf.kernel<vnni_product>
// VNNI: qf.conv2d {{.*}}qf.kernel = #qf.kernel<vnni_product>
// AVX512-LABEL: func.func @products
// AVX512-NOT: qf.kernel
// Too few rows for a block of tiles (2 and 16 of 32): the VNNI kernel.
// AMX-LABEL: func.func @products
// AMX: qf.matmul {{.*}}qf.kernel = #qf.kernel<vnni_product>
// AMX: qf.conv2d {{.*}}qf.kernel = #qf.kernel<vnni_product>
// AVX2-LABEL: func.func @products
// AVX2: qf.matmul {{.*}}qf.kernel = #qf.kernel<pmaddwd_product>
// AVX2: qf.conv2d {{.*}}qf.kernel = #qf.kernel<pmaddwd_product>
// AVXVNNI-LABEL: func.func @products
// AVXVNNI: qf.matmul {{.*}}qf.kernel = #qf.kernel<avx_vnni_product>
// AVXVNNI: qf.conv2d {{.*}}qf.kernel = #qf.kernel<avx_vnni_product>
// DOTPROD-LABEL: func.func @products
// DOTPROD: qf.matmul {{.*}}qf.kernel = #qf.kernel<sdot_product>
// DOTPROD: qf.conv2d {{.*}}qf.kernel = #qf.kernel<sdot_product>
// I8MM-LABEL: func.func @products
// I8MM: qf.matmul {{.*}}qf.kernel = #qf.kernel<smmla_product>
// I8MM: qf.conv2d {{.*}}qf.kernel = #qf.kernel<smmla_product>
// NEON-LABEL: func.func @products
// NEON: qf.matmul {{.*}}qf.kernel = #qf.kernel<smull_product>
// NEON: qf.conv2d {{.*}}qf.kernel = #qf.kernel<smull_product>
func.func @products(%x: tensor<2x8xi8>, %img: tensor<1x4x4x8xi8>) -> (tensor<2x2xi32>, tensor<1x4x4x2xi32>) {
  %q = quant.scast %x : tensor<2x8xi8> to tensor<2x8x!quant.uniform<i8:f32, 0.1:-3>>
  %wi = arith.constant dense<3> : tensor<8x2xi8>
  %w = quant.scast %wi : tensor<8x2xi8> to tensor<8x2x!quant.uniform<i8:f32, 0.01>>
  %y = qf.matmul %q, %w : (tensor<2x8x!quant.uniform<i8:f32, 0.1:-3>>, tensor<8x2x!quant.uniform<i8:f32, 0.01>>) -> tensor<2x2xi32>
  %qi = quant.scast %img : tensor<1x4x4x8xi8> to tensor<1x4x4x8x!quant.uniform<u8:f32, 0.1>>
  %fi = arith.constant dense<1> : tensor<2x3x3x8xi8>
  %f = quant.scast %fi : tensor<2x3x3x8xi8> to tensor<2x3x3x8x!quant.uniform<i8:f32, 0.01>>
  %c = qf.conv2d %qi, %f {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x4x4x8x!quant.uniform<u8:f32, 0.1>>, tensor<2x3x3x8x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x4x4x2xi32>
  return %y, %c : tensor<2x2xi32>, tensor<1x4x4x2xi32>
}

// -----

// AMX tiles take products of at least 32 rows and 32 bytes of reduction
// with int8 weights: a 64x64 matmul, a 3x3 convolution of 64 channels over
// 8x8 pixels (read in place) and a 2x2 one of 16 channels (its windows
// unfolded into rows of 2 x 2 x 16 = 64 bytes, one whole step); a
// reduction of 16 bytes, and a convolution whose unfolded rows would have
// to be padded to whole 64-byte steps (3 x 3 x 8 = 72 bytes), keep the
// VNNI kernel, and so does every product in the VNNI family.
// AMX-LABEL: func.func @tile_products
// AMX: qf.matmul {{.*}}qf.kernel = #qf.kernel<amx_product>
// AMX: qf.conv2d {{.*}}qf.kernel = #qf.kernel<amx_product>
// AMX: qf.conv2d {{.*}}qf.kernel = #qf.kernel<amx_product>
// AMX: qf.matmul {{.*}}qf.kernel = #qf.kernel<vnni_product>
// AMX: qf.conv2d {{.*}}qf.kernel = #qf.kernel<vnni_product>
// VNNI-LABEL: func.func @tile_products
// VNNI-COUNT-5: qf.kernel = #qf.kernel<vnni_product>
func.func @tile_products(%x: tensor<64x64xi8>, %img: tensor<1x8x8x64xi8>, %s: tensor<64x16xi8>, %few: tensor<1x8x8x16xi8>, %eight: tensor<1x8x8x8xi8>) -> (tensor<64x32xi32>, tensor<1x8x8x16xi32>, tensor<1x8x8x16xi32>, tensor<64x32xi32>, tensor<1x8x8x16xi32>) {
  %q = quant.scast %x : tensor<64x64xi8> to tensor<64x64x!quant.uniform<i8:f32, 0.1:-3>>
  %wi = arith.constant dense<3> : tensor<64x32xi8>
  %w = quant.scast %wi : tensor<64x32xi8> to tensor<64x32x!quant.uniform<i8:f32, 0.01>>
  %y = qf.matmul %q, %w : (tensor<64x64x!quant.uniform<i8:f32, 0.1:-3>>, tensor<64x32x!quant.uniform<i8:f32, 0.01>>) -> tensor<64x32xi32>
  %qi = quant.scast %img : tensor<1x8x8x64xi8> to tensor<1x8x8x64x!quant.uniform<u8:f32, 0.1>>
  %fi = arith.constant dense<1> : tensor<16x3x3x64xi8>
  %f = quant.scast %fi : tensor<16x3x3x64xi8> to tensor<16x3x3x64x!quant.uniform<i8:f32, 0.01>>
  %c = qf.conv2d %qi, %f {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x8x8x64x!quant.uniform<u8:f32, 0.1>>, tensor<16x3x3x64x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x8x8x16xi32>
  %qf = quant.scast %few : tensor<1x8x8x16xi8> to tensor<1x8x8x16x!quant.uniform<u8:f32, 0.1>>
  %f2i = arith.constant dense<1> : tensor<16x2x2x16xi8>
  %f2 = quant.scast %f2i : tensor<16x2x2x16xi8> to tensor<16x2x2x16x!quant.uniform<i8:f32, 0.01>>
  %u = qf.conv2d %qf, %f2 {padding = array<i64: 0, 1, 0, 1>} : (tensor<1x8x8x16x!quant.uniform<u8:f32, 0.1>>, tensor<16x2x2x16x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x8x8x16xi32>
  %qs = quant.scast %s : tensor<64x16xi8> to tensor<64x16x!quant.uniform<i8:f32, 0.1:-3>>
  %ws = arith.constant dense<3> : tensor<16x32xi8>
  %wsq = quant.scast %ws : tensor<16x32xi8> to tensor<16x32x!quant.uniform<i8:f32, 0.01>>
  %short = qf.matmul %qs, %wsq : (tensor<64x16x!quant.uniform<i8:f32, 0.1:-3>>, tensor<16x32x!quant.uniform<i8:f32, 0.01>>) -> tensor<64x32xi32>
  %qe = quant.scast %eight : tensor<1x8x8x8xi8> to tensor<1x8x8x8x!quant.uniform<u8:f32, 0.1>>
  %f3i = arith.constant dense<1> : tensor<16x3x3x8xi8>
  %f3 = quant.scast %f3i : tensor<16x3x3x8xi8> to tensor<16x3x3x8x!quant.uniform<i8:f32, 0.01>>
  %v = qf.conv2d %qe, %f3 {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x8x8x8x!quant.uniform<u8:f32, 0.1>>, tensor<16x3x3x8x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x8x8x16xi32>
  return %y, %c, %u, %short, %v : tensor<64x32xi32>, tensor<1x8x8x16xi32>, tensor<1x8x8x16xi32>, tensor<64x32xi32>, tensor<1x8x8x16xi32>
}

// -----

// Depthwise convolutions of 16 channels: a 3x3 kernel's row spans 3
// pixels, so VNNI computes it one vpdpbusd per kernel row, a 5x5 one two;
// a 5x5 one dilated by 2 (9 pixels), and every depthwise convolution on
// AArch64 and with AVX-VNNI or AVX2, 16 channels per vector.
// AVXVNNI-LABEL: func.func @depthwise
// AVXVNNI-COUNT-3: qf.kernel = #qf.kernel<vector_depthwise>
// AVX2-LABEL: func.func @depthwise
// AVX2-COUNT-3: qf.kernel = #qf.kernel<vector_depthwise>
// VNNI-LABEL: func.func @depthwise
// VNNI: qf.conv2d {{.*}}qf.kernel = #qf.kernel<vnni_depthwise_rows>
// VNNI: qf.conv2d {{.*}}qf.kernel = #qf.kernel<vnni_depthwise_rows>
// VNNI: qf.conv2d {{.*}}qf.kernel = #qf.kernel<vector_depthwise>
// DOTPROD-LABEL: func.func @depthwise
// DOTPROD-COUNT-3: qf.kernel = #qf.kernel<vector_depthwise>
// I8MM-LABEL: func.func @depthwise
// I8MM-COUNT-3: qf.kernel = #qf.kernel<vector_depthwise>
// NEON-LABEL: func.func @depthwise
// NEON-COUNT-3: qf.kernel = #qf.kernel<vector_depthwise>
func.func @depthwise(%x: tensor<1x6x6x16xi8>) -> (tensor<1x6x6x16xi32>, tensor<1x6x6x16xi32>, tensor<1x2x2x16xi32>) {
  %q = quant.scast %x : tensor<1x6x6x16xi8> to tensor<1x6x6x16x!quant.uniform<u8:f32, 0.1:7>>
  %f3i = arith.constant dense<2> : tensor<16x3x3x1xi8>
  %f3 = quant.scast %f3i : tensor<16x3x3x1xi8> to tensor<16x3x3x1x!quant.uniform<i8:f32, 0.01>>
  %a = qf.conv2d %q, %f3 {groups = 16 : i64, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x6x6x16x!quant.uniform<u8:f32, 0.1:7>>, tensor<16x3x3x1x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x6x6x16xi32>
  %f5i = arith.constant dense<2> : tensor<16x5x5x1xi8>
  %f5 = quant.scast %f5i : tensor<16x5x5x1xi8> to tensor<16x5x5x1x!quant.uniform<i8:f32, 0.01>>
  %b = qf.conv2d %q, %f5 {groups = 16 : i64, padding = array<i64: 2, 2, 2, 2>} : (tensor<1x6x6x16x!quant.uniform<u8:f32, 0.1:7>>, tensor<16x5x5x1x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x6x6x16xi32>
  %c = qf.conv2d %q, %f5 {groups = 16 : i64, padding = array<i64: 2, 2, 2, 2>, dilations = array<i64: 2, 2>} : (tensor<1x6x6x16x!quant.uniform<u8:f32, 0.1:7>>, tensor<16x5x5x1x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x2x2x16xi32>
  return %a, %b, %c : tensor<1x6x6x16xi32>, tensor<1x6x6x16xi32>, tensor<1x2x2x16xi32>
}

// -----

// Any channel count: the kernels compute whole vectors of 16 channels and
// drop the padded ones (2 and 24 channels here).
// VNNI-LABEL: func.func @depthwise_partial_vectors
// VNNI-COUNT-2: qf.kernel = #qf.kernel<vnni_depthwise_rows>
// DOTPROD-LABEL: func.func @depthwise_partial_vectors
// DOTPROD-COUNT-2: qf.kernel = #qf.kernel<vector_depthwise>
func.func @depthwise_partial_vectors(%img: tensor<1x4x4x2xi8>, %wide: tensor<1x4x4x24xi8>) -> (tensor<1x2x2x2xi32>, tensor<1x2x2x24xi32>) {
  %qi = quant.scast %img : tensor<1x4x4x2xi8> to tensor<1x4x4x2x!quant.uniform<i8:f32, 0.1:-3>>
  %fi = arith.constant dense<1> : tensor<2x3x3x1xi8>
  %f = quant.scast %fi : tensor<2x3x3x1xi8> to tensor<2x3x3x1x!quant.uniform<i8:f32:0, {0.01, 0.02}>>
  %d = qf.conv2d %qi, %f {groups = 2 : i64} : (tensor<1x4x4x2x!quant.uniform<i8:f32, 0.1:-3>>, tensor<2x3x3x1x!quant.uniform<i8:f32:0, {0.01, 0.02}>>) -> tensor<1x2x2x2xi32>
  %qw = quant.scast %wide : tensor<1x4x4x24xi8> to tensor<1x4x4x24x!quant.uniform<i8:f32, 0.1:-3>>
  %gi = arith.constant dense<1> : tensor<24x3x3x1xi8>
  %g = quant.scast %gi : tensor<24x3x3x1xi8> to tensor<24x3x3x1x!quant.uniform<i8:f32, 0.01>>
  %e = qf.conv2d %qw, %g {groups = 24 : i64} : (tensor<1x4x4x24x!quant.uniform<i8:f32, 0.1:-3>>, tensor<24x3x3x1x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x2x2x24xi32>
  return %d, %e : tensor<1x2x2x2xi32>, tensor<1x2x2x24xi32>
}

// -----

// 4-bit weights (per channel, and in blocks of 4): every product kernel
// unpacks them, but smmla, which reduces 8 values per instruction, takes
// no blocks of 4.
// VNNI-LABEL: func.func @four_bit
// VNNI-COUNT-2: qf.kernel = #qf.kernel<vnni_product>
// AVXVNNI-LABEL: func.func @four_bit
// AVXVNNI-COUNT-2: qf.kernel = #qf.kernel<avx_vnni_product>
// AVX2-LABEL: func.func @four_bit
// AVX2-COUNT-2: qf.kernel = #qf.kernel<pmaddwd_product>
// DOTPROD-LABEL: func.func @four_bit
// DOTPROD-COUNT-2: qf.kernel = #qf.kernel<sdot_product>
// NEON-LABEL: func.func @four_bit
// NEON-COUNT-2: qf.kernel = #qf.kernel<smull_product>
// I8MM-LABEL: func.func @four_bit
// I8MM: qf.matmul {{.*}}qf.kernel = #qf.kernel<smmla_product>
// I8MM-NOT: qf.kernel
func.func @four_bit(%xi: tensor<1x8xi8>) -> (tensor<1x2x!quant.uniform<i8:f32, 0.05>>, tensor<1x2x!quant.uniform<i8:f32, 0.05>>) {
  %x = quant.scast %xi : tensor<1x8xi8> to tensor<1x8x!quant.uniform<i8:f32, 0.01:-128>>
  %wc = qf.packed_constant dense<[33, 67, 101, 117, 18, 52, 86, 114]> : tensor<8xi8> : tensor<8x2x!quant.uniform<i4<-7:7>:f32:1, {0.1, 0.02}>>
  %y = qf.matmul %x, %wc : (tensor<1x8x!quant.uniform<i8:f32, 0.01:-128>>, tensor<8x2x!quant.uniform<i4<-7:7>:f32:1, {0.1, 0.02}>>) -> tensor<1x2x!quant.uniform<i8:f32, 0.05>>
  %wb = qf.packed_constant dense<[33, 67, 101, 117, 18, 52, 86, 114]> : tensor<8xi8> : tensor<8x2x!quant.uniform<i4<-7:7>:f32:{0:4, 1:1}, {{0.1, 0.1}, {0.02, 0.1}}>>
  %z = qf.matmul %x, %wb : (tensor<1x8x!quant.uniform<i8:f32, 0.01:-128>>, tensor<8x2x!quant.uniform<i4<-7:7>:f32:{0:4, 1:1}, {{0.1, 0.1}, {0.02, 0.1}}>>) -> tensor<1x2x!quant.uniform<i8:f32, 0.05>>
  return %y, %z : tensor<1x2x!quant.uniform<i8:f32, 0.05>>, tensor<1x2x!quant.uniform<i8:f32, 0.05>>
}

// -----

// Left to the reference loops on every family: weights that are not
// constant, and weights whose int32 sums could overflow (2 * 255 * 127 *
// 34000 > 2^31).
// VNNI-LABEL: func.func @reference
// VNNI-NOT: qf.kernel
// AVX2-LABEL: func.func @reference
// AVX2-NOT: qf.kernel
// DOTPROD-LABEL: func.func @reference
// DOTPROD-NOT: qf.kernel
// I8MM-LABEL: func.func @reference
// I8MM-NOT: qf.kernel
// NEON-LABEL: func.func @reference
// NEON-NOT: qf.kernel
func.func @reference(%x: tensor<1x4xi8>, %wv: tensor<4x2xi8>, %long: tensor<1x34000xi8>) -> (tensor<1x2xi32>, tensor<1x1xi32>) {
  %q = quant.scast %x : tensor<1x4xi8> to tensor<1x4x!quant.uniform<i8:f32, 0.1:-3>>
  %w = quant.scast %wv : tensor<4x2xi8> to tensor<4x2x!quant.uniform<i8:f32:1, {0.01, 0.02}>>
  %y = qf.matmul %q, %w : (tensor<1x4x!quant.uniform<i8:f32, 0.1:-3>>, tensor<4x2x!quant.uniform<i8:f32:1, {0.01, 0.02}>>) -> tensor<1x2xi32>
  %ql = quant.scast %long : tensor<1x34000xi8> to tensor<1x34000x!quant.uniform<i8:f32, 0.1>>
  %bi = arith.constant dense<127> : tensor<34000x1xi8>
  %big = quant.scast %bi : tensor<34000x1xi8> to tensor<34000x1x!quant.uniform<i8:f32, 0.01>>
  %o = qf.matmul %ql, %big : (tensor<1x34000x!quant.uniform<i8:f32, 0.1>>, tensor<34000x1x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x1xi32>
  return %y, %o : tensor<1x2xi32>, tensor<1x1xi32>
}

// -----

// Float products: the FMA kernel on the AVX-512 families (on ymm, 8 lanes,
// with AVX2 and AVX-VNNI alone; on AArch64's q registers, 4 lanes, with
// fmla), for constant
// weights (packed at compile time; also through the importer's reshape to
// [1, K, N] for MatMul and Gemm) and for both operands computed at run time
// (packed at run time, any batch: attention's products). Constant weights
// with a batch of their own keep TOSA's lowering.
// VNNI-LABEL: func.func @float_products
// VNNI: tosa.conv2d {{.*}}qf.kernel = #qf.kernel<fma_product>
// VNNI: tosa.matmul {{.*}}qf.kernel = #qf.kernel<fma_product>
// VNNI: tosa.matmul {{.*}}qf.kernel = #qf.kernel<fma_product>
// VNNI: tosa.matmul {{.*}}qf.kernel = #qf.kernel<fma_product>
// VNNI: tosa.matmul %arg3, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<3x4x8xf32>
// VNNI-NOT: qf.kernel
// AVX512-LABEL: func.func @float_products
// AVX512: tosa.conv2d {{.*}}qf.kernel = #qf.kernel<fma_product>
// AVX512: tosa.matmul {{.*}}qf.kernel = #qf.kernel<fma_product>
// AVX512: tosa.matmul {{.*}}qf.kernel = #qf.kernel<fma_product>
// AVX512: tosa.matmul {{.*}}qf.kernel = #qf.kernel<fma_product>
// AVX512-NOT: qf.kernel
// AVXVNNI-LABEL: func.func @float_products
// AVXVNNI: tosa.conv2d {{.*}}qf.kernel = #qf.kernel<fma256_product>
// AVXVNNI-COUNT-3: tosa.matmul {{.*}}qf.kernel = #qf.kernel<fma256_product>
// AVXVNNI-NOT: qf.kernel
// AVX2-LABEL: func.func @float_products
// AVX2: tosa.conv2d {{.*}}qf.kernel = #qf.kernel<fma256_product>
// AVX2-COUNT-3: tosa.matmul {{.*}}qf.kernel = #qf.kernel<fma256_product>
// AVX2-NOT: qf.kernel
// NEON-LABEL: func.func @float_products
// NEON: tosa.conv2d {{.*}}qf.kernel = #qf.kernel<fmla_product>
// NEON-COUNT-3: tosa.matmul {{.*}}qf.kernel = #qf.kernel<fmla_product>
// NEON-NOT: qf.kernel
// DOTPROD-LABEL: func.func @float_products
// DOTPROD: tosa.conv2d {{.*}}qf.kernel = #qf.kernel<fmla_product>
// DOTPROD-COUNT-3: tosa.matmul {{.*}}qf.kernel = #qf.kernel<fmla_product>
// DOTPROD-NOT: qf.kernel
// I8MM-LABEL: func.func @float_products
// I8MM: tosa.conv2d {{.*}}qf.kernel = #qf.kernel<fmla_product>
// I8MM-COUNT-3: tosa.matmul {{.*}}qf.kernel = #qf.kernel<fmla_product>
// I8MM-NOT: qf.kernel
func.func @float_products(%x: tensor<1x2x2x1xf32>, %v: tensor<1x1x8xf32>, %wr: tensor<1x8x20xf32>, %vb: tensor<3x4x8xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x1x20xf32>, tensor<1x1x20xf32>, tensor<1x1x20xf32>, tensor<3x4x20xf32>) {
  %w = "tosa.const"() {values = dense<1.0> : tensor<2x3x3x1xf32>} : () -> tensor<2x3x3x1xf32>
  %b = "tosa.const"() {values = dense<[0.5, -1.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<2x3x3x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %wm = "tosa.const"() {values = dense<0.25> : tensor<1x8x20xf32>} : () -> tensor<1x8x20xf32>
  %m = tosa.matmul %v, %wm, %zp, %zp : (tensor<1x1x8xf32>, tensor<1x8x20xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x20xf32>
  %w2 = "tosa.const"() {values = dense<0.5> : tensor<8x20xf32>} : () -> tensor<8x20xf32>
  %shape = tosa.const_shape {values = dense<[1, 8, 20]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %w3 = tosa.reshape %w2, %shape : (tensor<8x20xf32>, !tosa.shape<3>) -> tensor<1x8x20xf32>
  %g = tosa.matmul %v, %w3, %zp, %zp : (tensor<1x1x8xf32>, tensor<1x8x20xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x20xf32>
  %r = tosa.matmul %v, %wr, %zp, %zp : (tensor<1x1x8xf32>, tensor<1x8x20xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x20xf32>
  %wb = "tosa.const"() {values = dense<0.5> : tensor<3x8x20xf32>} : () -> tensor<3x8x20xf32>
  %c = tosa.matmul %vb, %wb, %zp, %zp : (tensor<3x4x8xf32>, tensor<3x8x20xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<3x4x20xf32>
  return %y, %m, %g, %r, %c : tensor<1x2x2x2xf32>, tensor<1x1x20xf32>, tensor<1x1x20xf32>, tensor<1x1x20xf32>, tensor<3x4x20xf32>
}

// -----

// Float depthwise convolutions (one output per channel) with a constant
// filter: the float depthwise kernel on the AVX-512 families, whatever the
// channel count (the last block is masked), on ymm (8 channels per
// vector) with AVX2. A channel multiplier of 2 keeps
// TOSA's lowering.
// VNNI-LABEL: func.func @float_depthwise
// VNNI: tosa.depthwise_conv2d {{.*}}qf.kernel = #qf.kernel<fma_depthwise>
// VNNI-NOT: qf.kernel
// AVX512-LABEL: func.func @float_depthwise
// AVX512: tosa.depthwise_conv2d {{.*}}qf.kernel = #qf.kernel<fma_depthwise>
// AVX512-NOT: qf.kernel
// AVX2-LABEL: func.func @float_depthwise
// AVX2: tosa.depthwise_conv2d {{.*}}qf.kernel = #qf.kernel<fma256_depthwise>
// AVX2-NOT: qf.kernel
// AVXVNNI-LABEL: func.func @float_depthwise
// AVXVNNI: tosa.depthwise_conv2d {{.*}}qf.kernel = #qf.kernel<fma256_depthwise>
// AVXVNNI-NOT: qf.kernel
// NEON-LABEL: func.func @float_depthwise
// NEON: tosa.depthwise_conv2d {{.*}}qf.kernel = #qf.kernel<fmla_depthwise>
// NEON-NOT: qf.kernel
// DOTPROD-LABEL: func.func @float_depthwise
// DOTPROD: tosa.depthwise_conv2d {{.*}}qf.kernel = #qf.kernel<fmla_depthwise>
// DOTPROD-NOT: qf.kernel
// I8MM-LABEL: func.func @float_depthwise
// I8MM: tosa.depthwise_conv2d {{.*}}qf.kernel = #qf.kernel<fmla_depthwise>
// I8MM-NOT: qf.kernel
func.func @float_depthwise(%x: tensor<1x6x6x5xf32>) -> (tensor<1x6x6x5xf32>, tensor<1x6x6x10xf32>) {
  %w = "tosa.const"() {values = dense<1.0> : tensor<3x3x5x1xf32>} : () -> tensor<3x3x5x1xf32>
  %b = "tosa.const"() {values = dense<0.5> : tensor<5xf32>} : () -> tensor<5xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %y = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x6x6x5xf32>, tensor<3x3x5x1xf32>, tensor<5xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x6x5xf32>
  %w2 = "tosa.const"() {values = dense<1.0> : tensor<3x3x5x2xf32>} : () -> tensor<3x3x5x2xf32>
  %b2 = "tosa.const"() {values = dense<0.5> : tensor<10xf32>} : () -> tensor<10xf32>
  %m = tosa.depthwise_conv2d %x, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x6x6x5xf32>, tensor<3x3x5x2xf32>, tensor<10xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x6x10xf32>
  return %y, %m : tensor<1x6x6x5xf32>, tensor<1x6x6x10xf32>
}

// -----

// An op already marked keeps its kernel (a user's choice, or an earlier
// run).
// VNNI-LABEL: func.func @already_marked
// VNNI: qf.kernel = #qf.kernel<vector_depthwise>
// AVX512-LABEL: func.func @already_marked
// AVXVNNI-LABEL: func.func @already_marked
// AVXVNNI: qf.kernel = #qf.kernel<vector_depthwise>
// AVX2-LABEL: func.func @already_marked
// AVX2: qf.kernel = #qf.kernel<vector_depthwise>
// DOTPROD-LABEL: func.func @already_marked
// I8MM-LABEL: func.func @already_marked
// NEON-LABEL: func.func @already_marked
// NEON: qf.kernel = #qf.kernel<vector_depthwise>
func.func @already_marked(%x: tensor<1x6x6x16xi8>) -> tensor<1x6x6x16xi32> {
  %q = quant.scast %x : tensor<1x6x6x16xi8> to tensor<1x6x6x16x!quant.uniform<u8:f32, 0.1:7>>
  %fi = arith.constant dense<2> : tensor<16x3x3x1xi8>
  %f = quant.scast %fi : tensor<16x3x3x1xi8> to tensor<16x3x3x1x!quant.uniform<i8:f32, 0.01>>
  %a = qf.conv2d %q, %f {qf.kernel = #qf.kernel<vector_depthwise>, groups = 16 : i64, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x6x6x16x!quant.uniform<u8:f32, 0.1:7>>, tensor<16x3x3x1x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x6x6x16xi32>
  return %a : tensor<1x6x6x16xi32>
}

// -----

// NEON-LABEL: func.func @lookup
// NEON-NOT: qf.kernel
// A table lookup: the VBMI family's vpermi2b kernel; the others keep the
// reference byte loads (VNNI alone has no byte permute of 64 entries).
// VBMI-LABEL: func.func @lookup
// VBMI: qf.lookup {{.*}}qf.kernel = #qf.kernel<vbmi_lookup>
// VNNI-LABEL: func.func @lookup
// VNNI-NOT: qf.kernel
// DOTPROD-LABEL: func.func @lookup
// DOTPROD-NOT: qf.kernel
// AVXVNNI-LABEL: func.func @lookup
// AVXVNNI-NOT: qf.kernel
// AVX2-LABEL: func.func @lookup
// AVX2-NOT: qf.kernel
func.func @lookup(%x: tensor<1x100xi8>) -> tensor<1x100xi8> {
  %q = quant.scast %x : tensor<1x100xi8> to tensor<1x100x!quant.uniform<i8:f32, 0.1:-3>>
  %y = qf.lookup %q table dense<5> : tensor<256xi8> : (tensor<1x100x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<1x100x!quant.uniform<i8:f32, 0.2>>
  %r = quant.scast %y : tensor<1x100x!quant.uniform<i8:f32, 0.2>> to tensor<1x100xi8>
  return %r : tensor<1x100xi8>
}
