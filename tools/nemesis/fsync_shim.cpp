// libconfman_fsync_shim.so: a disk whose syncs are slow or fail, for
// confman-nemesis. Loaded into a server with LD_PRELOAD; it wraps fsync,
// fdatasync and msync (LMDB syncs with these) and reads what to do from
// the file named by CONFMAN_FSYNC_FAULT_FILE:
//   "ok"          pass the call through (also when the file or variable is missing)
//   "slow MS"     pass it through after sleeping MS milliseconds
//   "fail"        return -1 with errno EIO, syncing nothing
// The file is read again at most every 50 ms, so the tool can change it
// while the server runs. Fault model: a sync that fails leaves the data in
// the page cache undurable, as a failing disk would; the server must not
// acknowledge what it was syncing (it fail-stops on any storage error).

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

enum Mode : int { kOk = 0, kSlow = 1, kFail = 2 };

std::atomic<int> cached_mode{kOk};
std::atomic<long> cached_delay_ms{0};
std::atomic<long long> next_read_ns{0};

long long monotonic_ns() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<long long>(now.tv_sec) * 1'000'000'000LL + now.tv_nsec;
}

// Reads the control file when the cached answer is older than 50 ms. Plain
// POSIX calls only: this runs inside the server's storage thread.
int current_mode(long& delay_ms) {
  const long long now = monotonic_ns();
  if (now >= next_read_ns.load()) {
    next_read_ns.store(now + 50'000'000LL);
    int mode = kOk;
    long delay = 0;
    const char* path = std::getenv("CONFMAN_FSYNC_FAULT_FILE");
    const int fd = path != nullptr ? ::open(path, O_RDONLY | O_CLOEXEC) : -1;
    if (fd >= 0) {
      char text[64] = {};
      const ssize_t got = ::read(fd, text, sizeof text - 1);
      ::close(fd);
      if (got > 0 && std::strncmp(text, "fail", 4) == 0) mode = kFail;
      if (got > 0 && std::strncmp(text, "slow ", 5) == 0) {
        mode = kSlow;
        delay = std::strtol(text + 5, nullptr, 10);
      }
    }
    cached_delay_ms.store(delay);
    cached_mode.store(mode);
  }
  delay_ms = cached_delay_ms.load();
  return cached_mode.load();
}

// Whether to go on with the real call (false: fail it with EIO).
bool before_sync() {
  long delay_ms = 0;
  const int mode = current_mode(delay_ms);
  if (mode == kFail) {
    errno = EIO;
    return false;
  }
  if (mode == kSlow && delay_ms > 0) {
    timespec pause{delay_ms / 1000, (delay_ms % 1000) * 1'000'000L};
    while (nanosleep(&pause, &pause) != 0 && errno == EINTR) {
    }
  }
  return true;
}

template <typename Function>
Function real(const char* name) {
  return reinterpret_cast<Function>(dlsym(RTLD_NEXT, name));
}

}  // namespace

extern "C" {

int fsync(int fd) {
  static const auto next = real<int (*)(int)>("fsync");
  if (!before_sync()) return -1;
  return next(fd);
}

int fdatasync(int fd) {
  static const auto next = real<int (*)(int)>("fdatasync");
  if (!before_sync()) return -1;
  return next(fd);
}

int msync(void* address, size_t length, int flags) {
  static const auto next = real<int (*)(void*, size_t, int)>("msync");
  if ((flags & MS_SYNC) != 0 && !before_sync()) return -1;
  return next(address, length, flags);
}

}  // extern "C"
