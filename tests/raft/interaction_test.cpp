// Raft interaction scripts with golden output, the way etcd-io/raft tests
// its scenarios (rafttest/interaction_env_handler.go over testdata/*.txt):
// each file in tests/raft/testdata/ is a list of commands, each followed by
// "----" and the output it must produce, up to a blank line. The output is
// the describe() of every Ready, message and status involved
// (core/raft/describe.h), so a change in what Raft does shows up as a diff
// of readable lines. `test_raft --rewrite` writes the outputs back into the
// files instead of comparing them (review the diff before committing it).
//
// Commands (ids are node ids):
//   add-nodes N [voters=1,2,3] [learners=4,5]  nodes 1..N (ids continue), with that membership
//   campaign ID          ID's election timer fires (time moves to its deadline)
//   tick ID              time moves to ID's next deadline (a leader's: its
//                        heartbeat), and ID ticks
//   propose ID DATA      a proposal on ID
//   read-index ID REQ    a ReadIndex request REQ on ID (§6.4)
//   transfer ID TARGET   leadership transfer (§3.10)
//   process-ready ID...  each node's Ready: described, persisted at once, advanced;
//                        its messages go to their mailboxes; entries it may apply are listed
//   deliver-msgs ID...   the mailboxes of those nodes (all, if none) are delivered
//   stabilize            process-ready and deliver-msgs until nothing moves
//   isolate ID / heal    drop every message to or from ID / stop dropping
//   status ID...         describe() of each status
//   log ID               the entries of ID's log

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/raft/describe.h"
#include "core/raft/raft.h"
#include "tests/raft/interaction_rewrite.h"

namespace confman::raft {
namespace {

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  std::string part;
  while (std::getline(stream, part, separator)) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

std::vector<NodeId> ids_of(const std::string& list) {
  std::vector<NodeId> ids;
  for (const std::string& part : split(list, ',')) ids.push_back(std::stoull(part));
  return ids;
}

class InteractionEnv {
 public:
  std::string run(const std::vector<std::string>& words) {
    out_.str("");
    const std::string& command = words.at(0);
    const std::vector<std::string> args(words.begin() + 1, words.end());
    if (command == "add-nodes") add_nodes(args);
    else if (command == "campaign") fire_timer(node_id(args, 0));
    else if (command == "tick") fire_timer(node_id(args, 0));
    else if (command == "propose") propose(node_id(args, 0), args.at(1));
    else if (command == "read-index") read_index(node_id(args, 0), std::stoull(args.at(1)));
    else if (command == "transfer") transfer(node_id(args, 0), std::stoull(args.at(1)));
    else if (command == "process-ready") for_each_id(args, [this](NodeId id) { process_ready(id); });
    else if (command == "deliver-msgs") deliver(args);
    else if (command == "stabilize") stabilize();
    else if (command == "isolate") isolated_.insert(node_id(args, 0));
    else if (command == "heal") isolated_.clear();
    else if (command == "status") for_each_id(args, [this](NodeId id) { out_ << describe(raft(id).status()) << "\n"; });
    else if (command == "log") log(node_id(args, 0));
    else out_ << "unknown command " << command << "\n";
    std::string text = out_.str();
    if (text.empty()) text = "ok\n";
    return text;
  }

 private:
  Raft& raft(NodeId id) { return *nodes_.at(id); }
  static NodeId node_id(const std::vector<std::string>& args, std::size_t at) { return std::stoull(args.at(at)); }

  template <typename Fn>
  void for_each_id(const std::vector<std::string>& args, Fn fn) {
    if (args.empty()) {
      for (auto& [id, node] : nodes_) fn(id);
      return;
    }
    for (const std::string& arg : args) fn(std::stoull(arg));
  }

  void add_nodes(const std::vector<std::string>& args) {
    const int count = std::stoi(args.at(0));
    std::vector<NodeId> voters;
    std::vector<NodeId> learners;
    for (std::size_t i = 1; i < args.size(); ++i) {
      if (args[i].rfind("voters=", 0) == 0) voters = ids_of(args[i].substr(7));
      if (args[i].rfind("learners=", 0) == 0) learners = ids_of(args[i].substr(9));
    }
    const NodeId first = nodes_.empty() ? 1 : nodes_.rbegin()->first + 1;
    if (voters.empty()) {
      for (NodeId id = first; id < first + static_cast<NodeId>(count); ++id) voters.push_back(id);
    }
    for (NodeId id = first; id < first + static_cast<NodeId>(count); ++id) {
      RaftConfig config;
      config.id = id;
      config.voters = voters;
      config.learners = learners;
      config.election_timeout_us = 1000;
      config.heartbeat_interval_us = 100;
      nodes_[id] = std::make_unique<Raft>(config, 7000 + id);
      nodes_[id]->restore(HardState{}, {}, now_us_);
      applied_[id] = 0;
    }
  }

  void fire_timer(NodeId id) {
    now_us_ = std::max(now_us_, raft(id).next_deadline_us());
    raft(id).tick(now_us_);
    out_ << describe(raft(id).status()) << "\n";
  }

  void propose(NodeId id, const std::string& data) {
    auto index = raft(id).propose(Bytes(data.begin(), data.end()), now_us_);
    if (index) {
      out_ << "index " << *index << "\n";
    } else {
      out_ << "rejected: leader hint " << index.error().leader_hint << " " << index.error().detail << "\n";
    }
  }

  void read_index(NodeId id, std::uint64_t request) {
    auto accepted = raft(id).read_index(request, now_us_);
    if (!accepted) out_ << "rejected: leader hint " << accepted.error().leader_hint << "\n";
  }

  void transfer(NodeId id, NodeId target) {
    auto started = raft(id).transfer_leadership(target, now_us_);
    if (!started) out_ << "rejected: " << started.error().detail << "\n";
  }

  bool process_ready(NodeId id) {
    Raft& node = raft(id);
    if (!node.has_ready()) return false;
    Ready ready = node.take_ready();
    out_ << "> " << id << " " << describe(ready) << "\n";
    node.advance(ready);
    for (const auto* messages : {&ready.messages, &ready.messages_after_persist}) {
      for (const Message& message : *messages) mailboxes_[message.to].push_back(message);
    }
    list_applicable(id);
    return true;
  }

  // A commit index that advanced on an acknowledgement makes no Ready of
  // its own: what a node may apply is listed whenever it grows.
  void list_applicable(NodeId id) {
    Raft& node = raft(id);
    for (LogIndex index = applied_[id] + 1; index <= node.applicable_index(); ++index) {
      out_ << "  " << id << " apply " << describe(node.log().at(index)) << "\n";
      applied_[id] = index;
    }
  }

  bool deliver_to(NodeId id) {
    auto mailbox = mailboxes_.find(id);
    if (mailbox == mailboxes_.end() || mailbox->second.empty()) return false;
    std::deque<Message> messages = std::move(mailbox->second);
    mailbox->second.clear();
    for (const Message& message : messages) {
      if (isolated_.count(message.from) != 0 || isolated_.count(message.to) != 0) {
        out_ << "  drop " << describe(message) << "\n";
        continue;
      }
      out_ << "  deliver " << describe(message) << "\n";
      if (nodes_.count(message.to) == 0) continue;
      raft(message.to).step(message, now_us_);
      list_applicable(message.to);
    }
    return true;
  }

  void deliver(const std::vector<std::string>& args) {
    if (args.empty()) {
      std::vector<NodeId> ids;
      for (const auto& [id, mailbox] : mailboxes_) ids.push_back(id);
      for (NodeId id : ids) deliver_to(id);
      return;
    }
    for (const std::string& arg : args) deliver_to(std::stoull(arg));
  }

  void stabilize() {
    for (int round = 0; round < 100; ++round) {
      bool moved = false;
      for (auto& [id, node] : nodes_) moved = process_ready(id) || moved;
      std::vector<NodeId> ids;
      for (const auto& [id, mailbox] : mailboxes_) ids.push_back(id);
      for (NodeId id : ids) moved = deliver_to(id) || moved;
      if (!moved) return;
    }
    out_ << "did not stabilize in 100 rounds\n";
  }

  void log(NodeId id) {
    const Raft& node = raft(id);
    for (LogIndex index = node.log().first_index(); index <= node.log().last_index(); ++index) {
      out_ << describe(node.log().at(index)) << "\n";
    }
  }

  std::map<NodeId, std::unique_ptr<Raft>> nodes_;
  std::map<NodeId, std::deque<Message>> mailboxes_;
  std::map<NodeId, LogIndex> applied_;
  std::set<NodeId> isolated_;
  TimeUs now_us_ = 0;
  std::ostringstream out_;
};

struct Case {
  std::string command;
  std::string expected;
};

// A script: comment lines ("#"), then per case a command line, "----", and
// the expected output up to a blank line.
std::vector<Case> parse_script(const std::string& text, std::vector<std::string>& preamble) {
  std::vector<Case> cases;
  std::stringstream stream(text);
  std::string line;
  std::vector<std::string> all;
  while (std::getline(stream, line)) all.push_back(line);
  std::size_t i = 0;
  while (i < all.size()) {
    if (all[i].empty() || all[i][0] == '#') {
      if (cases.empty() && !all[i].empty()) preamble.push_back(all[i]);
      ++i;
      continue;
    }
    Case next{all[i], ""};
    i += 1;
    if (i >= all.size() || all[i] != "----") throw std::runtime_error("expected ---- after \"" + next.command + "\"");
    i += 1;
    while (i < all.size() && !all[i].empty()) next.expected += all[i++] + "\n";
    cases.push_back(next);
  }
  return cases;
}

std::string render_script(const std::vector<std::string>& preamble, const std::vector<Case>& cases) {
  std::string text;
  for (const std::string& line : preamble) text += line + "\n";
  if (!preamble.empty()) text += "\n";
  for (const Case& one : cases) text += one.command + "\n----\n" + one.expected + "\n";
  return text;
}

std::vector<std::filesystem::path> scripts() {
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(CONFMAN_SOURCE_DIR) + "/tests/raft/testdata")) {
    if (entry.path().extension() == ".txt") paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

TEST(RaftInteraction, EveryScriptProducesItsGoldenOutput) {
  const auto paths = scripts();
  ASSERT_FALSE(paths.empty()) << "no scripts in tests/raft/testdata";
  for (const auto& path : paths) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    std::vector<std::string> preamble;
    std::vector<Case> cases = parse_script(text.str(), preamble);
    InteractionEnv env;
    for (Case& one : cases) {
      const std::string actual = env.run(split(one.command, ' '));
      if (testing::rewrite_golden_files()) {
        one.expected = actual;
      } else {
        EXPECT_EQ(actual, one.expected) << path.filename().string() << ": " << one.command;
      }
    }
    if (testing::rewrite_golden_files()) {
      std::ofstream out(path);
      out << render_script(preamble, cases);
    }
  }
}

}  // namespace
}  // namespace confman::raft
