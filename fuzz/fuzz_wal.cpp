// libFuzzer target: reading a WAL file after a crash or damage
// (real/storage/wal_file.h, wal_batch.h). Every input is a file's contents.
// scan_wal either names the damage, or returns records that are the file's
// good prefix, with nothing but zeros after the torn tail it reports; each
// record that decodes as a batch must encode again to itself (up to
// over-long varints, fuzz_check.h). The batch decoder also sees the whole
// input as a payload, since a scan finds few valid checksums by chance.

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_check.h"
#include "real/storage/wal_batch.h"
#include "real/storage/wal_file.h"

namespace {

using confman::fuzz::fuzz_require;
using confman::fuzz::require_reencoding_matches;

constexpr std::size_t kMaxPayloadBytes = 4096;

void check_batch(confman::ByteView payload) {
  const auto batch = confman::real::decode_wal_batch(payload, kMaxPayloadBytes);
  if (!batch) return;
  fuzz_require(confman::real::fits_wal(*batch), "a decoded WAL batch has no snapshot or compaction");
  require_reencoding_matches(payload, confman::real::encode_wal_batch(*batch));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const confman::ByteView input(data, size);
  check_batch(input);
  const auto scan = confman::real::scan_wal(input, kMaxPayloadBytes);
  if (!scan) return 0;
  fuzz_require(scan->end_offset <= scan->torn_end && scan->torn_end <= size, "a scan's offsets lie in the file");
  fuzz_require(std::all_of(input.begin() + static_cast<std::ptrdiff_t>(scan->torn_end), input.end(),
                           [](std::uint8_t byte) { return byte == 0; }),
               "only zeros follow a torn tail");
  using confman::real::WalFile;
  const std::size_t header = scan->legacy ? WalFile::kLegacyHeaderBytes : WalFile::kHeaderBytes;
  const std::size_t trailer = scan->legacy ? 0 : WalFile::kTrailerBytes;
  std::size_t offset = scan->legacy ? 0 : WalFile::kFileHeaderBytes;
  fuzz_require(scan->offsets.size() == scan->payloads.size(), "every record has its offset");
  for (std::size_t i = 0; i < scan->payloads.size(); ++i) {
    const confman::Bytes& payload = scan->payloads[i];
    fuzz_require(scan->offsets[i] == offset, "records follow each other");
    offset += header;
    fuzz_require(payload.size() <= kMaxPayloadBytes && offset + payload.size() + trailer <= size &&
                     std::equal(payload.begin(), payload.end(), input.begin() + static_cast<std::ptrdiff_t>(offset)),
                 "every record is the file's bytes, in order");
    offset += payload.size() + trailer;
    check_batch(payload);
  }
  fuzz_require(offset == scan->end_offset, "the records end where the scan says");
  return 0;
}
