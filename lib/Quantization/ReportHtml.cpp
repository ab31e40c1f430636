//===- ReportHtml.cpp - the quantization report as one HTML page ----------===//
//
// A self-contained page (no network, no external script or style): the
// totals, the precision search's budget, bar charts of weight bytes, SQNR
// and sensitivity per layer as inline SVG, and a table of every layer that
// sorts by any column (a small inline script; `#sort=COLUMN` or
// `#sort=COLUMN-desc` in the URL sorts on load).
//
//===----------------------------------------------------------------------===//

#include "qforge/Quantization/Report.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

using namespace qforge;

namespace {

/// A number as the table sorts it: every digit.
std::string exact(double v) { return llvm::formatv("{0}", llvm::format("%.17g", v)).str(); }

/// A number as a chart shows it: whole numbers whole, others to 4 digits.
std::string shortNumber(double v) {
  return llvm::formatv("{0}", llvm::format(v == std::floor(v) && std::fabs(v) < 1e15 ? "%.0f"
                                                                                    : "%.4g",
                                           v))
      .str();
}

std::string escape(llvm::StringRef text) {
  std::string out;
  for (char c : text) {
    switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    case '\'': out += "&#39;"; break;
    default: out += c;
    }
  }
  return out;
}

const char *kStyle = R"(body{font-family:sans-serif;margin:24px;color:#222;max-width:1200px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px}
.summary td{padding:2px 12px 2px 0}.met{color:#1a7f37;font-weight:bold}.missed{color:#c62828;font-weight:bold}
table.layers{border-collapse:collapse;font-size:13px}
table.layers th,table.layers td{border:1px solid #ccc;padding:3px 8px;text-align:right}
table.layers td.text,table.layers th.text{text-align:left}
table.layers th{background:#eef1f5;cursor:pointer;user-select:none}
table.layers th.sorted-asc::after{content:" \25B2"}table.layers th.sorted-desc::after{content:" \25BC"}
.low{background:#fde7e7}svg text{font-size:11px;font-family:sans-serif}
.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle})";

const char *kScript = R"(function sortBy(key, desc) {
  var table = document.getElementById('layers');
  var heads = table.tHead.rows[0].cells, column = -1;
  for (var i = 0; i < heads.length; ++i) {
    heads[i].classList.remove('sorted-asc', 'sorted-desc');
    if (heads[i].dataset.key === key) column = i;
  }
  if (column < 0) return;
  var numeric = heads[column].dataset.type === 'number';
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  rows.sort(function (a, b) {
    var x = a.cells[column].dataset.value, y = b.cells[column].dataset.value;
    var c = numeric ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y);
    return desc ? -c : c;
  });
  rows.forEach(function (r) { table.tBodies[0].appendChild(r); });
  heads[column].classList.add(desc ? 'sorted-desc' : 'sorted-asc');
  table.dataset.sortedBy = key + (desc ? '-desc' : '');
}
document.querySelectorAll('#layers th').forEach(function (th) {
  th.addEventListener('click', function () {
    sortBy(th.dataset.key, th.classList.contains('sorted-asc'));
  });
});
var wanted = /#sort=([a-z0-9_]+?)(-desc)?$/.exec(location.hash);
if (wanted) sortBy(wanted[1], !!wanted[2]);)";

/// One bar chart: a row per label, one bar per series (scaled to the
/// largest value of all), the value printed after the bars.
struct BarChart {
  std::vector<std::string> labels;
  std::vector<std::vector<double>> values; // [row][series]
  std::vector<std::string> colors;         // Per series.
  std::string unit;

  void write(llvm::raw_ostream &os) const {
    constexpr int kLabel = 260, kWidth = 560, kBar = 9;
    int series = static_cast<int>(colors.size());
    int rowHeight = series * kBar + 8;
    double largest = 0;
    for (const auto &row : values)
      for (double v : row)
        if (std::isfinite(v))
          largest = std::max(largest, v);
    int height = static_cast<int>(labels.size()) * rowHeight + 4;
    os << "<svg width=\"" << kLabel + kWidth + 120 << "\" height=\"" << height
       << "\" role=\"img\">\n";
    for (size_t r = 0; r < labels.size(); ++r) {
      int y = static_cast<int>(r) * rowHeight + 2;
      std::string label = labels[r].size() > 40 ? "..." + labels[r].substr(labels[r].size() - 37)
                                                 : labels[r];
      os << "<text x=\"" << kLabel - 6 << "\" y=\"" << y + rowHeight / 2 + 3
         << "\" text-anchor=\"end\">" << escape(label) << "</text>\n";
      for (int s = 0; s < series; ++s) {
        double v = values[r][s];
        if (!std::isfinite(v))
          continue;
        double w = largest > 0 ? std::max(0.0, v) / largest * kWidth : 0;
        std::string shown = shortNumber(v) + " " + unit;
        os << llvm::formatv("<rect x=\"{0}\" y=\"{1}\" width=\"{2:f1}\" height=\"{3}\" "
                            "fill=\"{4}\"><title>{5}: {6}</title></rect>\n",
                            kLabel, y + s * kBar, w, kBar - 1, colors[s], escape(labels[r]),
                            shown);
        if (s + 1 == series)
          os << llvm::formatv("<text x=\"{0:f1}\" y=\"{1}\">{2}</text>\n", kLabel + w + 4,
                              y + s * kBar + kBar - 1, shown);
      }
    }
    os << "</svg>\n";
  }
};

/// What the search measured of each layer, by node.
llvm::StringMap<std::pair<double, size_t>> sensitivityByNode(const QuantizationReport &report) {
  llvm::StringMap<std::pair<double, size_t>> byNode;
  if (report.search)
    for (size_t i = 0; i < report.search->sensitivity.size(); ++i)
      byNode[report.search->sensitivity[i].first] = {report.search->sensitivity[i].second,
                                                     i + 1};
  return byNode;
}

/// Why a layer has its precision, in a few words.
std::string why(const QuantizedLayer &l, const QuantizationReport &report,
                const llvm::StringMap<std::pair<double, size_t>> &sensitivity) {
  if (!l.note.empty())
    return l.note;
  if (l.floatBytes == 0)
    return "no weights: integer when its inputs are";
  if (!report.search && !report.planFile.empty() && l.precision != report.precision)
    return "the precision plan " + report.planFile;
  if (!report.search)
    return "--precision=" + report.precision;
  const std::string &first = report.search->uniform.front().first;
  auto found = sensitivity.find(l.node);
  if (found == sensitivity.end())
    return "the budget held with every layer at " + first;
  std::string measured = llvm::formatv("alone at {0}, the model's drop was {1:f4}% (rank {2} "
                                       "of {3})",
                                       first, 100 * found->second.first, found->second.second,
                                       sensitivity.size())
                             .str();
  return (l.precision == first ? "kept at " + first + " within the budget: "
                               : "moved up from " + first + ", among the most sensitive: ") +
         measured;
}

void writeSummary(llvm::raw_ostream &os, const QuantizationReport &report) {
  auto [floatBytes, bytes] = weightTotals(report);
  os << "<table class=\"summary\">\n"
     << "<tr><td>model</td><td>" << escape(report.model) << "</td></tr>\n"
     << "<tr><td>precision</td><td>" << escape(report.precision) << "</td></tr>\n"
     << llvm::formatv("<tr><td>weights</td><td>{0} bytes of {1} in fp32 ({2:f1}%)</td></tr>\n",
                      bytes, floatBytes, floatBytes ? 100.0 * bytes / floatBytes : 0.0)
     << "<tr><td>activation arena</td><td>" << report.activationArenaBytes
     << " bytes</td></tr>\n";
  if (report.sqnrSamples > 0)
    os << "<tr><td>SQNR</td><td>measured on " << report.sqnrSamples << " samples; below "
       << llvm::format("%.1f", report.sqnrThresholdDb) << " dB is flagged</td></tr>\n";
  if (const std::optional<LayerTimes> &t = report.times) {
    double listed = 0;
    for (const QuantizedLayer &l : report.layers)
      listed += t->of(l.node).value_or(0);
    os << llvm::formatv("<tr><td>time</td><td>{0:f4} ms per run over {1} runs ({2}); the "
                        "table's layers {3:f1}% of it</td></tr>\n",
                        t->msPerRun, t->runs, escape(t->file),
                        t->msPerRun > 0 ? 100 * listed / t->msPerRun : 0.0);
  }
  if (const std::optional<PrecisionSearchResult> &s = report.search) {
    bool met = s->drop <= report.maxDrop;
    os << llvm::formatv("<tr><td>budget</td><td>{0} drop at most {1:f4}%: <span class=\"{2}\">"
                        "{3:f4}% ({4})</span>, {5} candidates on {6} model runs</td></tr>\n",
                        metricName(report.searchMetric), 100 * report.maxDrop,
                        met ? "met" : "missed", 100 * s->drop, met ? "met" : "missed",
                        s->evaluations, s->samples);
    for (const auto &[precision, drop] : s->uniform)
      os << llvm::formatv("<tr><td>all layers {0}</td><td>drop {1:f4}%</td></tr>\n",
                          escape(precision), 100 * drop);
  }
  os << "</table>\n";
}

void writeCharts(llvm::raw_ostream &os, const QuantizationReport &report,
                 const std::vector<const QuantizedLayer *> &layers) {
  BarChart weights{{}, {}, {"#b0b7c3", "#2f6fb2"}, "bytes"};
  BarChart sqnr{{}, {}, {"#6a9f3a"}, "dB"};
  for (const QuantizedLayer *l : layers) {
    if (l->floatBytes > 0) {
      weights.labels.push_back(l->node);
      weights.values.push_back({double(l->floatBytes), double(l->bytes)});
    }
    if (!std::isnan(l->sqnrDb)) {
      sqnr.labels.push_back(l->node);
      sqnr.values.push_back({std::isinf(l->sqnrDb) ? 120.0 : l->sqnrDb});
    }
  }
  os << "<h2>Weight bytes per layer</h2>\n<p class=\"legend\"><span style=\"background:#b0b7c3\">"
        "</span>fp32<span style=\"background:#2f6fb2\"></span>compiled</p>\n";
  weights.write(os);
  if (!sqnr.labels.empty()) {
    os << "<h2>SQNR per layer (higher is better)</h2>\n";
    sqnr.write(os);
  }
  if (report.times) {
    BarChart time{{}, {}, {"#7b4fa0"}, "ms"};
    for (const auto &[node, ms] : report.times->layers) {
      time.labels.push_back(node);
      time.values.push_back({ms});
    }
    os << "<h2>Time per layer (ms per run, every profiled layer in run order)</h2>\n";
    time.write(os);
  }
  if (report.search && !report.search->sensitivity.empty()) {
    BarChart drop{{}, {}, {"#c7652b"}, "%"};
    for (const auto &[node, d] : report.search->sensitivity) {
      drop.labels.push_back(node);
      drop.values.push_back({100 * d});
    }
    os << "<h2>Sensitivity: the model's drop with the layer alone quantized</h2>\n";
    drop.write(os);
  }
}

void writeTable(llvm::raw_ostream &os, const QuantizationReport &report,
                const std::vector<const QuantizedLayer *> &layers) {
  llvm::StringMap<std::pair<double, size_t>> sensitivity = sensitivityByNode(report);
  os << "<h2>Layers</h2>\n<table class=\"layers\" id=\"layers\"><thead><tr>"
        "<th class=\"text\" data-key=\"node\" data-type=\"text\">node</th>"
        "<th class=\"text\" data-key=\"op\" data-type=\"text\">op</th>"
        "<th class=\"text\" data-key=\"precision\" data-type=\"text\">precision</th>"
        "<th data-key=\"fp32_bytes\" data-type=\"number\">fp32 bytes</th>"
        "<th data-key=\"bytes\" data-type=\"number\">bytes</th>"
        "<th data-key=\"int32_use\" data-type=\"number\">int32 use %</th>"
        "<th data-key=\"sqnr\" data-type=\"number\">SQNR dB</th>"
        "<th data-key=\"sensitivity\" data-type=\"number\">sensitivity %</th>"
        "<th data-key=\"time\" data-type=\"number\">ms/run</th>"
        "<th class=\"text\" data-key=\"why\" data-type=\"text\">why</th></tr></thead>\n<tbody>\n";
  for (const QuantizedLayer *l : layers) {
    auto cell = [&](const std::string &value, const std::string &shown, bool text = false) {
      os << "<td data-value=\"" << escape(value) << "\"" << (text ? " class=\"text\"" : "")
         << ">" << escape(shown) << "</td>";
    };
    bool low = !std::isnan(l->sqnrDb) && l->sqnrDb < report.sqnrThresholdDb;
    os << "<tr data-layer" << (low ? " class=\"low\"" : "") << ">";
    cell(l->node, l->node, true);
    cell(l->op, l->op, true);
    cell(l->precision, l->precision, true);
    cell(std::to_string(l->floatBytes), std::to_string(l->floatBytes));
    cell(std::to_string(l->bytes), std::to_string(l->bytes));
    double use = 100.0 * l->accumulatorBound / 2147483647.0;
    cell(exact(use),
         l->accumulatorBound ? llvm::formatv("{0:f2}", use).str() : std::string("-"));
    bool hasSqnr = !std::isnan(l->sqnrDb);
    std::string sqnrValue = !hasSqnr ? "" : std::isinf(l->sqnrDb) ? "1e9" : exact(l->sqnrDb);
    cell(sqnrValue, !hasSqnr ? "-" : std::isinf(l->sqnrDb) ? "exact"
                                   : llvm::formatv("{0:f1}", l->sqnrDb).str());
    auto s = sensitivity.find(l->node);
    bool hasS = s != sensitivity.end();
    cell(hasS ? exact(100 * s->second.first) : "",
         hasS ? llvm::formatv("{0:f4}", 100 * s->second.first).str() : "-");
    std::optional<double> ms = report.times ? report.times->of(l->node) : std::nullopt;
    cell(ms ? exact(*ms) : "", ms ? llvm::formatv("{0:f4}", *ms).str() : "-");
    cell(why(*l, report, sensitivity), why(*l, report, sensitivity), true);
    os << "</tr>\n";
  }
  os << "</tbody></table>\n";
}

} // namespace

void qforge::writeReportHTML(llvm::raw_ostream &os, const QuantizationReport &report) {
  std::vector<const QuantizedLayer *> layers;
  for (const QuantizedLayer &l : report.layers)
    layers.push_back(&l);
  os << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>qforge "
        "quantization report: "
     << escape(report.model) << "</title>\n<style>" << kStyle << "</style></head>\n<body>\n"
     << "<h1>qforge quantization report</h1>\n";
  writeSummary(os, report);
  writeCharts(os, report, layers);
  writeTable(os, report, layers);
  os << "<script>" << kScript << "</script>\n</body></html>\n";
}
