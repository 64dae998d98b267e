#pragma once
// An exclusive lock on a data directory, held for as long as the object
// lives. LMDB itself lets several processes share an environment, but two
// Raft nodes writing one log would each believe it is theirs; and LMDB must
// not be opened twice in one process (its own locks are per process). A
// flock(2) on a file in the directory refuses both, with a clear message.

#include <filesystem>
#include <string>

#include "core/util/result.h"

namespace confman::real {

class DirectoryLock {
 public:
  // Fails with e.g. "data directory /var/lib/confman is in use by another
  // storage (lock file ...: Resource temporarily unavailable)".
  static Result<DirectoryLock, std::string> acquire(const std::filesystem::path& directory);

  DirectoryLock(DirectoryLock&& other) noexcept;
  DirectoryLock& operator=(DirectoryLock&& other) noexcept;
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;
  ~DirectoryLock();

 private:
  explicit DirectoryLock(int fd) : fd_(fd) {}
  void release();

  int fd_ = -1;  // the open lock file; closing it drops the lock
};

}  // namespace confman::real
