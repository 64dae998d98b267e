// The cluster watch (GET /api/v1/cluster/watch) on a real server: the
// node's view of the cluster when it opens, and a new event when the
// membership changes, from the request layer (core/service, which the
// simulator runs with its own cluster watchers).

#include <gtest/gtest.h>

#include "tests/real/process_cluster.h"
#include "tests/real/raw_connection.h"

namespace confman::real::testing {
namespace {

using namespace std::chrono_literals;

std::size_t count_of(const std::string& text, const std::string& piece) {
  std::size_t count = 0;
  for (std::size_t at = text.find(piece); at != std::string::npos; at = text.find(piece, at + 1)) ++count;
  return count;
}

TEST(ClusterWatch, OpensWithTheNodesViewAndReportsAMembershipChange) {
  ProcessCluster cluster(1);
  cluster.start_all();
  ASSERT_NE(cluster.await_leader(), 0u) << cluster.log_of(1);
  const std::uint16_t port = cluster.node(1).client_port;
  RawConnection watch(port);
  ASSERT_TRUE(watch.connected());
  watch.send("GET /api/v1/cluster/watch HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string seen = watch.read_until_closed(1s);
  ASSERT_NE(seen.find("text/event-stream"), std::string::npos) << seen;
  EXPECT_EQ(count_of(seen, "event: cluster"), 1u) << seen;
  EXPECT_NE(seen.find("\"role\":\"leader\""), std::string::npos) << seen;
  // A learner joins (its process need not run): the view changes.
  RawConnection add(port);
  const std::string body = R"({"id": 9, "peerUrl": "127.0.0.1:1", "clientUrl": "127.0.0.1:2", "learner": true})";
  add.send("POST /api/v1/cluster/members HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body);
  const std::string added = add.read_until_closed(5s);
  ASSERT_NE(added.find("HTTP/1.1 200"), std::string::npos) << added;
  seen += watch.read_until_closed(1s);
  EXPECT_GE(count_of(seen, "event: cluster"), 2u) << seen;
  EXPECT_NE(seen.find("\"id\":9,\"role\":\"learner\",\"peerUrl\":\"127.0.0.1:1\""), std::string::npos) << seen;
}

}  // namespace
}  // namespace confman::real::testing
