#pragma once
// Raft messages between real nodes over TCP (Boost.Asio), behind the core's
// Transport interface.
//
// Wire format: each frame the core produces (already sealed with its own
// crc32c) travels as [length: u32 little-endian][frame]. The receiver checks
// the length against raft::kMaxMessageBytes before reading and hands the
// frame to the core, which verifies and decodes it; a corrupted or oversized
// frame costs at most the connection it came on.
//
// One outbound connection per peer, opened on first use and re-opened after
// any error with exponential backoff (50 ms doubling to 2 s). Each has a
// bounded send queue (kMaxQueuedFrames, kMaxQueuedBytes): when it is full,
// new frames are dropped, which Raft treats like any lost message. Inbound
// connections are accepted from anyone, at most raft::kMaxMembers at once
// (past that, the one that has been quiet longest is closed); frames are
// delivered in order per connection. An inbound frame's memory grows only
// as its bytes arrive (kReadChunkBytes at a time), not when its length
// prefix promises up to kMaxMessageBytes; a frame must arrive whole within
// TransportLimits::frame_deadline once its prefix has, and a connection
// that carries no frame for TransportLimits::idle_timeout is closed
// (members send heartbeats many times a second). Accepts that find no descriptor back
// off (accept_pacing.h). Everything runs on the io_context the core runs on, so frames
// reach the core on its own thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/node/env.h"

namespace boost::asio {
class io_context;
}

namespace confman::real {

struct HostPort {
  std::string host;
  std::uint16_t port = 0;
  std::string describe() const { return host + ":" + std::to_string(port); }
};

// "host:port" -> HostPort, or why not.
Result<HostPort, std::string> parse_host_port(const std::string& text);

struct TransportStats {
  std::uint64_t frames_sent = 0;
  std::uint64_t frames_received = 0;
  std::uint64_t frames_dropped_queue_full = 0;
  std::uint64_t frames_dropped_no_address = 0;
  std::uint64_t connections_failed = 0;
  std::uint64_t frames_rejected_oversized = 0;
  std::uint64_t accepts_exhausted = 0;  // accepts that found no descriptor (then backed off)
  std::uint64_t inbound_evicted = 0;    // inbound connections closed to stay within the cap
  std::uint64_t inbound_idle_closed = 0;      // closed after idle_timeout without a frame
  std::uint64_t inbound_frame_timeouts = 0;   // closed: a frame did not arrive whole within frame_deadline
};

struct TransportLimits {
  std::chrono::milliseconds idle_timeout{5 * 60 * 1000};
  std::chrono::milliseconds frame_deadline{10 * 1000};
};

class TcpTransport final : public node::Transport {
 public:
  using FrameHandler = std::function<void(Bytes frame)>;

  // Listens on `listen` (port 0: an ephemeral port, see listening_port()).
  static Result<std::unique_ptr<TcpTransport>, std::string> start(boost::asio::io_context& io, const HostPort& listen,
                                                                  FrameHandler on_frame, TransportLimits limits = {});
  ~TcpTransport() override;
  TcpTransport(const TcpTransport&) = delete;
  TcpTransport& operator=(const TcpTransport&) = delete;

  // Where to reach a peer; a later call replaces the address (and drops the
  // connection to the old one).
  void set_peer_address(NodeId peer, const HostPort& address);
  void send(NodeId to, Bytes frame) override;
  std::uint16_t listening_port() const;
  const TransportStats& stats() const;
  // Closes every connection and stops accepting; pending handlers finish
  // with errors and touch nothing after this.
  void close();

  struct Impl;

 private:
  explicit TcpTransport(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace confman::real
