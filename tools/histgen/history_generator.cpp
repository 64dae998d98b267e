#include "tools/histgen/history_generator.h"

#include <algorithm>
#include <map>
#include <optional>
#include <vector>

#include "tools/histgen/confman_kv_history.h"
#include "tools/histgen/generated_ops.h"

namespace confman::histgen {

namespace {

bool is_append_kv(const GeneratorSettings& settings) { return settings.model == "append-kv"; }
bool is_confman_kv(const GeneratorSettings& settings) { return settings.model == "confman-kv"; }

Kind pick_kind(const GeneratorSettings& settings, Random& random) {
  const std::uint64_t roll = random.below(10);
  if (roll < 5) return Kind::Read;
  if (is_append_kv(settings) || roll < 7) return Kind::Write;
  if (is_confman_kv(settings) && roll < 8) return Kind::Delete;
  return roll < 8 ? Kind::Write : Kind::Cas;
}

std::string written_value(const GeneratorSettings& settings, std::size_t client, int n) {
  if (is_append_kv(settings)) return "c" + std::to_string(client) + "." + std::to_string(n) + ";";
  if (is_confman_kv(settings)) return "c" + std::to_string(client) + "-" + std::to_string(n);
  return std::to_string(static_cast<std::int64_t>(client) * 1'000'000 + n + 1);
}

// Each client runs its operations one after another; an indeterminate one
// ends the process, and the client goes on as a new process.
std::vector<Op> schedule(const GeneratorSettings& settings, Random& random) {
  std::vector<Op> ops;
  ops.reserve(settings.operations);
  std::vector<std::uint64_t> free_at(static_cast<std::size_t>(settings.clients), 0);
  std::vector<std::int64_t> process(static_cast<std::size_t>(settings.clients));
  for (int c = 0; c < settings.clients; ++c) process[static_cast<std::size_t>(c)] = c;
  std::vector<int> written(static_cast<std::size_t>(settings.clients), 0);
  for (std::size_t i = 0; i < settings.operations; ++i) {
    const auto client = static_cast<std::size_t>(random.below(static_cast<std::uint64_t>(settings.clients)));
    Op op;
    op.process = process[client];
    op.key = static_cast<int>(random.below(static_cast<std::uint64_t>(settings.keys)));
    op.kind = pick_kind(settings, random);
    // Times in ticks; ×4 leaves room for a distinct effect instant inside.
    op.invoke = (free_at[client] + random.below(20)) * 4 + 1;
    op.complete = op.invoke + (1 + random.below(60)) * 4;
    op.effect = op.invoke + 1 + random.below(op.complete - op.invoke - 1);
    free_at[client] = op.complete / 4 + 1;
    op.indeterminate = random.chance(settings.indeterminate_rate);
    if (op.indeterminate) {
      op.takes_effect = random.chance(0.5);
      process[client] += settings.clients;  // a crashed process is never used again
    }
    const int n = written[client]++;
    op.value = written_value(settings, client, n);
    ops.push_back(std::move(op));
  }
  return ops;
}

// Runs the operations at their effect instants against one store.
void execute(const GeneratorSettings& settings, std::vector<Op>& ops, Random& random) {
  std::map<int, std::string> state;  // append-kv: the string; register: the value ("nil" if none)
  for (const std::size_t i : effect_order(ops)) {
    Op& op = ops[i];
    const std::string current = state.count(op.key) ? state[op.key] : (is_append_kv(settings) ? "" : "nil");
    switch (op.kind) {
      case Kind::Read: op.read_value = current; break;
      case Kind::Write:
        if (op.takes_effect) state[op.key] = is_append_kv(settings) ? current + op.value : op.value;
        break;
      case Kind::Cas:
        // Most cas operations compare with the value they will find.
        op.expected = random.chance(0.7) ? current : std::to_string(random.below(1000) + 1);
        op.condition_holds = op.expected == current;
        if (op.condition_holds && op.takes_effect) state[op.key] = op.value;
        break;
      case Kind::Delete: break;  // confman-kv only
    }
  }
}

// A key's writes that took effect, in the order they did.
struct KeyTimeline {
  std::vector<std::pair<std::uint64_t, std::size_t>> writes;  // (effect, op index), effect order
};

std::map<int, KeyTimeline> timelines(const std::vector<Op>& ops) {
  std::map<int, KeyTimeline> lines;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const Op& op = ops[i];
    if (op.takes_effect && changes_key(op)) lines[op.key].writes.emplace_back(op.effect, i);
  }
  for (auto& [key, line] : lines) std::sort(line.writes.begin(), line.writes.end());
  return lines;
}

// A read invoked after write `w` completed returns what the key held just
// before `w` took effect: w must come first in any order, and values never
// come back (unique), so no linearization explains the read.
std::optional<std::string> plant_stale_read(std::vector<Op>& ops, bool append_kv) {
  const auto lines = timelines(ops);
  for (std::size_t r = 0; r < ops.size(); ++r) {
    Op& read = ops[r];
    if (!acknowledged_read(read) || !lines.count(read.key)) continue;
    const auto& writes = lines.at(read.key).writes;
    for (std::size_t j = writes.size(); j-- > 0;) {
      const Op& w = ops[writes[j].second];
      if (!acknowledged_write(w) || w.complete >= read.invoke) continue;
      if (!append_kv && j > 0) {
        // The register's value before w is stale only if its write came
        // strictly before w (a write concurrent with w could follow it).
        const Op& previous = ops[writes[j - 1].second];
        if (previous.complete >= w.invoke) break;
      }
      if (append_kv) {
        // The string before w: the current one up to w's element.
        const std::size_t at = read.read_value.find(w.value);
        if (at == std::string::npos) break;
        read.read_value = read.read_value.substr(0, at);
      } else {
        read.read_value = j == 0 ? "nil" : ops[writes[j - 1].second].value;
      }
      return "stale read: " + describe(read) + " misses the write " + describe(w);
    }
  }
  return std::nullopt;
}

// An acknowledged write vanishes from every read invoked after it completed.
std::optional<std::string> plant_lost_write(std::vector<Op>& ops, bool append_kv) {
  for (std::size_t w = 0; w < ops.size(); ++w) {
    const Op& write = ops[w];
    if (!acknowledged_write(write) || write.kind != Kind::Write) continue;
    bool observed_later = false;
    for (Op& read : ops) {
      if (!acknowledged_read(read) || read.key != write.key || read.invoke <= write.complete) continue;
      const std::size_t at = read.read_value.find(write.value);
      if (append_kv) {
        if (at == std::string::npos) continue;
        read.read_value.erase(at, write.value.size());
        observed_later = true;
      } else if (read.read_value == write.value) {
        read.read_value = "nil";  // as if it had never been written (values are unique)
        observed_later = true;
      }
    }
    if (observed_later) return "lost write: " + describe(write) + " is missing from every later read";
  }
  return std::nullopt;
}

// An element appended once is seen twice by a read invoked after it completed.
std::optional<std::string> plant_duplicate_write(std::vector<Op>& ops) {
  for (const Op& write : ops) {
    if (!acknowledged_write(write)) continue;
    for (Op& read : ops) {
      if (!acknowledged_read(read) || read.key != write.key || read.invoke <= write.complete) continue;
      if (read.read_value.find(write.value) == std::string::npos) continue;
      read.read_value += write.value;
      return "duplicated write: " + describe(write) + " shows up twice in " + describe(read);
    }
  }
  return std::nullopt;
}

std::optional<std::string> plant_phantom_read(std::vector<Op>& ops, bool append_kv) {
  for (Op& read : ops) {
    if (!acknowledged_read(read)) continue;
    read.read_value = append_kv ? read.read_value + "ghost;" : "999999999999";
    return "phantom read: " + describe(read) + " returns a value nobody wrote";
  }
  return std::nullopt;
}

std::string quoted(const std::string& text) { return "\"" + text + "\""; }

std::string render_edn(const GeneratorSettings& settings, const std::vector<Op>& ops) {
  const bool append_kv = is_append_kv(settings);
  std::string text;
  for (const ClientEvent& e : client_events(ops)) {
    const Op& op = ops[e.op];
    std::string type = "invoke";
    if (e.completion) type = op.indeterminate ? "info" : (op.kind == Kind::Cas && !op.condition_holds ? "fail" : "ok");
    std::string f, value;
    switch (op.kind) {
      case Kind::Read:
        f = append_kv ? "get" : "read";
        value = e.completion && type == "ok" ? (append_kv ? quoted(op.read_value) : op.read_value) : "nil";
        break;
      case Kind::Write:
        f = append_kv ? "append" : "write";
        value = append_kv ? quoted(op.value) : op.value;
        break;
      case Kind::Cas:
        f = "cas";
        value = "[" + op.expected + " " + op.value + "]";
        break;
      case Kind::Delete: break;  // confman-kv only
    }
    text += "{:process " + std::to_string(op.process) + ", :type :" + type + ", :f :" + f + ", :key \"k" +
            std::to_string(op.key) + "\", :value " + value + "}\n";
  }
  return text;
}

}  // namespace

const char* anomaly_name(Anomaly anomaly) {
  switch (anomaly) {
    case Anomaly::None: return "none";
    case Anomaly::StaleRead: return "stale-read";
    case Anomaly::LostWrite: return "lost-write";
    case Anomaly::DuplicateWrite: return "duplicate-write";
    case Anomaly::PhantomRead: return "phantom-read";
  }
  return "unknown";
}

namespace {

std::optional<std::string> plant(Anomaly anomaly, bool append_kv, std::vector<Op>& ops) {
  switch (anomaly) {
    case Anomaly::None: return std::nullopt;
    case Anomaly::StaleRead: return plant_stale_read(ops, append_kv);
    case Anomaly::LostWrite: return plant_lost_write(ops, append_kv);
    case Anomaly::DuplicateWrite:
      // A register has no duplicates to see: a write seen again is a stale read.
      return append_kv ? plant_duplicate_write(ops) : plant_stale_read(ops, append_kv);
    case Anomaly::PhantomRead: return plant_phantom_read(ops, append_kv);
  }
  return std::nullopt;
}

}  // namespace

GeneratedHistory generate_history(const GeneratorSettings& settings) {
  Random random(settings.seed);
  std::vector<Op> ops = schedule(settings, random);
  GeneratedHistory history;
  std::optional<std::string> planted;
  if (is_confman_kv(settings)) {
    execute_confman_kv(ops, random);
    planted = plant_confman_kv(settings.anomaly, ops);
    history.text = render_confman_kv(ops);
    history.format = check::Format::Confman;
  } else {
    execute(settings, ops, random);
    planted = plant(settings.anomaly, is_append_kv(settings), ops);
    history.text = render_edn(settings, ops);
    history.format = check::Format::Edn;
  }
  history.anomaly_planted = planted.has_value();
  history.anomaly = planted.value_or("");
  return history;
}

}  // namespace confman::histgen
