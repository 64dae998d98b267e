#pragma once
// Generated client histories for the checker's stress suite and benchmark
// (issue: "the checker decides what other checkers decide, at Jepsen
// scale"). A seeded, single-threaded simulation of clients against one
// linearizable store: each operation takes effect at one instant inside its
// interval, so the history is linearizable by construction; then, if asked,
// one anomaly is planted on one key, which makes it not linearizable by
// construction. Written as Knossos-style EDN (check/parse_edn.cpp), or for
// confman-kv as our JSON Lines (sim/HISTORY.md), read by the checker as any
// user's file would be.
//
// Models: append-kv (append unique elements, get the string), cas-register
// (read, write unique integers, cas) per key, and confman-kv (get, put,
// delete, cas on the mod revision, with a global revision counter:
// confman_kv_history.h).
// Indeterminate operations: a share of them end :info (the client timed
// out); a write or append among them takes effect or not, at random, and its
// process is never used again (Jepsen's crashed process).

#include <cstddef>
#include <cstdint>
#include <string>

#include "check/history.h"

namespace confman::histgen {

enum class Anomaly : std::uint8_t {
  None,
  StaleRead,       // a read misses a write that completed before it was invoked
  LostWrite,       // an acknowledged write is missing from every later read
  DuplicateWrite,  // append-kv: an element appended once shows up twice
  PhantomRead,     // a read returns a value nobody wrote
};
const char* anomaly_name(Anomaly anomaly);

struct GeneratorSettings {
  std::string model = "append-kv";  // or "cas-register", "confman-kv"
  int clients = 10;
  std::size_t operations = 1000;
  int keys = 10;
  double indeterminate_rate = 0.0;  // share of operations that end :info
  Anomaly anomaly = Anomaly::None;
  std::uint64_t seed = 1;
};

struct GeneratedHistory {
  std::string text;        // one event per line
  check::Format format = check::Format::Edn;  // Confman for confman-kv
  bool anomaly_planted = false;
  std::string anomaly;     // what was planted and where, for a person
};

// Deterministic: the same settings give the same text. An anomaly is
// planted only where it is observable (e.g. a stale read needs a write that
// completed before some read); anomaly_planted says whether one was.
GeneratedHistory generate_history(const GeneratorSettings& settings);

}  // namespace confman::histgen
