#include "real/storage/wal_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "core/util/assert.h"

namespace confman::real {

namespace {

IoFailure io_failure(const std::string& what, int error_number) {
  return IoFailure{error_number, what + ": " + std::strerror(error_number)};
}

std::uint32_t read_u32(const std::uint8_t* bytes) {
  return static_cast<std::uint32_t>(bytes[0]) | static_cast<std::uint32_t>(bytes[1]) << 8 |
         static_cast<std::uint32_t>(bytes[2]) << 16 | static_cast<std::uint32_t>(bytes[3]) << 24;
}

Result<Done, IoFailure> write_all(int fd, const std::uint8_t* data, std::size_t size, std::size_t offset,
                                  const std::string& what) {
  while (size > 0) {
    const ssize_t written = ::pwrite(fd, data, size, static_cast<off_t>(offset));
    if (written < 0) {
      if (errno == EINTR) continue;
      return unexpected(io_failure(what, errno));
    }
    data += written;
    size -= static_cast<std::size_t>(written);
    offset += static_cast<std::size_t>(written);
  }
  return Done{};
}

Result<Bytes, IoFailure> read_whole(int fd, const std::filesystem::path& path) {
  struct stat info {};
  if (::fstat(fd, &info) != 0) return unexpected(io_failure("stat " + path.string(), errno));
  Bytes data(static_cast<std::size_t>(info.st_size));
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t got = ::pread(fd, data.data() + done, data.size() - done, static_cast<off_t>(done));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return unexpected(io_failure("read " + path.string(), errno));
    if (got == 0) break;
    done += static_cast<std::size_t>(got);
  }
  data.resize(done);
  return data;
}

constexpr std::uint8_t kFileMagic[8] = {'C', 'O', 'N', 'F', 'W', 'A', 'L', 0};
constexpr std::uint32_t kFileFormat = 2;

// One past the last non-zero byte of data (0 if it is all zero).
std::size_t data_end_of(ByteView data) {
  const auto last = std::find_if(data.rbegin(), data.rend(), [](std::uint8_t byte) { return byte != 0; });
  return static_cast<std::size_t>(data.rend() - last);
}

std::uint32_t crc_of(const std::uint8_t* bytes, std::size_t size) { return crc32c(ByteView(bytes, size)); }

// Format 1, read only. Where a record at `offset` could have reached if its
// write was torn: its header is in one sector, so it is either all zero
// (length unknown: any record up to the largest) or whole.
std::size_t legacy_torn_record_end(ByteView data, std::size_t offset, std::size_t max_payload_bytes) {
  const bool header_written =
      offset + WalFile::kLegacyHeaderBytes <= data.size() &&
      std::any_of(data.begin() + static_cast<std::ptrdiff_t>(offset),
                  data.begin() + static_cast<std::ptrdiff_t>(offset + WalFile::kLegacyHeaderBytes),
                  [](std::uint8_t byte) { return byte != 0; });
  const std::size_t length = header_written ? read_u32(data.data() + offset) : max_payload_bytes;
  return offset + WalFile::kLegacyHeaderBytes + std::min<std::size_t>(length, max_payload_bytes);
}

Result<WalScan, WalDamage> scan_legacy(ByteView data, std::size_t max_payload_bytes) {
  WalScan scan;
  scan.legacy = true;
  std::size_t offset = 0;
  while (offset + WalFile::kLegacyHeaderBytes <= data.size()) {
    const std::uint8_t* header = data.data() + offset;
    const std::uint32_t length = read_u32(header);
    if (length == 0 || length > max_payload_bytes || length > data.size() - offset - WalFile::kLegacyHeaderBytes) break;
    const ByteView payload = data.subspan(offset + WalFile::kLegacyHeaderBytes, length);
    if (read_u32(header + 4) != crc32c(payload, crc32c(ByteView(header, 4)))) break;
    scan.payloads.emplace_back(payload.begin(), payload.end());
    scan.offsets.push_back(offset);
    offset += WalFile::kLegacyHeaderBytes + length;
  }
  const std::size_t data_end = data_end_of(data);
  scan.end_offset = offset;
  scan.torn_end = std::max(offset, data_end);
  if (data_end > offset && data_end > legacy_torn_record_end(data, offset, max_payload_bytes)) {
    return unexpected(WalDamage{offset, data_end, scan.payloads.size(),
                                "the record at offset " + std::to_string(offset) +
                                    " fails its checksum and data follows it (to offset " + std::to_string(data_end) +
                                    ")"});
  }
  return scan;
}

// Format 2 (wal_file.h): the records after the file header.
Result<WalScan, WalDamage> scan_records(ByteView data, std::size_t max_payload_bytes) {
  WalScan scan;
  const std::size_t data_end = data_end_of(data);
  std::size_t offset = WalFile::kFileHeaderBytes;
  const auto damage = [&](const std::string& what) {
    return unexpected(WalDamage{offset, data_end, scan.payloads.size(), what});
  };
  const auto torn = [&] {
    scan.end_offset = offset;
    scan.torn_end = std::max(offset, data_end);
    return scan;
  };
  while (offset < data_end) {
    if (offset + WalFile::kHeaderBytes > data.size()) {
      return damage("non-zero bytes at offset " + std::to_string(offset) + ", too close to the end for a record");
    }
    const std::uint8_t* header = data.data() + offset;
    const std::uint32_t length = read_u32(header);
    const bool header_ok = length > 0 && length <= max_payload_bytes && read_u32(header + 4) == crc_of(header, 4) &&
                           length + WalFile::kHeaderBytes + WalFile::kTrailerBytes <= data.size() - offset;
    if (!header_ok) {
      // A header torn across a sector boundary has nothing after it.
      if (data_end <= offset + WalFile::kHeaderBytes) return torn();
      const bool blank =
          std::all_of(header, header + WalFile::kHeaderBytes, [](std::uint8_t byte) { return byte == 0; });
      return damage(blank ? "non-zero bytes after the last record, from offset " + std::to_string(offset) + " to " +
                                std::to_string(data_end) + ", where the file should be zero"
                          : "the record header at offset " + std::to_string(offset) +
                                " fails its checksum and data follows it (to offset " + std::to_string(data_end) +
                                ")");
    }
    const std::size_t record_end = offset + WalFile::kHeaderBytes + length + WalFile::kTrailerBytes;
    const ByteView payload = data.subspan(offset + WalFile::kHeaderBytes, length);
    const bool trailer_ok = read_u32(data.data() + record_end - WalFile::kTrailerBytes) == WalFile::kTrailer;
    if (trailer_ok && read_u32(header + 8) == crc32c(payload)) {
      scan.payloads.emplace_back(payload.begin(), payload.end());
      scan.offsets.push_back(offset);
      offset = record_end;
      continue;
    }
    // Torn: its trailer, and everything after it, still zero.
    if (data_end <= record_end - WalFile::kTrailerBytes) return torn();
    return damage("the record at offset " + std::to_string(offset) + " (" + std::to_string(length) + " bytes) " +
                  (trailer_ok ? std::string("was written whole but fails its checksum")
                              : "fails its checksum and data follows it (to offset " + std::to_string(data_end) + ")"));
  }
  scan.end_offset = offset;
  scan.torn_end = offset;
  return scan;
}

}  // namespace

Bytes wal_file_header() {
  Bytes header(std::begin(kFileMagic), std::end(kFileMagic));
  ByteWriter writer(header);
  writer.u32(kFileFormat);
  writer.u32(crc_of(header.data(), header.size()));
  return header;
}

Result<WalScan, WalDamage> scan_wal(ByteView data, std::size_t max_payload_bytes) {
  if (data.size() < WalFile::kFileHeaderBytes || !std::equal(std::begin(kFileMagic), std::end(kFileMagic), data.begin())) {
    return scan_legacy(data, max_payload_bytes);
  }
  const Bytes expected = wal_file_header();
  if (!std::equal(expected.begin(), expected.end(), data.begin())) {
    return unexpected(WalDamage{0, data_end_of(data), 0,
                                "the file header is damaged or of an unknown format (this build writes format " +
                                    std::to_string(kFileFormat) + ")"});
  }
  return scan_records(data, max_payload_bytes);
}

bool IoFailure::no_space() const { return error_number == ENOSPC || error_number == EDQUOT; }

Result<Done, IoFailure> sync_directory(const std::filesystem::path& directory) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return unexpected(io_failure("open directory " + directory.string(), errno));
  const int rc = ::fsync(fd);
  const int error_number = errno;
  ::close(fd);
  if (rc != 0) return unexpected(io_failure("sync directory " + directory.string(), error_number));
  return Done{};
}

Result<WalFile, IoFailure> WalFile::create(const std::filesystem::path& path, std::size_t capacity_bytes) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return unexpected(io_failure("create " + path.string(), errno));
  WalFile file(path, fd, capacity_bytes, 0);
  if (int rc = ::posix_fallocate(fd, 0, static_cast<off_t>(capacity_bytes)); rc != 0) {
    return unexpected(io_failure("allocate " + std::to_string(capacity_bytes) + " bytes for " + path.string(), rc));
  }
  const Bytes header = wal_file_header();
  if (auto written = write_all(fd, header.data(), header.size(), 0, "write the header of " + path.string()); !written) {
    return unexpected(written.error());
  }
  file.end_offset_ = header.size();
  file.written_end_ = header.size();
  if (::fsync(fd) != 0) return unexpected(io_failure("sync " + path.string(), errno));
  if (auto synced = sync_directory(path.parent_path()); !synced) return unexpected(synced.error());
  return file;
}

Result<WalFile, IoFailure> WalFile::open(const std::filesystem::path& path, std::size_t max_payload_bytes,
                                         std::vector<Bytes>& payloads) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return unexpected(io_failure("open " + path.string(), errno));
  auto data = read_whole(fd, path);
  WalFile file(path, fd, data ? data->size() : 0, 0);
  if (!data) return unexpected(data.error());
  auto scan = scan_wal(*data, max_payload_bytes);
  if (!scan) return unexpected(IoFailure{0, "WAL file " + path.string() + " is damaged: " + scan.error().what});
  file.legacy_ = scan->legacy;
  file.torn_tail_bytes_ = scan->torn_end - scan->end_offset;
  if (scan->torn_end > scan->end_offset) {
    // A torn last record: never acknowledged. Zero it, so that the next
    // record written here cannot end up followed by its remains.
    const Bytes zeros(scan->torn_end - scan->end_offset, 0);
    if (auto cleared = write_all(fd, zeros.data(), zeros.size(), scan->end_offset,
                                 "clear the torn tail of " + path.string());
        !cleared) {
      return unexpected(cleared.error());
    }
    if (::fdatasync(fd) != 0) return unexpected(io_failure("sync " + path.string(), errno));
  }
  payloads = std::move(scan->payloads);
  file.end_offset_ = scan->end_offset;
  file.written_end_ = scan->end_offset;  // unknown past it: zeroed again as the log grows
  return file;
}

Result<WalFile::Repair, IoFailure> WalFile::repair(const std::filesystem::path& path, std::size_t max_payload_bytes,
                                                   bool apply) {
  const int fd = ::open(path.c_str(), (apply ? O_RDWR : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return unexpected(io_failure("open " + path.string(), errno));
  WalFile file(path, fd, 0, 0);  // closes fd on every return
  auto data = read_whole(fd, path);
  if (!data) return unexpected(data.error());
  auto scan = scan_wal(*data, max_payload_bytes);
  if (scan) return Repair{false, 0, 0, scan->payloads.size(), {}};
  const WalDamage& damage = scan.error();
  Repair repair{true, damage.offset, damage.data_end - damage.offset, damage.records_before, damage.what};
  if (!apply) return repair;
  // The file header stays (a damaged one is written anew): the cut file
  // is an empty or shorter log of this format.
  const Bytes header = wal_file_header();
  if (damage.offset < header.size()) {
    repair.offset = 0;
    repair.bytes = damage.data_end;
  }
  const Bytes zeros(repair.bytes, 0);
  if (auto cleared = write_all(fd, zeros.data(), zeros.size(), repair.offset, "cut the damage from " + path.string());
      !cleared) {
    return unexpected(cleared.error());
  }
  if (damage.offset < header.size()) {
    if (auto written = write_all(fd, header.data(), header.size(), 0, "write the header of " + path.string());
        !written) {
      return unexpected(written.error());
    }
  }
  if (::fdatasync(fd) != 0) return unexpected(io_failure("sync " + path.string(), errno));
  return repair;
}

WalFile::WalFile(WalFile&& other) noexcept
    : path_(std::move(other.path_)),
      fd_(std::exchange(other.fd_, -1)),
      capacity_bytes_(other.capacity_bytes_),
      end_offset_(other.end_offset_),
      written_end_(other.written_end_),
      legacy_(other.legacy_),
      torn_tail_bytes_(other.torn_tail_bytes_) {}

WalFile& WalFile::operator=(WalFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
    capacity_bytes_ = other.capacity_bytes_;
    end_offset_ = other.end_offset_;
    written_end_ = other.written_end_;
    legacy_ = other.legacy_;
    torn_tail_bytes_ = other.torn_tail_bytes_;
  }
  return *this;
}

WalFile::~WalFile() {
  if (fd_ >= 0) ::close(fd_);
}

Result<Done, IoFailure> WalFile::append(ByteView payload) {
  CONFMAN_ASSERT(!legacy_, "a format-1 WAL file is never appended to");
  Bytes record;
  record.reserve(kHeaderBytes + payload.size() + kTrailerBytes);
  ByteWriter writer(record);
  writer.u32(static_cast<std::uint32_t>(payload.size()));
  writer.u32(crc_of(record.data(), 4));
  writer.u32(crc32c(payload));
  record.insert(record.end(), payload.begin(), payload.end());
  writer.u32(kTrailer);
  if (end_offset_ + record.size() > written_end_) {
    // Zero the next chunk first; the one sync below covers both writes.
    const std::size_t zero_end = std::min(capacity_bytes_, std::max(written_end_, end_offset_) + kZeroChunkBytes);
    static const Bytes zeros(kZeroChunkBytes, 0);
    const std::size_t zero_from = std::max(written_end_, end_offset_);
    if (auto zeroed = write_all(fd_, zeros.data(), zero_end - zero_from, zero_from, "zero ahead in " + path_.string());
        !zeroed) {
      return zeroed;
    }
    written_end_ = zero_end;
  }
  if (auto written = write_all(fd_, record.data(), record.size(), end_offset_, "append to " + path_.string());
      !written) {
    return written;
  }
  if (::fdatasync(fd_) != 0) return unexpected(io_failure("sync " + path_.string(), errno));
  end_offset_ += record.size();
  return Done{};
}

}  // namespace confman::real
