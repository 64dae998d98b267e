#pragma once
// The generator's operations, shared by the models' executors, anomaly
// planters and writers (history_generator.cpp for append-kv and
// cas-register, confman_kv_history.cpp for confman-kv). Internal to
// tools/histgen.

#include <cstdint>
#include <algorithm>
#include <string>
#include <vector>

#include "check/splitmix64.h"

namespace confman::histgen {

// append-kv: Write = append; cas-register: Write = write; confman-kv: Write = put.
enum class Kind : std::uint8_t { Read, Write, Cas, Delete };

// A confman-kv key as a get reports it (sim/HISTORY.md).
struct KvState {
  bool found = false;
  std::string value;
  std::uint64_t mod_revision = 0;
  std::uint64_t create_revision = 0;
  std::uint64_t version = 0;
};

struct Op {
  std::int64_t process = 0;
  int key = 0;
  Kind kind = Kind::Read;
  std::uint64_t invoke = 0, effect = 0, complete = 0;  // effect strictly inside (invoke, complete)
  bool indeterminate = false;
  bool takes_effect = true;  // an indeterminate write may not
  std::string value;         // append-kv element, value written (text)
  std::string expected;      // cas-register: the value compared with ("nil" for none)
  // cas: the compare matched; confman-kv delete: the key was there. An
  // operation whose condition fails changes nothing.
  bool condition_holds = false;
  std::string read_value;    // append-kv, cas-register: what a read returned ("nil" for none)
  // confman-kv
  KvState seen;                         // get: what it returned
  KvState before;                       // write: the key just before it took effect
  std::uint64_t expected_mod_revision = 0;  // cas
  std::uint64_t revision = 0;           // write that changed the key: its revision
  std::uint64_t version = 0;            // put, cas: the key's version after it
  std::uint64_t read_revision = 0;      // get: the store revision it read at
};

class Random {
 public:
  explicit Random(std::uint64_t seed) : mix_(seed) {}
  std::uint64_t below(std::uint64_t n) { return mix_.next() % n; }
  bool chance(double p) { return static_cast<double>(mix_.next() >> 11) * 0x1.0p-53 < p; }

 private:
  check::SplitMix64 mix_;
};

inline bool changes_key(const Op& op) {
  return op.kind == Kind::Write || ((op.kind == Kind::Cas || op.kind == Kind::Delete) && op.condition_holds);
}
inline bool acknowledged_read(const Op& op) { return op.kind == Kind::Read && !op.indeterminate; }
inline bool acknowledged_write(const Op& op) { return !op.indeterminate && changes_key(op); }

inline std::string describe(const Op& op) {
  return "p" + std::to_string(op.process) + " on key k" + std::to_string(op.key) + " [t=" +
         std::to_string(op.invoke) + ".." + std::to_string(op.complete) + "]";
}

// The operations' indices in the order they take effect.
inline std::vector<std::size_t> effect_order(const std::vector<Op>& ops) {
  std::vector<std::size_t> order(ops.size());
  for (std::size_t i = 0; i < ops.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return ops[a].effect != ops[b].effect ? ops[a].effect < ops[b].effect : a < b;
  });
  return order;
}

// An invocation or a completion, as a client saw it.
struct ClientEvent {
  std::uint64_t time = 0;
  bool completion = false;
  std::size_t op = 0;
};

// Every invocation and completion in time order. Completions first at equal
// times: either order is consistent with the effect instants, which lie
// strictly inside each interval.
inline std::vector<ClientEvent> client_events(const std::vector<Op>& ops) {
  std::vector<ClientEvent> events;
  events.reserve(ops.size() * 2);
  for (std::size_t i = 0; i < ops.size(); ++i) {
    events.push_back({ops[i].invoke, false, i});
    events.push_back({ops[i].complete, true, i});
  }
  std::sort(events.begin(), events.end(), [](const ClientEvent& a, const ClientEvent& b) {
    if (a.time != b.time) return a.time < b.time;
    if (a.completion != b.completion) return a.completion;
    return a.op < b.op;
  });
  return events;
}

}  // namespace confman::histgen
