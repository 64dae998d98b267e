// confman-link-proxy: the slow, lossy link in front of one node's peer port
// during a confman-nemesis run (link_proxy.h has the fault model). Started
// by the nemesis inside the node's namespace; killed by it at the end.
//
//   confman-link-proxy --listen-address 10.77.0.11 --listen-port 7101
//       --to-address 10.77.0.11 --to-port 7001 --control /tmp/run/controls/links-1 --seed 7
// (one command line)

#include <CLI/CLI.hpp>

#include "tools/nemesis/link_proxy.h"

int main(int argc, char** argv) {
  CLI::App app{"A TCP proxy that delays and 'loses' (retransmits late) what passes through it"};
  confman::nemesis::LinkProxySettings settings;
  app.add_option("--listen-address", settings.listen_address, "address to listen on")->required();
  app.add_option("--listen-port", settings.listen_port, "port to listen on")->required();
  app.add_option("--to-address", settings.target_address, "the server's peer address")->required();
  app.add_option("--to-port", settings.target_port, "the server's peer port")->required();
  app.add_option("--control", settings.control_file, "file holding DELAY_MIN_MS DELAY_MAX_MS LOSS_PPM")->required();
  app.add_option("--seed", settings.seed, "seed of the delay and loss draws")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  return confman::nemesis::run_link_proxy(settings);
}
