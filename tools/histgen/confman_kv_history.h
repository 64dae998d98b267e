#pragma once
// The confman-kv model for the generator: one store with a global revision
// counter (every write that changes a key takes the next revision; a key's
// version counts its writes since it was created; a delete removes it), the
// anomalies planted on it, and the history written as our JSON Lines
// (sim/HISTORY.md) by sim's own writer, so the checker reads exactly what a
// simulation run would give it.
//
// Why each planted anomaly cannot be linearized: values are unique, so a
// value's one write fixes the revision any get can see it at, and a key's
// mod revision only grows.
//   stale read:  a get invoked after write w completed sees the key as it was
//                before w, at a mod revision below w's;
//   lost write:  every get after put w completed that saw w's value sees the
//                key as it was before w instead;
//   duplicate:   a get after put w completed sees w's value at a revision w
//                did not get (the write applied a second time);
//   phantom:     a get returns a value nobody wrote.

#include <optional>
#include <string>
#include <vector>

#include "tools/histgen/generated_ops.h"
#include "tools/histgen/history_generator.h"

namespace confman::histgen {

void execute_confman_kv(std::vector<Op>& ops, Random& random);
std::optional<std::string> plant_confman_kv(Anomaly anomaly, std::vector<Op>& ops);
std::string render_confman_kv(const std::vector<Op>& ops);

}  // namespace confman::histgen
