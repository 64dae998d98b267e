// Failover on real processes: three confman-server processes under four
// writers; the leader is frozen (SIGSTOP) or killed (SIGKILL) again and
// again, and each time the test measures from the signal to the first write
// a writer has acknowledged that it started after the signal (the old
// leader can commit nothing new). The figures are printed, in milliseconds
// and in election timeouts, as the simulator's sweep prints them
// (sim/failover.h). On a shared, loaded CI machine only a generous hard
// limit is asserted; the simulator holds the tight one.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>

#include "tests/real/process_cluster.h"

namespace confman::real::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kElectionTimeout = 300ms;  // ProcessCluster's --election-timeout-ms
constexpr auto kGenerousLimit = 15s;

// Writers that note when each acknowledged write had started.
class Writers {
 public:
  explicit Writers(const ProcessCluster& cluster) {
    for (int i = 0; i < 4; ++i) {
      threads_.emplace_back([this, &cluster, i] {
        // Each writer starts from a different node: some talk to a follower,
        // which forwards to the leader, as clients behind a load balancer do.
        client::Options options;
        options.endpoints = cluster.endpoints();
        std::rotate(options.endpoints.begin(), options.endpoints.begin() + i % 3, options.endpoints.end());
        options.request_timeout_ms = 2 * static_cast<std::uint32_t>(kElectionTimeout.count());
        options.max_attempts = 1000;
        options.retry_backoff_ms = 20;
        client::Client client(options);
        for (int op = 0; !stop_; ++op) {
          const auto started = Clock::now();
          if (client.put("/failover/k" + std::to_string(i), std::to_string(op)).ok()) {
            std::lock_guard lock(mutex_);
            acknowledged_.push_back({started, Clock::now()});
          }
        }
      });
    }
  }
  ~Writers() {
    stop_ = true;
    for (auto& thread : threads_) thread.join();
  }
  // The first write started at or after `since` and acknowledged, or nullopt.
  std::optional<Clock::time_point> first_started_after(Clock::time_point since) {
    std::lock_guard lock(mutex_);
    std::optional<Clock::time_point> first;
    for (const auto& [started, done] : acknowledged_) {
      if (started >= since && (!first || done < *first)) first = done;
    }
    return first;
  }

 private:
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<std::pair<Clock::time_point, Clock::time_point>> acknowledged_;
  std::vector<std::thread> threads_;
};

// From the fault to the first write started after it; waits up to the limit.
std::optional<std::chrono::milliseconds> failover(Writers& writers, Clock::time_point fault) {
  while (Clock::now() - fault < kGenerousLimit) {
    if (auto done = writers.first_started_after(fault)) {
      return std::chrono::duration_cast<std::chrono::milliseconds>(*done - fault);
    }
    std::this_thread::sleep_for(5ms);  // polling the writers' record, not waiting for the cluster
  }
  return std::nullopt;
}

void report(const char* fault, const std::vector<std::chrono::milliseconds>& times) {
  std::vector<long long> ms;
  for (auto t : times) ms.push_back(t.count());
  std::sort(ms.begin(), ms.end());
  std::string list;
  for (long long t : ms) list += (list.empty() ? "" : ", ") + std::to_string(t);
  std::printf("failover after %s: %s ms (median %.2f, max %.2f election timeouts)\n", fault, list.c_str(),
              static_cast<double>(ms[ms.size() / 2]) / static_cast<double>(kElectionTimeout.count()),
              static_cast<double>(ms.back()) / static_cast<double>(kElectionTimeout.count()));
}

TEST(RealFailover, FrozenAndKilledLeadersAreReplacedAndWritesResume) {
  ProcessCluster cluster(3);
  cluster.start_all();
  ASSERT_NE(cluster.await_leader(), 0u) << cluster.log_of(1);
  Writers writers(cluster);
  std::vector<std::chrono::milliseconds> frozen;
  std::vector<std::chrono::milliseconds> killed;
  for (int round = 0; round < 6; ++round) {
    const std::uint64_t leader = cluster.await_leader();
    ASSERT_NE(leader, 0u);
    ASSERT_TRUE(failover(writers, Clock::now()).has_value()) << "no write before the fault";
    const bool kill = round % 2 == 1;
    const auto fault = Clock::now();
    if (kill) {
      cluster.kill_node(leader, SIGKILL);
    } else {
      cluster.signal_node(leader, SIGSTOP);
    }
    const auto took = failover(writers, fault);
    if (kill) {
      cluster.start(leader);
    } else {
      cluster.signal_node(leader, SIGCONT);
    }
    ASSERT_TRUE(took.has_value()) << "no write acknowledged within " << kGenerousLimit.count() << " s of the "
                                  << (kill ? "kill" : "freeze") << " of node " << leader;
    (kill ? killed : frozen).push_back(*took);
  }
  report("SIGSTOP of the leader", frozen);
  report("SIGKILL of the leader", killed);
}

}  // namespace
}  // namespace confman::real::testing
