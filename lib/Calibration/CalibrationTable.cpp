//===- CalibrationTable.cpp - the JSON calibration table ------------------===//

#include "qforge/Calibration/CalibrationTable.h"
#include "qforge/Dialect/QF/Utils/OnnxNames.h"

#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Pipeline/Pipelines.h"

#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cmath>

using namespace mlir;

namespace qforge {

static constexpr const char kFormat[] = "qforge-calibration-table";

const TableEntry *CalibrationTable::find(llvm::StringRef name) const {
  for (const TableEntry &entry : tensors)
    if (entry.name == name)
      return &entry;
  return nullptr;
}

void writeCalibrationTable(const CalibrationTable &table, llvm::raw_ostream &os) {
  llvm::json::OStream json(os, /*IndentSize=*/2);
  json.object([&] {
    json.attribute("format", kFormat);
    json.attribute("version", CalibrationTable::kVersion);
    json.attribute("model", table.model);
    json.attribute("samples", table.samples);
    json.attribute("method", calibMethodName(table.method));
    json.attribute("percentile", table.options.percentile);
    json.attribute("bits", table.options.bits);
    if (table.equalization)
      json.attributeObject("cross_layer_equalization", [&] {
        json.attribute("relu6_to_relu", table.equalization->relu6ToRelu);
        json.attribute("iterations", table.equalization->iterations);
      });
    json.attributeArray("tensors", [&] {
      for (const TableEntry &t : table.tensors)
        json.object([&] {
          json.attribute("id", t.id);
          json.attribute("name", t.name);
          json.attribute("node", t.node);
          json.attributeArray("shape", [&] {
            for (int64_t d : t.shape)
              json.value(d);
          });
          json.attribute("min", t.min);
          json.attribute("max", t.max);
          json.attribute("count", t.count);
          json.attribute("zeros", t.zeros);
          json.attributeObject("histogram", [&] {
            json.attribute("bin_width", t.binWidth);
            json.attribute("nonempty_bins", t.bins);
            json.attribute("abs_p50", t.absP50);
            json.attribute("abs_p99", t.absP99);
            json.attribute("abs_p99_99", t.absP9999);
          });
          if (t.meanAxis >= 0)
            json.attributeObject("channel_mean", [&] {
              json.attribute("axis", t.meanAxis);
              json.attributeArray("values", [&] {
                for (double m : t.channelMean)
                  json.value(m);
              });
              json.attributeArray("squares", [&] {
                for (double m : t.channelMeanSquare)
                  json.value(m);
              });
            });
          json.attributeObject("ranges", [&] {
            for (const auto &entry : t.ranges) {
              const CalibRange &range = entry.second;
              json.attributeObject(calibMethodName(entry.first), [&] {
                json.attribute("lo", range.lo);
                json.attribute("hi", range.hi);
                json.attribute("threshold", range.threshold);
              });
            }
          });
        });
    });
  });
  os << "\n";
}

namespace {
/// Reads fields with errors that say which tensor and which field.
struct Reader {
  std::string &error;
  std::string where;

  bool fail(const llvm::Twine &message) {
    error = (where.empty() ? "" : where + ": ") + message.str();
    return false;
  }
  bool number(const llvm::json::Object &o, llvm::StringRef key, double &out) {
    std::optional<double> v = o.getNumber(key);
    if (!v)
      return fail("'" + key + "' must be a number");
    out = *v;
    return true;
  }
  bool integer(const llvm::json::Object &o, llvm::StringRef key, int64_t &out) {
    std::optional<int64_t> v = o.getInteger(key);
    if (!v)
      return fail("'" + key + "' must be an integer");
    out = *v;
    return true;
  }
  bool string(const llvm::json::Object &o, llvm::StringRef key, std::string &out) {
    std::optional<llvm::StringRef> v = o.getString(key);
    if (!v)
      return fail("'" + key + "' must be a string");
    out = v->str();
    return true;
  }
};
} // namespace

/// "channel_mean": {"axis": A, "values": [...]}: finite values, one per
/// index of axis A (checkTableMatches compares the count with the model's
/// shape, after the shape itself).
static bool readChannelMean(Reader &r, const llvm::json::Object &o, TableEntry &t) {
  if (!r.integer(o, "axis", t.meanAxis))
    return false;
  if (t.meanAxis < 0)
    return r.fail("channel_mean: axis " + llvm::Twine(t.meanAxis) + " is negative");
  const llvm::json::Array *values = o.getArray("values");
  if (!values)
    return r.fail("channel_mean: 'values' must be an array");
  for (const llvm::json::Value &v : *values) {
    std::optional<double> m = v.getAsNumber();
    if (!m || !std::isfinite(*m))
      return r.fail("channel_mean: 'values' must hold finite numbers");
    t.channelMean.push_back(*m);
  }
  // Mean squares (int4's scale search) are optional.
  if (const llvm::json::Array *squares = o.getArray("squares")) {
    for (const llvm::json::Value &v : *squares) {
      std::optional<double> m = v.getAsNumber();
      if (!m || !std::isfinite(*m) || *m < 0)
        return r.fail("channel_mean: 'squares' must hold finite numbers, none negative");
      t.channelMeanSquare.push_back(*m);
    }
    if (t.channelMeanSquare.size() != t.channelMean.size())
      return r.fail("channel_mean: 'squares' must hold as many numbers as 'values'");
  }
  return true;
}

int64_t channelMeanAxis(llvm::ArrayRef<int64_t> shape) {
  auto rank = static_cast<int64_t>(shape.size());
  if (rank >= 4)
    return 1;
  return rank >= 2 ? rank - 1 : -1;
}

bool readCalibrationTable(llvm::StringRef path, CalibrationTable &table,
                          std::string &error) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer) {
    error = "cannot read: " + buffer.getError().message();
    return false;
  }
  return parseCalibrationTable((*buffer)->getBuffer(), table, error);
}


/// "cross_layer_equalization", when present: {"relu6_to_relu": bool,
/// "iterations": 1..64} (compile repeats that many rounds).
static bool readEqualization(const llvm::json::Object &root, Reader &r,
                             CalibrationTable &table) {
  const llvm::json::Value *value = root.get("cross_layer_equalization");
  table.equalization.reset();
  if (!value)
    return true;
  const llvm::json::Object *o = value->getAsObject();
  std::optional<bool> relu6 = o ? o->getBoolean("relu6_to_relu") : std::nullopt;
  std::optional<int64_t> iterations = o ? o->getInteger("iterations") : std::nullopt;
  if (!relu6 || !iterations || *iterations < 1 || *iterations > 64)
    return r.fail("'cross_layer_equalization' must be an object with a boolean "
                  "'relu6_to_relu' and an integer 'iterations' from 1 to 64");
  table.equalization = CalibrationTable::Equalization{*relu6, *iterations};
  return true;
}

bool parseCalibrationTable(llvm::StringRef text, CalibrationTable &table,
                           std::string &error) {
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(text);
  if (!parsed) {
    error = "not valid JSON: " + llvm::toString(parsed.takeError());
    return false;
  }
  Reader r{error, ""};
  const llvm::json::Object *root = parsed->getAsObject();
  if (!root || root->getString("format") != llvm::StringRef(kFormat))
    return r.fail(llvm::Twine("not a calibration table (\"format\" is not \"") +
                  kFormat + "\")");
  int64_t version = 0;
  if (!r.integer(*root, "version", version))
    return false;
  if (version != CalibrationTable::kVersion)
    return r.fail("version " + llvm::Twine(version) + " is not supported (" +
                  llvm::Twine(CalibrationTable::kVersion) + " is)");
  std::string method;
  int64_t bits = 0;
  if (!r.string(*root, "model", table.model) ||
      !r.integer(*root, "samples", table.samples) ||
      !r.string(*root, "method", method) ||
      !r.number(*root, "percentile", table.options.percentile) ||
      !r.integer(*root, "bits", bits))
    return false;
  table.options.bits = static_cast<int>(bits);
  if (!readEqualization(*root, r, table))
    return false;
  std::optional<CalibMethod> m = parseCalibMethod(method);
  if (!m)
    return r.fail("\"method\": '" + method + "' is not a calibration method");
  table.method = *m;
  const llvm::json::Array *tensors = root->getArray("tensors");
  if (!tensors)
    return r.fail("'tensors' must be an array");
  table.tensors.clear();
  for (const llvm::json::Value &value : *tensors) {
    r.where = "tensor #" + std::to_string(table.tensors.size());
    const llvm::json::Object *o = value.getAsObject();
    if (!o)
      return r.fail("must be an object");
    TableEntry t;
    if (!r.string(*o, "name", t.name))
      return false;
    r.where = "tensor '" + t.name + "'";
    if (!r.integer(*o, "id", t.id) || !r.string(*o, "node", t.node) ||
        !r.number(*o, "min", t.min) || !r.number(*o, "max", t.max) ||
        !r.integer(*o, "count", t.count) || !r.integer(*o, "zeros", t.zeros))
      return false;
    const llvm::json::Array *shape = o->getArray("shape");
    if (!shape)
      return r.fail("'shape' must be an array");
    for (const llvm::json::Value &d : *shape) {
      std::optional<int64_t> dim = d.getAsInteger();
      if (!dim)
        return r.fail("'shape' must hold integers");
      t.shape.push_back(*dim);
    }
    if (const llvm::json::Object *h = o->getObject("histogram")) {
      if (!r.number(*h, "bin_width", t.binWidth) ||
          !r.integer(*h, "nonempty_bins", t.bins) ||
          !r.number(*h, "abs_p50", t.absP50) ||
          !r.number(*h, "abs_p99", t.absP99) ||
          !r.number(*h, "abs_p99_99", t.absP9999))
        return false;
    }
    if (const llvm::json::Object *means = o->getObject("channel_mean"))
      if (!readChannelMean(r, *means, t))
        return false;
    const llvm::json::Object *ranges = o->getObject("ranges");
    if (!ranges)
      return r.fail("'ranges' must be an object");
    for (const auto &[key, rangeValue] : *ranges) {
      std::optional<CalibMethod> method = parseCalibMethod(key.str());
      if (!method)
        return r.fail("ranges: '" + key.str() + "' is not a calibration method");
      const llvm::json::Object *ro = rangeValue.getAsObject();
      CalibRange range;
      std::string outer = r.where;
      r.where += ", range '" + key.str() + "'";
      if (!ro)
        return r.fail("must be an object");
      if (!r.number(*ro, "lo", range.lo) || !r.number(*ro, "hi", range.hi) ||
          !r.number(*ro, "threshold", range.threshold))
        return false;
      if (!(range.lo <= 0 && 0 <= range.hi))
        return r.fail("lo <= 0 <= hi must hold (zero must be representable)");
      if (!(range.threshold >= 0))
        return r.fail("threshold must not be negative");
      r.where = outer;
      t.ranges[*method] = range;
    }
    if (!t.ranges.count(table.method))
      return r.fail(llvm::Twine("has no range for the table's method '") +
                    calibMethodName(table.method) + "'");
    table.tensors.push_back(std::move(t));
  }
  return true;
}

std::vector<TableEntry> observedTensors(ModuleOp module) {
  std::vector<TableEntry> entries;
  module.walk([&](qf::ObserveOp op) {
    TableEntry t;
    t.id = op.getIdAttr().getInt();
    t.name = op.getName().str();
    if (Operation *def = op.getInput().getDefiningOp())
      t.node = onnxNodeName(def->getLoc()).str();
    auto shape = cast<RankedTensorType>(op.getInput().getType()).getShape();
    t.shape.assign(shape.begin(), shape.end());
    entries.push_back(std::move(t));
  });
  llvm::sort(entries, [](const TableEntry &a, const TableEntry &b) {
    return a.id < b.id;
  });
  return entries;
}

LogicalResult checkTableMatches(ModuleOp module, const CalibrationTable &table,
                                llvm::StringRef tablePath) {
  OwningOpRef<ModuleOp> withObservers(module.clone());
  PassManager pm(module.getContext());
  buildObserversPipeline(pm);
  if (failed(pm.run(*withObservers)))
    return failure();
  bool ok = true;
  llvm::StringSet<> observed;
  auto describe = [](const TableEntry &t) {
    return "'" + t.name + "'" + (t.node.empty() ? "" : " (node '" + t.node + "')");
  };
  for (const TableEntry &t : observedTensors(*withObservers)) {
    observed.insert(t.name);
    const TableEntry *entry = table.find(t.name);
    if (!entry) {
      emitError(module.getLoc())
          << "calibration table '" << tablePath << "' has no entry for tensor "
          << describe(t) << ": the table is stale or for another model; run "
             "qforge calibrate again";
      ok = false;
    } else if (entry->shape != t.shape) {
      emitError(module.getLoc())
          << "calibration table '" << tablePath << "': tensor " << describe(t)
          << " has a different shape in the model than in the table: the "
             "table is stale; run qforge calibrate again";
      ok = false;
    } else if (entry->meanAxis >= static_cast<int64_t>(t.shape.size()) ||
               (entry->meanAxis >= 0 && static_cast<int64_t>(entry->channelMean.size()) !=
                                            t.shape[entry->meanAxis])) {
      emitError(module.getLoc())
          << "calibration table '" << tablePath << "': tensor " << describe(t)
          << ": channel_mean must hold one value per index of an axis of its shape "
             "(axis " << entry->meanAxis << ", " << entry->channelMean.size() << " values)";
      ok = false;
    }
  }
  for (const TableEntry &entry : table.tensors)
    if (!observed.contains(entry.name)) {
      emitError(module.getLoc())
          << "calibration table '" << tablePath << "' describes tensor "
          << describe(entry)
          << ", which the model does not have: the table is stale or for "
             "another model; run qforge calibrate again";
      ok = false;
    }
  return success(ok);
}

} // namespace qforge
