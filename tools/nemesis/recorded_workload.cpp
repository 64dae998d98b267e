#include "tools/nemesis/recorded_workload.h"

#include <algorithm>

#include "core/util/random.h"
#include "real/client/client.h"

namespace confman::nemesis {

std::int64_t SharedHistory::now_us() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start_).count();
}

void SharedHistory::record(sim::HistoryEvent event) {
  std::lock_guard lock(mutex_);
  history_.record(std::move(event));
}

std::string SharedHistory::to_jsonl() const {
  std::lock_guard lock(mutex_);
  return history_.to_jsonl();
}

std::size_t SharedHistory::count(sim::EventType type) const {
  std::lock_guard lock(mutex_);
  return history_.count(type);
}

Workload::Workload(WorkloadSettings settings, SharedHistory& history)
    : settings_(std::move(settings)), history_(history) {}

Workload::~Workload() { stop(); }

void Workload::start() {
  for (std::size_t i = 0; i < settings_.clients; ++i) threads_.emplace_back([this, i] { run_client(i); });
}

void Workload::stop() {
  stopping_ = true;
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
}

std::vector<WriteRecord> Workload::writes() const {
  std::lock_guard lock(writes_mutex_);
  return writes_;
}

namespace {

enum class Choice { Get, Put, Delete };

sim::HistoryEvent invocation(int process, sim::OpKind kind, const std::string& key, std::int64_t now_us) {
  sim::HistoryEvent event;
  event.process = process;
  event.type = sim::EventType::Invoke;
  event.f = kind;
  event.key = key;
  event.time_us = now_us;
  return event;
}

void fill_read(sim::HistoryEvent& event, const client::KeyValue& item) {
  event.found = true;
  event.value = item.value_json;
  event.mod_revision = item.mod_revision;
  event.create_revision = item.create_revision;
  event.version = item.version;
  event.read_revision = item.revision;
}

}  // namespace

void Workload::run_client(std::size_t index) {
  client::Options options;
  options.endpoints = settings_.endpoints;
  // Clients start on different nodes, so some talk to followers that forward.
  std::rotate(options.endpoints.begin(), options.endpoints.begin() + static_cast<std::ptrdiff_t>(index % options.endpoints.size()),
              options.endpoints.end());
  options.request_timeout_ms = settings_.request_timeout_ms;
  options.max_attempts = settings_.max_attempts;
  options.retry_backoff_ms = 50;
  client::Client client(options);
  Random random(derive_seed(settings_.seed, 1000 + index));
  auto process = static_cast<int>(index);
  for (std::uint64_t n = 0; !stopping_; ++n) {
    const std::string key = kKeyPrefix + std::to_string(random.below(settings_.keys));
    const std::uint64_t roll = random.below(10);
    const Choice choice = roll < 5 ? Choice::Get : (roll < 9 ? Choice::Put : Choice::Delete);
    const sim::OpKind kind = choice == Choice::Get ? sim::OpKind::Get
                             : choice == Choice::Put ? sim::OpKind::Put
                                                     : sim::OpKind::Delete;
    sim::HistoryEvent event = invocation(process, kind, key, history_.now_us());
    if (choice == Choice::Put) event.value = "\"c" + std::to_string(index) + "-" + std::to_string(n) + "\"";
    const std::int64_t invoked_us = event.time_us;
    history_.record(event);
    event.type = sim::EventType::Ok;
    bool acknowledged_write = false;
    bool indeterminate = false;
    if (choice == Choice::Get) {
      auto got = client.get(key);
      if (!got) {
        event.type = sim::EventType::Fail;  // a read changes nothing
      } else if (got->has_value()) {
        fill_read(event, **got);
      } else {
        event.found = false;
        event.read_revision = client.highest_revision_seen();
      }
    } else if (choice == Choice::Put) {
      auto put = client.put(key, event.value);
      if (put) {
        event.revision = put->mod_revision;
        event.version = put->version;
        acknowledged_write = true;
      } else {
        indeterminate = put.error().outcome_unknown;
        event.type = indeterminate ? sim::EventType::Info : sim::EventType::Fail;
      }
    } else {
      auto removed = client.remove(key);
      if (removed) {
        event.result = "ok";
        event.revision = *removed;
        acknowledged_write = true;
      } else if (removed.error().status == 404) {
        event.result = "not_found";
      } else {
        indeterminate = removed.error().outcome_unknown;
        event.type = indeterminate ? sim::EventType::Info : sim::EventType::Fail;
      }
    }
    event.time_us = history_.now_us();
    history_.record(event);
    operations_ += 1;
    if (acknowledged_write || indeterminate) {
      std::lock_guard lock(writes_mutex_);
      writes_.push_back({key, choice == Choice::Delete, acknowledged_write, event.revision, invoked_us, event.time_us});
    }
    // An operation of unknown outcome may still take effect: its process
    // stays open forever, so the client goes on as a new one.
    if (indeterminate) process += static_cast<int>(settings_.clients);
  }
}

}  // namespace confman::nemesis
