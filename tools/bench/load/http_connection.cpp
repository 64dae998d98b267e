#include "tools/bench/load/http_connection.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace confman::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

struct HttpConnection::Impl {
  Impl(std::string host_name, std::uint16_t port_number) : host(std::move(host_name)), port(port_number), stream(io) {}
  bool connect(std::string& error) {
    beast::error_code code;
    tcp::resolver resolver(io);
    auto results = resolver.resolve(host, std::to_string(port), code);
    if (!code) stream.connect(results, code);
    if (code) {
      error = "connect to " + host + ":" + std::to_string(port) + ": " + code.message();
      return false;
    }
    stream.socket().set_option(tcp::no_delay(true), code);
    connected = true;
    return true;
  }
  asio::io_context io;
  std::string host;
  std::uint16_t port;
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  bool connected = false;
};

HttpConnection::HttpConnection(std::string host, std::uint16_t port)
    : impl_(std::make_unique<Impl>(std::move(host), port)) {}
HttpConnection::~HttpConnection() = default;

HttpReply HttpConnection::send(const std::string& method, const std::string& target, const std::string& body,
                               const std::string& content_type) {
  HttpReply reply;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!impl_->connected && !impl_->connect(reply.error)) return reply;
    bhttp::request<bhttp::string_body> request(bhttp::string_to_verb(method), target, 11);
    request.set(bhttp::field::host, impl_->host);
    if (!body.empty()) request.set(bhttp::field::content_type, content_type);
    request.body() = body;
    request.keep_alive(true);
    request.prepare_payload();
    beast::error_code error;
    impl_->stream.expires_after(std::chrono::seconds(10));
    bhttp::write(impl_->stream, request, error);
    bhttp::response<bhttp::string_body> response;
    if (!error) bhttp::read(impl_->stream, impl_->buffer, response, error);
    if (error) {
      reply.error = error.message();
      impl_->stream.close();
      impl_->buffer.clear();
      impl_->connected = false;
      continue;  // the server closed a kept-alive connection: once more on a new one
    }
    reply.status = response.result_int();
    reply.body = std::move(response.body());
    reply.error.clear();
    if (!response.keep_alive()) {
      impl_->stream.close();
      impl_->connected = false;
    }
    return reply;
  }
  return reply;
}

}  // namespace confman::bench
