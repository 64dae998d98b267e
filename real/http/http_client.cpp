#include "real/http/http_client.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace confman::real::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

class Call : public std::enable_shared_from_this<Call> {
 public:
  Call(asio::io_context& io, HostPort to, std::uint32_t timeout_ms, std::function<void(ForwardReply)> done)
      : resolver_(io), stream_(io), to_(std::move(to)), timeout_ms_(timeout_ms), done_(std::move(done)) {}

  void start(const Request& request) {
    message_.method_string(request.method);
    message_.target(request.target);
    message_.version(11);
    for (const auto& [name, value] : request.headers) {
      if (name == "host" || name == "content-length" || name == "connection") continue;
      message_.set(name, value);
    }
    message_.set(bhttp::field::host, to_.describe());
    message_.body() = request.body;
    message_.keep_alive(false);
    message_.prepare_payload();
    stream_.expires_after(std::chrono::milliseconds(timeout_ms_));
    auto self = shared_from_this();
    resolver_.async_resolve(to_.host, std::to_string(to_.port),
                            [self](beast::error_code error, tcp::resolver::results_type results) {
                              if (error) return self->fail(ForwardReply::Kind::NotSent, error);
                              self->stream_.async_connect(results, [self](beast::error_code connect_error,
                                                                          const tcp::endpoint&) {
                                if (connect_error) return self->fail(ForwardReply::Kind::NotSent, connect_error);
                                self->write();
                              });
                            });
  }

 private:
  void write() {
    auto self = shared_from_this();
    bhttp::async_write(stream_, message_, [self](beast::error_code error, std::size_t) {
      if (error) return self->fail(ForwardReply::Kind::NoAnswer, error);
      self->read();
    });
  }

  void read() {
    auto self = shared_from_this();
    bhttp::async_read(stream_, buffer_, reply_, [self](beast::error_code error, std::size_t) {
      if (error) return self->fail(ForwardReply::Kind::NoAnswer, error);
      Response response;
      response.status = self->reply_.result_int();
      response.content_type = std::string(self->reply_[bhttp::field::content_type]);
      for (const auto& field : self->reply_) {
        const auto name = field.name();
        if (name == bhttp::field::content_type || name == bhttp::field::content_length ||
            name == bhttp::field::connection || name == bhttp::field::server) {
          continue;
        }
        response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
      }
      response.body = std::move(self->reply_.body());
      self->finish(ForwardReply{.kind = ForwardReply::Kind::Answered, .response = std::move(response)});
    });
  }

  void fail(ForwardReply::Kind kind, const beast::error_code& error) {
    finish(ForwardReply{.kind = kind, .detail = to_.describe() + ": " + error.message()});
  }

  void finish(ForwardReply reply) {
    if (!done_) return;
    auto done = std::move(done_);
    done_ = nullptr;
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    done(std::move(reply));
  }

  tcp::resolver resolver_;
  beast::tcp_stream stream_;
  HostPort to_;
  std::uint32_t timeout_ms_;
  std::function<void(ForwardReply)> done_;
  bhttp::request<bhttp::string_body> message_;
  beast::flat_buffer buffer_;
  bhttp::response<bhttp::string_body> reply_;
};

}  // namespace

void send_request(asio::io_context& io, const HostPort& to, const Request& request, std::uint32_t timeout_ms,
                  std::function<void(ForwardReply)> done) {
  std::make_shared<Call>(io, to, timeout_ms, std::move(done))->start(request);
}

}  // namespace confman::real::http
