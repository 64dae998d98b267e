#include "real/storage/wal_repair.h"

#include <memory>

#include "core/node/stored_record.h"
#include "core/node/stored_state_check.h"

namespace confman::real {

namespace {

std::string describe_cut(const WalStorage::Repair& repair) {
  return "WAL file " + repair.path.string() + ": " + repair.cut.what + ".\nA repair cuts " +
         std::to_string(repair.cut.bytes) + " bytes from offset " + std::to_string(repair.cut.offset) + "; the " +
         std::to_string(repair.cut.records_kept) + " records before it stay.\n";
}

// Marks the node recovering, keeping term and vote (stored_state_check.h).
Result<std::string, std::string> mark_recovering(WalStorage& storage) {
  auto stored = storage.load();
  if (!stored) return unexpected(stored.error().detail);
  auto hard_state = node::verify_hard_state(*stored);
  if (!hard_state) return unexpected(hard_state.error().detail + ": replace the node");
  hard_state->recovering = true;
  if (auto pinned = storage.pin_hard_state_at_start(node::encode_hard_state_record(*hard_state)); !pinned) {
    return unexpected(pinned.error());
  }
  return "The node is marked recovering (term " + std::to_string(hard_state->term) + " and its vote kept): it " +
         "re-fetches the log from the leader before it votes or campaigns.\n";
}

// Damage that the WAL cut cannot reach: records in LMDB that do not verify.
std::string check_store(WalStorage& storage) {
  auto stored = storage.load();
  if (!stored) return "The storage does not load: " + stored.error().detail + "\n";
  if (auto verified = node::verify_stored_state(*stored); !verified) {
    return "The stored log is damaged where cutting the WAL cannot repair it: " + verified.error().detail +
           ". Replace the node (remove it from the cluster, then add it again with an empty data directory).\n";
  }
  return {};
}

Result<std::unique_ptr<WalStorage>, std::string> open_for_repair(const std::filesystem::path& directory,
                                                                 WalOptions options) {
  return WalStorage::open(directory, options, [](std::function<void()>) {});  // it writes nothing asynchronously
}

}  // namespace

Result<WalRepairReport, std::string> repair_wal(const std::filesystem::path& directory, WalOptions options,
                                                bool apply) {
  auto repair = WalStorage::repair(directory, options, apply);
  if (!repair) return unexpected(repair.error());
  WalRepairReport report;
  if (!repair->cut.damaged) {
    report.text = repair->path.empty() ? "No WAL file continues the store in " + directory.string() + ".\n"
                                       : "WAL file " + repair->path.string() + " is sound (" +
                                             std::to_string(repair->cut.records_kept) + " records): nothing to cut.\n";
    auto storage = open_for_repair(directory, options);
    report.text += storage ? check_store(**storage) : "The storage does not open: " + storage.error() + "\n";
    return report;
  }
  report.damaged = true;
  report.text = describe_cut(*repair);
  if (!apply) {
    report.text +=
        "Nothing was changed. Run again with --yes to cut it; the node then starts recovering: it re-fetches the "
        "log from the leader before it votes, since the cut records may have been acknowledged.\n";
    return report;
  }
  report.cut = true;
  report.text += "Cut.\n";
  auto storage = open_for_repair(directory, options);
  if (!storage) return unexpected(report.text + "The storage does not open: " + storage.error());
  auto marked = mark_recovering(**storage);
  if (!marked) return unexpected(report.text + "Marking the node recovering failed: " + marked.error());
  report.text += *marked + check_store(**storage);
  return report;
}

}  // namespace confman::real
