// The reference library's side of bench/run.py: times one oneDNN primitive
// (matmul or 2-D convolution, int8 or f32) on this CPU and prints the best
// time per call in milliseconds. Threads follow OMP_NUM_THREADS.
//
//   onednn_bench matmul M N K  int8|f32
//   onednn_bench conv N C H W O KH KW STRIDE PAD GROUPS  int8|f32
//
// int8 is what a quantized model runs: u8 activations x s8 weights, int32
// accumulation, requantized to u8 with one output scale (oneDNN's own
// epilogue), so the timed work matches a qforge int8 layer.
#include <oneapi/dnnl/dnnl.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_map>

using namespace dnnl;
using tag = memory::format_tag;
using dt = memory::data_type;

namespace {

double bestMs(stream &s, primitive &p, std::unordered_map<int, memory> &args, int reps) {
  p.execute(s, args);
  s.wait();
  double best = 1e30;
  for (int r = 0; r < reps; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    p.execute(s, args);
    s.wait();
    double ms = std::chrono::duration<double, std::milli>(
                    std::chrono::steady_clock::now() - t0).count();
    if (ms < best)
      best = ms;
  }
  return best;
}

void fill(memory &m) {
  auto *bytes = static_cast<unsigned char *>(m.get_data_handle());
  size_t n = m.get_desc().get_size();
  for (size_t i = 0; i < n; ++i)
    bytes[i] = static_cast<unsigned char>((i * 37 + 11) % 7); // small values, no overflow
}

int usage() {
  std::fprintf(stderr, "usage: onednn_bench matmul M N K int8|f32\n"
                       "       onednn_bench conv N C H W O KH KW STRIDE PAD GROUPS int8|f32\n");
  return 2;
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2)
    return usage();
  engine eng(engine::kind::cpu, 0);
  stream s(eng);
  std::string what = argv[1];
  std::unordered_map<int, memory> args;
  primitive prim;
  int reps = 20;
  if (what == "matmul" && argc == 6) {
    memory::dim m = std::atol(argv[2]), n = std::atol(argv[3]), k = std::atol(argv[4]);
    bool q = std::strcmp(argv[5], "int8") == 0;
    memory::desc a({m, k}, q ? dt::u8 : dt::f32, tag::ab);
    memory::desc b({k, n}, q ? dt::s8 : dt::f32, tag::any);
    memory::desc c({m, n}, q ? dt::u8 : dt::f32, tag::ab);
    primitive_attr attr;
    if (q)
      attr.set_output_scales(0, {0.01f});
    matmul::primitive_desc pd(matmul::desc(a, b, c), attr, eng);
    memory am(pd.src_desc(), eng), bm(pd.weights_desc(), eng), cm(pd.dst_desc(), eng);
    fill(am);
    fill(bm);
    args = {{DNNL_ARG_SRC, am}, {DNNL_ARG_WEIGHTS, bm}, {DNNL_ARG_DST, cm}};
    prim = matmul(pd);
    if (m * n * k >= (1L << 28))
      reps = 10;
  } else if (what == "conv" && argc == 13) {
    memory::dim n = std::atol(argv[2]), c = std::atol(argv[3]), h = std::atol(argv[4]),
                w = std::atol(argv[5]), o = std::atol(argv[6]), kh = std::atol(argv[7]),
                kw = std::atol(argv[8]), stride = std::atol(argv[9]), pad = std::atol(argv[10]),
                groups = std::atol(argv[11]);
    bool q = std::strcmp(argv[12], "int8") == 0;
    memory::dim oh = (h + 2 * pad - kh) / stride + 1, ow = (w + 2 * pad - kw) / stride + 1;
    memory::desc src({n, c, h, w}, q ? dt::u8 : dt::f32, tag::any);
    memory::dims wdims = groups == 1 ? memory::dims{o, c, kh, kw}
                                     : memory::dims{groups, o / groups, c / groups, kh, kw};
    memory::desc wei(wdims, q ? dt::s8 : dt::f32, tag::any);
    memory::desc dst({n, o, oh, ow}, q ? dt::u8 : dt::f32, tag::any);
    primitive_attr attr;
    if (q)
      attr.set_output_scales(0, {0.01f});
    convolution_forward::primitive_desc pd(
        convolution_forward::desc(prop_kind::forward_inference, algorithm::convolution_direct,
                                  src, wei, dst, {stride, stride}, {pad, pad}, {pad, pad}),
        attr, eng);
    memory sm(pd.src_desc(), eng), wm(pd.weights_desc(), eng), dm(pd.dst_desc(), eng);
    fill(sm);
    fill(wm);
    args = {{DNNL_ARG_SRC, sm}, {DNNL_ARG_WEIGHTS, wm}, {DNNL_ARG_DST, dm}};
    prim = convolution_forward(pd);
  } else {
    return usage();
  }
  std::printf("%.4f\n", bestMs(s, prim, args, reps));
  return 0;
}
