// The peer port against connections that are not well-behaved members
// (real/transport/tcp_transport.h): a frame whose bytes stop coming closes
// its connection at the frame deadline, a connection that sends nothing
// closes at the idle timeout, and a whole frame still arrives. Short limits
// here; the server's are 10 s and 5 minutes.

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <thread>

#include "real/transport/tcp_transport.h"
#include "tests/real/raw_connection.h"

namespace confman::real {
namespace {

using testing::RawConnection;

class PeerPort : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = TcpTransport::start(io_, HostPort{"127.0.0.1", 0}, [this](Bytes frame) { frames_.push_back(frame); },
                                       TransportLimits{std::chrono::milliseconds(400), std::chrono::milliseconds(300)});
    ASSERT_TRUE(started.ok()) << started.error();
    transport_ = std::move(*started);
    port_ = transport_->listening_port();
    guard_.emplace(boost::asio::make_work_guard(io_));
    thread_ = std::thread([this] { io_.run(); });
  }
  // Stops the io thread, so stats and frames may be read.
  void stop() {
    if (!thread_.joinable()) return;
    guard_.reset();
    io_.stop();
    thread_.join();
  }
  void TearDown() override {
    stop();
    transport_.reset();
  }

  static std::string prefix(std::uint32_t length) {
    return std::string{static_cast<char>(length), static_cast<char>(length >> 8), static_cast<char>(length >> 16),
                       static_cast<char>(length >> 24)};
  }

  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard_;
  std::unique_ptr<TcpTransport> transport_;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::vector<Bytes> frames_;
};

TEST_F(PeerPort, AFrameWhoseBytesStopComingIsCutAtTheDeadline) {
  RawConnection connection(port_);
  ASSERT_TRUE(connection.connected());
  connection.send(prefix(1 << 20) + std::string(100, 'x'));  // promises 1 MiB, sends 100 bytes
  connection.read_until_closed(std::chrono::seconds(10));
  EXPECT_FALSE(connection.timed_out()) << "the port kept the stalled frame's connection open";
  stop();
  EXPECT_EQ(transport_->stats().inbound_frame_timeouts, 1u);
  EXPECT_TRUE(frames_.empty());
}

TEST_F(PeerPort, AConnectionThatSendsNothingIsClosedWhenIdle) {
  RawConnection connection(port_);
  ASSERT_TRUE(connection.connected());
  connection.read_until_closed(std::chrono::seconds(10));
  EXPECT_FALSE(connection.timed_out()) << "the idle connection was kept";
  stop();
  EXPECT_EQ(transport_->stats().inbound_idle_closed, 1u);
}

TEST_F(PeerPort, WholeFramesArriveAcrossChunksAndAnOversizedOneIsRefused) {
  RawConnection connection(port_);
  ASSERT_TRUE(connection.connected());
  const std::string big(200'000, 'b');  // several read chunks
  connection.send(prefix(3) + "abc" + prefix(static_cast<std::uint32_t>(big.size())) + big);
  connection.send(prefix(0xffffffffu));
  connection.read_until_closed(std::chrono::seconds(10));
  EXPECT_FALSE(connection.timed_out());
  stop();
  ASSERT_EQ(frames_.size(), 2u);
  EXPECT_EQ(std::string(frames_[0].begin(), frames_[0].end()), "abc");
  EXPECT_EQ(frames_[1].size(), big.size());
  EXPECT_EQ(transport_->stats().frames_rejected_oversized, 1u);
  EXPECT_EQ(transport_->stats().inbound_frame_timeouts, 0u);
}

}  // namespace
}  // namespace confman::real
