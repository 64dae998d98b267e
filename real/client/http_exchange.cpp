#include "real/client/http_exchange.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <limits>
#include <optional>

namespace confman::client::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

const std::string* HttpReply::header(std::string_view name) const {
  auto same = [name](const std::string& key) {
    return key.size() == name.size() && std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
           });
  };
  for (const auto& [key, value] : headers) {
    if (same(key)) return &value;
  }
  return nullptr;
}

namespace {

constexpr std::uint64_t kMaxReplyBodyBytes = 64u << 20;
constexpr std::size_t kStreamChunkBytes = 8192;

struct HostAndPort {
  std::string host;
  std::string port;
};

// "host:port", or "[v6 address]:port".
std::optional<HostAndPort> split_endpoint(const std::string& endpoint) {
  const auto colon = endpoint.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == endpoint.size()) return std::nullopt;
  std::string host = endpoint.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return HostAndPort{std::move(host), endpoint.substr(colon + 1)};
}

// Beast applies tcp_stream timeouts to asynchronous operations only, so each
// step starts one and runs this connection's own io_context until it
// completes: blocking for the caller, yet bounded by the stream's deadline.
class Connection {
 public:
  // An error message, or nothing once connected. Starts the deadline that
  // the following steps share (until expires_after is called again).
  std::optional<TransportError> connect(const std::string& endpoint, std::chrono::milliseconds timeout) {
    auto address = split_endpoint(endpoint);
    if (!address) return TransportError{false, false, "'" + endpoint + "' is not host:port"};
    tcp::resolver resolver(io_);
    beast::error_code error;
    const auto results = resolver.resolve(address->host, address->port, error);
    if (error) return TransportError{false, false, "cannot resolve " + endpoint + ": " + error.message()};
    stream_.expires_after(timeout);
    error = run([&](auto handler) { stream_.async_connect(results, std::move(handler)); });
    if (!error) return std::nullopt;
    const bool timed_out = error == beast::error::timeout;
    return TransportError{false, timed_out, "cannot connect to " + endpoint + ": " + error.message()};
  }

  beast::error_code write(bhttp::request<bhttp::string_body>& request) {
    return run([&](auto handler) { bhttp::async_write(stream_, request, std::move(handler)); });
  }
  template <typename Parser>
  beast::error_code read_header(Parser& parser) {
    return run([&](auto handler) { bhttp::async_read_header(stream_, buffer_, parser, std::move(handler)); });
  }
  template <typename Parser>
  beast::error_code read(Parser& parser) {
    return run([&](auto handler) { bhttp::async_read(stream_, buffer_, parser, std::move(handler)); });
  }
  template <typename Parser>
  beast::error_code read_some(Parser& parser) {
    return run([&](auto handler) { bhttp::async_read_some(stream_, buffer_, parser, std::move(handler)); });
  }
  void expires_after(std::chrono::milliseconds timeout) { stream_.expires_after(timeout); }

 private:
  template <typename Start>
  beast::error_code run(Start start) {
    beast::error_code result;
    start([&result](beast::error_code error, auto&&...) { result = error; });
    io_.restart();
    io_.run();
    return result;
  }

  asio::io_context io_;
  beast::tcp_stream stream_{io_};
  beast::flat_buffer buffer_;
};

bhttp::request<bhttp::string_body> to_beast(const std::string& endpoint, const HttpRequest& request) {
  bhttp::request<bhttp::string_body> message;
  message.method_string(request.method);
  message.target(request.target);
  message.version(11);
  message.set(bhttp::field::host, endpoint);
  message.set(bhttp::field::user_agent, "confman-client");
  for (const auto& [name, value] : request.headers) message.set(name, value);
  if (!request.body.empty()) message.set(bhttp::field::content_type, "application/json");
  message.body() = request.body;
  message.keep_alive(false);
  message.prepare_payload();
  return message;
}

HttpReply head_of(const bhttp::response_header<>& head) {
  HttpReply reply;
  reply.status = head.result_int();
  for (const auto& field : head)
    reply.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  return reply;
}

TransportError lost(const std::string& endpoint, const beast::error_code& error) {
  if (error == beast::error::timeout) return TransportError{true, true, "no answer in time from " + endpoint};
  return TransportError{true, false, "connection to " + endpoint + " failed: " + error.message()};
}

}  // namespace

Result<HttpReply, TransportError> exchange(const std::string& endpoint, const HttpRequest& request,
                                           std::uint32_t timeout_ms) {
  Connection connection;
  if (auto failed = connection.connect(endpoint, std::chrono::milliseconds(timeout_ms))) return unexpected(*failed);
  auto message = to_beast(endpoint, request);
  if (auto error = connection.write(message)) return unexpected(lost(endpoint, error));
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(kMaxReplyBodyBytes);
  if (auto error = connection.read(parser)) return unexpected(lost(endpoint, error));
  HttpReply reply = head_of(parser.get());
  reply.body = std::move(parser.get().body());
  return reply;
}

struct EventStream::State {
  Connection connection;
  bhttp::response_parser<bhttp::buffer_body> parser;
  std::string endpoint;
};

EventStream::EventStream(std::unique_ptr<State> state) : state_(std::move(state)) {}
EventStream::~EventStream() = default;

Result<EventStream::Chunk, TransportError> EventStream::read(std::uint32_t idle_timeout_ms) {
  auto& parser = state_->parser;
  if (parser.is_done()) return Chunk{{}, true};
  std::array<char, kStreamChunkBytes> buffer{};
  parser.get().body().data = buffer.data();
  parser.get().body().size = buffer.size();
  state_->connection.expires_after(std::chrono::milliseconds(idle_timeout_ms));
  auto error = state_->connection.read_some(parser);
  if (error == bhttp::error::need_buffer) error = {};  // the chunk is full: more to come
  if (error == bhttp::error::end_of_stream) return Chunk{{}, true};
  if (error) return unexpected(lost(state_->endpoint, error));
  const std::size_t filled = buffer.size() - parser.get().body().size;
  return Chunk{std::string(buffer.data(), filled), parser.is_done()};
}

Result<StreamStart, TransportError> open_event_stream(const std::string& endpoint, const HttpRequest& request,
                                                      std::uint32_t timeout_ms) {
  auto state = std::make_unique<EventStream::State>();
  state->endpoint = endpoint;
  state->parser.body_limit(std::numeric_limits<std::uint64_t>::max());  // a stream has no end in sight
  if (auto failed = state->connection.connect(endpoint, std::chrono::milliseconds(timeout_ms))) {
    return unexpected(*failed);
  }
  auto message = to_beast(endpoint, request);
  if (auto error = state->connection.write(message)) return unexpected(lost(endpoint, error));
  if (auto error = state->connection.read_header(state->parser)) return unexpected(lost(endpoint, error));
  StreamStart start{head_of(state->parser.get()), nullptr};
  auto stream = std::make_unique<EventStream>(std::move(state));
  if (start.reply.status == 200) {
    start.stream = std::move(stream);
    return start;
  }
  // Not a stream: an error answer with an ordinary, bounded body.
  while (start.reply.body.size() < kMaxReplyBodyBytes) {
    auto chunk = stream->read(timeout_ms);
    if (!chunk) return unexpected(chunk.error());
    start.reply.body += chunk->bytes;
    if (chunk->ended) break;
  }
  return start;
}

}  // namespace confman::client::detail
