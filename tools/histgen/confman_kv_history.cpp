#include "tools/histgen/confman_kv_history.h"

#include <map>

#include "sim/history.h"

namespace confman::histgen {

void execute_confman_kv(std::vector<Op>& ops, Random& random) {
  std::map<int, KvState> keys;
  std::uint64_t revision = 0;
  for (const std::size_t i : effect_order(ops)) {
    Op& op = ops[i];
    KvState& key = keys[op.key];
    op.before = key;
    switch (op.kind) {
      case Kind::Read:
        op.seen = key;
        op.read_revision = revision;
        continue;
      case Kind::Write: op.condition_holds = true; break;
      case Kind::Delete: op.condition_holds = key.found; break;
      case Kind::Cas:
        // Most cas operations expect the revision they will find.
        op.expected_mod_revision = random.chance(0.7) ? key.mod_revision : random.below(revision + 2);
        op.condition_holds = op.expected_mod_revision == key.mod_revision;
        break;
    }
    if (!op.condition_holds || !op.takes_effect) continue;
    op.revision = ++revision;
    if (op.kind == Kind::Delete) {
      key = KvState{};
      continue;
    }
    key = KvState{true, op.value, revision, key.found ? key.create_revision : revision,
                  key.found ? key.version + 1 : 1};
    op.version = key.version;
  }
}

namespace {

bool invoked_after(const Op& read, const Op& write) {
  return acknowledged_read(read) && read.key == write.key && read.invoke > write.complete;
}

bool saw_write(const Op& read, const Op& write) {
  return read.seen.found && read.seen.mod_revision == write.revision;
}

std::optional<std::string> plant_stale_read(std::vector<Op>& ops) {
  for (const Op& write : ops) {
    if (!acknowledged_write(write) || !write.before.found) continue;
    for (Op& read : ops) {
      if (!invoked_after(read, write)) continue;
      read.seen = write.before;
      return "stale read: " + describe(read) + " misses the write " + describe(write);
    }
  }
  return std::nullopt;
}

std::optional<std::string> plant_lost_write(std::vector<Op>& ops) {
  for (const Op& write : ops) {
    if (!acknowledged_write(write) || write.kind != Kind::Write || !write.before.found) continue;
    bool observed_later = false;
    for (Op& read : ops) {
      if (!invoked_after(read, write) || !saw_write(read, write)) continue;
      read.seen = write.before;
      observed_later = true;
    }
    if (observed_later) return "lost write: " + describe(write) + " is missing from every later read";
  }
  return std::nullopt;
}

std::optional<std::string> plant_duplicate_write(std::vector<Op>& ops) {
  std::uint64_t last_revision = 0;
  for (const Op& op : ops) last_revision = std::max(last_revision, op.revision);
  for (const Op& write : ops) {
    if (!acknowledged_write(write) || write.kind == Kind::Delete) continue;
    for (Op& read : ops) {
      if (!invoked_after(read, write) || !saw_write(read, write)) continue;
      read.seen.mod_revision = last_revision + 1;
      read.seen.version += 1;
      return "duplicated write: " + describe(read) + " sees " + describe(write) + " applied a second time";
    }
  }
  return std::nullopt;
}

std::optional<std::string> plant_phantom_read(std::vector<Op>& ops) {
  for (Op& read : ops) {
    if (!acknowledged_read(read)) continue;
    const std::uint64_t revision = std::max<std::uint64_t>(read.read_revision, 1);
    read.seen = KvState{true, "ghost", revision, revision, 1};
    return "phantom read: " + describe(read) + " returns a value nobody wrote";
  }
  return std::nullopt;
}

sim::OpKind op_kind(Kind kind) {
  switch (kind) {
    case Kind::Read: return sim::OpKind::Get;
    case Kind::Write: return sim::OpKind::Put;
    case Kind::Cas: return sim::OpKind::Cas;
    case Kind::Delete: return sim::OpKind::Delete;
  }
  return sim::OpKind::Get;
}

void fill_results(const Op& op, sim::HistoryEvent& event) {
  switch (op.kind) {
    case Kind::Read:
      event.found = op.seen.found;
      event.value = op.seen.value;
      event.mod_revision = op.seen.mod_revision;
      event.create_revision = op.seen.create_revision;
      event.version = op.seen.version;
      event.read_revision = op.read_revision;
      break;
    case Kind::Write:
      event.revision = op.revision;
      event.version = op.version;
      break;
    case Kind::Delete:
      event.result = op.condition_holds ? "ok" : "not_found";
      event.revision = op.revision;
      break;
    case Kind::Cas:
      event.result = op.condition_holds ? "ok" : "compare_failed";
      event.revision = op.revision;
      event.version = op.version;
      event.mod_revision = op.before.mod_revision;
      break;
  }
}

}  // namespace

std::optional<std::string> plant_confman_kv(Anomaly anomaly, std::vector<Op>& ops) {
  switch (anomaly) {
    case Anomaly::None: return std::nullopt;
    case Anomaly::StaleRead: return plant_stale_read(ops);
    case Anomaly::LostWrite: return plant_lost_write(ops);
    case Anomaly::DuplicateWrite: return plant_duplicate_write(ops);
    case Anomaly::PhantomRead: return plant_phantom_read(ops);
  }
  return std::nullopt;
}

std::string render_confman_kv(const std::vector<Op>& ops) {
  sim::History history;
  for (const ClientEvent& e : client_events(ops)) {
    const Op& op = ops[e.op];
    sim::HistoryEvent event;
    event.process = static_cast<int>(op.process);
    event.type = !e.completion ? sim::EventType::Invoke
                               : (op.indeterminate ? sim::EventType::Info : sim::EventType::Ok);
    event.f = op_kind(op.kind);
    event.key = "/k/" + std::to_string(op.key);
    event.time_us = static_cast<TimeUs>(e.time);
    event.value = op.value;
    event.expected_mod_revision = op.expected_mod_revision;
    if (event.type == sim::EventType::Ok) fill_results(op, event);
    history.record(std::move(event));
  }
  return history.to_jsonl();
}

}  // namespace confman::histgen
