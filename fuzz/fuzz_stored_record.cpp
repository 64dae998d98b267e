// libFuzzer target: the stored-record decoders of core/node/stored_record.h
// (hard state, log entry, snapshot), all three on every input, and the
// decoder of a Config entry's data (raft::decode_config_entry).
//
// As in fuzz_message.cpp, each input is decoded as a whole record and as a
// payload sealed under a correct checksum (the seeds in
// fuzz/corpus/stored_record are payloads, and Config entry data). A Config
// entry's data has no checksum of its own (the record or message around it
// has), so it is decoded from the input as it is. Whatever decodes must
// encode again to bytes that decode to an equal value and that are the input
// itself unless the input was longer than needed (fuzz_check.h); the record
// tag lets at most one record decoder accept an input.

#include <cstddef>
#include <cstdint>

#include "core/node/stored_record.h"
#include "core/raft/membership.h"
#include "fuzz/fuzz_check.h"

namespace {

using confman::fuzz::fuzz_require;
using confman::fuzz::require_reencoding_matches;

template <typename T>
bool check_decoded_round_trips(confman::ByteView record, confman::Decoded<T> (*decode)(confman::ByteView),
                               confman::Bytes (*encode)(const T&)) {
  const auto decoded = decode(record);
  if (!decoded) return false;
  const confman::Bytes again = encode(*decoded);
  require_reencoding_matches(record, again);
  const auto redecoded = decode(again);
  fuzz_require(redecoded.ok(), "a decoded record, encoded again, decodes");
  fuzz_require(*redecoded == *decoded, "a decoded record, encoded again, decodes to an equal value");
  return true;
}

void check_every_decoder(confman::ByteView record) {
  namespace node = confman::node;
  const int accepted = int{check_decoded_round_trips(record, &node::decode_hard_state_record,
                                                     &node::encode_hard_state_record)} +
                       int{check_decoded_round_trips(record, &node::decode_entry_record, &node::encode_entry_record)} +
                       int{check_decoded_round_trips(record, &node::decode_snapshot_record,
                                                     &node::encode_snapshot_record)};
  fuzz_require(accepted <= 1, "at most one record decoder accepts a record");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const confman::ByteView input(data, size);
  check_every_decoder(input);
  check_every_decoder(confman::seal_frame(input));
  check_decoded_round_trips(input, &confman::raft::decode_config_entry, &confman::raft::encode_config_entry);
  return 0;
}
