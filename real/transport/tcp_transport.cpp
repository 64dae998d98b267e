#include "real/transport/tcp_transport.h"

#include <boost/asio.hpp>

#include <algorithm>
#include <deque>

#include "core/raft/membership.h"
#include "core/raft/message.h"
#include "core/util/assert.h"
#include "real/transport/accept_pacing.h"

namespace confman::real {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {
constexpr std::size_t kMaxQueuedFrames = 4096;
constexpr std::size_t kMaxQueuedBytes = 64u << 20;
constexpr std::uint32_t kMaxFrameBytes = raft::kMaxMessageBytes + 64;
constexpr auto kBackoffMin = std::chrono::milliseconds(50);
constexpr auto kBackoffMax = std::chrono::milliseconds(2000);
// Inbound connections kept at once: a member holds one to us (two for a
// moment while it reconnects). Past the cap, the one quiet the longest is
// closed: members send heartbeats, so a flood of idle connections to the
// peer port evicts itself rather than the cluster's.
constexpr std::size_t kMaxInboundConnections = raft::kMaxMembers;
// An inbound frame is read (and its buffer grown) this much at a time, so a
// length prefix alone costs no more than this.
constexpr std::size_t kReadChunkBytes = 64 * 1024;

std::array<std::uint8_t, 4> length_prefix(std::size_t length) {
  return {static_cast<std::uint8_t>(length), static_cast<std::uint8_t>(length >> 8),
          static_cast<std::uint8_t>(length >> 16), static_cast<std::uint8_t>(length >> 24)};
}
}  // namespace

Result<HostPort, std::string> parse_host_port(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    return unexpected("'" + text + "' is not host:port");
  }
  HostPort result{text.substr(0, colon), 0};
  unsigned long port = 0;
  for (char c : text.substr(colon + 1)) {
    if (c < '0' || c > '9') return unexpected("'" + text + "': the port must be a number 0..65535");
    port = port * 10 + static_cast<unsigned long>(c - '0');
    if (port > 65535) return unexpected("'" + text + "': the port must be a number 0..65535");
  }
  result.port = static_cast<std::uint16_t>(port);
  return result;
}

// An outbound connection to one peer, with its send queue and reconnects.
class Outbound : public std::enable_shared_from_this<Outbound> {
 public:
  Outbound(asio::io_context& io, HostPort address, TransportStats& stats)
      : io_(io), socket_(io), resolver_(io), timer_(io), address_(std::move(address)), stats_(stats) {}

  void enqueue(Bytes frame) {
    if (closed_) return;
    if (queue_.size() >= kMaxQueuedFrames || queued_bytes_ + frame.size() > kMaxQueuedBytes) {
      stats_.frames_dropped_queue_full += 1;
      return;
    }
    queued_bytes_ += frame.size();
    queue_.push_back(std::move(frame));
    if (state_ == State::Idle) connect();
    else if (state_ == State::Connected && !writing_) write_next();
  }

  void close() {
    closed_ = true;
    boost::system::error_code ignored;
    socket_.close(ignored);
    timer_.cancel();
    resolver_.cancel();
    // The queue stays: a write in progress may still refer to its front.
  }

 private:
  enum class State { Idle, Connecting, Connected, Waiting };

  void connect() {
    state_ = State::Connecting;
    auto self = shared_from_this();
    resolver_.async_resolve(address_.host, std::to_string(address_.port),
                            [self](const boost::system::error_code& error, tcp::resolver::results_type results) {
                              if (self->closed_) return;
                              if (error) return self->fail();
                              asio::async_connect(self->socket_, results,
                                                  [self](const boost::system::error_code& connect_error, const tcp::endpoint&) {
                                                    if (self->closed_) return;
                                                    if (connect_error) return self->fail();
                                                    self->on_connected();
                                                  });
                            });
  }

  void on_connected() {
    boost::system::error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
    state_ = State::Connected;
    backoff_ = kBackoffMin;
    if (!queue_.empty()) write_next();
  }

  void write_next() {
    writing_ = true;
    prefix_ = length_prefix(queue_.front().size());
    std::array<asio::const_buffer, 2> buffers{asio::buffer(prefix_), asio::buffer(queue_.front())};
    auto self = shared_from_this();
    asio::async_write(socket_, buffers, [self](const boost::system::error_code& error, std::size_t) {
      self->writing_ = false;
      if (self->closed_) return;
      if (error) return self->fail();
      self->stats_.frames_sent += 1;
      self->queued_bytes_ -= self->queue_.front().size();
      self->queue_.pop_front();
      if (!self->queue_.empty()) self->write_next();
    });
  }

  // The frame being written may or may not have arrived; Raft copes with
  // either. Reconnect after a backoff and carry on with the queue.
  void fail() {
    stats_.connections_failed += 1;
    boost::system::error_code ignored;
    socket_.close(ignored);
    state_ = State::Waiting;
    timer_.expires_after(backoff_);
    backoff_ = std::min(backoff_ * 2, std::chrono::milliseconds(kBackoffMax));
    auto self = shared_from_this();
    timer_.async_wait([self](const boost::system::error_code& error) {
      if (self->closed_ || error) return;
      self->socket_ = tcp::socket(self->io_);
      self->connect();
    });
  }

  asio::io_context& io_;
  tcp::socket socket_;
  tcp::resolver resolver_;
  asio::steady_timer timer_;
  HostPort address_;
  TransportStats& stats_;
  std::deque<Bytes> queue_;
  std::size_t queued_bytes_ = 0;
  std::array<std::uint8_t, 4> prefix_{};
  State state_ = State::Idle;
  bool writing_ = false;
  bool closed_ = false;
  std::chrono::milliseconds backoff_ = kBackoffMin;
};

// An accepted connection: reads frames until an error, an idle timeout or a
// frame that does not arrive in time.
class Inbound : public std::enable_shared_from_this<Inbound> {
 public:
  // alive turns false when the transport closes; stats belong to it.
  Inbound(tcp::socket socket, std::function<void(Bytes)> on_frame, TransportStats& stats, std::shared_ptr<bool> alive,
          TransportLimits limits)
      : socket_(std::move(socket)),
        deadline_(socket_.get_executor()),
        on_frame_(std::move(on_frame)),
        stats_(stats),
        alive_(std::move(alive)),
        limits_(limits) {}

  void start() { read_length(); }
  void close() {
    closed_ = true;
    boost::system::error_code ignored;
    socket_.close(ignored);
    deadline_.cancel();
  }
  bool closed() const { return closed_; }
  std::chrono::steady_clock::time_point last_active() const { return last_active_; }

 private:
  // Closes the connection unless what it waits for comes before `after`;
  // each call replaces the previous wait.
  void close_unless_within(std::chrono::milliseconds after, std::uint64_t TransportStats::*counter) {
    deadline_.expires_after(after);
    auto self = shared_from_this();
    deadline_.async_wait([self, counter](const boost::system::error_code& error) {
      if (error || self->closed_ || !*self->alive_) return;  // replaced or cancelled
      self->stats_.*counter += 1;
      self->close();
    });
  }

  void read_length() {
    close_unless_within(limits_.idle_timeout, &TransportStats::inbound_idle_closed);
    auto self = shared_from_this();
    asio::async_read(socket_, asio::buffer(prefix_), [self](const boost::system::error_code& error, std::size_t) {
      if (error || !*self->alive_) return self->close();  // the deadline's wait ends with it
      const std::uint32_t length = self->prefix_[0] | (self->prefix_[1] << 8) | (self->prefix_[2] << 16) |
                                   (static_cast<std::uint32_t>(self->prefix_[3]) << 24);
      if (length > kMaxFrameBytes) {
        self->stats_.frames_rejected_oversized += 1;
        self->close();
        return;
      }
      self->close_unless_within(self->limits_.frame_deadline, &TransportStats::inbound_frame_timeouts);
      self->frame_.clear();
      self->read_frame(length);
    });
  }

  // Reads the rest of a frame of `length` bytes, one chunk at a time.
  void read_frame(std::uint32_t length) {
    if (frame_.size() == length) return deliver();
    const std::size_t have = frame_.size();
    const std::size_t chunk = std::min<std::size_t>(kReadChunkBytes, length - have);
    frame_.resize(have + chunk);
    auto self = shared_from_this();
    asio::async_read(socket_, asio::buffer(frame_.data() + have, chunk),
                     [self, length](const boost::system::error_code& error, std::size_t) {
                       if (error || !*self->alive_) return self->close();
                       self->read_frame(length);
                     });
  }

  void deliver() {
    last_active_ = std::chrono::steady_clock::now();
    stats_.frames_received += 1;
    on_frame_(std::move(frame_));
    frame_ = Bytes{};
    read_length();
  }

  tcp::socket socket_;
  asio::steady_timer deadline_;
  std::function<void(Bytes)> on_frame_;
  TransportStats& stats_;
  std::shared_ptr<bool> alive_;
  TransportLimits limits_;
  std::array<std::uint8_t, 4> prefix_{};
  Bytes frame_;
  std::chrono::steady_clock::time_point last_active_ = std::chrono::steady_clock::now();
  bool closed_ = false;
};

struct TcpTransport::Impl {
  Impl(asio::io_context& io_context, FrameHandler handler, TransportLimits transport_limits)
      : io(io_context),
        acceptor(io_context),
        accept_timer(io_context),
        on_frame(std::move(handler)),
        limits(transport_limits) {}

  void accept() {
    acceptor.async_accept([this, alive = alive](const boost::system::error_code& error, tcp::socket socket) {
      if (*alive == false || closed) return;
      on_accept(error, std::move(socket));
    });
  }

  void on_accept(const boost::system::error_code& error, tcp::socket socket) {
    const auto delay = pacing.after(error ? error.value() : 0);
    stats.accepts_exhausted = pacing.exhausted_total();
    if (delay.count() > 0) {
      accept_timer.expires_after(delay);
      accept_timer.async_wait([this, alive = alive](const boost::system::error_code& cancelled) {
        if (*alive == false || closed || cancelled) return;
        accept();
      });
      return;
    }
    if (!error) {
      std::erase_if(inbound_connections, [](const std::weak_ptr<Inbound>& weak) {
        auto inbound = weak.lock();
        return !inbound || inbound->closed();
      });
      if (inbound_connections.size() >= kMaxInboundConnections) evict_quietest();
      auto inbound = std::make_shared<Inbound>(std::move(socket), on_frame, stats, alive, limits);
      inbound->start();
      inbound_connections.push_back(inbound);
    }
    accept();
  }

  void evict_quietest() {
    auto quietest = std::min_element(inbound_connections.begin(), inbound_connections.end(),
                                     [](const std::weak_ptr<Inbound>& a, const std::weak_ptr<Inbound>& b) {
                                       return a.lock()->last_active() < b.lock()->last_active();
                                     });
    quietest->lock()->close();
    inbound_connections.erase(quietest);
    stats.inbound_evicted += 1;
  }

  asio::io_context& io;
  tcp::acceptor acceptor;
  asio::steady_timer accept_timer;
  AcceptPacing pacing;
  FrameHandler on_frame;
  TransportLimits limits;
  TransportStats stats;
  std::map<NodeId, HostPort> addresses;
  std::map<NodeId, std::shared_ptr<Outbound>> outbound;
  std::vector<std::weak_ptr<Inbound>> inbound_connections;
  bool closed = false;
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);
};

Result<std::unique_ptr<TcpTransport>, std::string> TcpTransport::start(asio::io_context& io, const HostPort& listen,
                                                                       FrameHandler on_frame, TransportLimits limits) {
  auto impl = std::make_shared<Impl>(io, std::move(on_frame), limits);
  boost::system::error_code error;
  const auto address = asio::ip::make_address(listen.host, error);
  if (error) return unexpected("peer listen address '" + listen.host + "': " + error.message());
  const tcp::endpoint endpoint(address, listen.port);
  impl->acceptor.open(endpoint.protocol(), error);
  if (!error) impl->acceptor.set_option(tcp::acceptor::reuse_address(true), error);
  if (!error) impl->acceptor.bind(endpoint, error);
  if (!error) impl->acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) return unexpected("cannot listen for peers on " + listen.describe() + ": " + error.message());
  impl->accept();
  return std::unique_ptr<TcpTransport>(new TcpTransport(std::move(impl)));
}

TcpTransport::TcpTransport(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

TcpTransport::~TcpTransport() { close(); }

void TcpTransport::close() {
  if (impl_->closed) return;
  impl_->closed = true;
  *impl_->alive = false;
  boost::system::error_code ignored;
  impl_->acceptor.close(ignored);
  impl_->accept_timer.cancel();
  for (auto& [peer, connection] : impl_->outbound) connection->close();
  for (auto& weak : impl_->inbound_connections) {
    if (auto inbound = weak.lock()) inbound->close();
  }
}

void TcpTransport::set_peer_address(NodeId peer, const HostPort& address) {
  auto existing = impl_->addresses.find(peer);
  if (existing != impl_->addresses.end() && existing->second.host == address.host &&
      existing->second.port == address.port) {
    return;
  }
  impl_->addresses[peer] = address;
  if (auto connection = impl_->outbound.find(peer); connection != impl_->outbound.end()) {
    connection->second->close();
    impl_->outbound.erase(connection);
  }
}

void TcpTransport::send(NodeId to, Bytes frame) {
  if (impl_->closed) return;
  auto connection = impl_->outbound.find(to);
  if (connection == impl_->outbound.end()) {
    auto address = impl_->addresses.find(to);
    if (address == impl_->addresses.end()) {
      impl_->stats.frames_dropped_no_address += 1;
      return;
    }
    connection = impl_->outbound.emplace(to, std::make_shared<Outbound>(impl_->io, address->second, impl_->stats)).first;
  }
  connection->second->enqueue(std::move(frame));
}

std::uint16_t TcpTransport::listening_port() const {
  boost::system::error_code error;
  const auto endpoint = impl_->acceptor.local_endpoint(error);
  return error ? 0 : endpoint.port();
}

const TransportStats& TcpTransport::stats() const { return impl_->stats; }

}  // namespace confman::real
