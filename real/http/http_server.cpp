#include "real/http/http_server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <deque>
#include <map>
#include <optional>

#include "real/http/problems.h"
#include "real/transport/accept_pacing.h"

namespace confman::real::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

const std::string* Request::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) { return a == std::tolower(b); })) {
      return &value;
    }
  }
  return nullptr;
}


namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

class Session;

class ExchangeImpl final : public Exchange {
 public:
  ExchangeImpl(std::shared_ptr<Session> session, Request request, bool keep_alive)
      : session_(std::move(session)), request_(std::move(request)), keep_alive_(keep_alive) {}
  const Request& request() const override { return request_; }
  void respond(Response response) override;
  void start_stream(std::vector<std::pair<std::string, std::string>> headers) override;
  void send(std::string data) override;
  void end() override;
  bool open() const override;
  void on_close(std::function<void()> callback) override;

 private:
  std::shared_ptr<Session> session_;
  Request request_;
  bool keep_alive_;
  bool answered_ = false;
};

}  // namespace

struct Server::Impl {
  Impl(asio::io_context& io_context, Handler request_handler, Limits server_limits, Priority request_priority)
      : io(io_context),
        acceptor(io_context),
        accept_timer(io_context),
        handler(std::move(request_handler)),
        limits(server_limits),
        priority(std::move(request_priority)) {}
  void accept();
  void on_accept(const beast::error_code& error, tcp::socket socket);
  // Whether a connection from address may carry only priority requests.
  bool limited(const std::string& address) const;

  asio::io_context& io;
  tcp::acceptor acceptor;
  asio::steady_timer accept_timer;
  AcceptPacing pacing;
  Handler handler;
  Limits limits;
  Priority priority;
  ServerStats stats;
  std::map<std::string, std::size_t> connections_per_address;
  std::vector<std::weak_ptr<Session>> sessions;
  // Limited connections, oldest first: when every slot is taken, the oldest
  // that has not yet sent a request makes room for a new one, so a health
  // check is not locked out by connections that only sit there.
  std::deque<std::weak_ptr<Session>> limited_sessions;
  bool evict_idle_limited();
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Server::Impl& server, std::string address, bool limited)
      : stream_(std::move(socket)),
        server_(server),
        alive_(server.alive),
        limits_(server.limits),
        address_(std::move(address)),
        limited_(limited) {
    server_.stats.open_connections += 1;
    server_.connections_per_address[address_] += 1;
  }
  ~Session() { release_slot(); }

  void start() { read_request(); }

  void close() {
    if (closed_) return;
    closed_ = true;
    release_slot();  // its descriptor is free now, whenever the last handler lets go of it
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
    auto callbacks = std::move(close_callbacks_);
    close_callbacks_.clear();
    for (auto& callback : callbacks) callback();
  }

  bool is_open() const { return !closed_; }
  // A connection that has not sent a byte of a request since it opened.
  bool awaiting_first_request() const { return !closed_ && !request_started_; }
  void add_close_callback(std::function<void()> callback) {
    if (closed_) {
      callback();
      return;
    }
    close_callbacks_.push_back(std::move(callback));
  }

  void write_response(Response response, bool keep_alive) {
    if (closed_) return;
    auto message = std::make_shared<bhttp::response<bhttp::string_body>>(static_cast<bhttp::status>(response.status), 11);
    message->set(bhttp::field::server, "confman");
    message->set(bhttp::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) message->set(name, value);
    message->body() = std::move(response.body);
    message->keep_alive(keep_alive);
    message->prepare_payload();
    auto self = shared_from_this();
    bhttp::async_write(stream_, *message, [self, message, keep_alive](beast::error_code error, std::size_t) {
      if (error || !keep_alive) return self->close();
      self->read_request();
    });
  }

  void start_stream(const std::vector<std::pair<std::string, std::string>>& headers) {
    std::string head =
        "HTTP/1.1 200 OK\r\nServer: confman\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
        "Connection: close\r\n";
    for (const auto& [name, value] : headers) head += name + ": " + value + "\r\n";
    head += "\r\n";
    streaming_ = true;
    send(std::move(head));
    watch_for_disconnect();
  }

  void send(std::string data) {
    if (closed_) return;
    queued_bytes_ += data.size();
    if (queued_bytes_ > limits_.max_stream_buffer_bytes) return close();  // a reader that cannot keep up
    outgoing_.push_back(std::move(data));
    if (!writing_) write_next();
  }

  void end_stream() {
    ending_ = true;
    if (!writing_ && outgoing_.empty()) close();
  }

 private:
  // Waits up to idle_timeout_ms for the first byte of the next request (a
  // keep-alive connection's leftover bytes count), then reads it whole.
  void read_request() {
    if (closed_) return;
    if (buffer_.size() > 0) return read_whole_request();
    stream_.expires_after(std::chrono::milliseconds(limits_.idle_timeout_ms));
    auto self = shared_from_this();
    stream_.async_read_some(buffer_.prepare(kFirstReadBytes), [self](beast::error_code error, std::size_t bytes) {
      if (!*self->alive_) return;
      if (error) {
        if (error == beast::error::timeout) self->server_.stats.idle_closed_total += 1;
        return self->close();
      }
      self->buffer_.commit(bytes);
      self->request_started_ = true;
      self->read_whole_request();
    });
  }

  void release_slot() {
    if (slot_released_ || !*alive_) return;
    slot_released_ = true;
    server_.stats.open_connections -= 1;
    auto held = server_.connections_per_address.find(address_);
    if (held != server_.connections_per_address.end() && --held->second == 0) {
      server_.connections_per_address.erase(held);
    }
  }

  void read_whole_request() {
    parser_.emplace();
    parser_->body_limit(limits_.max_body_bytes);
    parser_->header_limit(static_cast<std::uint32_t>(limits_.max_header_bytes));
    stream_.expires_after(std::chrono::milliseconds(limits_.request_timeout_ms));
    auto self = shared_from_this();
    bhttp::async_read(stream_, buffer_, *parser_, [self](beast::error_code error, std::size_t) { self->on_read(error); });
  }

  void on_read(beast::error_code error) {
    if (!*alive_) return;
    stream_.expires_never();
    if (error == bhttp::error::body_limit) {
      return write_response(problem(Problem::BodyTooLarge,
                                    "the request body exceeds the limit of " + std::to_string(limits_.max_body_bytes) +
                                        " bytes"),
                            false);
    }
    if (error == bhttp::error::header_limit) {
      return write_response(problem(Problem::HeadTooLarge,
                                    "the request head exceeds " + std::to_string(limits_.max_header_bytes) + " bytes"),
                            false);
    }
    const bool parse_error = error && error.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
                             error != bhttp::error::end_of_stream && error != bhttp::error::partial_message;
    if (parse_error) {
      return write_response(problem(Problem::MalformedHttp, "malformed HTTP request: " + error.message()), false);
    }
    if (error) return close();  // the client went away, timed out, or sent half a request
    auto message = parser_->release();
    Request request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    for (const auto& field : message) request.headers.emplace_back(lower(field.name_string()), std::string(field.value()));
    request.body = std::move(message.body());
    if (limited_ && !(server_.priority && server_.priority(request))) {
      server_.stats.limited_requests_refused_total += 1;
      return write_response(problem(Problem::ConnectionLimit,
                                    "too many connections are open (to this node, or from " + address_ +
                                        "): this one serves only health checks and requests forwarded between members"),
                            false);
    }
    // A reserved connection serves one request, then makes room again.
    const bool keep_alive = message.keep_alive() && !limited_;
    auto exchange = std::make_shared<ExchangeImpl>(shared_from_this(), std::move(request), keep_alive);
    server_.handler(std::move(exchange));
  }

  void write_next() {
    writing_ = true;
    auto self = shared_from_this();
    asio::async_write(stream_.socket(), asio::buffer(outgoing_.front()), [self](beast::error_code error, std::size_t) {
      self->writing_ = false;
      if (error) return self->close();
      self->queued_bytes_ -= self->outgoing_.front().size();
      self->outgoing_.pop_front();
      if (!self->outgoing_.empty()) return self->write_next();
      if (self->ending_) self->close();
    });
  }

  // A stream's client sends nothing more; a read completes only when it leaves.
  void watch_for_disconnect() {
    auto self = shared_from_this();
    stream_.socket().async_read_some(asio::buffer(discard_), [self](beast::error_code error, std::size_t) {
      if (error) return self->close();
      self->watch_for_disconnect();
    });
  }

  static constexpr std::size_t kFirstReadBytes = 4096;

  beast::tcp_stream stream_;
  Server::Impl& server_;
  std::shared_ptr<bool> alive_;
  Limits limits_;
  std::string address_;  // the client's IP address
  bool request_started_ = false;  // a byte of some request has arrived
  bool slot_released_ = false;
  bool limited_;         // serves only priority requests (see http_server.h)
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::deque<std::string> outgoing_;
  std::size_t queued_bytes_ = 0;
  std::array<char, 512> discard_{};
  std::vector<std::function<void()>> close_callbacks_;
  bool writing_ = false;
  bool streaming_ = false;
  bool ending_ = false;
  bool closed_ = false;
};

void ExchangeImpl::respond(Response response) {
  if (answered_) return;
  answered_ = true;
  session_->write_response(std::move(response), keep_alive_);
}

void ExchangeImpl::start_stream(std::vector<std::pair<std::string, std::string>> headers) {
  if (answered_) return;
  answered_ = true;
  session_->start_stream(headers);
}

void ExchangeImpl::send(std::string data) { session_->send(std::move(data)); }
void ExchangeImpl::end() { session_->end_stream(); }
bool ExchangeImpl::open() const { return session_->is_open(); }
void ExchangeImpl::on_close(std::function<void()> callback) { session_->add_close_callback(std::move(callback)); }

}  // namespace

void Server::Impl::accept() {
  acceptor.async_accept([this, alive = alive](beast::error_code error, tcp::socket socket) {
    if (!*alive) return;
    on_accept(error, std::move(socket));
  });
}

bool Server::Impl::limited(const std::string& address) const {
  if (stats.open_connections + limits.reserved_connections >= limits.max_connections) return true;
  auto held = connections_per_address.find(address);
  return held != connections_per_address.end() && held->second >= limits.max_connections_per_address;
}

bool Server::Impl::evict_idle_limited() {
  while (!limited_sessions.empty()) {
    auto oldest = limited_sessions.front().lock();
    limited_sessions.pop_front();
    if (!oldest || !oldest->is_open()) continue;
    if (!oldest->awaiting_first_request()) continue;  // busy with its one request: it closes after
    oldest->close();
    stats.idle_closed_total += 1;
    return true;
  }
  return false;
}

void Server::Impl::on_accept(const beast::error_code& error, tcp::socket socket) {
  const auto delay = pacing.after(error ? error.value() : 0);
  stats.accept_exhausted_total = pacing.exhausted_total();
  if (delay.count() > 0) {
    accept_timer.expires_after(delay);
    accept_timer.async_wait([this, alive = alive](const beast::error_code& cancelled) {
      if (!*alive || cancelled) return;
      accept();
    });
    return;
  }
  if (!error) {
    beast::error_code ignored;
    const auto remote = socket.remote_endpoint(ignored);
    const bool full = stats.open_connections >= limits.max_connections && !evict_idle_limited();
    if (ignored || full) {
      stats.connections_refused_total += 1;
      socket.close(ignored);
    } else {
      // Responses and SSE events are small writes: Nagle's algorithm would
      // hold one back until the client acknowledges the one before.
      socket.set_option(tcp::no_delay(true), ignored);
      std::string address = remote.address().to_string();
      const bool is_limited = limited(address);
      auto session = std::make_shared<Session>(std::move(socket), *this, std::move(address), is_limited);
      sessions.push_back(session);
      if (is_limited) {
        // Closed ones go, so the queue holds at most the open connections.
        std::erase_if(limited_sessions, [](const std::weak_ptr<Session>& weak) {
          auto limited_session = weak.lock();
          return !limited_session || !limited_session->is_open();
        });
        limited_sessions.push_back(session);
      }
      std::erase_if(sessions, [](const std::weak_ptr<Session>& weak) { return weak.expired(); });
      session->start();
    }
  }
  accept();
}

Result<std::unique_ptr<Server>, std::string> Server::start(asio::io_context& io, const HostPort& listen, Handler handler,
                                                           Limits limits, Priority priority) {
  if (limits.reserved_connections >= limits.max_connections) {
    return unexpected("the reserved connections (" + std::to_string(limits.reserved_connections) +
                      ") must be fewer than the connection limit (" + std::to_string(limits.max_connections) + ")");
  }
  if (limits.max_connections_per_address == 0) return unexpected(std::string("the per-address connection limit must be positive"));
  auto impl = std::make_shared<Impl>(io, std::move(handler), limits, std::move(priority));
  beast::error_code error;
  const auto address = asio::ip::make_address(listen.host, error);
  if (error) return unexpected("client listen address '" + listen.host + "': " + error.message());
  const tcp::endpoint endpoint(address, listen.port);
  impl->acceptor.open(endpoint.protocol(), error);
  if (!error) impl->acceptor.set_option(tcp::acceptor::reuse_address(true), error);
  if (!error) impl->acceptor.bind(endpoint, error);
  if (!error) impl->acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) return unexpected("cannot listen for clients on " + listen.describe() + ": " + error.message());
  impl->accept();
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() { close(); }

void Server::close() {
  if (!*impl_->alive) return;
  beast::error_code ignored;
  impl_->acceptor.close(ignored);
  impl_->accept_timer.cancel();
  for (auto& weak : impl_->sessions) {
    if (auto session = weak.lock()) session->close();
  }
  *impl_->alive = false;
}

ServerStats Server::stats() const { return impl_->stats; }
const Limits& Server::limits() const { return impl_->limits; }

std::uint16_t Server::port() const {
  beast::error_code error;
  const auto endpoint = impl_->acceptor.local_endpoint(error);
  return error ? 0 : endpoint.port();
}

}  // namespace confman::real::http
