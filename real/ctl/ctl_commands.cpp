#include "real/ctl/ctl_commands.h"

#include <boost/json.hpp>

#include <iostream>

#include "real/ctl/ctl_output.h"

namespace confman::ctl {

namespace {

int fail(const Printer& printer, const client::Error& error) {
  printer.err << error_line(error) << "\n";
  return kExitFailed;
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

}  // namespace

std::string value_argument_json(const std::string& text) {
  boost::json::error_code error;
  boost::json::parse(text, error);
  return error ? boost::json::serialize(boost::json::value(text)) : text;
}

std::vector<std::string> split_endpoints(const std::string& text) {
  std::vector<std::string> endpoints;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    const std::string endpoint =
        trimmed(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (!endpoint.empty()) endpoints.push_back(endpoint);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return endpoints;
}

int get_command(client::Client& client, const Printer& printer, const std::string& key,
                client::Consistency consistency) {
  auto found = client.get(key, consistency);
  if (!found) return fail(printer, found.error());
  if (!*found) return fail(printer, client::Error{404, "Not Found", "no key " + key, false});
  printer.out << (printer.json ? key_value_json(**found) + "\n" : key_values_table({**found}));
  return kExitOk;
}

int put_command(client::Client& client, const Printer& printer, const std::string& key, const std::string& value,
                client::PutOptions options) {
  auto written = client.put(key, value_argument_json(value), options);
  if (!written) return fail(printer, written.error());
  printer.out << (printer.json ? key_value_json(*written) + "\n" : key_values_table({*written}));
  return kExitOk;
}

int delete_command(client::Client& client, const Printer& printer, const std::string& key) {
  auto revision = client.remove(key);
  if (!revision) return fail(printer, revision.error());
  if (printer.json) {
    printer.out << deleted_json(key, *revision) << "\n";
  } else {
    printer.out << "deleted " << key << " at revision " << *revision << "\n";
  }
  return kExitOk;
}

int list_command(client::Client& client, const Printer& printer, const std::string& prefix, std::size_t page_size,
                 bool all) {
  client::ListPage listed;
  std::string after;
  do {
    auto page = client.list(prefix, after, page_size);
    if (!page) return fail(printer, page.error());
    listed.keys.insert(listed.keys.end(), page->keys.begin(), page->keys.end());
    listed.revision = page->revision;
    listed.next = page->next;
    after = page->next.value_or("");
  } while (all && listed.next);
  if (printer.json) {
    printer.out << list_json(prefix, listed) << "\n";
    return kExitOk;
  }
  printer.out << key_values_table(listed.keys);
  if (listed.next) printer.err << "(more keys after " << *listed.next << ": use --all, or a larger --limit)\n";
  return kExitOk;
}

int watch_command(client::Client& client, const Printer& printer, const std::string& key, bool prefix,
                  std::uint64_t from_revision, std::uint64_t max_events) {
  std::uint64_t printed = 0;
  auto watched = client.watch(key, prefix, from_revision, [&](const client::WatchEvent& event) {
    printer.out << (printer.json ? watch_event_json(event) : watch_event_text(event))
                << std::endl;  // flush: a pipe reads it now
    printed += 1;
    return max_events == 0 || printed < max_events;
  });
  return watched ? kExitOk : fail(printer, watched.error());
}

int cluster_command(const client::ClientResult<client::ClusterState>& state, const Printer& printer) {
  if (!state) return fail(printer, state.error());
  printer.out << (printer.json ? cluster_json(*state) + "\n" : cluster_text(*state));
  return kExitOk;
}

int member_list_command(client::Client& client, const Printer& printer) {
  auto state = client.cluster();
  if (!state) return fail(printer, state.error());
  printer.out << (printer.json ? cluster_json(*state) + "\n" : members_table(*state));
  return kExitOk;
}

}  // namespace confman::ctl
