#pragma once
// Client history: invocations and completions as the clients saw them, in
// the JSON Lines format described in sim/HISTORY.md (read by confman-check).

#include <cstdint>
#include <deque>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/types.h"

namespace confman::sim {

enum class OpKind : std::uint8_t { Get, Put, Delete, Cas };
enum class EventType : std::uint8_t { Invoke, Ok, Fail, Info };
// How a get read (core/service/request.h, Consistency). Only linearizable
// gets go to the linearizability checker; every get is checked against the
// committed revisions (check/read_check.h).
enum class ReadConsistency : std::uint8_t { Linearizable, ReadYourWrites, Stale };
const char* op_kind_name(OpKind kind);
const char* event_type_name(EventType type);
const char* read_consistency_name(ReadConsistency consistency);

struct HistoryEvent {
  int process = 0;
  EventType type = EventType::Invoke;
  OpKind f = OpKind::Get;
  std::string key;
  TimeUs time_us = 0;
  ReadConsistency consistency = ReadConsistency::Linearizable;  // get
  // Inputs
  std::string value;                         // put / cas
  std::uint64_t expected_mod_revision = 0;   // cas
  // Results (Ok only)
  std::string result;                        // delete / cas: "ok", "not_found", "compare_failed"
  bool found = false;                        // get
  std::uint64_t revision = 0;                // put / delete / cas ok
  std::uint64_t mod_revision = 0;            // get; cas compare_failed (current)
  std::uint64_t create_revision = 0;         // get
  std::uint64_t version = 0;                 // get; put / cas ok
  std::uint64_t read_revision = 0;           // get: the store revision the read observed
  // Writes: the client session the write was sent with (not written to
  // the file; the simulator matches unknown outcomes with what replicas
  // applied, history_resolution.h).
  std::uint64_t client_id = 0;
  std::uint64_t sequence = 0;
};

class History {
 public:
  void record(HistoryEvent event) { events_.push_back(std::move(event)); }
  const std::deque<HistoryEvent>& events() const { return events_; }
  std::size_t count(EventType type) const;
  void write_jsonl(std::ostream& out) const;
  std::string to_jsonl() const;

 private:
  std::deque<HistoryEvent> events_;  // a deque: appends never move earlier events
};

}  // namespace confman::sim
