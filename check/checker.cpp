#include "check/checker.h"

#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <limits>
#include <thread>
#include <type_traits>

#include "check/deadline.h"
#include "check/explain.h"
#include "check/model_append_kv.h"
#include "check/model_cas_register.h"
#include "check/model_confman_kv.h"
#include "check/partition.h"
#include "check/revision_order.h"
#include "check/wgl.h"

namespace confman::check {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxListedUnknown = 20;

constexpr std::uint64_t kFirstRoundSteps = 1 << 16;

struct PartitionOutcome {
  PartitionReport report;
  std::optional<Violation> violation;
  std::optional<ParseError> error;
  bool step_limit_hit = false;  // unknown for want of steps: a larger budget may decide it
};

std::string limit_reason(SearchOutcome outcome, const CheckOptions& options, const std::string& key) {
  const std::string where = " while checking " + partition_name(key);
  switch (outcome) {
    case SearchOutcome::StepLimit:
      return "step limit reached: more than " + std::to_string(options.max_steps_per_partition) +
             " search steps" + where;
    case SearchOutcome::MemoryLimit:
      return "memory limit reached: more than " + std::to_string(options.memory_limit_bytes >> 20) +
             " MiB of search state" + where;
    case SearchOutcome::TimeLimit:
      return "time limit reached: " + std::to_string(options.timeout_ms) + " ms passed" + where;
    default:
      CONFMAN_ASSERT(false, "limit_reason() of a decided search");
      return "";
  }
}

template <typename Model>
PartitionOutcome check_partition(const History& history, const Partition& whole, const CheckOptions& options,
                                 const Deadline& deadline) {
  PartitionOutcome out;
  out.report.key = whole.key;
  out.report.operation_count = whole.ops.size();
  // Operations some models leave out of the search (see each model's header).
  Partition pruned{whole.key, whole.ops};
  std::vector<std::uint64_t> anonymous_calls;
  if constexpr (std::is_same_v<Model, AppendKvModel>) {
    pruned.ops = without_unobserved_unknown_appends(history, whole.ops);
  }
  if constexpr (std::is_same_v<Model, ConfmanKvModel>) {
    if (auto split = split_anonymous_writes(history, whole.ops)) {
      pruned.ops = std::move(split->kept);
      anonymous_calls = std::move(split->call_positions);
    }
  }
  const Partition& partition = pruned;
  auto model = [&] {
    if constexpr (std::is_same_v<Model, ConfmanKvModel>) {
      return Model::prepare(history, partition.ops, std::move(anonymous_calls));
    } else {
      return Model::prepare(history, partition.ops);
    }
  }();
  if (!model) {
    out.report.verdict = Verdict::Unknown;
    out.error = model.error();
    return out;
  }
  std::vector<bool> value_irrelevant;
  if constexpr (std::is_same_v<Model, ConfmanKvModel>) value_irrelevant = model->unobserved_writes();
  std::vector<SearchOp> ops = search_ops(history, partition, value_irrelevant);
  if constexpr (std::is_same_v<Model, ConfmanKvModel>) {
    const std::vector<std::uint32_t> predecessors = model->revision_predecessors();
    for (std::size_t i = 0; i < ops.size(); ++i) {
      if (predecessors[i] == ConfmanKvModel::kNoPredecessor) continue;
      // Twins are unknown-outcome ops; predecessors link acknowledged writes.
      CONFMAN_ASSERT(ops[i].after == kNoOp, "an op linked both as a twin and by revision");
      ops[i].after = predecessors[i];
    }
  }
  const SearchLimits limits{options.max_steps_per_partition, options.memory_limit_bytes,
                            options.timeout_ms != 0 ? &deadline : nullptr};
  SearchResult result = WglSearch<Model>(*model, ops, limits).run();
  out.report.steps = result.steps;
  out.report.memo_entries = result.memo_entries;
  out.report.peak_memory_bytes = result.peak_memory_bytes;
  switch (result.outcome) {
    case SearchOutcome::Linearizable:
      out.report.verdict = Verdict::Linearizable;
      break;
    case SearchOutcome::NotLinearizable:
      out.report.verdict = Verdict::NotLinearizable;
      out.violation = explain_violation(*model, history, partition, ops, result.longest_prefix);
      break;
    default:
      out.report.verdict = Verdict::Unknown;
      out.report.unknown_reason = limit_reason(result.outcome, options, partition.key);
      out.step_limit_hit = result.outcome == SearchOutcome::StepLimit;
      break;
  }
  return out;
}

PartitionOutcome check_partition(std::string_view model, const History& history,
                                 const Partition& partition, const CheckOptions& options,
                                 const Deadline& deadline) {
  if (model == kConfmanKvModel) {
    return check_partition<ConfmanKvModel>(history, partition, options, deadline);
  }
  if (model == kCasRegisterModel) {
    return check_partition<CasRegisterModel>(history, partition, options, deadline);
  }
  CONFMAN_ASSERT(model == kAppendKvModel, "check_history() validated the model name");
  return check_partition<AppendKvModel>(history, partition, options, deadline);
}

const char* verdict_json_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::Linearizable: return "linearizable";
    case Verdict::NotLinearizable: return "not_linearizable";
    case Verdict::Unknown: return "unknown";
  }
  return "?";
}

std::string summarize(const CheckReport& report, const std::vector<Violation>& violations,
                      const std::vector<const PartitionReport*>& undecided) {
  if (report.input_error) return report.input_error->describe();
  if (!violations.empty()) {
    std::string summary = violations.front().summary;
    if (violations.size() > 1) summary += " (and " + std::to_string(violations.size() - 1) + " more violations)";
    return summary;
  }
  if (!undecided.empty()) {
    std::string summary = undecided.front()->unknown_reason;
    if (undecided.size() > 1) summary += " (and " + std::to_string(undecided.size() - 1) + " more undecided partitions)";
    return summary;
  }
  return "";
}

std::string explain_text(const History& history, const CheckOptions& options,
                         const std::vector<Violation>& violations,
                         const std::vector<const PartitionReport*>& undecided) {
  std::string text;
  const std::size_t shown = std::min(violations.size(), std::max<std::size_t>(options.max_explained_violations, 1));
  for (std::size_t i = 0; i < shown; ++i) text += render_text(history, violations[i]);
  if (violations.size() > shown) {
    text += "  ... and " + std::to_string(violations.size() - shown) + " more violations:";
    for (std::size_t i = shown; i < violations.size(); ++i) text += " " + partition_name(violations[i].partition) + ";";
    text += "\n";
  }
  if (!undecided.empty()) text += violations.empty() ? "  undecided:\n" : "  also undecided:\n";
  for (std::size_t i = 0; i < undecided.size() && i < kMaxListedUnknown; ++i) {
    text += "    - " + undecided[i]->unknown_reason + "\n";
  }
  if (undecided.size() > kMaxListedUnknown) {
    text += "    ... and " + std::to_string(undecided.size() - kMaxListedUnknown) + " more\n";
  }
  return text;
}

std::string explain_json(const History& history, const CheckReport& report,
                         const std::vector<Violation>& violations,
                         const std::vector<const PartitionReport*>& undecided, std::size_t unchecked) {
  json::object object;
  object["verdict"] = verdict_json_name(report.verdict);
  object["model"] = report.model;
  object["operations"] = report.operation_count;
  object["dropped_operations"] = history.dropped_operations;
  object["partitions"] = report.partition_count;
  object["steps"] = report.total_steps;
  object["summary"] = report.summary;
  json::array violation_array;
  for (const Violation& v : violations) violation_array.push_back(render_json(history, v));
  object["violations"] = std::move(violation_array);
  json::array undecided_array;
  for (const PartitionReport* p : undecided) {
    undecided_array.push_back(json::object{{"partition", p->key}, {"reason", p->unknown_reason}});
  }
  object["undecided"] = std::move(undecided_array);
  object["unchecked_partitions"] = unchecked;
  if (report.input_error) {
    object["error"] = json::object{{"file", report.input_error->file},
                                   {"line", report.input_error->line},
                                   {"message", report.input_error->message}};
  } else {
    object["error"] = nullptr;
  }
  return json::serialize(object);
}

void finish(const History& history, const CheckOptions& options, CheckReport& report,
            const std::vector<Violation>& violations) {
  std::vector<const PartitionReport*> undecided;
  for (const PartitionReport& p : report.partitions) {
    if (p.verdict == Verdict::Unknown && !p.stopped_early) undecided.push_back(&p);
  }
  if (report.input_error) {
    report.verdict = Verdict::Unknown;
  } else if (!violations.empty()) {
    report.verdict = Verdict::NotLinearizable;
  } else {
    report.verdict = undecided.empty() ? Verdict::Linearizable : Verdict::Unknown;
  }
  report.summary = summarize(report, violations, undecided);
  const auto unchecked = static_cast<std::size_t>(std::count_if(
      report.partitions.begin(), report.partitions.end(), [](const PartitionReport& p) { return p.stopped_early; }));
  if (!report.input_error) {
    report.explanation_text = explain_text(history, options, violations, undecided);
    if (unchecked > 0) {
      report.explanation_text += "  " + std::to_string(unchecked) +
                                 " more partitions were not searched to the end: the check stops at the first "
                                 "violation (--all searches every one)\n";
    }
  }
  if (options.explanation_json) {
    report.explanation_json = explain_json(history, report, violations, undecided, unchecked);
  }
}

// Runs `run(i)` for every index in `indexes`, on up to `threads` threads.
// Each call writes only its own slot, so the outcome does not depend on
// how the calls are spread over the threads.
template <typename Run>
void run_all(const std::vector<std::size_t>& indexes, std::size_t threads, const Run& run) {
  const std::size_t workers = std::min(threads, indexes.size());
  if (workers <= 1) {
    for (std::size_t index : indexes) run(index);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> pool;
  pool.reserve(workers);
  for (std::size_t w = 0; w < workers; ++w) {
    pool.emplace_back([&] {
      for (std::size_t i = next.fetch_add(1); i < indexes.size(); i = next.fetch_add(1)) run(indexes[i]);
    });
  }
  for (std::thread& thread : pool) thread.join();
}

// The partitions are searched in rounds, every undecided partition with
// the same step budget, four times larger each round, up to the limit (a
// partition searched alone gets the whole limit at once). A partition that
// is hard but linearizable cannot hold back the proof that another is not:
// after the first round that proves a violation, the check stops (unless
// options.all_partitions), and the partitions still undecided say so. Each
// round's searches start afresh, and a partition's steps are the sum over
// its rounds; the rounds are the same however many threads run them, so
// verdicts, explanations and step counts are too.
std::vector<PartitionOutcome> search_in_rounds(std::string_view model, const History& history,
                                               const std::vector<Partition>& partitions,
                                               const CheckOptions& options) {
  const Deadline deadline(options.timeout_ms);
  std::vector<PartitionOutcome> outcomes(partitions.size());
  std::vector<std::uint64_t> steps_before(partitions.size(), 0);
  std::vector<std::size_t> undecided(partitions.size());
  for (std::size_t i = 0; i < partitions.size(); ++i) undecided[i] = i;
  const std::uint64_t limit = options.max_steps_per_partition;  // 0: none
  std::uint64_t budget = kFirstRoundSteps;
  while (!undecided.empty()) {
    const bool last_round = undecided.size() == 1 || (limit != 0 && budget >= limit);
    CheckOptions round = options;
    round.max_steps_per_partition = last_round ? limit : budget;
    run_all(undecided, options.threads, [&](std::size_t i) {
      const auto started = std::chrono::steady_clock::now();
      const double elapsed_before = outcomes[i].report.elapsed_ms;
      outcomes[i] = check_partition(model, history, partitions[i], round, deadline);
      outcomes[i].report.steps += steps_before[i];
      if (options.measure_time) {
        outcomes[i].report.elapsed_ms =
            elapsed_before +
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
      }
    });
    std::vector<std::size_t> still;
    bool violation_found = false;
    for (std::size_t i : undecided) {
      PartitionOutcome& outcome = outcomes[i];
      if (outcome.error) return outcomes;  // the history does not fit the model: nothing else matters
      violation_found = violation_found || outcome.violation.has_value();
      if (!last_round && outcome.report.verdict == Verdict::Unknown && outcome.step_limit_hit) {
        steps_before[i] = outcome.report.steps;
        still.push_back(i);
      }
    }
    if (violation_found && !options.all_partitions) {
      for (std::size_t i : still) {
        outcomes[i].report.stopped_early = true;
        outcomes[i].report.unknown_reason = "not searched to the end: the check stopped at the first violation";
      }
      break;
    }
    undecided = std::move(still);
    budget = budget > std::numeric_limits<std::uint64_t>::max() / 4 ? budget : budget * 4;
  }
  return outcomes;
}

}  // namespace

const char* verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::Linearizable: return "linearizable";
    case Verdict::NotLinearizable: return "not linearizable";
    case Verdict::Unknown: return "unknown";
  }
  return "?";
}

bool is_model_name(std::string_view name) {
  return name == kConfmanKvModel || name == kCasRegisterModel || name == kAppendKvModel;
}

std::string default_model(const History& history) {
  if (history.format == Format::Confman) return std::string(kConfmanKvModel);
  if (history.format == Format::Jepsen) return std::string(kCasRegisterModel);
  bool register_only = !history.operations.empty();
  for (const Operation& op : history.operations) {
    if (op.source == Format::Confman || op.function == Function::Delete || op.function == Function::KvCas) {
      return std::string(kConfmanKvModel);
    }
    register_only = register_only && (op.function == Function::Read || op.function == Function::Write ||
                                      op.function == Function::Cas);
  }
  return std::string(register_only ? kCasRegisterModel : kAppendKvModel);
}

CheckReport check_history(const History& history, const CheckOptions& options) {
  CheckReport report;
  report.model = options.model.empty() ? default_model(history) : options.model;
  report.operation_count = history.operations.size();
  std::vector<Violation> violations;
  if (!is_model_name(report.model)) {
    report.input_error = ParseError{history.file_name, 0,
                                    "expected a model: confman-kv, cas-register or append-kv, not \"" +
                                        report.model + "\""};
    finish(history, options, report, violations);
    return report;
  }
  const std::vector<Partition> partitions = split_by_key(history);
  report.partition_count = partitions.size();
  std::vector<PartitionOutcome> outcomes = search_in_rounds(report.model, history, partitions, options);
  for (PartitionOutcome& outcome : outcomes) {
    if (outcome.error) {
      report.input_error = std::move(outcome.error);
      break;
    }
    report.total_steps += outcome.report.steps;
    if (outcome.violation) violations.push_back(std::move(*outcome.violation));
    report.partitions.push_back(std::move(outcome.report));
  }
  if (!report.input_error && report.model == kConfmanKvModel) {
    if (auto order = check_revision_order(history)) violations.push_back(std::move(*order));
  }
  finish(history, options, report, violations);
  return report;
}

CheckReport check_confman_history(std::string_view jsonl, const CheckOptions& options,
                                  std::string_view name) {
  ParseResult history = parse_history(jsonl, Format::Confman, name);
  if (!history) {
    CheckReport report;
    report.model = options.model.empty() ? std::string(kConfmanKvModel) : options.model;
    report.input_error = history.error();
    History empty;
    empty.file_name = std::string(name);
    finish(empty, options, report, {});
    return report;
  }
  return check_history(*history, options);
}

}  // namespace confman::check
