// libFuzzer target: one Raft node under hostile peers. Node 1 of voters
// {1, 2, 3} takes an arbitrary sequence of inputs: well-formed messages
// (each one encoded and decoded again, as the network would deliver it)
// from any sender (its peers, a stranger, itself) with arbitrary terms,
// indexes, entries, commits and snapshot chunks; clock advances; proposals;
// reads; and its Readies, persisted at once. Raft is not Byzantine
// tolerant, so a forger can mislead it; what it must never do
// (core/raft/refused_message.h):
// - abort: any assertion reached is a crash libFuzzer reports;
// - let its commit index go back;
// - lose or change an entry once it was committed (while the log holds it);
// - take a message from itself: each is refused and counted.

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <map>

#include "core/raft/message.h"
#include "core/raft/raft.h"
#include "fuzz/fuzz_check.h"

namespace {

using namespace confman;
using namespace confman::raft;
using confman::fuzz::fuzz_require;

constexpr NodeId kSelf = 1;
constexpr std::size_t kMaxInputs = 256;
constexpr LogIndex kWatchedIndexes = 64;  // committed entries remembered, by index

Entry draw_entry(FuzzedDataProvider& input, LogIndex index) {
  Entry entry;
  entry.index = input.ConsumeBool() ? index : input.ConsumeIntegralInRange<LogIndex>(0, 40);
  entry.term = input.ConsumeIntegralInRange<Term>(0, 8);
  entry.type = EntryType::Normal;
  entry.data = input.ConsumeBytes<std::uint8_t>(input.ConsumeIntegralInRange<std::size_t>(0, 8));
  return entry;
}

Message draw_message(FuzzedDataProvider& input) {
  Message message;
  message.type = static_cast<MessageType>(input.ConsumeIntegralInRange<std::uint8_t>(1, 11));
  message.from = input.ConsumeIntegralInRange<NodeId>(1, 4);
  message.to = input.ConsumeIntegralInRange<std::uint8_t>(0, 9) == 0 ? 2 : kSelf;
  message.term = input.ConsumeIntegralInRange<Term>(0, 8);
  message.index = input.ConsumeIntegralInRange<LogIndex>(0, 40);
  message.log_term = input.ConsumeIntegralInRange<Term>(0, 8);
  message.commit = input.ConsumeIntegralInRange<LogIndex>(0, 48);
  const std::size_t entries = input.ConsumeIntegralInRange<std::size_t>(0, 4);
  for (std::size_t i = 0; i < entries; ++i) message.entries.push_back(draw_entry(input, message.index + 1 + i));
  message.reject = input.ConsumeBool();
  message.reject_hint = input.ConsumeIntegralInRange<LogIndex>(0, 40);
  message.read_context = input.ConsumeIntegralInRange<std::uint64_t>(0, 16);
  message.transfer = input.ConsumeBool();
  message.recovering = input.ConsumeBool();
  message.reaches_leader_end = input.ConsumeBool();
  if (message.type == MessageType::Snapshot || message.type == MessageType::SnapshotResponse) {
    message.snapshot_offset = input.ConsumeIntegralInRange<std::uint64_t>(0, 64);
  }
  if (message.type == MessageType::Snapshot) {
    message.snapshot_size = input.ConsumeIntegralInRange<std::uint64_t>(message.snapshot_offset, 128);
    message.chunk = input.ConsumeBytes<std::uint8_t>(
        input.ConsumeIntegralInRange<std::size_t>(0, message.snapshot_size - message.snapshot_offset));
    message.snapshot_crc = input.ConsumeIntegral<std::uint32_t>();
    message.membership.voters = {1, 2, 3};
    if (input.ConsumeBool()) message.membership.voters.push_back(4);
  }
  return message;
}

// The node's committed entries, remembered to check they never change.
class CommittedLog {
 public:
  void check(const Raft& raft) {
    const RaftLog& log = raft.log();
    fuzz_require(log.committed() >= commit_, "the commit index never goes back");
    commit_ = log.committed();
    for (const auto& [index, term] : terms_) {
      const auto now = log.term_at(index);
      fuzz_require(!now.has_value() || index <= log.compacted_index() || *now == term,
                   "a committed entry is never replaced");
      fuzz_require(now.has_value() || index <= log.compacted_index(), "a committed entry is never truncated away");
    }
    for (LogIndex index = std::max<LogIndex>(log.compacted_index() + 1, 1);
         index <= std::min(log.committed(), kWatchedIndexes); ++index) {
      if (terms_.count(index) == 0) terms_[index] = *log.term_at(index);
    }
  }

 private:
  LogIndex commit_ = 0;
  std::map<LogIndex, Term> terms_;
};

void persist(Raft& raft) {
  while (raft.has_ready()) raft.advance(raft.take_ready());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  RaftConfig config;
  config.id = kSelf;
  config.voters = {1, 2, 3};
  config.election_timeout_us = 1000;
  config.heartbeat_interval_us = 100;
  Raft raft(config, 7);
  TimeUs now_us = 0;
  raft.restore(HardState{}, {}, now_us);
  CommittedLog committed;
  std::uint64_t read_id = 0;
  for (std::size_t step = 0; step < kMaxInputs && input.remaining_bytes() > 0; ++step) {
    switch (input.ConsumeIntegralInRange<int>(0, 5)) {
      case 0:
      case 1: {
        const auto decoded = decode_message(encode_message(draw_message(input)));
        if (!decoded) break;  // not well-formed: the decoder's own fuzz target covers those
        const std::uint64_t from_self_before = raft.refused_messages()[0];
        raft.step(*decoded, now_us);
        if (decoded->from == kSelf && decoded->to == kSelf) {
          fuzz_require(raft.refused_messages()[0] == from_self_before + 1, "a message from itself is refused, counted");
        }
        break;
      }
      case 2:
        now_us += input.ConsumeIntegralInRange<TimeUs>(0, 3000);
        raft.tick(now_us);
        break;
      case 3: (void)raft.propose(input.ConsumeBytes<std::uint8_t>(4), now_us); break;
      case 4: (void)raft.read_index(++read_id, now_us); break;
      case 5: persist(raft); break;
    }
    if (input.ConsumeBool()) persist(raft);
    committed.check(raft);
  }
  return 0;
}
