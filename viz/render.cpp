#include "viz/render.h"

#include <algorithm>
#include <set>

#include "viz/page_assets.h"
#include "viz/viz_internal.h"

namespace confman::viz {
namespace {

using namespace detail;

std::size_t intern(std::vector<std::string>& names, const std::string& name) {
  const auto it = std::find(names.begin(), names.end(), name);
  if (it != names.end()) return static_cast<std::size_t>(it - names.begin());
  names.push_back(name);
  return names.size() - 1;
}

// Which operations the page gets: all of them up to the limit; past it every
// operation the checker names and an even spread of the others.
std::vector<std::size_t> kept_operations(const std::vector<Op>& ops, std::size_t limit) {
  std::vector<std::size_t> kept;
  if (ops.size() <= limit) {
    for (std::size_t i = 0; i < ops.size(); ++i) kept.push_back(i);
    return kept;
  }
  std::vector<std::size_t> plain;
  for (std::size_t i = 0; i < ops.size(); ++i) (ops[i].flags != 0 ? kept : plain).push_back(i);
  const std::size_t room = limit > kept.size() ? limit - kept.size() : 0;
  for (const std::size_t position : spread(plain.size(), room)) kept.push_back(plain[position]);
  std::sort(kept.begin(), kept.end());
  return kept;
}

void add_operations(json::object& out, const HistoryData& history, const CheckData& check, const VizLimits& limits) {
  const std::vector<std::size_t> kept = kept_operations(history.ops, limits.max_operations);
  std::vector<std::int64_t> remap(history.ops.size(), -1);
  std::vector<std::string> functions;
  std::vector<std::string> keys;
  std::set<std::int64_t> clients;
  json::array ops;
  ops.reserve(kept.size());
  for (std::size_t i = 0; i < kept.size(); ++i) {
    const Op& op = history.ops[kept[i]];
    remap[kept[i]] = static_cast<std::int64_t>(i);
    clients.insert(op.process);
    ops.push_back(json::array{op.process, op.invoke_us, op.complete_us, static_cast<int>(op.outcome),
                              intern(functions, op.f), intern(keys, op.key), op.text, op.flags});
  }
  out["clients"] = json::array(clients.begin(), clients.end());
  out["functions"] = json::array(functions.begin(), functions.end());
  out["keys"] = json::array(keys.begin(), keys.end());
  out["ops"] = std::move(ops);
  out["ops_total"] = history.ops.size();
  out["check"] = check_to_json(check, remap);
}

std::string escape_html(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

// JSON inside <script>: a "<" could close the element ("</script>") or open
// a comment, so every one becomes \u003c (it can only occur inside strings).
std::string script_safe_json(const json::object& data) {
  const std::string text = json::serialize(data);
  std::string out;
  out.reserve(text.size() + text.size() / 64);
  for (const char c : text) {
    if (c == '<') {
      out += "\\u003c";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// Fills the template's placeholders, each exactly once, without scanning
// what is inserted (the data may contain anything).
std::string fill_template(std::string_view page, const std::vector<std::pair<std::string_view, std::string_view>>& slots) {
  std::string out;
  std::size_t at = 0;
  while (at < page.size()) {
    std::size_t next = std::string_view::npos;
    const std::pair<std::string_view, std::string_view>* slot = nullptr;
    for (const auto& candidate : slots) {
      const std::size_t found = page.find(candidate.first, at);
      if (found < next) {
        next = found;
        slot = &candidate;
      }
    }
    if (slot == nullptr) {
      out += page.substr(at);
      break;
    }
    out += page.substr(at, next - at);
    out += slot->second;
    at = next + slot->first.size();
  }
  return out;
}

}  // namespace

json::object build_viz_data(const VizInput& input, const VizLimits& limits) {
  TraceData trace = build_trace_data(input.trace_jsonl, limits);
  HistoryData history = parse_history(input.history_jsonl);
  const CheckData check = parse_check(input.checker_report_json, history.ops);
  json::object out = std::move(trace.object);
  out["format"] = 1;
  out["title"] = input.title;
  out["subtitle"] = input.subtitle;
  out["violation"] = input.violation_text;
  out["end_us"] = std::max(trace.end_us, history.end_us);
  add_operations(out, history, check, limits);
  out["stats"] = json::object{{"trace_lines", trace.stats.lines},
                              {"trace_skipped", trace.stats.skipped},
                              {"history_lines", history.stats.lines},
                              {"history_skipped", history.stats.skipped}};
  return out;
}

std::string render_html(const VizInput& input, const VizLimits& limits) {
  const std::string title = escape_html(input.title);
  const std::string data = script_safe_json(build_viz_data(input, limits));
  return fill_template(kPageHtml, {{"@TITLE@", title}, {"/*@CSS@*/", kPageCss}, {"/*@JS@*/", kPageJs}, {"@DATA@", data}});
}

std::string render_html(std::string_view trace_jsonl, std::string_view history_jsonl,
                        std::string_view checker_report_json, std::string title) {
  VizInput input;
  input.trace_jsonl = trace_jsonl;
  input.history_jsonl = history_jsonl;
  input.checker_report_json = checker_report_json;
  input.title = std::move(title);
  return render_html(input);
}

}  // namespace confman::viz
