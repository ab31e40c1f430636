//===- Calibrator.cpp - run the float model on samples, record ranges -----===//

#include "qforge/Calibration/Calibrator.h"
#include "qforge/Conversion/ObserversToCalls/ObserversToCalls.h"
#include "qforge/Execution/JitRunner.h"
#include "qforge/Pipeline/Pipelines.h"
#include "qforge/Support/Npy.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cmath>

using namespace mlir;

namespace qforge {
namespace {

/// Sums of a tensor's values per index of one axis (channelMeanAxis).
struct ChannelSums {
  int64_t channels = 0, inner = 1; // Elements after the axis, per index.
  std::vector<double> sums, squares;
  int64_t perChannel = 0; // Values summed into each.

  explicit ChannelSums(llvm::ArrayRef<int64_t> shape) {
    int64_t axis = channelMeanAxis(shape);
    if (axis < 0)
      return;
    channels = shape[axis];
    for (size_t d = axis + 1; d < shape.size(); ++d)
      inner *= shape[d];
    sums.assign(channels, 0.0);
    squares.assign(channels, 0.0);
  }

  void add(const float *data, int64_t size) {
    if (channels <= 0 || size % (channels * inner) != 0)
      return;
    for (int64_t start = 0; start < size; start += channels * inner)
      for (int64_t c = 0; c < channels; ++c) {
        const float *run = data + start + c * inner;
        double sum = 0, square = 0;
        for (int64_t i = 0; i < inner; ++i) {
          sum += run[i];
          square += double(run[i]) * run[i];
        }
        sums[c] += sum;
        squares[c] += square;
      }
    perChannel += size / channels;
  }
};

/// Receives every observation of the running model.
struct Collector {
  std::vector<Histogram> tensors;
  std::vector<ChannelSums> channels; // By tensor id, as `tensors`.
  // The first non-finite activation: which tensor, in which run.
  int64_t badTensor = -1, badRun = -1;
  int64_t run = 0;

  void observe(int64_t id, const float *data, int64_t size, int64_t stride) {
    if (id < 0 || id >= static_cast<int64_t>(tensors.size()))
      return;
    if (stride != 1) { // Observers flatten identity-layout buffers.
      std::vector<float> packed(size);
      for (int64_t i = 0; i < size; ++i)
        packed[i] = data[i * stride];
      return observe(id, packed.data(), size, 1);
    }
    if (!tensors[id].add(data, size) && badTensor < 0) {
      badTensor = id;
      badRun = run;
    }
    channels[id].add(data, size);
  }
};

Collector *activeCollector = nullptr;

/// The C function `qforge_observe` that observers lower to (a memref<?xf32>
/// argument expands to its descriptor's fields).
void observeThunk(int64_t id, float *allocated, float *aligned, int64_t offset,
                  int64_t size, int64_t stride) {
  (void)allocated;
  if (activeCollector)
    activeCollector->observe(id, aligned + offset, size, stride);
}

/// One model input's calibration samples.
struct InputSamples {
  std::string path;
  NpyArray array;
  int64_t runs = 0;      // Model invocations the file feeds.
  int64_t perRun = 0;    // Samples per invocation (the model's batch).
  int64_t runBytes = 0;  // Bytes per invocation.
};

std::string shapeString(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

/// A file name for an input in a data directory: the input name with
/// characters other than letters, digits, '_', '-' and '.' replaced by '_'.
std::string fileNameFor(llvm::StringRef input) {
  std::string name;
  for (char c : input)
    name += (std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
             c == '-' || c == '.')
                ? c
                : '_';
  return name + ".npy";
}

/// The .npy path of each model input.
bool resolveDataPaths(const std::vector<std::string> &given,
                      const std::vector<std::string> &inputNames,
                      std::vector<std::string> &paths, Location loc) {
  if (given.empty()) {
    emitError(loc) << "calibration needs data: --calib-data=FILE.npy (one per "
                      "model input) or --calib-data=DIR";
    return false;
  }
  if (given.size() == 1 && llvm::sys::fs::is_directory(given[0])) {
    const std::string &dir = given[0];
    bool ok = true;
    for (const std::string &input : inputNames) {
      llvm::SmallString<256> path(dir);
      llvm::sys::path::append(path, fileNameFor(input));
      if (llvm::sys::fs::exists(path)) {
        paths.push_back(path.str().str());
        continue;
      }
      // A one-input model may take the only .npy file of the directory.
      std::vector<std::string> found;
      std::error_code ec;
      for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
           it.increment(ec))
        if (llvm::sys::path::extension(it->path()) == ".npy")
          found.push_back(it->path());
      if (inputNames.size() == 1 && found.size() == 1) {
        paths.push_back(found[0]);
        continue;
      }
      emitError(loc) << "calibration data directory '" << dir << "' has no '"
                     << fileNameFor(input) << "' for model input '" << input
                     << "'";
      ok = false;
    }
    return ok;
  }
  if (given.size() != inputNames.size()) {
    emitError(loc) << "the model has " << inputNames.size()
                   << " input(s) but " << given.size()
                   << " --calib-data file(s) were given (one per input, in "
                      "model input order)";
    return false;
  }
  paths = given;
  return true;
}

/// Reads and checks one input's samples against the model's input spec.
bool loadSamples(const std::string &path, const std::string &inputName,
                 const TensorSpec &spec, InputSamples &out, Location loc) {
  out.path = path;
  std::string error;
  if (!readNpy(path, out.array, error)) {
    emitError(loc) << "calibration data '" << path << "' (input '"
                   << inputName << "'): " << error;
    return false;
  }
  const NpyArray &a = out.array;
  auto fail = [&](const llvm::Twine &what) {
    emitError(loc) << "calibration data '" << path << "' (input '"
                   << inputName << "'): " << what;
    return false;
  };
  if (a.dtype != spec.dtype)
    return fail("holds " + dtypeName(a.dtype) + " but the input takes " +
                dtypeName(spec.dtype));
  // Either [samples, rest...] where the model takes [batch, rest...], or
  // [samples, whole input...] (one model invocation per sample).
  std::vector<int64_t> rest(spec.shape.begin() + (spec.shape.empty() ? 0 : 1),
                            spec.shape.end());
  std::vector<int64_t> fileRest(a.shape.begin() + (a.shape.empty() ? 0 : 1),
                                a.shape.end());
  int64_t inputElems = 1;
  for (int64_t d : spec.shape)
    inputElems *= d;
  if (!spec.shape.empty() && a.shape.size() == spec.shape.size() &&
      fileRest == rest) {
    out.perRun = spec.shape[0];
  } else if (a.shape.size() == spec.shape.size() + 1 && fileRest == spec.shape) {
    out.perRun = 1;
  } else {
    return fail("has shape " + shapeString(a.shape) + " but the input is " +
                shapeString(spec.shape) +
                "; the file must be [samples, ...] with the input's other "
                "dimensions");
  }
  int64_t samples = a.shape.empty() ? 0 : a.shape[0];
  if (samples == 0)
    return fail("holds no samples (its leading dimension is 0)");
  if (samples < out.perRun)
    return fail("holds " + llvm::Twine(samples) +
                " samples, fewer than the model's batch of " +
                llvm::Twine(out.perRun));
  out.runs = samples / out.perRun;
  out.runBytes = inputElems * dtypeSize(spec.dtype);
  if (samples % out.perRun)
    emitWarning(loc) << "calibration data '" << path << "': " << samples
                     << " samples are not a multiple of the batch "
                     << out.perRun << "; the last " << samples % out.perRun
                     << " are not used";
  // Non-finite samples would poison every range downstream.
  if (a.dtype == DType::F32 || a.dtype == DType::F64) {
    int64_t perSample = a.numElements() / samples;
    for (int64_t i = 0; i < a.numElements(); ++i) {
      double v = a.dtype == DType::F32
                     ? reinterpret_cast<const float *>(a.data.data())[i]
                     : reinterpret_cast<const double *>(a.data.data())[i];
      if (!std::isfinite(v))
        return fail("sample " + llvm::Twine(i / perSample) + " holds " +
                    (std::isnan(v) ? "NaN" : "an infinity"));
    }
  }
  return true;
}

/// A progress bar on a terminal: samples done, rate, time left.
class Progress {
public:
  Progress(int64_t total, bool enabled) : total(total), enabled(enabled) {}
  void update(int64_t done) {
    if (!enabled)
      return;
    auto now = std::chrono::steady_clock::now();
    if (done < total && now - lastDraw < std::chrono::milliseconds(100))
      return;
    lastDraw = now;
    double elapsed = std::chrono::duration<double>(now - start).count();
    double rate = elapsed > 0 ? done / elapsed : 0;
    constexpr int kWidth = 30;
    int filled = static_cast<int>(kWidth * done / std::max<int64_t>(total, 1));
    llvm::errs() << "\rcalibrating [" << std::string(filled, '#')
                 << std::string(kWidth - filled, '.') << "] " << done << "/"
                 << total << " samples, " << llvm::format("%.1f", rate)
                 << " samples/s, ETA "
                 << llvm::format("%.0f", rate > 0 ? (total - done) / rate : 0.0)
                 << " s   ";
    if (done == total)
      llvm::errs() << "\n";
  }

private:
  int64_t total;
  bool enabled;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point lastDraw{};
};

/// Every input's samples, checked against function `name` of `module`.
struct SampleSet {
  std::vector<TensorSpec> specs;
  std::vector<InputSamples> inputs;
  int64_t runs = 1, perRun = 1;

  /// The inputs of model invocation `run`.
  void fill(int64_t run, std::vector<NpyArray> &batch) const {
    batch.resize(inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i) {
      batch[i].dtype = specs[i].dtype;
      batch[i].shape = specs[i].shape;
      const char *from = inputs[i].array.data.data() + run * inputs[i].runBytes;
      batch[i].data.assign(from, from + inputs[i].runBytes);
    }
  }
};

std::optional<SampleSet> loadSampleSet(ModuleOp module, StringRef name,
                                       const std::vector<std::string> &dataPaths) {
  Location loc = module.getLoc();
  auto func = module.lookupSymbol<func::FuncOp>(name);
  if (!func) {
    emitError(loc) << "no function @" << name;
    return std::nullopt;
  }
  std::vector<std::string> inputNames;
  for (BlockArgument arg : func.getArguments()) {
    auto named = dyn_cast<NameLoc>(arg.getLoc());
    inputNames.push_back(named ? named.getName().str()
                               : "input " + std::to_string(arg.getArgNumber()));
  }
  SampleSet set;
  std::vector<TensorSpec> outputSpecs;
  if (!functionSignature(module, name, set.specs, outputSpecs))
    return std::nullopt;
  std::vector<std::string> paths;
  if (!resolveDataPaths(dataPaths, inputNames, paths, loc))
    return std::nullopt;
  set.inputs.resize(paths.size());
  for (size_t i = 0; i < paths.size(); ++i)
    if (!loadSamples(paths[i], inputNames[i], set.specs[i], set.inputs[i], loc))
      return std::nullopt;
  if (set.inputs.empty())
    return set;
  set.runs = set.inputs[0].runs;
  set.perRun = set.inputs[0].perRun;
  for (const InputSamples &in : set.inputs)
    if (in.runs != set.runs) {
      emitError(loc) << "calibration data files disagree on the number of "
                        "model runs: '"
                     << set.inputs[0].path << "' gives " << set.runs << ", '"
                     << in.path << "' gives " << in.runs;
      return std::nullopt;
    }
  return set;
}

/// `module` with its observers calling `observe` (as qforge_observe),
/// JIT-compiled.
using ObserveFn = void (*)(int64_t, float *, float *, int64_t, int64_t, int64_t);
std::unique_ptr<JitModel> compileObserved(ModuleOp module, StringRef name,
                                          ObserveFn observe) {
  PassManager toCalls(module->getContext());
  buildObserverCallsPipeline(toCalls);
  if (failed(toCalls.run(module)))
    return nullptr;
  return JitModel::compile(module, name,
                           {{kObserverCallee.str(), reinterpret_cast<void *>(observe)}});
}

} // namespace

std::optional<CalibrationTable> calibrate(ModuleOp original, StringRef name,
                                          const CalibrationOptions &options) {
  Location loc = original.getLoc();
  OwningOpRef<ModuleOp> module(original.clone());
  // Data first: a bad file should not wait for a compilation.
  std::optional<SampleSet> samples = loadSampleSet(*module, name, options.dataPaths);
  if (!samples)
    return std::nullopt;
  int64_t runs = samples->runs, samplesPerRun = samples->perRun;
  const std::vector<InputSamples> &inputs = samples->inputs;

  // Observe, then lower with the observers calling the collector.
  PassManager pm(module->getContext());
  buildObserversPipeline(pm);
  if (failed(pm.run(*module)))
    return std::nullopt;
  std::vector<TableEntry> entries = observedTensors(*module);
  std::unique_ptr<JitModel> model = compileObserved(*module, name, &observeThunk);
  if (!model)
    return std::nullopt;

  Collector collector;
  collector.tensors.resize(entries.size());
  for (const TableEntry &t : entries)
    collector.channels.emplace_back(t.shape);
  activeCollector = &collector;
  bool interactive = !options.quiet && llvm::sys::Process::StandardErrIsDisplayed();
  Progress progress(runs * samplesPerRun, interactive);
  auto start = std::chrono::steady_clock::now();
  std::vector<NpyArray> batch, outputs;
  for (int64_t run = 0; run < runs; ++run) {
    samples->fill(run, batch);
    collector.run = run;
    std::string error;
    if (!model->run(batch, outputs, error)) {
      activeCollector = nullptr;
      emitError(loc) << "calibration run " << run << " failed: " << error;
      return std::nullopt;
    }
    if (collector.badTensor >= 0) {
      activeCollector = nullptr;
      const TableEntry &t = entries[collector.badTensor];
      int64_t first = collector.badRun * samplesPerRun;
      InFlightDiagnostic diag = emitError(loc);
      diag << "tensor '" << t.name << "'";
      if (!t.node.empty())
        diag << " (node '" << t.node << "')";
      diag << " is NaN or infinite on ";
      if (samplesPerRun == 1)
        diag << "sample " << first;
      else
        diag << "samples " << first << "-" << first + samplesPerRun - 1;
      diag << " of the calibration data ('" << inputs[0].path << "')";
      return std::nullopt;
    }
    progress.update((run + 1) * samplesPerRun);
  }
  activeCollector = nullptr;
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  CalibrationTable table;
  table.model = options.modelPath;
  table.samples = runs * samplesPerRun;
  table.method = options.method;
  table.options = options.range;
  for (TableEntry &t : entries) {
    const Histogram &h = collector.tensors[t.id];
    if (h.empty()) {
      emitError(loc) << "tensor '" << t.name << "' was never observed";
      return std::nullopt;
    }
    t.min = h.min();
    t.max = h.max();
    t.count = h.total();
    t.zeros = h.zeroCount();
    t.binWidth = h.binWidth();
    t.bins = llvm::count_if(h.counts(), [](int64_t c) { return c != 0; });
    t.absP50 = histogramQuantile(h, 0.50, /*absolute=*/true);
    t.absP99 = histogramQuantile(h, 0.99, true);
    t.absP9999 = histogramQuantile(h, 0.9999, true);
    for (CalibMethod method : kAllCalibMethods)
      t.ranges[method] = computeRange(method, h, options.range);
    const ChannelSums &c = collector.channels[t.id];
    if (c.perChannel > 0) {
      t.meanAxis = channelMeanAxis(t.shape);
      for (int64_t i = 0; i < c.channels; ++i) {
        t.channelMean.push_back(c.sums[i] / static_cast<double>(c.perChannel));
        t.channelMeanSquare.push_back(c.squares[i] / static_cast<double>(c.perChannel));
      }
    }
    table.tensors.push_back(t);
  }
  if (!options.quiet)
    llvm::outs() << "qforge: calibrated " << entries.size() << " tensors on "
                 << table.samples << " samples in "
                 << llvm::format("%.2f", seconds) << " s ("
                 << llvm::format("%.1f", table.samples / seconds)
                 << " samples/s)\n";
  return table;
}

namespace {

/// Pairs the observations of a float run and a quantized run of the same
/// sample: the float run stores them, the quantized run measures against
/// them (the SQNR's sums and, for ids with a layout, per channel the sum of
/// q - f and how many float values lie inside the layout's bounds).
struct PairCollector {
  bool referenceRun = true;
  std::vector<std::vector<float>> reference;
  std::vector<double> signal, noise;
  std::vector<ChannelLayout> layouts; // Per id; empty: no channel sums.
  std::vector<std::vector<double>> difference;
  std::vector<std::vector<int64_t>> counted, seen; // Inside the bounds; all.

  explicit PairCollector(int64_t observed, std::vector<ChannelLayout> layouts = {})
      : reference(observed), signal(observed, 0.0), noise(observed, 0.0),
        layouts(std::move(layouts)) {
    for (const ChannelLayout &l : this->layouts) {
      difference.emplace_back(l.channels, 0.0);
      counted.emplace_back(l.channels, 0);
      seen.emplace_back(l.channels, 0);
    }
  }

  void observe(int64_t id, const float *data, int64_t size, int64_t stride) {
    if (id < 0 || id >= static_cast<int64_t>(reference.size()))
      return;
    std::vector<float> &ref = reference[id];
    if (referenceRun) {
      ref.resize(size);
      for (int64_t i = 0; i < size; ++i)
        ref[i] = data[i * stride];
      return;
    }
    if (static_cast<int64_t>(ref.size()) != size)
      return; // Shapes disagree: leave the layer unmeasured.
    for (int64_t i = 0; i < size; ++i) {
      double f = ref[i], q = data[i * stride];
      signal[id] += f * f;
      noise[id] += (f - q) * (f - q);
    }
    if (layouts.empty())
      return;
    const ChannelLayout &l = layouts[id];
    for (int64_t i = 0; i < size; ++i) {
      double f = ref[i], q = data[i * stride];
      int64_t c = (i / l.inner) % l.channels;
      difference[id][c] += q - f;
      if (f > l.lo && f < l.hi)
        ++counted[id][c];
      ++seen[id][c];
    }
  }
};

PairCollector *activePairs = nullptr;

void pairThunk(int64_t id, float *allocated, float *aligned, int64_t offset, int64_t size,
               int64_t stride) {
  (void)allocated;
  if (activePairs)
    activePairs->observe(id, aligned + offset, size, stride);
}

/// Runs both modules on each sample in turn, float first, into `collector`.
bool runPairs(ModuleOp floatModule, ModuleOp quantizedModule, StringRef name,
              const std::vector<std::string> &dataPaths, int64_t maxRuns,
              PairCollector &collector, int64_t &samples) {
  Location loc = floatModule.getLoc();
  std::optional<SampleSet> set = loadSampleSet(floatModule, name, dataPaths);
  if (!set)
    return false;
  int64_t runs = std::min(set->runs, maxRuns);
  samples = runs * set->perRun;
  std::unique_ptr<JitModel> reference = compileObserved(floatModule, name, &pairThunk);
  std::unique_ptr<JitModel> quantized =
      reference ? compileObserved(quantizedModule, name, &pairThunk) : nullptr;
  if (!quantized)
    return false;
  activePairs = &collector;
  std::vector<NpyArray> batch, outputs;
  for (int64_t run = 0; run < runs; ++run) {
    set->fill(run, batch);
    std::string error;
    collector.referenceRun = true;
    bool ok = reference->run(batch, outputs, error);
    collector.referenceRun = false;
    ok = ok && quantized->run(batch, outputs, error);
    if (!ok) {
      activePairs = nullptr;
      emitError(loc) << "paired run " << run << " failed: " << error;
      return false;
    }
  }
  activePairs = nullptr;
  return true;
}

/// The SQNR of each id's pairs: 10 log10(sum f^2 / sum (f - q)^2), +inf
/// when they agree exactly.
std::vector<double> sqnrOf(const PairCollector &collector) {
  std::vector<double> sqnr;
  for (size_t id = 0; id < collector.signal.size(); ++id)
    sqnr.push_back(collector.noise[id] > 0
                       ? 10.0 * std::log10(collector.signal[id] / collector.noise[id])
                       : std::numeric_limits<double>::infinity());
  return sqnr;
}

} // namespace

std::optional<std::vector<double>>
measureSqnr(ModuleOp floatModule, ModuleOp quantizedModule, StringRef name,
            int64_t observed, const std::vector<std::string> &dataPaths,
            int64_t maxRuns, int64_t &samples) {
  PairCollector collector(observed);
  if (!runPairs(floatModule, quantizedModule, name, dataPaths, maxRuns, collector, samples))
    return std::nullopt;
  return sqnrOf(collector);
}

std::optional<PairMeasurement>
measureChannelMeanError(ModuleOp floatModule, ModuleOp quantizedModule, StringRef name,
                        const std::vector<ChannelLayout> &layouts,
                        const std::vector<std::string> &dataPaths, int64_t maxRuns,
                        int64_t &samples) {
  PairCollector collector(static_cast<int64_t>(layouts.size()), layouts);
  if (!runPairs(floatModule, quantizedModule, name, dataPaths, maxRuns, collector, samples))
    return std::nullopt;
  PairMeasurement m;
  m.sqnr = sqnrOf(collector);
  m.shift.resize(layouts.size());
  // The mean error over all values: behind a clamp, the shift that would
  // undo it before the activation is larger (by one over the share of
  // values in the linear part), so this undershoots, which the caller's
  // rounds make up. A channel almost always at a bound is left alone.
  for (size_t id = 0; id < layouts.size(); ++id)
    for (int64_t c = 0; c < layouts[id].channels; ++c) {
      int64_t inside = collector.counted[id][c], all = collector.seen[id][c];
      m.shift[id].push_back(all > 0 && inside >= 0.05 * all
                                ? collector.difference[id][c] / all
                                : 0.0);
    }
  return m;
}

std::optional<std::vector<std::vector<NpyArray>>>
runOnSamples(ModuleOp module, StringRef name, const std::vector<std::string> &dataPaths,
             int64_t maxRuns) {
  std::optional<SampleSet> set = loadSampleSet(module, name, dataPaths);
  if (!set)
    return std::nullopt;
  std::unique_ptr<JitModel> model = JitModel::compile(module, name);
  if (!model)
    return std::nullopt;
  int64_t runs = std::min(set->runs, maxRuns);
  std::vector<std::vector<NpyArray>> outputs(runs);
  std::vector<NpyArray> batch;
  for (int64_t run = 0; run < runs; ++run) {
    set->fill(run, batch);
    std::string error;
    if (!model->run(batch, outputs[run], error)) {
      emitError(module.getLoc()) << "run " << run << " failed: " << error;
      return std::nullopt;
    }
  }
  return outputs;
}

} // namespace qforge
