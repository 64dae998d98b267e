#include "tools/nemesis/data_disks.h"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace confman::nemesis {

Result<DataDisks, CommandFailure> DataDisks::mount(const std::filesystem::path& dir, std::size_t nodes,
                                                   std::size_t size_mb) {
  DataDisks disks({});
  for (std::size_t id = 1; id <= nodes; ++id) {
    const std::filesystem::path path = dir / ("data-" + std::to_string(id));
    std::error_code error;
    std::filesystem::create_directories(path, error);
    auto mounted = run_command({"mount", "-t", "tmpfs", "-o", "size=" + std::to_string(size_mb) + "m", "tmpfs",
                                path.string()});
    if (!mounted) return unexpected(mounted.error());  // ~DataDisks unmounts the others
    disks.paths_.push_back(path);
  }
  return disks;
}

DataDisks::DataDisks(DataDisks&& other) noexcept : paths_(std::move(other.paths_)) { other.paths_.clear(); }

DataDisks::~DataDisks() {
  // Lazily: a server still being reaped may hold a file open.
  for (const std::filesystem::path& path : paths_) (void)run_command({"umount", "-l", path.string()});
}

Result<Done, CommandFailure> DataDisks::fill(std::size_t id) {
  struct statvfs stats {};
  const std::string dir = data_dir(id).string();
  if (::statvfs(dir.c_str(), &stats) != 0) {
    return unexpected(CommandFailure{"statvfs " + dir + ": " + std::strerror(errno)});
  }
  const auto free_bytes = static_cast<std::size_t>(stats.f_bavail) * stats.f_frsize;
  if (free_bytes <= kLeftBytes) return Done{};
  const std::string path = filler(id).string();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return unexpected(CommandFailure{"open " + path + ": " + std::strerror(errno)});
  const int failed = ::posix_fallocate(fd, 0, static_cast<off_t>(free_bytes - kLeftBytes));
  ::close(fd);
  if (failed != 0 && failed != ENOSPC) {
    return unexpected(CommandFailure{"fallocate " + path + ": " + std::strerror(failed)});
  }
  return Done{};
}

Result<Done, CommandFailure> DataDisks::drain(std::size_t id) {
  std::error_code error;
  std::filesystem::remove(filler(id), error);
  if (error) return unexpected(CommandFailure{"remove " + filler(id).string() + ": " + error.message()});
  return Done{};
}

}  // namespace confman::nemesis
