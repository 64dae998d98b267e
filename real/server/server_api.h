#pragma once
// The HTTP/JSON API (DESIGN.md, "Client API"), on top of ConfmanServer:
//
//   GET    /api/v1/config/{key}          a key: {"key","value","revision","createRevision",
//                                        "modRevision","version"}; ETag = modRevision
//          ?consistency=linearizable|read-your-writes|stale (X-Confman-Version: R
//          makes the node wait until it has applied revision R)
//   GET    /api/v1/config/{namespace}/   the keys under it: ?limit=N&after=CURSOR
//   PUT    /api/v1/config/{key}          {"value": <any JSON>}; If-Match: "R" sets only if
//                                        modRevision is R; If-None-Match: * creates only
//   DELETE /api/v1/config/{key}          If-Match as for PUT
//   GET    /api/v1/watch/{key}           Server-Sent Events; ?prefix=true watches a namespace,
//                                        ?revision=R (or Last-Event-ID) starts from R
//   GET    /api/v1/cluster               members, leader, term, commit and applied index, as the
//                                        leader sees them (?local=true: this node's view)
//   GET    /api/v1/cluster/watch         Server-Sent Events of cluster state changes
//   POST   /api/v1/cluster/members       {"id", "peerUrl", "clientUrl", "learner": true}
//   POST   /api/v1/cluster/members/{id}/promote
//   DELETE /api/v1/cluster/members/{id}
//   POST   /api/v1/cluster/leader        {"id"}: leadership transfer
//   GET    /health, /health/ready, /metrics
//
// Writes carry an optional client session (X-Confman-Client-Id and
// X-Confman-Sequence), so a retried write applies once. A write, a
// membership change or a linearizable read sent to a follower is forwarded
// to the leader, or answered 307 with its address when the client sends
// X-Confman-Redirect: true. Errors are application/problem+json (RFC 9457).

#include <string>

#include "core/service/request.h"
#include "real/http/http_server.h"

namespace confman::real {

class ConfmanServer;

http::Handler make_api_handler(ConfmanServer& server);
// What may use a reserved connection (http_server.h): health checks,
// /metrics, and requests forwarded between members (X-Confman-Forwarded).
bool is_priority_request(const http::Request& request);
// A node's view of the cluster (the request layer's ClusterState), with the
// members' addresses, as /api/v1/cluster and the cluster watch show it.
std::string cluster_state_json(const ConfmanServer& server, const service::ClusterState& view);

}  // namespace confman::real
