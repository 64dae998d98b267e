#pragma once
// How many client connections a server can hold without running out of file
// descriptors. An accepted connection, a peer connection, a forwarded request
// and the storage files all take one; when the process runs out, accept
// fails (EMFILE) and so does every fsync'd file open and outbound forward.
// So the client connection cap is kept below RLIMIT_NOFILE, with room for
// everything else:
//
//   max_connections <= soft limit - kReservedDescriptors
//
// At start-up the soft limit is first raised to the hard limit (as the Go
// runtime and etcd do), since the soft default (often 1024) is a historical
// accident, not an operator's choice.

#include <cstddef>
#include <string>

namespace confman::real {

// Descriptors kept for everything but client connections: stdio, the data
// directory's lock, WAL and LMDB files, the two listeners, a connection to
// each of up to raft::kMaxMembers (64) members and from each (TcpTransport
// keeps at most that many inbound), and forwarded requests in flight.
constexpr std::size_t kReservedDescriptors = 192;

struct DescriptorBudget {
  std::size_t soft_limit = 0;        // after raising it
  std::size_t hard_limit = 0;
  std::size_t max_connections = 0;  // the client connection cap chosen
  std::string describe() const;     // "fd_soft_limit=... max_connections=..."
};

// Raises the soft RLIMIT_NOFILE to the hard one (where allowed) and returns
// the client connection cap: requested, or less when the descriptors do not
// allow it (0 when they do not allow even one).
DescriptorBudget plan_descriptors(std::size_t requested_connections);

}  // namespace confman::real
