#include "core/service/watch_registry.h"

#include "core/service/client_key.h"

namespace confman::service {

namespace {

std::string compacted_detail(std::uint64_t from_revision, std::uint64_t compacted_revision) {
  return "revision " + std::to_string(from_revision) + " is no longer kept: the history starts after revision " +
         std::to_string(compacted_revision) + ". Read the current state and watch from its revision.";
}

}  // namespace

std::optional<Response> WatchRegistry::open(const Request& request, const kv::Store& store) {
  Response response{.id = request.id, .revision = store.revision()};
  if (watches_.count(request.id) != 0) {
    response.code = Code::Invalid;
    response.detail = "watch id " + std::to_string(request.id) + " is in use";
    return response;
  }
  if (watches_.size() >= max_watches_) {
    response.code = Code::TooManyWatches;
    response.detail = "this node has " + std::to_string(watches_.size()) + " open watches, its limit";
    return response;
  }
  const std::uint64_t from = request.from_revision != 0 ? request.from_revision : store.revision() + 1;
  const std::uint64_t compacted = store.events().compacted_revision();
  if (from <= compacted) {
    response.code = Code::Compacted;
    response.compacted_revision = compacted;
    response.detail = compacted_detail(from, compacted);
    return response;
  }
  watches_[request.id] = Watch{request.key, request.watch_prefix, from};
  return std::nullopt;
}

bool WatchRegistry::matches(const Watch& watch, const kv::Event& event) const {
  const std::string& key = event.key_value.key;
  if (is_reserved_key(key)) return false;
  if (!watch.prefix) return key == watch.key;
  return key.compare(0, watch.key.size(), watch.key) == 0;
}

bool WatchRegistry::deliver_one(std::uint64_t watch_id, Watch& watch, const kv::Store& store, ServiceOutput& output) {
  const kv::EventLog& log = store.events();
  if (watch.next_revision <= log.compacted_revision()) return false;
  if (watch.next_revision > store.revision()) return true;  // nothing new
  WatchBatch batch{.watch_id = watch_id};
  std::size_t batch_bytes = 0;
  for (std::size_t position = log.position_of(watch.next_revision); position < log.size(); ++position) {
    const kv::Event& event = log.at(position);
    if (!matches(watch, event)) continue;
    if (batch_bytes + kv::event_bytes(event) > kMaxWatchBatchBytes && !batch.events.empty()) {
      batch.through_revision = batch.events.back().revision;
      output.watch_events(std::move(batch));
      batch = WatchBatch{.watch_id = watch_id};
      batch_bytes = 0;
    }
    batch_bytes += kv::event_bytes(event);
    batch.events.push_back(event);
  }
  watch.next_revision = store.revision() + 1;
  if (!batch.events.empty()) {
    batch.through_revision = store.revision();
    output.watch_events(std::move(batch));
  }
  return true;
}

void WatchRegistry::deliver(const kv::Store& store, ServiceOutput& output) {
  for (auto it = watches_.begin(); it != watches_.end();) {
    if (deliver_one(it->first, it->second, store, output)) {
      ++it;
      continue;
    }
    const std::uint64_t watch_id = it->first;
    const std::string detail = compacted_detail(it->second.next_revision, store.events().compacted_revision());
    it = watches_.erase(it);
    output.watch_ended(watch_id, Code::Compacted, detail);
  }
}

void WatchRegistry::send_progress(const kv::Store& store, ServiceOutput& output) {
  for (const auto& [watch_id, watch] : watches_) {
    // Only a watch that has everything up to the store's revision may be
    // told so; deliver() runs first and brings each one there.
    if (watch.next_revision == store.revision() + 1) {
      output.watch_events(WatchBatch{.watch_id = watch_id, .events = {}, .through_revision = store.revision()});
    }
  }
}

void WatchRegistry::end_all(Code code, const std::string& detail, ServiceOutput& output) {
  auto watches = std::move(watches_);
  watches_.clear();
  for (const auto& [watch_id, watch] : watches) output.watch_ended(watch_id, code, detail);
}

}  // namespace confman::service
