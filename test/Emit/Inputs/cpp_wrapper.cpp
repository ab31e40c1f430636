// Runs a compiled MNIST model through qforge/model.hpp: the logits (printed
// one per line, last) and the errors it reports for calls that do not
// match the model.  usage: cpp_wrapper DIGIT.raw
#include "mnist.h"

#include <qforge/model.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <utility>
#include <vector>

template <class F> void expectError(const char *what, F call) {
  try {
    call();
    std::printf("%s: no error\n", what);
  } catch (const qforge::Error &e) {
    std::printf("%s: status %d: %s\n", what, static_cast<int>(e.status()), e.what());
  }
}

int main(int argc, char **argv) {
  std::ifstream file(argc > 1 ? argv[1] : "", std::ios::binary);
  std::vector<uint8_t> image((std::istreambuf_iterator<char>(file)),
                             std::istreambuf_iterator<char>());
  qforge::Model model(mnist_api());
  std::printf("%s: %d input '%s', %d output '%s'\n", model.name(), model.num_inputs(),
              model.input(0).name, model.num_outputs(), model.output(0).name);
  std::vector<float> logits(10);
  std::vector<float> floats(784);
  std::vector<uint8_t> short_image(700);
  expectError("float image", [&] { model.run({floats}, {logits}); });
  expectError("short image", [&] { model.run({short_image}, {logits}); });
  expectError("two inputs", [&] { model.run({image, image}, {logits}); });
  expectError("no tensor 3", [&] { model.input(3); });
  expectError("null api", [&] { qforge::Model none(nullptr); });
  expectError("right call", [&] { model.run({image}, {logits}); });
  qforge::Model moved = std::move(model);
  float again[10];
  moved.run({qforge::Span<const uint8_t>(image.data(), image.size())}, {again});
  std::printf("moved model gives the same: %s\n",
              std::equal(again, again + 10, logits.begin()) ? "yes" : "no");
  for (float x : logits)
    std::printf("%.9g\n", x);
  return 0;
}
