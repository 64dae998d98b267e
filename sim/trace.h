#pragma once
// The structured trace of a run. One schema, JSON Lines, one object per event:
//
//   {"t_us":<virtual time>,"kind":"<event kind>","node":<id or 0>, ...fields}
//
// Fields are integers or strings named by the event kind, e.g.
//   {"t_us":1200,"kind":"role","node":2,"role":"leader","term":3}
//   {"t_us":1500,"kind":"send","node":2,"to":3,"type":"Append","bytes":88}
//   {"t_us":9000,"kind":"fault","node":0,"fault":"partition","groups":"1,2|3,4,5"}
// Every event also folds into the trace hash (hash_u64 / hash_bytes of
// core/util/codec.h over time, kind, node and each field name and value, in
// order), computed whether or not a file is written,
// so two runs of the same scenario and seed print the same hash.

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "core/types.h"
#include "schema/trace_kind.h"

namespace confman::sim {

using schema::TraceKind;

// A trace hash as printed everywhere: 16 hex digits.
std::string format_hash(std::uint64_t hash);

class Trace {
 public:
  class Event {
   public:
    Event& field(std::string_view name, std::int64_t value);
    Event& field(std::string_view name, std::string_view value);
    ~Event();
    Event(const Event&) = delete;
    Event& operator=(const Event&) = delete;

   private:
    friend class Trace;
    explicit Event(Trace& trace) : trace_(trace) {}
    Trace& trace_;
  };

  // Writes JSON Lines to `out` if it is not null.
  explicit Trace(std::ostream* out) : out_(out) {}

  Event event(TimeUs t_us, schema::TraceKind kind, NodeId node);
  std::uint64_t hash() const { return hash_; }
  std::uint64_t events() const { return events_; }

 private:
  void mix(std::string_view bytes);
  void mix(std::int64_t value);
  std::ostream* out_;
  std::string line_;
  std::uint64_t hash_ = 0xCBF29CE484222325ULL;
  std::uint64_t events_ = 0;
};

}  // namespace confman::sim
