#pragma once
// RapidCheck generators for everything the core encodes: Raft messages of
// every type, log entries of every type and the stored records. The codec
// properties and the seed-corpus writer share them, so both cover the same
// shapes.
//
// Adding a MessageType is a one-place change: its case in message_of_type()
// (codec_generators.cpp). The compiler's -Wswitch points there, and
// GeneratorCoverage (type_coverage_test.cpp) fails while the core knows a
// type that has no generator. The same holds for EntryType
// (is_generated_entry_type) and ConfigChangeType (is_generated_change_type).

#include <iosfwd>
#include <optional>
#include <vector>

#include <rapidcheck.h>

#include "core/raft/entry.h"
#include "core/raft/membership.h"
#include "core/raft/message.h"

namespace confman::fuzz {

// Messages of `type` with every field that type carries, in the ranges the
// decoder accepts; nullopt for a byte value that names no MessageType.
std::optional<rc::Gen<raft::Message>> message_of_type(raft::MessageType type);

// The MessageType values (scanned over the whole byte range) that
// message_of_type() has a generator for, in ascending order.
std::vector<raft::MessageType> generated_message_types();

// A message of any generated type.
rc::Gen<raft::Message> any_message();

// Whether entries of this type are generated (a switch over every
// enumerator, so a new EntryType cannot be forgotten silently).
bool is_generated_entry_type(raft::EntryType type);
std::vector<raft::EntryType> generated_entry_types();

// Entries of every generated type, with arbitrary term and index; a Config
// entry's data is an encoded ConfigEntryData (the decoders check it), any
// other entry's data arbitrary bytes.
rc::Gen<raft::Entry> any_entry();
rc::Gen<raft::HardState> any_hard_state();
// Snapshots as a node stores them: index and term >= 1, a membership with at
// least one voter, and arbitrary state bytes.
rc::Gen<raft::Snapshot> any_snapshot();

// Memberships the decoders accept: at least `min_voters` voters, voters and
// learners sorted, distinct, none kNoNode, at most kMaxMembers in all.
rc::Gen<raft::Membership> any_membership(std::size_t min_voters);

bool is_generated_change_type(raft::ConfigChangeType type);
std::vector<raft::ConfigChangeType> generated_change_types();
// A Config entry's data: a change of every generated type, of any node other
// than kNoNode, and a membership with at least one voter. (The codec does
// not check that the change leads to the membership; Raft does.)
rc::Gen<raft::ConfigEntryData> any_config_entry_data();

}  // namespace confman::fuzz

// How RapidCheck prints a counterexample (found by argument-dependent lookup).
namespace confman::raft {
void showValue(const Message& message, std::ostream& out);
void showValue(const Entry& entry, std::ostream& out);
void showValue(const HardState& hard_state, std::ostream& out);
void showValue(const Snapshot& snapshot, std::ostream& out);
void showValue(const Membership& membership, std::ostream& out);
void showValue(const ConfigEntryData& data, std::ostream& out);
}  // namespace confman::raft
