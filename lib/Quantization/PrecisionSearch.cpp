//===- PrecisionSearch.cpp - a precision per layer within a budget --------===//

#include "qforge/Quantization/PrecisionSearch.h"
#include "qforge/Calibration/Calibrator.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstring>

using namespace qforge;
using namespace mlir;

std::optional<AccuracyMetric> qforge::parseAccuracyMetric(llvm::StringRef name) {
  for (AccuracyMetric m :
       {AccuracyMetric::Top1, AccuracyMetric::Cosine, AccuracyMetric::Iou, AccuracyMetric::Mse})
    if (name == metricName(m))
      return m;
  return std::nullopt;
}

llvm::StringRef qforge::metricName(AccuracyMetric metric) {
  switch (metric) {
  case AccuracyMetric::Top1:
    return "top1";
  case AccuracyMetric::Cosine:
    return "cosine";
  case AccuracyMetric::Iou:
    return "iou";
  case AccuracyMetric::Mse:
    return "mse";
  }
  return "cosine";
}

namespace {

using RunOutputs = std::vector<std::vector<NpyArray>>;

std::vector<float> floatsOf(const NpyArray &a) {
  std::vector<float> v(a.numElements());
  std::memcpy(v.data(), a.data.data(), v.size() * sizeof(float));
  return v;
}

/// The float32 outputs of one run (metrics read those).
std::vector<std::vector<float>> floatOutputs(const std::vector<NpyArray> &outputs) {
  std::vector<std::vector<float>> result;
  for (const NpyArray &a : outputs)
    if (a.dtype == DType::F32)
      result.push_back(floatsOf(a));
  return result;
}

/// Index of the largest value of each row of `classes` values.
std::vector<int64_t> rowArgmax(const std::vector<float> &v, int64_t classes) {
  std::vector<int64_t> top;
  for (size_t row = 0; row + classes <= v.size(); row += classes)
    top.push_back(std::max_element(v.begin() + row, v.begin() + row + classes) -
                  (v.begin() + row));
  return top;
}

double cosine(const std::vector<float> &q, const std::vector<float> &f) {
  double dot = 0, qq = 0, ff = 0;
  for (size_t i = 0; i < q.size(); ++i) {
    dot += double(q[i]) * f[i];
    qq += double(q[i]) * q[i];
    ff += double(f[i]) * f[i];
  }
  if (qq == 0 && ff == 0)
    return 1;
  return qq == 0 || ff == 0 ? 0 : dot / std::sqrt(qq * ff);
}

/// Scores candidates' outputs against the float model's (and labels).
class Scorer {
public:
  Scorer(AccuracyMetric metric, RunOutputs reference, std::vector<int64_t> labels,
         int64_t classes)
      : metric(metric), labels(std::move(labels)), classes(classes) {
    for (const std::vector<NpyArray> &run : reference)
      floats.push_back(floatOutputs(run));
    if (metric == AccuracyMetric::Top1)
      floatTop1 = accuracy(floats);
  }

  double drop(const RunOutputs &candidate) const {
    std::vector<std::vector<std::vector<float>>> q;
    for (const std::vector<NpyArray> &run : candidate)
      q.push_back(floatOutputs(run));
    switch (metric) {
    case AccuracyMetric::Top1:
      return floatTop1 - accuracy(q);
    case AccuracyMetric::Cosine:
      return 1 - meanCosine(q);
    case AccuracyMetric::Iou:
      return 1 - maskIou(q);
    case AccuracyMetric::Mse:
      return relativeMse(q);
    }
    return 0;
  }

private:
  using Runs = std::vector<std::vector<std::vector<float>>>;

  /// The share of rows of the first output whose top class is the label's
  /// (or, without labels, float's).
  double accuracy(const Runs &runs) const {
    int64_t rows = 0, right = 0;
    for (size_t r = 0; r < runs.size(); ++r) {
      std::vector<int64_t> top = rowArgmax(runs[r][0], classes);
      std::vector<int64_t> want =
          labels.empty() ? rowArgmax(floats[r][0], classes) : std::vector<int64_t>();
      for (size_t i = 0; i < top.size(); ++i, ++rows)
        right += top[i] == (labels.empty() ? want[i] : labels[rows]);
    }
    return rows ? static_cast<double>(right) / rows : 1.0;
  }

  double meanCosine(const Runs &runs) const {
    double sum = 0;
    int64_t n = 0;
    for (size_t r = 0; r < runs.size(); ++r)
      for (size_t o = 0; o < runs[r].size(); ++o, ++n)
        sum += cosine(runs[r][o], floats[r][o]);
    return n ? sum / n : 1.0;
  }

  double maskIou(const Runs &runs) const {
    int64_t both = 0, either = 0;
    for (size_t r = 0; r < runs.size(); ++r)
      for (size_t i = 0; i < runs[r][0].size(); ++i) {
        bool q = runs[r][0][i] > 0.5f, f = floats[r][0][i] > 0.5f;
        both += q && f;
        either += q || f;
      }
    return either ? static_cast<double>(both) / either : 1.0;
  }

  double relativeMse(const Runs &runs) const {
    double error = 0, signal = 0;
    for (size_t r = 0; r < runs.size(); ++r)
      for (size_t o = 0; o < runs[r].size(); ++o)
        for (size_t i = 0; i < runs[r][o].size(); ++i) {
          double d = double(runs[r][o][i]) - floats[r][o][i];
          error += d * d;
          signal += double(floats[r][o][i]) * floats[r][o][i];
        }
    return signal > 0 ? error / signal : error;
  }

  AccuracyMetric metric;
  Runs floats;
  std::vector<int64_t> labels;
  int64_t classes;
  double floatTop1 = 1;
};

/// The labels of --eval-labels: integers, one per sample.
std::optional<std::vector<int64_t>> readLabels(const std::string &path, Location loc) {
  NpyArray a;
  std::string error;
  if (!readNpy(path, a, error)) {
    emitError(loc) << path << ": " << error;
    return std::nullopt;
  }
  std::vector<int64_t> labels;
  for (int64_t i = 0; i < a.numElements(); ++i) {
    const char *p = a.data.data() + i * dtypeSize(a.dtype);
    switch (a.dtype) {
    case DType::I64: labels.push_back(*reinterpret_cast<const int64_t *>(p)); break;
    case DType::I32: labels.push_back(*reinterpret_cast<const int32_t *>(p)); break;
    case DType::I16: labels.push_back(*reinterpret_cast<const int16_t *>(p)); break;
    case DType::I8: labels.push_back(*reinterpret_cast<const int8_t *>(p)); break;
    case DType::U8: labels.push_back(*reinterpret_cast<const uint8_t *>(p)); break;
    case DType::U16: labels.push_back(*reinterpret_cast<const uint16_t *>(p)); break;
    default:
      emitError(loc) << path << ": labels must be integers (class indices), not "
                     << dtypeName(a.dtype);
      return std::nullopt;
    }
  }
  return labels;
}

/// Candidates: quantize a copy of the float module with a plan, compile,
/// run, score.
class Search {
public:
  Search(ModuleOp module, StringRef name, const CalibrationTable &table,
         const PrecisionSearchOptions &options)
      : module(module), name(name), table(table), options(options) {}

  std::optional<PrecisionSearchResult> run();

private:
  bool prepare();
  std::optional<double> evaluate(const PrecisionPlan &plan, const std::string &what);
  PrecisionPlan uniformPlan(LayerPrecision p) const;
  bool meets(double drop) const { return drop <= options.maxDrop; }
  bool measureSensitivity(LayerPrecision first);
  std::optional<bool> promote(LayerPrecision from, LayerPrecision to);

  ModuleOp module;
  StringRef name;
  const CalibrationTable &table;
  const PrecisionSearchOptions &options;
  std::optional<Scorer> scorer;
  std::vector<std::string> nodes; // Quantizable layers, program order.
  PrecisionSearchResult result;
};

/// The float model's outputs, the labels, and the layers a plan names.
bool Search::prepare() {
  Location loc = module.getLoc();
  OwningOpRef<ModuleOp> copy = module.clone();
  auto reference = runOnSamples(*copy, name, options.evalData, options.maxRuns);
  if (!reference)
    return false;
  result.samples = static_cast<int64_t>(reference->size());
  if (reference->empty()) {
    emitError(loc) << "--eval-data holds no sample";
    return false;
  }
  std::vector<std::vector<float>> first = floatOutputs(reference->front());
  if (first.empty()) {
    emitError(loc) << "--precision=auto measures accuracy on float32 outputs; the model "
                      "has none";
    return false;
  }
  const NpyArray &out0 = *llvm::find_if(reference->front(), [](const NpyArray &a) {
    return a.dtype == DType::F32;
  });
  int64_t classes = out0.shape.empty() ? 1 : out0.shape.back();
  std::vector<int64_t> labels;
  if (!options.labelsPath.empty()) {
    auto read = readLabels(options.labelsPath, loc);
    if (!read)
      return false;
    labels = std::move(*read);
    int64_t rows = result.samples * (out0.numElements() / std::max<int64_t>(classes, 1));
    if (static_cast<int64_t>(labels.size()) < rows) {
      emitError(loc) << options.labelsPath << ": " << labels.size()
                     << " labels for " << rows << " evaluated samples";
      return false;
    }
  }
  scorer.emplace(options.metric, std::move(*reference), std::move(labels), classes);
  // The layers with weights quantization would rewrite (the user's
  // exclusions stay out; additions and the like have no precision to choose).
  OwningOpRef<ModuleOp> probe = module.clone();
  llvm::StringSet<> seen;
  for (const QuantizedLayer &l :
       quantizeFunction(probe->lookupSymbol<func::FuncOp>(name), table, options.base))
    if (l.floatBytes > 0 && l.precision != "fp32" && seen.insert(l.node).second)
      nodes.push_back(l.node);
  return true;
}

std::optional<double> Search::evaluate(const PrecisionPlan &plan, const std::string &what) {
  OwningOpRef<ModuleOp> copy = module.clone();
  QuantizeOptions quantize = options.base;
  quantize.layerPrecision = plan.layers;
  quantizeFunction(copy->lookupSymbol<func::FuncOp>(name), table, quantize);
  auto outputs = runOnSamples(*copy, name, options.evalData, options.maxRuns);
  if (!outputs)
    return std::nullopt;
  double drop = scorer->drop(*outputs);
  ++result.evaluations;
  if (options.progress)
    llvm::errs() << "qforge: precision search " << result.evaluations << ": " << what << ": "
                 << metricName(options.metric) << " drop "
                 << llvm::format("%.4f%%", 100 * drop) << (meets(drop) ? "" : " (over budget)")
                 << "\n";
  return drop;
}

PrecisionPlan Search::uniformPlan(LayerPrecision p) const {
  PrecisionPlan plan;
  for (const std::string &node : nodes)
    plan.layers[node] = p;
  return plan;
}

/// Each layer alone at `first`, the rest float; most sensitive first.
bool Search::measureSensitivity(LayerPrecision first) {
  for (const std::string &node : nodes) {
    PrecisionPlan plan = uniformPlan(LayerPrecision::Float);
    plan.layers[node] = first;
    std::optional<double> drop =
        evaluate(plan, "'" + node + "' alone at " + precisionName(first).str());
    if (!drop)
      return false;
    result.sensitivity.push_back({node, *drop});
  }
  llvm::stable_sort(result.sensitivity,
                    [](const auto &a, const auto &b) { return a.second > b.second; });
  return true;
}

/// With every layer at `from`: the fewest most sensitive layers moved to
/// `to` that meet the budget (a bisection over their number), stored in
/// the result. False when even all at `to` miss; nullopt after an error.
std::optional<bool> Search::promote(LayerPrecision from, LayerPrecision to) {
  auto plan = [&](size_t k) {
    PrecisionPlan p = uniformPlan(from);
    for (size_t i = 0; i < k; ++i)
      p.layers[result.sensitivity[i].first] = to;
    return p;
  };
  size_t hi = nodes.size();
  std::optional<double> all = evaluate(plan(hi), "all at " + precisionName(to).str());
  if (!all)
    return std::nullopt;
  result.uniform.push_back({precisionName(to).str(), *all});
  if (!meets(*all))
    return false;
  result.plan = plan(hi);
  result.drop = *all;
  size_t lo = 1;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    std::optional<double> drop =
        evaluate(plan(mid), std::to_string(mid) + " most sensitive at " +
                                precisionName(to).str() + ", the rest " +
                                precisionName(from).str());
    if (!drop)
      return std::nullopt;
    if (meets(*drop)) {
      hi = mid;
      result.plan = plan(mid);
      result.drop = *drop;
    } else {
      lo = mid + 1;
    }
  }
  return true;
}

std::optional<PrecisionSearchResult> Search::run() {
  if (!prepare())
    return std::nullopt;
  std::vector<LayerPrecision> ladder = {LayerPrecision::Int8, LayerPrecision::Float};
  if (options.objective == SearchObjective::Size)
    ladder.insert(ladder.begin(), LayerPrecision::Int4);
  else if (!options.integerKernels)
    ladder = {LayerPrecision::Float};
  std::optional<double> first =
      evaluate(uniformPlan(ladder[0]), "all at " + precisionName(ladder[0]).str());
  if (!first)
    return std::nullopt;
  result.uniform.push_back({precisionName(ladder[0]).str(), *first});
  result.plan = uniformPlan(ladder[0]);
  result.drop = *first;
  if (meets(*first) || nodes.empty())
    return std::move(result);
  if (!measureSensitivity(ladder[0]))
    return std::nullopt;
  for (size_t rung = 1; rung < ladder.size(); ++rung) {
    std::optional<bool> met = promote(ladder[rung - 1], ladder[rung]);
    if (!met)
      return std::nullopt;
    if (*met)
      return std::move(result);
  }
  // Not even float meets it (a negative budget): float is the closest.
  result.plan = uniformPlan(LayerPrecision::Float);
  result.drop = result.uniform.back().second;
  return std::move(result);
}

} // namespace

std::optional<PrecisionSearchResult>
qforge::searchPrecision(ModuleOp module, StringRef name, const CalibrationTable &table,
                        const PrecisionSearchOptions &options) {
  return Search(module, name, table, options).run();
}
