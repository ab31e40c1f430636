//===- EqualizeCrossLayer.cpp - cross-layer weight equalization -----------===//
//
// Two convolutions in a row, W1 then W2, with only channel-wise
// positive-homogeneous ops between them (ReLU, max pooling, layout
// transposes: f(x / s) = f(x) / s for s > 0), compute the same function
// when W1's output channel c and its bias are divided by s_c and W2's input
// channel c is multiplied by it. s_c = sqrt(r1_c / r2_c), r1_c and r2_c
// the largest |w| of the channel in W1 and W2, makes both ranges
// sqrt(r1_c r2_c): per-tensor weight scales stop being set by one channel
// with large weights while the others round to a few levels (Nagel et al.,
// "Data-Free Quantization Through Weight Equalization and Bias
// Correction", 2019). Pairs are rescaled in turn, repeatedly, so that a
// chain (pointwise, depthwise, pointwise) settles.
//
//===----------------------------------------------------------------------===//

#include "qforge/Quantization/Equalize.h"
#include "qforge/Quantization/Passes.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "llvm/ADT/DenseMap.h"

#include <cmath>
#include <limits>

namespace qforge {
#define GEN_PASS_DEF_EQUALIZECROSSLAYERPASS
#include "qforge/Quantization/Passes.h.inc"
} // namespace qforge

using namespace mlir;
using namespace qforge;

namespace {

/// A constant's values, edited on the host and written back once.
struct Values {
  tosa::ConstOp op;
  std::vector<float> data;
  llvm::SmallVector<int64_t> shape;
};

/// The channel a weight at `index` belongs to, of a convolution's output
/// (`input` false) or input (`input` true), in TOSA's layouts: conv2d
/// [O, KH, KW, I], depthwise [KH, KW, C, M] (output channel c * M + m).
int64_t channelOf(bool depthwise, bool input, llvm::ArrayRef<int64_t> shape, int64_t index) {
  if (!depthwise)
    return input ? index % shape[3] : index / (shape[1] * shape[2] * shape[3]);
  int64_t cm = index % (shape[2] * shape[3]);
  return input ? cm / shape[3] : cm;
}

struct Layer {
  Operation *op;
  bool depthwise;
  tosa::ConstOp weightsOp, biasOp;
  Values *weights = nullptr, *bias = nullptr; // Set once paired.
  int64_t outChannels() const { return int64_t(bias->data.size()); }
};

struct Pair {
  Layer producer, consumer;
  llvm::SmallVector<tosa::ClampOp> relu6; // Bounds to lift (relu6-to-relu).
};

/// The f32 constant an operand is, when nothing else uses it.
tosa::ConstOp ownConstant(Value v) {
  auto c = v.getDefiningOp<tosa::ConstOp>();
  if (!c || !v.hasOneUse() || !cast<ShapedType>(v.getType()).getElementType().isF32())
    return {};
  return c;
}

bool isZero(FloatAttr a) { return a && a.getValueAsDouble() == 0.0; }
bool isUnbounded(FloatAttr a) {
  return a && a.getValueAsDouble() >= std::numeric_limits<float>::max();
}

class Equalizer {
public:
  explicit Equalizer(bool relu6ToRelu) : relu6ToRelu(relu6ToRelu) {}

  /// A convolution with weights and bias of its own, or nullopt.
  std::optional<Layer> layerOf(Operation *op) {
    bool depthwise = isa<tosa::DepthwiseConv2DOp>(op);
    if (!depthwise && !isa<tosa::Conv2DOp>(op))
      return std::nullopt;
    tosa::ConstOp w = ownConstant(op->getOperand(1)), b = ownConstant(op->getOperand(2));
    auto type = cast<ShapedType>(op->getResult(0).getType());
    if (!w || !b || !type.hasStaticShape() ||
        cast<ShapedType>(b.getType()).getNumElements() != type.getDimSize(3))
      return std::nullopt;
    return Layer{op, depthwise, w, b};
  }

  /// The convolution that reads `producer`'s output through channel-wise
  /// positive-homogeneous ops only, each used once.
  std::optional<Pair> pairFrom(const Layer &producer) {
    Value v = producer.op->getResult(0);
    int64_t axis = 3; // The channels, NHWC.
    Pair pair{producer, {}, {}};
    while (v.hasOneUse()) {
      Operation *user = *v.getUsers().begin();
      if (auto t = dyn_cast<tosa::TransposeOp>(user)) {
        axis = llvm::find(t.getPerms(), axis) - t.getPerms().begin();
      } else if (auto clamp = dyn_cast<tosa::ClampOp>(user)) {
        auto lo = dyn_cast<FloatAttr>(clamp.getMinValAttr());
        auto hi = dyn_cast<FloatAttr>(clamp.getMaxValAttr());
        bool relu6 = relu6ToRelu && hi && hi.getValueAsDouble() == 6.0;
        if (!isZero(lo) || (!isUnbounded(hi) && !relu6))
          return std::nullopt;
        if (!isUnbounded(hi))
          pair.relu6.push_back(clamp);
      } else if (isa<tosa::MaxPool2dOp>(user) && axis == 3) {
      } else if (std::optional<Layer> consumer = layerOf(user);
                 consumer && user->getOperand(0) == v && axis == 3) {
        pair.consumer = *consumer;
        for (Layer *l : {&pair.producer, &pair.consumer}) {
          l->weights = values(l->weightsOp);
          l->bias = values(l->biasOp);
        }
        return pair;
      } else {
        return std::nullopt;
      }
      v = user->getResult(0);
    }
    return std::nullopt;
  }

  /// One rescaling of a pair's shared channels.
  static void equalize(Pair &p) {
    int64_t channels = p.producer.outChannels();
    std::vector<double> r1(channels, 0.0), r2(channels, 0.0);
    const Layer &a = p.producer, &b = p.consumer;
    forEachChannel(a, false, [&](float &w, int64_t c) {
      r1[c] = std::max(r1[c], double(std::fabs(w)));
    });
    forEachChannel(b, true, [&](float &w, int64_t c) {
      r2[c] = std::max(r2[c], double(std::fabs(w)));
    });
    std::vector<double> s(channels, 1.0);
    for (int64_t c = 0; c < channels; ++c)
      if (r1[c] > 0 && r2[c] > 0)
        s[c] = std::sqrt(r1[c] / r2[c]);
    forEachChannel(a, false, [&](float &w, int64_t c) { w = float(w / s[c]); });
    for (int64_t c = 0; c < channels; ++c)
      a.bias->data[c] = float(a.bias->data[c] / s[c]);
    forEachChannel(b, true, [&](float &w, int64_t c) { w = float(w * s[c]); });
  }

  /// Writes the edited constants back.
  void commit() {
    for (auto &[op, v] : edited) {
      auto type = cast<RankedTensorType>(op.getType());
      op.setValuesAttr(DenseElementsAttr::get(type, llvm::ArrayRef<float>(v->data)));
    }
  }

private:
  Values *values(tosa::ConstOp c) {
    std::unique_ptr<Values> &slot = edited[c];
    if (!slot) {
      auto dense = cast<DenseElementsAttr>(c.getValuesAttr());
      auto type = cast<ShapedType>(c.getType());
      slot = std::make_unique<Values>(Values{
          c, std::vector<float>(dense.getValues<float>().begin(), dense.getValues<float>().end()),
          llvm::SmallVector<int64_t>(type.getShape())});
    }
    return slot.get();
  }

  /// Calls f(weight, channel) for every weight of `layer` on the side
  /// (`input` or output) of the channels the pair shares.
  template <typename F>
  static void forEachChannel(const Layer &layer, bool input, F f) {
    llvm::ArrayRef<int64_t> shape = layer.weights->shape;
    std::vector<float> &w = layer.weights->data;
    for (size_t i = 0; i < w.size(); ++i)
      f(w[i], channelOf(layer.depthwise, input, shape, int64_t(i)));
  }

  bool relu6ToRelu;
  llvm::DenseMap<tosa::ConstOp, std::unique_ptr<Values>> edited;
};

} // namespace

EqualizationSummary qforge::equalizeCrossLayer(func::FuncOp func,
                                               const EqualizationOptions &options) {
  Equalizer equalizer(options.relu6ToRelu);
  std::vector<Pair> pairs;
  func.walk([&](Operation *op) {
    if (std::optional<Layer> producer = equalizer.layerOf(op))
      if (std::optional<Pair> pair = equalizer.pairFrom(*producer))
        pairs.push_back(*pair);
  });
  for (int i = 0; i < options.iterations; ++i)
    for (Pair &p : pairs)
      Equalizer::equalize(p);
  equalizer.commit();
  EqualizationSummary summary;
  summary.pairs = static_cast<int64_t>(pairs.size());
  Builder b(func.getContext());
  for (Pair &p : pairs)
    for (tosa::ClampOp clamp : p.relu6) {
      clamp.setMaxValAttr(b.getF32FloatAttr(std::numeric_limits<float>::infinity()));
      ++summary.relu6Lifted;
    }
  return summary;
}

namespace {

struct EqualizeCrossLayerPass
    : qforge::impl::EqualizeCrossLayerPassBase<EqualizeCrossLayerPass> {
  using EqualizeCrossLayerPassBase::EqualizeCrossLayerPassBase;
  void runOnOperation() override {
    if (iterations < 1) {
      getOperation().emitError("qf-equalize-cross-layer: iterations must be at least 1");
      return signalPassFailure();
    }
    equalizeCrossLayer(getOperation(), {relu6ToRelu, iterations});
  }
};

} // namespace
