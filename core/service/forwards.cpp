#include "core/service/forwards.h"

namespace confman::service {

bool safe_to_resend(const Request& request) {
  const bool sessioned_write =
      (request.operation == Operation::Put || request.operation == Operation::Delete) && request.client_id != 0;
  return !changes_state(request.operation) || sessioned_write;
}

std::optional<Forward> Forwards::add(Forward forward) {
  const std::uint64_t id = forward.request.id;
  std::optional<Forward> replaced;
  if (forwards_.contains(id)) replaced = std::move(take_if({id}).front());
  deadlines_.insert(forward.deadline_us);
  forwards_.emplace(id, std::move(forward));
  return replaced;
}

std::optional<Forward> Forwards::take(std::uint64_t request_id, NodeId leader) {
  auto found = forwards_.find(request_id);
  if (found == forwards_.end() || found->second.leader != leader) return std::nullopt;
  auto taken = take_if({request_id});
  return std::move(taken.front());
}

std::vector<Forward> Forwards::take_not_at(NodeId leader) {
  std::vector<std::uint64_t> ids;
  for (const auto& [id, forward] : forwards_) {
    if (forward.leader != leader) ids.push_back(id);
  }
  return take_if(ids);
}

std::vector<Forward> Forwards::take_expired(TimeUs now_us) {
  if (deadlines_.empty() || *deadlines_.begin() > now_us) return {};
  std::vector<std::uint64_t> ids;
  for (const auto& [id, forward] : forwards_) {
    if (forward.deadline_us <= now_us) ids.push_back(id);
  }
  return take_if(ids);
}

std::vector<Forward> Forwards::take_all() {
  std::vector<std::uint64_t> ids;
  for (const auto& [id, forward] : forwards_) ids.push_back(id);
  return take_if(ids);
}

std::optional<TimeUs> Forwards::next_deadline_us() const {
  if (deadlines_.empty()) return std::nullopt;
  return *deadlines_.begin();
}

void Forwards::shift_deadlines(TimeUs back_us) {
  deadlines_.clear();
  for (auto& [id, forward] : forwards_) {
    forward.deadline_us -= back_us;
    deadlines_.insert(forward.deadline_us);
  }
}

std::vector<Forward> Forwards::take_if(const std::vector<std::uint64_t>& ids) {
  std::vector<Forward> taken;
  for (std::uint64_t id : ids) {
    auto found = forwards_.find(id);
    deadlines_.erase(deadlines_.find(found->second.deadline_us));
    taken.push_back(std::move(found->second));
    forwards_.erase(found);
  }
  return taken;
}

}  // namespace confman::service
