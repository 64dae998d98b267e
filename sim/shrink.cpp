#include "sim/shrink.h"

#include <algorithm>

namespace confman::sim {

namespace {

Scenario with_timeline(const Scenario& base, std::vector<TimelineEvent> timeline) {
  Scenario scenario = base;
  scenario.nemesis = NemesisOptions{};  // all rates zero: only the timeline injects faults
  scenario.timeline = std::move(timeline);
  return scenario;
}

std::vector<TimelineEvent> pick(const std::vector<TimelineEvent>& events, std::size_t begin, std::size_t end,
                                bool complement) {
  std::vector<TimelineEvent> picked;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const bool inside = i >= begin && i < end;
    if (inside != complement) picked.push_back(events[i]);
  }
  return picked;
}

class Shrinker {
 public:
  Shrinker(const Scenario& base, std::uint64_t seed, ViolationKind kind, const ShrinkOptions& options)
      : base_(base), seed_(seed), kind_(kind), options_(options) {}

  // Does a run with only these faults still fail the same way?
  bool fails(const std::vector<TimelineEvent>& events) {
    runs_ += 1;
    RunResult result = run_scenario(with_timeline(base_, events), seed_);
    const bool same = !result.passed() && result.violation_kind == kind_;
    if (same && (best_.empty() || events.size() <= best_.size())) {
      best_ = events;
      best_result_ = std::move(result);
    }
    return same;
  }

  // ddmin: split into n chunks; keep a failing chunk or a failing complement;
  // otherwise refine the split.
  std::vector<TimelineEvent> minimise(std::vector<TimelineEvent> events) {
    if (fails({})) return {};
    std::size_t chunks = 2;
    while (events.size() >= 2 && runs_ < options_.max_runs) {
      const std::size_t size = (events.size() + chunks - 1) / chunks;
      bool reduced = false;
      for (std::size_t begin = 0; begin < events.size() && !reduced && runs_ < options_.max_runs; begin += size) {
        auto chunk = pick(events, begin, std::min(begin + size, events.size()), false);
        if (fails(chunk)) {
          events = std::move(chunk);
          chunks = 2;
          reduced = true;
        }
      }
      for (std::size_t begin = 0; begin < events.size() && !reduced && chunks > 2 && runs_ < options_.max_runs;
           begin += size) {
        auto rest = pick(events, begin, std::min(begin + size, events.size()), true);
        if (fails(rest)) {
          events = std::move(rest);
          chunks = std::max<std::size_t>(chunks - 1, 2);
          reduced = true;
        }
      }
      if (reduced) {
        report(events.size());
        continue;
      }
      if (chunks >= events.size()) break;
      chunks = std::min(chunks * 2, events.size());
    }
    return events;
  }

  std::size_t runs() const { return runs_; }
  const RunResult& best_result() const { return best_result_; }

 private:
  void report(std::size_t kept) {
    if (options_.progress) {
      options_.progress("shrink: " + std::to_string(kept) + " fault(s) still fail after " + std::to_string(runs_) + " runs");
    }
  }

  const Scenario& base_;
  std::uint64_t seed_;
  ViolationKind kind_;
  const ShrinkOptions& options_;
  std::size_t runs_ = 0;
  std::vector<TimelineEvent> best_;
  RunResult best_result_;
};

}  // namespace

ShrinkResult shrink(const Scenario& scenario, std::uint64_t seed, const ShrinkOptions& options) {
  ShrinkResult result;
  const RunResult original = run_scenario(scenario, seed);
  result.runs = 1;
  if (original.passed() || original.expected_violation) return result;
  result.original_failed = true;
  result.violation_kind = original.violation_kind;
  result.original_faults = original.injected_faults.size();

  // Explicit timeline events are recorded as they are injected too, so the
  // replay timeline covers both the scenario's timeline and the nemesis.
  Shrinker shrinker(scenario, seed, result.violation_kind, options);
  if (!shrinker.fails(original.injected_faults)) {
    result.runs += shrinker.runs();
    return result;  // the failure did not survive replaying its faults as a timeline
  }
  result.replay_failed = true;
  std::vector<TimelineEvent> kept = shrinker.minimise(original.injected_faults);
  result.runs += shrinker.runs();
  result.minimal = with_timeline(scenario, std::move(kept));
  result.minimal.name = scenario.name + "-seed" + std::to_string(seed) + "-shrunk";
  result.minimal_result = shrinker.best_result();
  return result;
}

}  // namespace confman::sim
