// Durable write latency of the two real storages (real/storage/): one batch
// of N entries of 256 bytes, written and waited for, as the node does it
// (one write in flight). The WAL storage's case for existing: it syncs once
// per batch where LMDB's durable commit rewrites B-tree pages and syncs
// twice (README.md, "Storage").
//
//   build/tools/bench/bench_storage [--benchmark_filter=wal]
//
// The stores live in a fresh directory under $TMPDIR (or /tmp): run it on
// the disk you want to measure.

#include <benchmark/benchmark.h>

#include <stdlib.h>

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

#include "real/storage/lmdb_storage.h"
#include "real/storage/wal_storage.h"

namespace {

using namespace confman;

// The node's thread, for completions: the benchmark thread runs them.
class Completions {
 public:
  real::PostToCore poster() {
    return [this](std::function<void()> callback) {
      {
        std::lock_guard lock(mutex_);
        queue_.push_back(std::move(callback));
      }
      ready_.notify_one();
    };
  }
  void run_one() {
    std::function<void()> callback;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return !queue_.empty(); });
      callback = std::move(queue_.front());
      queue_.pop_front();
    }
    callback();
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;
};

class ScratchDirectory {
 public:
  ScratchDirectory() {
    std::string pattern = (std::filesystem::temp_directory_path() / "confman-bench-storage-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
    path_ = pattern;
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::unique_ptr<node::Storage> open_storage(const std::string& engine, const std::filesystem::path& directory,
                                            real::PostToCore post) {
  if (engine == "lmdb") {
    auto opened = real::LmdbStorage::open(directory, {}, std::move(post));
    if (!opened) throw std::runtime_error(opened.error());
    return std::move(opened).value();
  }
  auto opened = real::WalStorage::open(directory, {}, std::move(post));
  if (!opened) throw std::runtime_error(opened.error());
  return std::move(opened).value();
}

void durable_write(benchmark::State& state, const std::string& engine) {
  const auto entries_per_batch = static_cast<std::size_t>(state.range(0));
  ScratchDirectory directory;
  Completions completions;
  auto storage = open_storage(engine, directory.path(), completions.poster());
  const Bytes entry(256, 0x5a);
  LogIndex next_index = 1;
  for (auto _ : state) {
    node::WriteBatch batch;
    batch.first_index = next_index;
    batch.entries.assign(entries_per_batch, entry);
    next_index += entries_per_batch;
    node::StorageStatus status = node::StorageStatus::IoError;
    storage->write(std::move(batch), [&status](node::StorageStatus done) { status = done; });
    completions.run_one();
    if (status != node::StorageStatus::Ok) {
      state.SkipWithError("a storage write failed");
      break;
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * entries_per_batch));
}

}  // namespace

BENCHMARK_CAPTURE(durable_write, wal, std::string("wal"))->Arg(1)->Arg(16)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(durable_write, lmdb, std::string("lmdb"))->Arg(1)->Arg(16)->UseRealTime()->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
