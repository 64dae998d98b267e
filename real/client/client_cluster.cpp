// The cluster half of Client: state, membership and leadership transfer.
#include "real/client/client.h"
#include "real/client/client_impl.h"
#include "real/client/json_codec.h"

namespace confman::client {

namespace {
constexpr const char* kMembersPath = "/api/v1/cluster/members";
}  // namespace

ClientResult<ClusterState> Client::Impl::cluster_request(detail::HttpRequest request, bool mutating) {
  auto reply = execute(std::move(request), mutating);
  if (!reply) return unexpected(reply.error());
  if (!succeeded(*reply)) return unexpected(reply_error(*reply));
  auto state = detail::parse_cluster_state(reply->body);
  if (!state) return unexpected(Error{reply->status, "Malformed Response", state.error(), false});
  note_revision(state->revision);
  return std::move(state).value();
}

ClientResult<ClusterState> Client::cluster(bool this_node_only) {
  const std::string target = this_node_only ? "/api/v1/cluster?local=true" : "/api/v1/cluster";
  return impl_->cluster_request(detail::HttpRequest{"GET", target, {}, {}}, false);
}

ClientResult<ClusterState> Client::add_member(std::uint64_t id, const std::string& peer_url,
                                              const std::string& client_url, bool learner) {
  return impl_->cluster_request(
      detail::HttpRequest{"POST", kMembersPath, {}, detail::add_member_body(id, peer_url, client_url, learner)}, true);
}

ClientResult<ClusterState> Client::promote_member(std::uint64_t id) {
  const std::string target = std::string(kMembersPath) + "/" + std::to_string(id) + "/promote";
  return impl_->cluster_request(detail::HttpRequest{"POST", target, {}, {}}, true);
}

ClientResult<ClusterState> Client::remove_member(std::uint64_t id) {
  const std::string target = std::string(kMembersPath) + "/" + std::to_string(id);
  return impl_->cluster_request(detail::HttpRequest{"DELETE", target, {}, {}}, true);
}

ClientResult<ClusterState> Client::transfer_leadership(std::uint64_t id) {
  return impl_->cluster_request(detail::HttpRequest{"POST", "/api/v1/cluster/leader", {}, detail::transfer_body(id)},
                                true);
}

}  // namespace confman::client
