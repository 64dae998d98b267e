#pragma once
// One WAL file: records appended one at a time, each synced (fdatasync)
// before append() returns. The file is allocated to its full capacity when
// it is created, so that a sync writes data and no file size, and so that
// an append cannot run out of space half-way.
//
// Allocation leaves the file's extents "unwritten": the first write into
// each block makes the sync also commit the filesystem's journal (a 4.6 KB
// append plus fdatasync measured about 220 us, against 150 us on written
// zeros). So append() zeroes the file ahead of itself in chunks of
// kZeroChunkBytes, and most syncs write data only.
//
// File: a 16-byte header ("CONFWAL" 0, u32 format 2, u32 crc32c of the
// first 12 bytes), then records, little-endian:
//   [u32 payload length][u32 crc32c of the length][u32 crc32c of the payload]
//   [payload][u32 kTrailer]
// The unwritten rest of the file reads as zeros. A file without the header
// is format 1 ([u32 length][u32 crc32c of length and payload][payload]),
// written before the trailer existed: it is read, and never appended to.
//
// The storage fault model (docs/DESIGN.md, "Storage faults") tells two
// things apart at the first record that does not verify:
//   - a torn write: the crash came before the record's sync returned, and
//     only a prefix of its sectors reached the disk, the rest still zero.
//     Its trailer (in its last sector) is zero and nothing non-zero follows
//     it. It was never acknowledged: opening drops it, zeroes it, and says
//     so (torn_tail_bytes()).
//   - damage: a complete record whose bytes changed (a bit flip, a latent
//     sector error, a misdirected write), or non-zero bytes where a torn
//     write leaves none. Its trailer is present (no single flip zeroes it) or
//     data follows. It may have been acknowledged, so opening fails, naming
//     the offset; `confman-server --repair-wal` shows the cut and `--yes`
//     makes it (repair()), after which the node recovers from the leader.
// A header that fails its own checksum is damage unless nothing follows
// it (a header torn across a sector boundary).

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "core/util/codec.h"
#include "core/util/result.h"

namespace confman::real {

struct IoFailure {
  int error_number = 0;  // errno, or 0 for damaged contents
  std::string detail;    // what was being done, on which file, and why it failed
  bool no_space() const;
};

class WalFile {
 public:
  static constexpr std::size_t kFileHeaderBytes = 16;
  static constexpr std::size_t kHeaderBytes = 12;  // a record's, before the payload
  static constexpr std::size_t kTrailerBytes = 4;
  static constexpr std::uint32_t kTrailer = 0xC0DA7A11;  // non-zero in every byte
  static constexpr std::size_t kLegacyHeaderBytes = 8;  // format 1
  static constexpr std::size_t kZeroChunkBytes = std::size_t{1} << 20;

  // Creates the file at path (replacing any there) with capacity_bytes
  // allocated, and syncs it and its directory.
  static Result<WalFile, IoFailure> create(const std::filesystem::path& path, std::size_t capacity_bytes);
  // Opens an existing file and reads its records into payloads, dropping a
  // torn last record. Appends go after the last good record. A format-1
  // file opens read-only (legacy()): its caller moves its records on.
  static Result<WalFile, IoFailure> open(const std::filesystem::path& path, std::size_t max_payload_bytes,
                                         std::vector<Bytes>& payloads);
  // What a repair of the file at path would cut (nothing if it is sound),
  // and with apply, cuts it: zeroes the damaged record and everything after
  // it, and syncs. Torn tails are left to open().
  struct Repair {
    bool damaged = false;
    std::size_t offset = 0;       // where the cut starts: the first bad record
    std::size_t bytes = 0;        // how many bytes from there on are zeroed
    std::size_t records_kept = 0;
    std::string what;             // the damage, as open() reports it
  };
  static Result<Repair, IoFailure> repair(const std::filesystem::path& path, std::size_t max_payload_bytes,
                                          bool apply);

  WalFile(WalFile&& other) noexcept;
  WalFile& operator=(WalFile&& other) noexcept;
  WalFile(const WalFile&) = delete;
  WalFile& operator=(const WalFile&) = delete;
  ~WalFile();

  // Whether a record with this payload still fits in the file.
  bool fits(std::size_t payload_bytes) const {
    return !legacy_ && end_offset_ + kHeaderBytes + payload_bytes + kTrailerBytes <= capacity_bytes_;
  }
  bool legacy() const { return legacy_; }
  // Bytes of a torn last record that open() dropped and zeroed (0: none).
  std::size_t torn_tail_bytes() const { return torn_tail_bytes_; }
  // Writes the record and syncs it. On failure the file is unusable (the
  // caller fails stop): what reached the disk is unknown.
  Result<Done, IoFailure> append(ByteView payload);


 private:
  WalFile(std::filesystem::path path, int fd, std::size_t capacity_bytes, std::size_t end_offset)
      : path_(std::move(path)), fd_(fd), capacity_bytes_(capacity_bytes), end_offset_(end_offset) {}

  std::filesystem::path path_;
  int fd_ = -1;
  std::size_t capacity_bytes_ = 0;
  std::size_t end_offset_ = 0;
  // Bytes [0, written_end_) have been written (records or zeros), so their
  // extents are no longer "unwritten" and a sync needs no metadata for them.
  std::size_t written_end_ = 0;
  bool legacy_ = false;
  std::size_t torn_tail_bytes_ = 0;
};

// What the bytes of a WAL file hold: the good records from the start, and
// where they end. Bytes [end_offset, torn_end) are a torn last record, to be
// zeroed; everything from torn_end on is zero. Damage is an error saying
// where it is.
struct WalScan {
  std::vector<Bytes> payloads;
  std::vector<std::size_t> offsets;  // where each record starts
  std::size_t end_offset = 0;
  std::size_t torn_end = 0;
  bool legacy = false;  // format 1
};
struct WalDamage {
  std::size_t offset = 0;    // the first record that is damaged
  std::size_t data_end = 0;  // one past the last non-zero byte of the file
  std::size_t records_before = 0;
  std::string what;
};
Result<WalScan, WalDamage> scan_wal(ByteView data, std::size_t max_payload_bytes);
// The file header a new WAL file starts with.
Bytes wal_file_header();

// fsync(2) on a directory, so that a file created or removed in it stays so.
Result<Done, IoFailure> sync_directory(const std::filesystem::path& directory);

}  // namespace confman::real
