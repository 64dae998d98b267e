#pragma once
// confmanctl's commands on top of the client library. Each prints its result
// to `out` (a table, or JSON with --json) or an error line to `err`, and
// returns the process exit code: 0, or 1 when the cluster refused or could
// not be asked.

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "real/client/client.h"

namespace confman::ctl {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

struct Printer {
  bool json = false;
  std::ostream& out;
  std::ostream& err;
};

int get_command(client::Client& client, const Printer& printer, const std::string& key,
                client::Consistency consistency);
int put_command(client::Client& client, const Printer& printer, const std::string& key, const std::string& value,
                client::PutOptions options);
int delete_command(client::Client& client, const Printer& printer, const std::string& key);
// page_size keys per request; all: follow the cursors to the end.
int list_command(client::Client& client, const Printer& printer, const std::string& prefix, std::size_t page_size,
                 bool all);
// Prints events until the process is interrupted (or the watch fails).
// max_events: stop after that many (0: until interrupted).
int watch_command(client::Client& client, const Printer& printer, const std::string& key, bool prefix,
                  std::uint64_t from_revision,
                  std::uint64_t max_events);
// Prints the cluster state a cluster or membership call answered.
int cluster_command(const client::ClientResult<client::ClusterState>& state, const Printer& printer);
int member_list_command(client::Client& client, const Printer& printer);

// A command line VALUE as JSON text: itself if it parses as JSON, else the
// JSON string holding it (so `put /a hello` stores "hello").
std::string value_argument_json(const std::string& text);
// "a:1, b:2" -> {"a:1", "b:2"}.
std::vector<std::string> split_endpoints(const std::string& text);

}  // namespace confman::ctl
