// confmanctl: Confman from the command line, through the client library
// (real/client/client.h).
//
//   confmanctl [--endpoints HOST:PORT,...] [--json] [--timeout-ms N] COMMAND
//     get KEY [--consistency linearizable|read-your-writes|stale]
//     put KEY VALUE [--if-mod-revision N] [--create-only]   VALUE: JSON, or else a string
//     del KEY
//     ls PREFIX [--limit N] [--all]
//     watch KEY [--prefix] [--revision N] [--max-events N]   until interrupted, or N events
//     member add ID PEER_URL CLIENT_URL [--voter] | member promote ID | member remove ID | member list
//     cluster status
//     leader transfer ID
//
// Endpoints come from --endpoints, else $CONFMAN_ENDPOINTS, else
// 127.0.0.1:8001. Exit codes: 0 done, 1 refused or unreachable (the error
// is on stderr), 2 a usage error.

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "real/ctl/ctl_commands.h"

namespace {

using namespace confman;
using namespace confman::ctl;

struct Args {
  std::string endpoints;
  bool json = false;
  std::uint32_t timeout_ms = 5000;
  std::string key;
  std::string value;
  std::string consistency = "linearizable";
  std::uint64_t if_mod_revision = 0;
  bool create_only = false;
  std::size_t limit = 100;
  bool all = false;
  bool prefix = false;
  std::uint64_t revision = 0;
  std::uint64_t max_events = 0;
  std::uint64_t id = 0;
  std::string peer_url;
  std::string client_url;
  bool voter = false;
};

// The subcommands, to see which one was given.
struct Commands {
  CLI::App* get = nullptr;
  CLI::App* put = nullptr;
  CLI::Option* if_mod_revision = nullptr;
  CLI::App* del = nullptr;
  CLI::App* ls = nullptr;
  CLI::App* watch = nullptr;
  CLI::App* member_add = nullptr;
  CLI::App* member_promote = nullptr;
  CLI::App* member_remove = nullptr;
  CLI::App* member_list = nullptr;
  CLI::App* cluster_status = nullptr;
  CLI::App* leader_transfer = nullptr;
};

void add_key_commands(CLI::App& app, Args& args, Commands& commands) {
  commands.get = app.add_subcommand("get", "Print a key");
  commands.get->add_option("KEY", args.key, "the key, e.g. /app/config/timeout")->required();
  commands.get->add_option("--consistency", args.consistency, "linearizable, read-your-writes or stale")
      ->check(CLI::IsMember({"linearizable", "read-your-writes", "stale"}))
      ->capture_default_str();

  commands.put = app.add_subcommand("put", "Set a key");
  commands.put->add_option("KEY", args.key, "the key")->required();
  commands.put->add_option("VALUE", args.value, "a JSON value; text that is not JSON is stored as a string")
      ->required();
  commands.if_mod_revision =
      commands.put->add_option("--if-mod-revision", args.if_mod_revision, "only if the key's modRevision is N");
  commands.put->add_flag("--create-only", args.create_only, "only if the key does not exist yet");

  commands.del = app.add_subcommand("del", "Delete a key");
  commands.del->add_option("KEY", args.key, "the key")->required();

  commands.ls = app.add_subcommand("ls", "List the keys under a prefix");
  commands.ls->add_option("PREFIX", args.key, "the namespace, e.g. /app/")->required();
  commands.ls->add_option("--limit", args.limit, "keys per page")->check(CLI::Range(1, 10000))->capture_default_str();
  commands.ls->add_flag("--all", args.all, "follow the pages to the last key");

  commands.watch = app.add_subcommand("watch", "Print changes to a key as they happen, until interrupted");
  commands.watch->add_option("KEY", args.key, "the key (or namespace, with --prefix)")->required();
  commands.watch->add_flag("--prefix", args.prefix, "every key under KEY");
  commands.watch->add_option("--revision", args.revision, "start from this revision (default: from now)");
  commands.watch->add_option("--max-events", args.max_events, "stop after this many events (default: never)");
}

void add_cluster_commands(CLI::App& app, Args& args, Commands& commands) {
  auto* member = app.add_subcommand("member", "Cluster membership");
  member->require_subcommand(1);
  commands.member_add = member->add_subcommand("add", "Add a node (as a learner unless --voter)");
  commands.member_add->add_option("ID", args.id, "the new node's id")->required()->check(CLI::PositiveNumber);
  commands.member_add->add_option("PEER_URL", args.peer_url, "its Raft address, host:port")->required();
  commands.member_add->add_option("CLIENT_URL", args.client_url, "its HTTP API address, host:port")->required();
  commands.member_add->add_flag("--voter", args.voter, "add it as a voter at once");
  commands.member_promote = member->add_subcommand("promote", "Make a learner a voter");
  commands.member_promote->add_option("ID", args.id, "the learner")->required()->check(CLI::PositiveNumber);
  commands.member_remove = member->add_subcommand("remove", "Remove a node");
  commands.member_remove->add_option("ID", args.id, "the node")->required()->check(CLI::PositiveNumber);
  commands.member_list = member->add_subcommand("list", "List the members");

  auto* cluster = app.add_subcommand("cluster", "The cluster as a whole");
  cluster->require_subcommand(1);
  commands.cluster_status = cluster->add_subcommand("status", "Leader, term, indexes and members");

  auto* leader = app.add_subcommand("leader", "Leadership");
  leader->require_subcommand(1);
  commands.leader_transfer = leader->add_subcommand("transfer", "Hand leadership to another voter");
  commands.leader_transfer->add_option("ID", args.id, "the voter to lead")->required()->check(CLI::PositiveNumber);
}

// watching: a watch outlives elections and restarts, so it keeps trying
// longer than a one-off command, for which a person is waiting.
client::Options client_options(const Args& args, bool watching) {
  client::Options options;
  std::string endpoints = args.endpoints;
  if (endpoints.empty()) {
    const char* from_env = std::getenv("CONFMAN_ENDPOINTS");
    endpoints = from_env != nullptr ? from_env : "";
  }
  if (!split_endpoints(endpoints).empty()) options.endpoints = split_endpoints(endpoints);
  options.request_timeout_ms = args.timeout_ms;
  const std::size_t rounds = watching ? 10 : 2;  // over the endpoints
  options.max_attempts =
      static_cast<std::uint32_t>(std::max<std::size_t>(2 * rounds, rounds * options.endpoints.size()));
  return options;
}

client::Consistency consistency_of(const std::string& name) {
  if (name == "stale") return client::Consistency::Stale;
  if (name == "read-your-writes") return client::Consistency::ReadYourWrites;
  return client::Consistency::Linearizable;
}

int run(const Args& args, const Commands& commands) {
  client::Client client(client_options(args, commands.watch->parsed()));
  const Printer printer{args.json, std::cout, std::cerr};
  if (*commands.get) return get_command(client, printer, args.key, consistency_of(args.consistency));
  if (*commands.put) {
    client::PutOptions options;
    if (commands.if_mod_revision->count() > 0) options.if_mod_revision = args.if_mod_revision;
    options.create_only = args.create_only;
    return put_command(client, printer, args.key, args.value, options);
  }
  if (*commands.del) return delete_command(client, printer, args.key);
  if (*commands.ls) return list_command(client, printer, args.key, args.limit, args.all);
  if (*commands.watch) return watch_command(client, printer, args.key, args.prefix, args.revision, args.max_events);
  if (*commands.member_add) {
    return cluster_command(client.add_member(args.id, args.peer_url, args.client_url, !args.voter), printer);
  }
  if (*commands.member_promote) return cluster_command(client.promote_member(args.id), printer);
  if (*commands.member_remove) return cluster_command(client.remove_member(args.id), printer);
  if (*commands.member_list) return member_list_command(client, printer);
  if (*commands.cluster_status) return cluster_command(client.cluster(), printer);
  if (*commands.leader_transfer) return cluster_command(client.transfer_leadership(args.id), printer);
  std::cerr << "confmanctl: no command given (see --help)\n";
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"confmanctl: read, write and watch a Confman cluster, and manage its members"};
  app.require_subcommand(1);
  app.fallthrough();  // global options may come after the command too
  Args args;
  app.add_option("--endpoints", args.endpoints,
                 "host:port of members, comma-separated (else $CONFMAN_ENDPOINTS, else 127.0.0.1:8001)");
  app.add_flag("--json", args.json, "print JSON instead of tables");
  app.add_option("--timeout-ms", args.timeout_ms, "timeout of one request")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  Commands commands;
  add_key_commands(app, args, commands);
  add_cluster_commands(app, args, commands);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);  // prints the help or the usage error
    return code == 0 ? kExitOk : kExitUsage;
  }
  return run(args, commands);
}
