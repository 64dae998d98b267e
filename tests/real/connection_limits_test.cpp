// Connection floods against a real confman-server (http_server.h,
// fd_budget.h, accept_pacing.h): a descriptor limit below the connection cap
// made the accept loop spin, and 1,024 idle connections locked every other
// client, health checks and forwarding out for the 30 s request timeout.

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <cerrno>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>
#include <vector>

#include "real/client/http_exchange.h"
#include "real/transport/accept_pacing.h"
#include "tests/real/raw_connection.h"
#include "tests/real/server_process.h"

namespace confman::real::testing {
namespace {

using namespace std::chrono_literals;

std::string request(const std::string& method, const std::string& target, const std::string& body,
                    const std::string& extra_headers = "") {
  return close_request(method, target, body, extra_headers);
}

std::string exchange_with(std::uint16_t port, const std::string& text) {
  RawConnection connection(port);
  connection.send(text);
  return connection.read_until_closed(5s);
}

// User plus system CPU time of a process, in clock ticks (proc(5), fields 14, 15).
long cpu_ticks(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream fields(text.substr(text.rfind(')') + 2));  // after "pid (comm) "
  std::string field;
  long utime = 0;
  long stime = 0;
  for (int index = 3; fields >> field; ++index) {
    if (index == 14) utime = std::stol(field);
    if (index == 15) {
      stime = std::stol(field);
      break;
    }
  }
  return utime + stime;
}

std::vector<std::unique_ptr<RawConnection>> open_idle(std::uint16_t port, int count) {
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < count; ++i) idle.push_back(std::make_unique<RawConnection>(port));
  return idle;
}

TEST(AcceptPacing, BacksOffOnlyWhenDescriptorsRunOut) {
  AcceptPacing pacing;
  EXPECT_EQ(pacing.after(0).count(), 0);
  EXPECT_EQ(pacing.after(ECONNABORTED).count(), 0);
  EXPECT_EQ(pacing.after(EMFILE), AcceptPacing::kMinBackoff);
  EXPECT_EQ(pacing.after(ENFILE), 2 * AcceptPacing::kMinBackoff);
  for (int i = 0; i < 20; ++i) pacing.after(EMFILE);
  EXPECT_EQ(pacing.after(ENOBUFS), AcceptPacing::kMaxBackoff);
  EXPECT_EQ(pacing.exhausted_total(), 23u);
  EXPECT_EQ(pacing.after(0).count(), 0);
  EXPECT_EQ(pacing.after(EMFILE), AcceptPacing::kMinBackoff);  // starts over after a success
}

// prlimit --nofile=256:256 and 300 idle connections: the accept loop spun at
// 65% CPU and /health timed out. The cap now fits the limit, and says so.
TEST(ConnectionLimits, UnderALowDescriptorLimitTheCapFitsAndHealthStillAnswers) {
  ServerProcess server({"--idle-timeout-ms=60000"}, {}, true, {"prlimit", "--nofile=256:256"});
  EXPECT_NE(server.log().find("fd_soft_limit=256 fd_hard_limit=256 max_connections=64"), std::string::npos)
      << server.log();
  auto idle = open_idle(server.client_port(), 300);
  const long before = cpu_ticks(server.pid());
  const std::string health = exchange_with(server.client_port(), request("GET", "/health", ""));
  EXPECT_EQ(status_of(health), 200u) << health;
  // A window to see whether the server spins while the connections sit there.
  std::this_thread::sleep_for(1s);
  const long used = cpu_ticks(server.pid()) - before;
  EXPECT_LT(used, ::sysconf(_SC_CLK_TCK) / 2) << "the server used " << used << " ticks of CPU in a second";
  EXPECT_EQ(status_of(exchange_with(server.client_port(), request("GET", "/health/ready", ""))), 200u);
}

// 1,024 idle connections locked everyone out for 30 s. Now: health checks
// and forwarded requests use the reserve, other clients from the flooding
// address get 503 with Retry-After, and the idle connections go after the
// idle timeout.
TEST(ConnectionLimits, IdleConnectionsNoLongerLockEveryoneOut) {
  rlimit limit{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &limit), 0);
  limit.rlim_cur = limit.rlim_max;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &limit), 0);
  ASSERT_GE(limit.rlim_cur, 1300u) << "the test holds 1,100 connections";
  ServerProcess server({"--idle-timeout-ms=1000"});
  const std::uint16_t port = server.client_port();
  auto idle = open_idle(port, 1100);

  const std::string health = exchange_with(port, request("GET", "/health", ""));
  EXPECT_EQ(status_of(health), 200u) << health;
  const std::string forwarded =
      exchange_with(port, request("PUT", "/api/v1/config/flood/forwarded", "{\"value\": 1}", "X-Confman-Forwarded: 2\r\n"));
  EXPECT_EQ(status_of(forwarded), 200u) << forwarded;
  const std::string limited = exchange_with(port, request("PUT", "/api/v1/config/flood/plain", "{\"value\": 1}"));
  EXPECT_EQ(status_of(limited), 503u) << limited;
  EXPECT_NE(limited.find("urn:confman:problem:connection-limit"), std::string::npos) << limited;
  EXPECT_NE(limited.find("Retry-After: 1"), std::string::npos) << limited;

  for (auto& connection : idle) {
    connection->read_until_closed(10s);
    ASSERT_FALSE(connection->timed_out()) << "an idle connection outlived the idle timeout";
  }
  idle.clear();
  const std::string plain = exchange_with(port, request("PUT", "/api/v1/config/flood/plain", "{\"value\": 1}"));
  EXPECT_EQ(status_of(plain), 200u) << plain;
  const std::string metrics = exchange_with(port, request("GET", "/metrics", ""));
  EXPECT_NE(metrics.find("confman_http_connections_limit 1024"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("confman_http_idle_closed_total"), std::string::npos) << metrics;
}

}  // namespace
}  // namespace confman::real::testing
