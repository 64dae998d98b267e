#include "core/service/reads.h"

#include <algorithm>

#include "core/kv/limits.h"
#include "core/service/client_key.h"

namespace confman::service {

Response read_locally(const Request& request, const kv::Store& store) {
  Response response{.id = request.id, .revision = store.revision()};
  if (request.operation == Operation::Get) {
    response.key_value = store.get(request.key);
    if (!response.key_value) {
      response.code = Code::NotFound;
      response.detail = "no key " + request.key;
    }
    return response;
  }
  CONFMAN_ASSERT(request.operation == Operation::List, "read_locally serves Get and List");
  const kv::ListPage page = store.list_prefix(request.key, request.list_after, request.list_limit);
  response.items.reserve(page.items.size());
  for (const kv::KeyValue& item : page.items) {
    if (!is_reserved_key(item.key)) response.items.push_back(item);
  }
  response.next_after = page.next_after;
  return response;
}

void ReadWaits::add(Request request, TimeUs deadline_us) {
  const std::uint64_t revision = request.min_revision;
  waits_.emplace(revision, Wait{std::move(request), deadline_us});
  deadlines_.insert(deadline_us);
}

std::vector<Request> ReadWaits::take_ready(std::uint64_t store_revision) {
  std::vector<Request> ready;
  while (!waits_.empty() && waits_.begin()->first <= store_revision) {
    forget_deadline(waits_.begin()->second.deadline_us);
    ready.push_back(std::move(waits_.begin()->second.request));
    waits_.erase(waits_.begin());
  }
  return ready;
}

std::vector<Request> ReadWaits::take_expired(TimeUs now_us) {
  std::vector<Request> expired;
  if (deadlines_.empty() || *deadlines_.begin() > now_us) return expired;
  for (auto it = waits_.begin(); it != waits_.end();) {
    if (it->second.deadline_us <= now_us) {
      forget_deadline(it->second.deadline_us);
      expired.push_back(std::move(it->second.request));
      it = waits_.erase(it);
    } else {
      ++it;
    }
  }
  return expired;
}

std::optional<TimeUs> ReadWaits::next_deadline_us() const {
  if (deadlines_.empty()) return std::nullopt;
  return *deadlines_.begin();
}

void ReadWaits::shift_deadlines(TimeUs back_us) {
  std::multiset<TimeUs> shifted;
  for (auto& [revision, wait] : waits_) {
    wait.deadline_us -= back_us;
    shifted.insert(wait.deadline_us);
  }
  deadlines_ = std::move(shifted);
}

std::vector<Request> ReadWaits::take_all() {
  std::vector<Request> all;
  for (auto& [revision, wait] : waits_) all.push_back(std::move(wait.request));
  waits_.clear();
  deadlines_.clear();
  return all;
}

}  // namespace confman::service
