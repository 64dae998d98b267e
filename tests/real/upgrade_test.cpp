// Upgrading a data directory written by a server from before the member
// registry and the event log (testdata/upgrade/, made by that server with
// --storage lmdb: node 1 alone as voter, learners 2 and 3 added through the
// API, which then kept their addresses as keys /_confman/members/2 and /3).
// v1-log replays those writes from the log; v1-snapshot restores them from a
// format-1 snapshot. Both must come up with the same members, addresses and
// keys, the old member keys gone from the client's view.

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "real/client/http_exchange.h"
#include "tests/real/server_process.h"

namespace confman::real::testing {
namespace {

namespace json = boost::json;
using client::detail::exchange;
using client::detail::HttpRequest;

json::object get_json(const ServerProcess& server, const std::string& target) {
  auto reply = exchange(server.endpoint(), HttpRequest{"GET", target, {}, {}}, 5000);
  EXPECT_TRUE(reply.ok());
  if (!reply) return {};
  EXPECT_EQ(reply->status, 200u) << reply->body;
  return json::parse(reply->body).as_object();
}

unsigned status_of(const ServerProcess& server, const std::string& method, const std::string& target) {
  auto reply = exchange(server.endpoint(), HttpRequest{method, target, {}, {}}, 5000);
  return reply ? reply->status : 0;
}

class Upgrade : public ::testing::TestWithParam<const char*> {};

TEST_P(Upgrade, AnOldDataDirectoryComesUpWithTheSameMembers) {
  const std::filesystem::path data = std::filesystem::path(CONFMAN_SOURCE_DIR) / "testdata/upgrade" / GetParam();
  ServerProcess server({"--storage=lmdb"}, data);
  const json::object cluster = get_json(server, "/api/v1/cluster?local=true");
  const json::array& members = cluster.at("members").as_array();
  ASSERT_EQ(members.size(), 3u) << json::serialize(cluster);
  EXPECT_EQ(members[0].at("role").as_string(), "voter");
  for (std::size_t i = 1; i < 3; ++i) {
    const json::object& member = members[i].as_object();
    const std::string id = std::to_string(member.at("id").as_int64());
    EXPECT_EQ(member.at("role").as_string(), "learner");
    EXPECT_EQ(member.at("peerUrl").as_string(), "127.0.0.1:1700" + id) << json::serialize(member);
    EXPECT_EQ(member.at("clientUrl").as_string(), "127.0.0.1:1800" + id) << json::serialize(member);
  }
  EXPECT_EQ(get_json(server, "/api/v1/config/app/x").at("value").as_int64(), 1);
  // The member keys left the client's keyspace: reserved, and not listed.
  EXPECT_EQ(status_of(server, "GET", "/api/v1/config/_confman/members/2"), 403u);
  const json::object listed = get_json(server, "/api/v1/config/?consistency=stale");
  for (const json::value& item : listed.at("keys").as_array()) {
    EXPECT_NE(item.at("key").as_string().subview().substr(0, 3), "/_c") << json::serialize(item);
  }
}

INSTANTIATE_TEST_SUITE_P(FromTheLogAndFromASnapshot, Upgrade, ::testing::Values("v1-log", "v1-snapshot"));

}  // namespace
}  // namespace confman::real::testing
