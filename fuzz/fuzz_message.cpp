// libFuzzer target: the Raft message decoder, raft::decode_message.
//
// Each input is decoded twice:
// - as it is, a whole frame: the size limit and the checksum check see
//   arbitrary bytes;
// - as a payload sealed under a correct checksum: random bytes almost never
//   carry a valid one, so this is where the decoder's parsing is fuzzed (the
//   seeds in fuzz/corpus/message are payloads).
// Whatever decodes must encode again to a frame that decodes to an equal
// message of the type peek_message_type() reports, and that is the input
// itself unless the input was longer than needed (fuzz_check.h).

#include <cstddef>
#include <cstdint>

#include "core/raft/message.h"
#include "fuzz/fuzz_check.h"

namespace {

using confman::fuzz::fuzz_require;
using confman::fuzz::require_reencoding_matches;

void check_decoded_round_trips(confman::ByteView frame) {
  const auto decoded = confman::raft::decode_message(frame);
  if (!decoded) return;
  const confman::Bytes again = confman::raft::encode_message(*decoded);
  require_reencoding_matches(frame, again);
  const auto redecoded = confman::raft::decode_message(again);
  fuzz_require(redecoded.ok(), "a decoded message, encoded again, decodes");
  fuzz_require(*redecoded == *decoded, "a decoded message, encoded again, decodes to an equal message");
  fuzz_require(confman::raft::peek_message_type(again) == decoded->type, "peek_message_type names the decoded type");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const confman::ByteView input(data, size);
  check_decoded_round_trips(input);
  check_decoded_round_trips(confman::seal_frame(input));
  return 0;
}
