// The checker against a naive one (in the spirit of etcd-io/raft's
// quorum/quick_test.go): random small histories, produced by running a real
// register or store under random concurrency and then sometimes corrupting
// one result, are judged by both. The naive checker enumerates every subset
// of the unknown-outcome operations and every order of what it keeps, checks
// real-time order pair by pair, and replays the specification, trying every
// revision for writes of unknown outcome. It shares no code with the search.

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <random>

#include "check/checker.h"

namespace confman::check::testing {
namespace {

class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}
  // Modulo bias is irrelevant here; the engine (unlike distributions) is
  // specified by the standard, so the cases are the same everywhere.
  int below(int n) { return static_cast<int>(engine_() % static_cast<std::uint64_t>(n)); }
  bool chance(int percent) { return below(100) < percent; }

 private:
  std::mt19937_64 engine_;
};

// ---- The naive checker -------------------------------------------------

using Replay = std::function<bool(const std::vector<const Operation*>&)>;

bool respects_real_time(const std::vector<const Operation*>& order) {
  for (std::size_t i = 0; i < order.size(); ++i) {
    for (std::size_t j = i + 1; j < order.size(); ++j) {
      // order[j] placed after order[i], yet it returned before order[i] was invoked.
      if (order[j]->outcome == Outcome::Ok && order[j]->return_position < order[i]->call_position) return false;
    }
  }
  return true;
}

bool naive_linearizable(const History& history, const Replay& replay) {
  std::vector<const Operation*> unknown;
  std::vector<const Operation*> known;
  for (const Operation& op : history.operations) (op.outcome == Outcome::Ok ? known : unknown).push_back(&op);
  for (std::uint32_t subset = 0; subset < (1U << unknown.size()); ++subset) {
    std::vector<const Operation*> order = known;
    for (std::size_t i = 0; i < unknown.size(); ++i) {
      if ((subset >> i) & 1U) order.push_back(unknown[i]);
    }
    std::sort(order.begin(), order.end());
    do {
      if (respects_real_time(order) && replay(order)) return true;
    } while (std::next_permutation(order.begin(), order.end()));
  }
  return false;
}

// The register specification.
bool replay_register(const std::vector<const Operation*>& order) {
  std::optional<std::string> value;
  for (const Operation* op : order) {
    if (op->function == Function::Read && op->read_value != value) return false;
    if (op->function == Function::Write) value = op->value;
    if (op->function == Function::Cas) {
      if (value == op->expected) {
        value = op->value;
      } else if (op->outcome == Outcome::Ok) {
        return false;
      }
    }
  }
  return true;
}

// The store specification for one key, with every revision tried for the
// writes nobody heard back from.
struct Store {
  bool present = false;
  std::string value;
  std::int64_t mod = 0;
  std::int64_t create = 0;
  std::int64_t version = 0;
  std::int64_t last = 0;  // revision of the last write to the key
};

Store store_write(Store s, const std::string& value, std::int64_t revision) {
  s.version = s.present ? s.version + 1 : 1;
  if (!s.present) s.create = revision;
  s.present = true;
  s.value = value;
  s.mod = s.last = revision;
  return s;
}

bool replay_store(const std::vector<const Operation*>& order, std::size_t at, const Store& s,
                  std::int64_t max_revision);

// Tries each revision for a write of unknown outcome.
bool try_revisions(const std::vector<const Operation*>& order, std::size_t at, const Store& s,
                   std::int64_t max_revision, const std::function<Store(std::int64_t)>& after) {
  for (std::int64_t r = s.last + 1; r <= max_revision; ++r) {
    if (replay_store(order, at + 1, after(r), max_revision)) return true;
  }
  return false;
}

bool replay_store(const std::vector<const Operation*>& order, std::size_t at, const Store& s,
                  std::int64_t max_revision) {
  if (at == order.size()) return true;
  const Operation& op = *order[at];
  const bool ok = op.outcome == Outcome::Ok;
  const auto next = [&](const Store& n) { return replay_store(order, at + 1, n, max_revision); };
  switch (op.function) {
    case Function::Get:
      if (op.found != s.present) return false;
      if (s.present && (op.read_value != s.value || op.mod_revision != s.mod ||
                        op.create_revision != s.create || op.version != s.version)) {
        return false;
      }
      return next(s);
    case Function::Put:
      if (!ok) return try_revisions(order, at, s, max_revision, [&](std::int64_t r) { return store_write(s, *op.value, r); });
      if (op.revision <= s.last || op.version != (s.present ? s.version + 1 : 1)) return false;
      return next(store_write(s, *op.value, op.revision));
    case Function::Delete: {
      const auto deleted = [&](std::int64_t r) { Store n; n.last = r; return n; };
      if (!ok) return s.present ? try_revisions(order, at, s, max_revision, deleted) : next(s);
      if (op.result == KvResult::NotFound) return !s.present && next(s);
      return s.present && op.revision > s.last && next(deleted(op.revision));
    }
    case Function::KvCas: {
      const bool holds = op.expected_mod_revision == 0 ? !s.present : s.present && s.mod == op.expected_mod_revision;
      if (!ok) {
        if (!holds) return next(s);
        return try_revisions(order, at, s, max_revision, [&](std::int64_t r) { return store_write(s, *op.value, r); });
      }
      if (op.result == KvResult::CompareFailed) {
        if (holds) return false;
        return op.mod_revision == (s.present ? s.mod : 0) && next(s);
      }
      if (!holds || op.revision <= s.last || op.version != (s.present ? s.version + 1 : 1)) return false;
      return next(store_write(s, *op.value, op.revision));
    }
    default:
      ADD_FAILURE() << "unexpected function";
      return false;
  }
}

// ---- Histories from a real object under random concurrency --------------

struct Pending {
  Operation op;
  bool applied = false;
  bool ok_possible = false;  // false: it took no effect (a failed register cas)
};

// Runs `ops_total` operations from `processes` clients. `apply` makes an
// operation take effect, fills in its results and says whether it may
// complete ok. Each operation takes effect at most once, between its
// invocation and its completion; completions are ok, fail (only when it took
// no effect: dropped) or info; the run may end with operations in flight.
History run(Random& random, int processes, int ops_total, Format format,
            const std::function<Operation(Random&)>& make, const std::function<bool(Operation&)>& apply) {
  History history;
  history.file_name = "random";
  history.format = format;
  std::vector<std::optional<Pending>> in_flight(static_cast<std::size_t>(processes));
  std::uint64_t position = 0;
  int started = 0;
  const auto record = [&](Operation op, bool known) {
    if (!known) {
      op.outcome = Outcome::Unknown;
      op.return_position = kNeverReturned;
    }
    history.operations.push_back(std::move(op));
  };
  for (int step = 0; step < 10 * ops_total; ++step) {
    auto& slot = in_flight[static_cast<std::size_t>(random.below(processes))];
    ++position;
    if (!slot) {
      if (started == ops_total) continue;
      ++started;
      Operation op = make(random);
      op.source = format;
      op.process = static_cast<std::int64_t>(&slot - in_flight.data());
      op.call_position = position;
      slot = Pending{op};
      continue;
    }
    if (!slot->applied && random.chance(50)) {
      slot->ok_possible = apply(slot->op);
      slot->applied = true;
      continue;
    }
    Pending done = *slot;
    slot.reset();
    done.op.return_position = position;
    const bool effect = done.applied && done.ok_possible;
    if (!effect && random.chance(60)) continue;  // fail: certainly no effect
    record(done.op, effect && random.chance(75));
  }
  for (auto& slot : in_flight) {
    if (slot) record(slot->op, false);
  }
  std::sort(history.operations.begin(), history.operations.end(),
            [](const Operation& a, const Operation& b) { return a.call_position < b.call_position; });
  return history;
}

// Perturbs one result of one acknowledged operation, if there is one.
void corrupt(Random& random, History& history) {
  std::vector<Operation*> known;
  for (Operation& op : history.operations) {
    if (op.outcome == Outcome::Ok && op.function != Function::Write) known.push_back(&op);
  }
  if (known.empty()) return;
  Operation& op = *known[static_cast<std::size_t>(random.below(static_cast<int>(known.size())))];
  const std::int64_t delta = random.chance(50) ? 1 : -1;
  const auto bump = [&](std::int64_t& field) { field = field + delta > 0 ? field + delta : field + 1; };
  switch (op.function) {
    case Function::Read:
    case Function::Cas: {
      const int v = random.below(4);
      std::optional<std::string> value = v == 0 ? std::nullopt : std::optional<std::string>(std::to_string(v));
      (op.function == Function::Read ? op.read_value : op.expected) = value;
      return;
    }
    case Function::Get:
      if (!op.found) {
        op.found = true;
        op.read_value = "1";
        op.mod_revision = op.create_revision = 1 + random.below(6);
        op.version = 1;
        return;
      }
      switch (random.below(4)) {
        case 0: bump(op.mod_revision); return;
        case 1: bump(op.create_revision); return;
        case 2: bump(op.version); return;
        default: op.read_value = op.read_value == "1" ? "2" : "1"; return;
      }
    default:
      if (op.result == KvResult::CompareFailed) {
        bump(op.mod_revision);
      } else if (op.result == KvResult::NotFound) {
        op.result = KvResult::Ok;
        op.revision = 1 + random.below(8);
      } else {
        bump(random.chance(50) || op.function == Function::Delete ? op.revision : op.version);
      }
      return;
  }
}

std::optional<std::string> register_value(Random& random) {
  const int v = random.below(4);
  return v == 0 ? std::nullopt : std::optional<std::string>(std::to_string(v));
}

History random_register_history(Random& random) {
  std::optional<std::string> reg;
  const auto make = [](Random& r) {
    Operation op;
    const int f = r.below(3);
    op.function = f == 0 ? Function::Read : f == 1 ? Function::Write : Function::Cas;
    if (op.function != Function::Read) op.value = std::to_string(1 + r.below(3));
    if (op.function == Function::Cas) op.expected = register_value(r);
    return op;
  };
  const auto apply = [&](Operation& op) {
    if (op.function == Function::Read) op.read_value = reg;
    if (op.function == Function::Write) reg = op.value;
    if (op.function != Function::Cas) return true;
    if (reg != op.expected) return false;
    reg = op.value;
    return true;
  };
  return run(random, 4, 7, Format::Jepsen, make, apply);
}

// unique_puts: every put writes a value of its own and there is no cas,
// which is where the model places unobserved writes lazily
// (model_confman_kv.h, split_anonymous_writes).
History random_store_history(Random& random, bool unique_puts = false) {
  Store store;
  int next_value = 0;
  std::int64_t revision = 0;  // the store's global revision (other keys bump it too)
  const auto make = [&](Random& r) {
    Operation op;
    const int f = r.below(unique_puts ? 5 : 4);
    op.function = f == 0 || f == 4 ? Function::Get
                  : f == 1         ? Function::Put
                  : f == 2         ? Function::Delete
                  : unique_puts    ? Function::Put
                                   : Function::KvCas;
    op.key = "/k";
    if (op.function == Function::Put || op.function == Function::KvCas) {
      op.value = unique_puts ? "v" + std::to_string(++next_value) : std::to_string(1 + r.below(3));
    }
    if (op.function == Function::KvCas) {
      const int choice = r.below(4);
      op.expected_mod_revision = choice == 0 ? 0 : choice == 1 ? store.mod : choice == 2 ? std::max<std::int64_t>(store.mod - 1, 0) : 1 + r.below(8);
    }
    return op;
  };
  const auto write = [&](Operation& op) {
    revision += 1 + (random.chance(30) ? random.below(2) + 1 : 0);
    store = store_write(store, *op.value, revision);
    op.revision = revision;
    op.version = store.version;
  };
  const auto apply = [&](Operation& op) {
    op.result = KvResult::Ok;
    switch (op.function) {
      case Function::Get:
        op.found = store.present;
        if (store.present) {
          op.read_value = store.value;
          op.mod_revision = store.mod;
          op.create_revision = store.create;
          op.version = store.version;
        }
        op.result = KvResult::None;
        break;
      case Function::Put:
        write(op);
        break;
      case Function::Delete:
        if (!store.present) {
          op.result = KvResult::NotFound;
          break;
        }
        revision += 1;
        store = Store{};
        store.last = revision;
        op.revision = revision;
        break;
      default: {
        const bool holds = op.expected_mod_revision == 0 ? !store.present
                                                        : store.present && store.mod == op.expected_mod_revision;
        if (holds) {
          write(op);
        } else {
          op.result = KvResult::CompareFailed;
          op.mod_revision = store.present ? store.mod : 0;
        }
      }
    }
    return true;
  };
  return run(random, 4, 7, Format::Confman, make, apply);
}

std::int64_t max_revision(const History& history) {
  std::int64_t highest = 0;
  for (const Operation& op : history.operations) {
    highest = std::max({highest, op.revision, op.mod_revision, op.create_revision, op.expected_mod_revision});
  }
  return highest + static_cast<std::int64_t>(history.operations.size()) + 1;
}

std::string dump(const History& history) {
  std::string text;
  for (const Operation& op : history.operations) text += "  " + describe_operation(op) + "\n";
  return text;
}

// One append-kv key: get, append of a short unique text, and (in half of
// the histories, which turns off the model's append pruning) put.
History random_append_history(Random& random) {
  const bool with_puts = random.chance(50);
  int next_text = 0;
  auto store = std::make_shared<std::string>();
  const auto make = [&](Random& r) {
    Operation op;
    op.key = "k";
    const int kind = r.below(with_puts ? 5 : 4);
    if (kind < 2) {
      op.function = Function::Get;
    } else if (kind < 4) {
      op.function = Function::Append;
      op.value = std::string(1, static_cast<char>('a' + next_text++ % 26));
    } else {
      op.function = Function::Put;
      op.value = std::string(1, static_cast<char>('A' + next_text++ % 26));
    }
    return op;
  };
  const auto apply = [store](Operation& op) {
    if (op.function == Function::Get) op.read_value = *store;
    if (op.function == Function::Append) *store += *op.value;
    if (op.function == Function::Put) *store = *op.value;
    return true;
  };
  return run(random, 3, 3 + random.below(5), Format::Edn, make, apply);
}

bool replay_append(const std::vector<const Operation*>& order) {
  std::string value;
  for (const Operation* op : order) {
    if (op->function == Function::Get && op->read_value.value_or("") != value) return false;
    if (op->function == Function::Append) value += *op->value;
    if (op->function == Function::Put) value = *op->value;
  }
  return true;
}

// A get that saw one character more or less than it did.
void corrupt_append(Random& random, History& history) {
  std::vector<Operation*> gets;
  for (Operation& op : history.operations) {
    if (op.outcome == Outcome::Ok && op.function == Function::Get) gets.push_back(&op);
  }
  if (gets.empty()) return;
  std::string& seen = *gets[static_cast<std::size_t>(random.below(static_cast<int>(gets.size())))]->read_value;
  if (!seen.empty() && random.chance(50)) {
    seen.pop_back();
  } else {
    seen += static_cast<char>('a' + random.below(26));
  }
}

constexpr int kCases = 4000;

// kCases random histories of `model`, half of them corrupted: the checker's
// verdict must be the naive one's, and both verdicts must be well
// represented, or the test proves little.
void expect_agreement(std::uint64_t seed, const std::string& model,
                      const std::function<History(Random&)>& random_history,
                      const std::function<void(Random&, History&)>& corrupt_one, const Replay& replay) {
  Random random(seed);
  int violations = 0;
  for (int i = 0; i < kCases; ++i) {
    History history = random_history(random);
    if (random.chance(50)) corrupt_one(random, history);
    const bool naive = naive_linearizable(history, replay);
    CheckOptions options;
    options.model = model;
    const CheckReport report = check_history(history, options);
    ASSERT_NE(report.verdict, Verdict::Unknown);
    ASSERT_EQ(report.verdict == Verdict::Linearizable, naive) << "case " << i << "\n" << dump(history)
                                                             << report.explanation_text;
    violations += naive ? 0 : 1;
  }
  EXPECT_GT(violations, kCases / 10);
  EXPECT_LT(violations, kCases * 9 / 10);
}

TEST(BruteForce, CasRegisterAgreesWithTheNaiveChecker) {
  expect_agreement(0xC0FFEE, "cas-register", random_register_history, corrupt, replay_register);
}

void expect_store_agreement(std::uint64_t seed, bool unique_puts) {
  Random random(seed);
  int violations = 0;
  for (int i = 0; i < kCases; ++i) {
    History history = random_store_history(random, unique_puts);
    if (random.chance(50)) corrupt(random, history);
    const std::int64_t highest = max_revision(history);
    const bool naive = naive_linearizable(history, [&](const std::vector<const Operation*>& order) {
      return replay_store(order, 0, Store{}, highest);
    });
    CheckOptions options;
    options.model = "confman-kv";
    const CheckReport report = check_history(history, options);
    ASSERT_NE(report.verdict, Verdict::Unknown);
    // The revision-order pass may also object; compare the per-key search.
    ASSERT_EQ(report.partitions.size(), history.operations.empty() ? 0U : 1U);
    const bool checker = report.partitions.empty() || report.partitions[0].verdict == Verdict::Linearizable;
    ASSERT_EQ(checker, naive) << "case " << i << "\n" << dump(history) << report.explanation_text;
    violations += naive ? 0 : 1;
  }
  EXPECT_GT(violations, kCases / 10);
  EXPECT_LT(violations, kCases * 9 / 10);
}

TEST(BruteForce, ConfmanKvAgreesWithTheNaiveChecker) { expect_store_agreement(0xBEEF, false); }

// Unique values and no cas: unobserved unknown puts are placed lazily.
TEST(BruteForce, ConfmanKvWithLazyUnobservedWritesAgreesWithTheNaiveChecker) {
  expect_store_agreement(0x1A27, true);
}

TEST(BruteForce, AppendKvAgreesWithTheNaiveChecker) {
  expect_agreement(0xA99E, "append-kv", random_append_history, corrupt_append, replay_append);
}

}  // namespace
}  // namespace confman::check::testing
