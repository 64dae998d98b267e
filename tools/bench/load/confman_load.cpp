// confman-load: write and linearizable-read throughput and latency (p50,
// p99) of a cluster over its HTTP API, at several client concurrencies.
// Each client is a thread with one keep-alive connection that sends one
// request at a time. The same tool speaks etcd's v3 JSON gateway
// (--target etcd), so both stores are measured by the same code on the same
// machine (README.md, "Load against a real cluster").
//
//   confman-load --endpoints 127.0.0.1:8001 --clients 1,16,64 --seconds 10

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>
#include <vector>

#include "tools/bench/load/http_connection.h"

namespace {

using confman::bench::HttpConnection;
using confman::bench::HttpReply;
using Clock = std::chrono::steady_clock;

struct Settings {
  std::string target = "confman";
  std::vector<std::string> endpoints{"127.0.0.1:8001"};
  std::vector<int> clients{1, 16, 64};
  std::vector<std::string> operations{"write", "read"};
  double seconds = 10;
  std::size_t value_bytes = 256;
  std::size_t keys = 1000;
};

struct Endpoint {
  std::string host;
  std::uint16_t port = 0;
};

Endpoint parse_endpoint(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("endpoint '" + text + "' is not host:port");
  return Endpoint{text.substr(0, colon), static_cast<std::uint16_t>(std::stoi(text.substr(colon + 1)))};
}

std::string base64(const std::string& data) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    const unsigned n = (static_cast<unsigned char>(data[i]) << 16) | (static_cast<unsigned char>(data[i + 1]) << 8) |
                       static_cast<unsigned char>(data[i + 2]);
    out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63], kAlphabet[n & 63]};
  }
  if (i < data.size()) {
    unsigned n = static_cast<unsigned char>(data[i]) << 16;
    if (i + 1 < data.size()) n |= static_cast<unsigned char>(data[i + 1]) << 8;
    out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63]};
    out += i + 1 < data.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// Where requests go: confman's leader (found through /api/v1/cluster, so no
// request pays for forwarding), or the first endpoint for etcd.
Endpoint choose_endpoint(const Settings& settings) {
  const Endpoint first = parse_endpoint(settings.endpoints.front());
  if (settings.target != "confman") return first;
  HttpConnection connection(first.host, first.port);
  const HttpReply reply = connection.send("GET", "/api/v1/cluster", "");
  if (reply.status != 200) throw std::runtime_error("GET /api/v1/cluster: " + reply.error + reply.body);
  const auto state = boost::json::parse(reply.body).as_object();
  const auto leader = state.at("leader").as_int64();
  for (const auto& member : state.at("members").as_array()) {
    if (member.as_object().at("id").as_int64() == leader && member.as_object().contains("clientUrl")) {
      return parse_endpoint(std::string(member.as_object().at("clientUrl").as_string()));
    }
  }
  return first;
}

HttpReply send_operation(HttpConnection& connection, const Settings& settings, bool write, const std::string& key,
                         const std::string& value) {
  if (settings.target == "etcd") {
    if (write) {
      return connection.send("POST", "/v3/kv/put",
                             "{\"key\":\"" + base64(key) + "\",\"value\":\"" + base64(value) + "\"}");
    }
    return connection.send("POST", "/v3/kv/range", "{\"key\":\"" + base64(key) + "\"}");
  }
  if (write) return connection.send("PUT", "/api/v1/config" + key, "{\"value\":\"" + value + "\"}");
  return connection.send("GET", "/api/v1/config" + key, "");
}

struct Measured {
  std::vector<std::uint32_t> latencies_us;
  std::uint64_t errors = 0;
  std::string first_error;
};

Measured run_client(const Settings& settings, const Endpoint& endpoint, bool write, int index, Clock::time_point until) {
  HttpConnection connection(endpoint.host, endpoint.port);
  const std::string value(settings.value_bytes, static_cast<char>('a' + index % 26));
  Measured measured;
  std::uint64_t counter = static_cast<std::uint64_t>(index) * 7919;
  while (Clock::now() < until) {
    const std::string key = "/bench/k" + std::to_string(counter++ % settings.keys);
    const auto started = Clock::now();
    const HttpReply reply = send_operation(connection, settings, write, key, value);
    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started).count();
    if (reply.status == 200 || (!write && reply.status == 404)) {
      measured.latencies_us.push_back(static_cast<std::uint32_t>(elapsed));
    } else {
      measured.errors += 1;
      if (measured.first_error.empty()) measured.first_error = std::to_string(reply.status) + " " + reply.error + reply.body;
    }
  }
  return measured;
}

void run_level(const Settings& settings, const Endpoint& endpoint, const std::string& operation, int clients) {
  const bool write = operation == "write";
  const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(settings.seconds));
  std::vector<Measured> results(static_cast<std::size_t>(clients));
  std::vector<std::thread> threads;
  const auto started = Clock::now();
  for (int i = 0; i < clients; ++i) {
    threads.emplace_back([&, i] { results[static_cast<std::size_t>(i)] = run_client(settings, endpoint, write, i, until); });
  }
  for (auto& thread : threads) thread.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
  std::vector<std::uint32_t> all;
  std::uint64_t errors = 0;
  std::string first_error;
  for (auto& result : results) {
    all.insert(all.end(), result.latencies_us.begin(), result.latencies_us.end());
    errors += result.errors;
    if (first_error.empty()) first_error = result.first_error;
  }
  std::sort(all.begin(), all.end());
  auto percentile = [&all](double p) {
    if (all.empty()) return 0.0;
    return all[std::min(all.size() - 1, static_cast<std::size_t>(p * static_cast<double>(all.size())))] / 1000.0;
  };
  std::printf("%-8s %-6s %7d %12.0f %10.2f %10.2f %8llu\n", settings.target.c_str(), operation.c_str(), clients,
              static_cast<double>(all.size()) / elapsed, percentile(0.50), percentile(0.99),
              static_cast<unsigned long long>(errors));
  if (!first_error.empty()) std::printf("  first error: %s\n", first_error.substr(0, 200).c_str());
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"confman-load: throughput and latency of a Confman (or etcd) cluster"};
  Settings settings;
  app.add_option("--target", settings.target, "confman or etcd")->check(CLI::IsMember({"confman", "etcd"}));
  app.add_option("--endpoints", settings.endpoints, "host:port of the cluster's client API")->delimiter(',');
  app.add_option("--clients", settings.clients, "concurrent clients, e.g. 1,16,64")->delimiter(',');
  app.add_option("--ops", settings.operations, "write, read or both")->delimiter(',');
  app.add_option("--seconds", settings.seconds, "duration of each measurement")->capture_default_str();
  app.add_option("--value-bytes", settings.value_bytes, "size of each written value")->capture_default_str();
  app.add_option("--keys", settings.keys, "distinct keys written and read")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    const Endpoint endpoint = choose_endpoint(settings);
    std::printf("# %s at %s:%u, %.0f s per level, %zu-byte values, %zu keys\n", settings.target.c_str(),
                endpoint.host.c_str(), endpoint.port, settings.seconds, settings.value_bytes, settings.keys);
    std::printf("%-8s %-6s %7s %12s %10s %10s %8s\n", "target", "op", "clients", "ops/s", "p50_ms", "p99_ms", "errors");
    for (const std::string& operation : settings.operations) {
      for (int clients : settings.clients) run_level(settings, endpoint, operation, clients);
    }
  } catch (const std::exception& error) {
    std::cerr << "confman-load: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
