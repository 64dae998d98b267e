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
// Record: [u32 payload length][u32 crc32c of length and payload][payload],
// little-endian. The unwritten rest of the file reads as zeros.
//
// A crash can leave the last record torn: some of its sectors written, the
// others still zero. Such a record was never acknowledged (its sync had not
// returned), so opening the file drops it and zeroes it. Anything else that
// fails its checksum (a bad record with data after it) is damage, and
// opening fails instead of silently losing acknowledged writes.

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
  static constexpr std::size_t kHeaderBytes = 8;
  static constexpr std::size_t kZeroChunkBytes = std::size_t{1} << 20;

  // Creates the file at path (replacing any there) with capacity_bytes
  // allocated, and syncs it and its directory.
  static Result<WalFile, IoFailure> create(const std::filesystem::path& path, std::size_t capacity_bytes);
  // Opens an existing file and reads its records into payloads, dropping a
  // torn last record. Appends go after the last good record.
  static Result<WalFile, IoFailure> open(const std::filesystem::path& path, std::size_t max_payload_bytes,
                                         std::vector<Bytes>& payloads);

  WalFile(WalFile&& other) noexcept;
  WalFile& operator=(WalFile&& other) noexcept;
  WalFile(const WalFile&) = delete;
  WalFile& operator=(const WalFile&) = delete;
  ~WalFile();

  // Whether a record with this payload still fits in the file.
  bool fits(std::size_t payload_bytes) const { return end_offset_ + kHeaderBytes + payload_bytes <= capacity_bytes_; }
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
};

// What the bytes of a WAL file hold: the good records from the start, and
// where they end. Bytes [end_offset, torn_end) are a torn last record, to be
// zeroed; everything from torn_end on is zero. Damage is an error saying
// where it is.
struct WalScan {
  std::vector<Bytes> payloads;
  std::size_t end_offset = 0;
  std::size_t torn_end = 0;
};
Result<WalScan, std::string> scan_wal(ByteView data, std::size_t max_payload_bytes);

// fsync(2) on a directory, so that a file created or removed in it stays so.
Result<Done, IoFailure> sync_directory(const std::filesystem::path& directory);

}  // namespace confman::real
