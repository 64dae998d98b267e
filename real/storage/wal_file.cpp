#include "real/storage/wal_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace confman::real {

namespace {

IoFailure io_failure(const std::string& what, int error_number) {
  return IoFailure{error_number, what + ": " + std::strerror(error_number)};
}

std::uint32_t read_u32(const std::uint8_t* bytes) {
  return static_cast<std::uint32_t>(bytes[0]) | static_cast<std::uint32_t>(bytes[1]) << 8 |
         static_cast<std::uint32_t>(bytes[2]) << 16 | static_cast<std::uint32_t>(bytes[3]) << 24;
}

// The checksum covers the length too, so a damaged length is caught.
std::uint32_t record_crc(const std::uint8_t* length_bytes, ByteView payload) {
  return crc32c(payload, crc32c(ByteView(length_bytes, 4)));
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

// Where a record at `offset` could have reached if its write was torn: its
// header is in one sector, so it is either all zero (length unknown: any
// record up to the largest) or whole.
std::size_t torn_record_end(ByteView data, std::size_t offset, std::size_t max_payload_bytes) {
  const bool header_written = offset + WalFile::kHeaderBytes <= data.size() &&
                              std::any_of(data.begin() + static_cast<std::ptrdiff_t>(offset),
                                          data.begin() + static_cast<std::ptrdiff_t>(offset + WalFile::kHeaderBytes),
                                          [](std::uint8_t byte) { return byte != 0; });
  const std::size_t length = header_written ? read_u32(data.data() + offset) : max_payload_bytes;
  return offset + WalFile::kHeaderBytes + std::min<std::size_t>(length, max_payload_bytes);
}

}  // namespace

Result<WalScan, std::string> scan_wal(ByteView data, std::size_t max_payload_bytes) {
  WalScan scan;
  std::size_t offset = 0;
  while (offset + WalFile::kHeaderBytes <= data.size()) {
    const std::uint8_t* header = data.data() + offset;
    const std::uint32_t length = read_u32(header);
    if (length == 0 || length > max_payload_bytes || length > data.size() - offset - WalFile::kHeaderBytes) break;
    const ByteView payload = data.subspan(offset + WalFile::kHeaderBytes, length);
    if (read_u32(header + 4) != record_crc(header, payload)) break;
    scan.payloads.emplace_back(payload.begin(), payload.end());
    offset += WalFile::kHeaderBytes + length;
  }
  // Not a good record at offset: the end, a torn last record, or damage.
  const auto last_nonzero = std::find_if(data.rbegin(), data.rend(), [](std::uint8_t byte) { return byte != 0; });
  const std::size_t data_end = static_cast<std::size_t>(data.rend() - last_nonzero);  // one past it
  scan.end_offset = offset;
  scan.torn_end = std::max(offset, data_end);
  if (data_end > offset && data_end > torn_record_end(data, offset, max_payload_bytes)) {
    return unexpected("the record at offset " + std::to_string(offset) +
                      " fails its checksum and data follows it (to offset " + std::to_string(data_end) + ")");
  }
  return scan;
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
  if (!scan) return unexpected(IoFailure{0, "WAL file " + path.string() + " is damaged: " + scan.error()});
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

WalFile::WalFile(WalFile&& other) noexcept
    : path_(std::move(other.path_)),
      fd_(std::exchange(other.fd_, -1)),
      capacity_bytes_(other.capacity_bytes_),
      end_offset_(other.end_offset_),
      written_end_(other.written_end_) {}

WalFile& WalFile::operator=(WalFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
    capacity_bytes_ = other.capacity_bytes_;
    end_offset_ = other.end_offset_;
    written_end_ = other.written_end_;
  }
  return *this;
}

WalFile::~WalFile() {
  if (fd_ >= 0) ::close(fd_);
}

Result<Done, IoFailure> WalFile::append(ByteView payload) {
  Bytes record;
  record.reserve(kHeaderBytes + payload.size());
  ByteWriter writer(record);
  writer.u32(static_cast<std::uint32_t>(payload.size()));
  writer.u32(record_crc(record.data(), payload));
  record.insert(record.end(), payload.begin(), payload.end());
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
