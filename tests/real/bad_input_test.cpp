// Bad input against a real confman-server process: malformed JSON, invalid
// keys, oversized bodies and heads, unknown methods and routes, garbage,
// slow and truncated requests. Every one gets the right status (or, for a
// request that never completes, a closed connection), and the node keeps
// serving throughout.

#include <gtest/gtest.h>

#include "tests/real/process_cluster.h"
#include "tests/real/raw_connection.h"

namespace confman::real::testing {
namespace {

using namespace std::chrono_literals;

class BadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_.extra_args = {"--request-timeout-ms", "300"};
    cluster_.start_all();
    ASSERT_NE(cluster_.await_leader(), 0u) << cluster_.log_of(1);
  }
  std::uint16_t port() const { return cluster_.node(1).client_port; }

  // One complete exchange; the request asks the server to close afterwards.
  std::string exchange(const std::string& request) {
    RawConnection connection(port());
    EXPECT_TRUE(connection.connected());
    connection.send(request);
    return connection.read_until_closed(5s);
  }

  static std::string request(const std::string& method, const std::string& target, const std::string& body,
                             const std::string& extra_headers = "") {
    return close_request(method, target, body, extra_headers);
  }

  void expect_still_serving() {
    const std::string health = exchange(request("GET", "/health", ""));
    EXPECT_EQ(status_of(health), 200u) << health;
    const std::string put = exchange(request("PUT", "/api/v1/config/still/ok", "{\"value\": 1}"));
    EXPECT_EQ(status_of(put), 200u) << put;
  }

  ProcessCluster cluster_{1};
};

TEST_F(BadInput, MalformedJsonIs400ProblemJson) {
  const std::string response = exchange(request("PUT", "/api/v1/config/a", "{\"value\": "));
  EXPECT_EQ(status_of(response), 400u) << response;
  EXPECT_NE(response.find("application/problem+json"), std::string::npos) << response;
  EXPECT_EQ(status_of(exchange(request("PUT", "/api/v1/config/a", "[1, 2]"))), 400u);
  EXPECT_EQ(status_of(exchange(request("PUT", "/api/v1/config/a", "{\"val\": 1}"))), 400u);
  expect_still_serving();
}

TEST_F(BadInput, InvalidKeysAre400NamingTheRule) {
  const std::string empty_segment = exchange(request("PUT", "/api/v1/config/a//b", "{\"value\": 1}"));
  EXPECT_EQ(status_of(empty_segment), 400u) << empty_segment;
  EXPECT_NE(empty_segment.find("empty path segment"), std::string::npos) << empty_segment;
  const std::string dot = exchange(request("GET", "/api/v1/config/a/../b", ""));
  EXPECT_EQ(status_of(dot), 400u) << dot;
  const std::string control = exchange(request("GET", "/api/v1/config/a%01b", ""));
  EXPECT_EQ(status_of(control), 400u) << control;
  const std::string bad_escape = exchange(request("GET", "/api/v1/config/a%zz", ""));
  EXPECT_EQ(status_of(bad_escape), 400u) << bad_escape;
  expect_still_serving();
}

// A black-box test PUT keys with invalid UTF-8 (%ff%fe, a raw 0xff, the
// overlong %c0%af); they were stored and echoed raw, and listing the
// namespace broke strict JSON parsers. They are refused; listing stays JSON.
TEST_F(BadInput, InvalidUtf8KeysAre400AndListingsStayValidJson) {
  for (const std::string& target : {std::string("/api/v1/config/jep/%ff%fe"), std::string("/api/v1/config/jep/\xff"),
                                   std::string("/api/v1/config/jep/%c0%af")}) {
    const std::string put = exchange(request("PUT", target, "{\"value\": 1}"));
    EXPECT_EQ(status_of(put), 400u) << put;
    EXPECT_NE(put.find("application/problem+json"), std::string::npos) << put;
    EXPECT_NE(put.find("invalid UTF-8 byte"), std::string::npos) << put;
  }
  EXPECT_EQ(status_of(exchange(request("PUT", "/api/v1/config/jep/caf%c3%a9", "{\"value\": 1}"))), 200u);
  const std::string list = exchange(request("GET", "/api/v1/config/jep/", ""));
  EXPECT_EQ(status_of(list), 200u) << list;
  EXPECT_NE(list.find("\"/jep/caf\xc3\xa9\""), std::string::npos) << list;
  EXPECT_EQ(list.find('\xff'), std::string::npos) << list;
  expect_still_serving();
}

// Last-Event-ID 2^64 - 1 overflowed (+1) to "from now", and a watch from
// ?revision=2^64 - 1 never delivered. Both are refused; 2^63 - 1 still resumes.
TEST_F(BadInput, WatchPositionsPastTwoToTheSixtyThirdAre400) {
  const std::string last = exchange(request("GET", "/api/v1/watch/k", "", "Last-Event-ID: 18446744073709551615\r\n"));
  EXPECT_EQ(status_of(last), 400u) << last;
  EXPECT_NE(last.find("application/problem+json"), std::string::npos) << last;
  const std::string at = exchange(request("GET", "/api/v1/watch/k", "", "Last-Event-ID: 9223372036854775808\r\n"));
  EXPECT_EQ(status_of(at), 400u) << at;
  const std::string revision = exchange(request("GET", "/api/v1/watch/k?revision=18446744073709551615", ""));
  EXPECT_EQ(status_of(revision), 400u) << revision;
  const std::string above = exchange(request("GET", "/api/v1/watch/k?revision=9223372036854775809", ""));
  EXPECT_EQ(status_of(above), 400u) << above;
  RawConnection future(port());
  future.send(request("GET", "/api/v1/watch/k", "", "Last-Event-ID: 9223372036854775807\r\n"));
  EXPECT_EQ(status_of(future.read_until("\r\n\r\n", 5s)), 200u);
  expect_still_serving();
}

// The member registry once lived under /_confman/members/: a client could
// redirect a node's Raft traffic with one PUT. The namespace is reserved now.
TEST_F(BadInput, ReservedKeysAre403NamingTheNamespace) {
  for (const char* target : {"/api/v1/config/_confman/members/2", "/api/v1/config/_x"}) {
    const std::string put = exchange(request("PUT", target, "{\"value\": {\"peerUrl\": \"10.0.0.1:7002\"}}"));
    EXPECT_EQ(status_of(put), 403u) << put;
    EXPECT_NE(put.find("urn:confman:problem:reserved-namespace"), std::string::npos) << put;
    EXPECT_EQ(status_of(exchange(request("GET", target, ""))), 403u);
    EXPECT_EQ(status_of(exchange(request("DELETE", target, ""))), 403u);
  }
  EXPECT_EQ(status_of(exchange(request("GET", "/api/v1/config/_confman/", ""))), 403u);
  EXPECT_EQ(status_of(exchange(request("GET", "/api/v1/watch/_confman/members/2", ""))), 403u);
  // Only the first segment is reserved.
  EXPECT_EQ(status_of(exchange(request("PUT", "/api/v1/config/app/_x", "{\"value\": 1}"))), 200u);
  expect_still_serving();
}

TEST_F(BadInput, OversizedBodyIs413AndOversizedHeadIs431) {
  const std::string big(1536 * 1024 + 10, 'x');
  const std::string response = exchange(request("PUT", "/api/v1/config/big", "{\"value\": \"" + big + "\"}"));
  EXPECT_EQ(status_of(response), 413u) << response.substr(0, 300);
  const std::string head = exchange(request("GET", "/health", "", "X-Filler: " + std::string(20'000, 'y') + "\r\n"));
  EXPECT_EQ(status_of(head), 431u) << head.substr(0, 300);
  expect_still_serving();
}

TEST_F(BadInput, UnknownMethodsRoutesAndGarbage) {
  const std::string patch = exchange(request("PATCH", "/api/v1/config/a", "{}"));
  EXPECT_EQ(status_of(patch), 405u) << patch;
  EXPECT_NE(patch.find("Allow: GET, PUT, DELETE"), std::string::npos) << patch;
  EXPECT_EQ(status_of(exchange(request("GET", "/api/v2/nothing", ""))), 404u);
  EXPECT_EQ(status_of(exchange(request("POST", "/api/v1/cluster/members", "{\"id\": \"x\"}"))), 400u);
  const std::string garbage = exchange("HELLO THERE\r\n\r\n");
  EXPECT_EQ(status_of(garbage), 400u) << garbage;
  expect_still_serving();
}

TEST_F(BadInput, SlowAndTruncatedRequestsAreCutOffWithoutWedgingTheNode) {
  // Many clients that never finish their request head.
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (int i = 0; i < 50; ++i) {
    slow.push_back(std::make_unique<RawConnection>(port()));
    slow.back()->send("GET /health HTTP/1.1\r\nHost: x\r\n");
  }
  expect_still_serving();  // while they hang
  for (auto& connection : slow) {
    connection->read_until_closed(5s);
    EXPECT_FALSE(connection->timed_out()) << "a request that never completed kept its connection open";
  }
  // A body shorter than its Content-Length, then the client goes away.
  {
    RawConnection truncated(port());
    truncated.send("PUT /api/v1/config/t HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"value\":");
  }
  expect_still_serving();
  // Nothing of the truncated write was applied.
  const std::string missing = exchange(request("GET", "/api/v1/config/t", ""));
  EXPECT_EQ(status_of(missing), 404u) << missing;
}

}  // namespace
}  // namespace confman::real::testing
