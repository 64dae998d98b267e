// Writes the seed corpora of the message and stored-record fuzz targets:
//   fuzz_write_seed_corpus fuzz/corpus
// Seeds are drawn from the codec generators at small sizes with fixed seeds,
// so every MessageType and EntryType gets seeds without a list to maintain
// here. The scenario target's seeds are copies of files in scenarios/.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "core/node/stored_record.h"
#include "fuzz/codec_generators.h"
#include "fuzz/seed_corpus.h"

namespace confman::fuzz {
namespace {

namespace fs = std::filesystem;

// Small sizes keep each seed to a few hundred bytes at most.
constexpr int kSeedSizes[] = {2, 12, 40};

template <typename T>
T sample(const rc::Gen<T>& gen, std::uint64_t seed, int size) {
  return gen(rc::Random(seed), size).value();
}

void write_file(const fs::path& path, const Bytes& seed) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(seed.data()), static_cast<std::streamsize>(seed.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

void write_seed(const fs::path& path, const Bytes& frame) { write_file(path, seed_of_frame(frame)); }

void write_message_seeds(const fs::path& dir) {
  for (raft::MessageType type : generated_message_types()) {
    for (int size : kSeedSizes) {
      const raft::Message message = sample(*message_of_type(type), static_cast<std::uint64_t>(type), size);
      write_seed(dir / (std::string(raft::message_type_name(type)) + "-" + std::to_string(size)),
                 raft::encode_message(message));
    }
  }
}

void write_stored_record_seeds(const fs::path& dir) {
  for (int size : kSeedSizes) {
    const std::string suffix = "-" + std::to_string(size);
    write_seed(dir / ("hard_state" + suffix), node::encode_hard_state_record(sample(any_hard_state(), 1, size)));
    write_seed(dir / ("snapshot" + suffix), node::encode_snapshot_record(sample(any_snapshot(), 2, size)));
    for (raft::EntryType type : generated_entry_types()) {
      raft::Entry entry = sample(any_entry(), 3, size);
      entry.type = type;
      write_seed(dir / ("entry-type" + std::to_string(static_cast<int>(type)) + suffix),
                 node::encode_entry_record(entry));
    }
    // Config entry data is fuzzed as it is (it has no checksum of its own).
    write_file(dir / ("config_entry" + suffix), raft::encode_config_entry(sample(any_config_entry_data(), 4, size)));
  }
}

}  // namespace
}  // namespace confman::fuzz

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR   (e.g. fuzz/corpus)\n", argv[0]);
    return 2;
  }
  try {
    const fs::path root = argv[1];
    const fs::path messages = root / confman::fuzz::kMessageCorpus;
    const fs::path records = root / confman::fuzz::kStoredRecordCorpus;
    fs::create_directories(messages);
    fs::create_directories(records);
    confman::fuzz::write_message_seeds(messages);
    confman::fuzz::write_stored_record_seeds(records);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "%s\n", error.what());
    return 1;
  }
  return 0;
}
