#include "tools/nemesis/link_proxy.h"

#include <array>
#include <boost/asio.hpp>
#include <chrono>
#include <deque>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <vector>

namespace confman::nemesis {

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr std::uint32_t kRetransmissionTimeoutMs = 200;  // Linux's TCP_RTO_MIN
constexpr std::uint32_t kMaxRetransmissionDoublings = 3;  // 200, 400, 800, 1600 ms
constexpr auto kControlPollInterval = std::chrono::milliseconds(100);
constexpr std::size_t kReadChunkBytes = 16 * 1024;

// The conditions every link of this proxy currently has, and the draws.
struct LinkState {
  LinkConditions conditions;
  std::mt19937_64 random;
  std::string control_file;

  void reload() {
    std::ifstream in(control_file);
    std::string line;
    LinkConditions read;
    conditions = in && std::getline(in, line) && LinkConditions::parse(line, read) ? read : LinkConditions{};
  }
};

struct Chunk {
  Clock::time_point due;
  std::vector<char> bytes;
};

// One proxied connection: two pumps, each moving one direction's bytes
// through its delay queue.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket downstream, LinkState& link, tcp::endpoint target)
      : downstream_(std::move(downstream)),
        upstream_(downstream_.get_executor()),
        link_(link),
        target_(std::move(target)),
        pumps_{Pump(downstream_, upstream_), Pump(upstream_, downstream_)} {}

  void start() {
    upstream_.async_connect(target_, [self = shared_from_this()](const boost::system::error_code& error) {
      if (error) return self->close();
      boost::system::error_code ignored;
      self->downstream_.set_option(tcp::no_delay(true), ignored);
      self->upstream_.set_option(tcp::no_delay(true), ignored);
      for (Pump& pump : self->pumps_) self->read(pump);
    });
  }

 private:
  struct Pump {
    Pump(tcp::socket& from_socket, tcp::socket& to_socket)
        : from(from_socket), to(to_socket), timer(from_socket.get_executor()) {}
    tcp::socket& from;
    tcp::socket& to;
    asio::steady_timer timer;
    std::deque<Chunk> queue;
    std::uint64_t queued_bytes = 0;
    bool reading = false, writing = false;
    std::uint32_t losses_in_row = 0;
    Clock::time_point last_due{};
    std::array<char, kReadChunkBytes> buffer{};
  };

  void read(Pump& pump) {
    if (closed_ || pump.reading || pump.queued_bytes >= kMaxQueuedBytes) return;
    pump.reading = true;
    pump.from.async_read_some(asio::buffer(pump.buffer), [self = shared_from_this(), &pump](
                                                             const boost::system::error_code& error, std::size_t n) {
      pump.reading = false;
      if (error) return self->close();
      self->enqueue(pump, n);
      self->read(pump);
    });
  }

  void enqueue(Pump& pump, std::size_t n) {
    const std::uint32_t delay_ms = chunk_delay_ms(link_.conditions, link_.random, pump.losses_in_row);
    const Clock::time_point due = std::max(pump.last_due, Clock::now() + std::chrono::milliseconds(delay_ms));
    pump.last_due = due;
    pump.queue.push_back({due, std::vector<char>(pump.buffer.begin(), pump.buffer.begin() + static_cast<long>(n))});
    pump.queued_bytes += n;
    if (!pump.writing) deliver_next(pump);
  }

  void deliver_next(Pump& pump) {
    if (closed_ || pump.queue.empty()) {
      pump.writing = false;
      return;
    }
    pump.writing = true;
    pump.timer.expires_at(pump.queue.front().due);
    pump.timer.async_wait([self = shared_from_this(), &pump](const boost::system::error_code& error) {
      if (error || self->closed_) return;
      asio::async_write(pump.to, asio::buffer(pump.queue.front().bytes),
                        [self, &pump](const boost::system::error_code& write_error, std::size_t) {
                          if (write_error) return self->close();
                          pump.queued_bytes -= pump.queue.front().bytes.size();
                          pump.queue.pop_front();
                          self->read(pump);  // if a full queue had stopped it
                          self->deliver_next(pump);
                        });
    });
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ignored;
    downstream_.close(ignored);
    upstream_.close(ignored);
    for (Pump& pump : pumps_) pump.timer.cancel();
  }

  tcp::socket downstream_;
  tcp::socket upstream_;
  LinkState& link_;
  tcp::endpoint target_;
  std::array<Pump, 2> pumps_;
  bool closed_ = false;
};

void accept_next(tcp::acceptor& acceptor, LinkState& link, const tcp::endpoint& target) {
  acceptor.async_accept([&acceptor, &link, target](const boost::system::error_code& error, tcp::socket socket) {
    if (!error) std::make_shared<Session>(std::move(socket), link, target)->start();
    accept_next(acceptor, link, target);
  });
}

void poll_control(asio::steady_timer& timer, LinkState& link) {
  link.reload();
  timer.expires_after(kControlPollInterval);
  timer.async_wait([&timer, &link](const boost::system::error_code& error) {
    if (!error) poll_control(timer, link);
  });
}

}  // namespace

bool LinkConditions::parse(const std::string& text, LinkConditions& out) {
  std::istringstream in(text);
  LinkConditions read;
  if (!(in >> read.delay_min_ms >> read.delay_max_ms >> read.loss_ppm)) return false;
  if (read.delay_min_ms > read.delay_max_ms || read.delay_max_ms > 60'000 || read.loss_ppm > 1'000'000) return false;
  out = read;
  return true;
}

std::string LinkConditions::text() const {
  return std::to_string(delay_min_ms) + " " + std::to_string(delay_max_ms) + " " + std::to_string(loss_ppm);
}

std::uint32_t chunk_delay_ms(const LinkConditions& conditions, std::mt19937_64& random, std::uint32_t& losses_in_row) {
  if (conditions.perfect()) {
    losses_in_row = 0;
    return 0;
  }
  std::uint32_t delay_ms =
      std::uniform_int_distribution<std::uint32_t>(conditions.delay_min_ms, conditions.delay_max_ms)(random);
  const bool lost = std::uniform_int_distribution<std::uint32_t>(0, 999'999)(random) < conditions.loss_ppm;
  if (lost) {
    delay_ms += kRetransmissionTimeoutMs << std::min(losses_in_row, kMaxRetransmissionDoublings);
    losses_in_row += 1;
  } else {
    losses_in_row = 0;
  }
  return delay_ms;
}

int run_link_proxy(const LinkProxySettings& settings) {
  asio::io_context io;
  LinkState link{{}, std::mt19937_64(settings.seed), settings.control_file};
  boost::system::error_code error;
  const auto listen_address = asio::ip::make_address(settings.listen_address, error);
  const auto target_address = asio::ip::make_address(settings.target_address, error);
  if (error) {
    std::cerr << "confman-link-proxy: bad address: " << error.message() << "\n";
    return 2;
  }
  tcp::acceptor acceptor(io);
  const tcp::endpoint listen(listen_address, settings.listen_port);
  acceptor.open(listen.protocol(), error);
  if (!error) acceptor.set_option(tcp::acceptor::reuse_address(true), error);
  if (!error) acceptor.bind(listen, error);
  if (!error) acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    std::cerr << "confman-link-proxy: cannot listen on " << settings.listen_address << ":" << settings.listen_port
              << ": " << error.message() << "\n";
    return 2;
  }
  asio::steady_timer control_timer(io);
  poll_control(control_timer, link);
  accept_next(acceptor, link, tcp::endpoint(target_address, settings.target_port));
  io.run();
  return 0;
}

}  // namespace confman::nemesis
