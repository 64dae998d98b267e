// The trace half of the page's data: per node, its role and term over time
// (segments), commit and apply progress; the network faults as bands with
// their sides; crashes, pauses, clock jumps and disk faults per node; a
// sample of the messages; everything else as markers.

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "schema/trace_kind.h"
#include "viz/viz_internal.h"

namespace confman::viz::detail {
namespace {

struct Segment {
  std::int64_t start_us = 0;
  std::int64_t end_us = 0;
  std::size_t role = 0;
  std::int64_t term = 0;
  std::int64_t leader = 0;
};

struct Point {
  std::int64_t t_us = 0;
  std::int64_t value = 0;
};

struct NodeTrack {
  std::vector<Segment> segments;
  std::optional<Segment> current;
  std::vector<Point> commit;
  std::vector<Point> applied;
  std::int64_t crashed_since_us = -1;
  std::int64_t paused_since_us = -1;
};

// A fault on one node: a band (crash, pause, a disk fault with a duration)
// or an instant (clock jump, a disk fault without one).
struct NodeFault {
  std::int64_t node = 0;
  std::string category;  // crash | pause | clock | disk | other
  std::string name;      // the trace's fault name
  std::int64_t start_us = 0;
  std::int64_t end_us = 0;
  bool open = false;     // still in effect when the trace ends
  std::string detail;
};

// A network condition: from one network fault to the next, or a heal.
struct NetBand {
  std::string kind;  // partition | one-way | bridge | flap | liveness | other names
  std::vector<std::vector<std::int64_t>> groups;
  std::int64_t start_us = 0;
  std::int64_t end_us = 0;
  bool open = false;
  std::int64_t period_us = 0;
};

struct Message {
  std::int64_t t_us = 0;
  std::int64_t from = 0;
  std::int64_t to = 0;
  std::size_t type = 0;
};

struct Marker {
  std::int64_t t_us = 0;
  std::int64_t node = 0;
  std::size_t kind = 0;
  std::string text;
};

std::vector<std::vector<std::int64_t>> parse_groups(const std::string& text) {
  std::vector<std::vector<std::int64_t>> groups(1);
  std::int64_t number = -1;
  auto flush = [&] {
    if (number >= 0) groups.back().push_back(number);
    number = -1;
  };
  for (const char c : text) {
    if (c >= '0' && c <= '9') {
      number = (number < 0 ? 0 : number * 10) + (c - '0');
    } else if (c == '|') {
      flush();
      groups.emplace_back();
    } else {
      flush();
    }
  }
  flush();
  if (groups.size() == 1 && groups.front().empty()) groups.clear();
  return groups;
}

bool contains_any(const std::string& text, std::initializer_list<std::string_view> words) {
  return std::any_of(words.begin(), words.end(), [&](std::string_view w) { return text.find(w) != std::string::npos; });
}

// A fault this visualizer does not know by name: disk faults are being added
// to the simulator, so anything that sounds like the disk is shown as one.
std::string fault_category(const std::string& name) {
  if (contains_any(name, {"disk", "sync", "read", "write", "storage", "bit", "full", "latent", "fsync"})) return "disk";
  if (contains_any(name, {"clock", "skew", "drift"})) return "clock";
  return "other";
}

// Every field but the common ones, as "name=value" pairs.
std::string describe_fields(const json::object& event) {
  std::string text;
  for (const auto& [name, value] : event) {
    if (name == "t_us" || name == "kind" || name == "node") continue;
    if (!text.empty()) text += ' ';
    text += std::string(name) + '=';
    if (value.is_string()) {
      text += std::string(value.get_string());
    } else {
      text += json::serialize(value);
    }
  }
  return text;
}

std::string format_us(std::int64_t us) {
  const bool negative = us < 0;
  const std::int64_t magnitude = negative ? -us : us;
  std::string text = std::to_string(magnitude / 1000) + "." + std::to_string((magnitude % 1000) / 100) + " ms";
  return negative ? "-" + text : "+" + text;
}

// The points of a step series to keep so that at most `max_points` remain:
// the last point of each of max_points equal time buckets, and the first.
std::vector<Point> downsample(const std::vector<Point>& points, std::int64_t end_us, std::size_t max_points) {
  if (points.size() <= max_points || max_points < 2) return points;
  // Buckets of equal width; ceil(end / width) < max_points of them.
  const auto buckets = static_cast<std::int64_t>(max_points - 1);
  const std::int64_t width_us = std::max<std::int64_t>(end_us, 0) / buckets + 1;
  const auto bucket_of = [&](std::int64_t t_us) { return std::max<std::int64_t>(t_us, 0) / width_us; };
  std::vector<Point> kept{points.front()};
  for (std::size_t i = 1; i < points.size(); ++i) {
    const bool last_in_bucket = i + 1 == points.size() || bucket_of(points[i + 1].t_us) != bucket_of(points[i].t_us);
    if (last_in_bucket) kept.push_back(points[i]);
  }
  return kept;
}

json::array flat_points(const std::vector<Point>& points) {
  json::array array;
  array.reserve(points.size() * 2);
  for (const Point& p : points) {
    array.push_back(p.t_us);
    array.push_back(p.value);
  }
  return array;
}

class TraceBuilder {
 public:
  explicit TraceBuilder(const VizLimits& limits) : limits_(limits) {
    for (const char* role : {"follower", "pre-candidate", "candidate", "leader"}) intern(roles_, role);
  }

  bool visit(const json::object& event) {
    if (!has_int(event, "t_us")) return false;
    const auto kind_it = event.find("kind");
    if (kind_it == event.end() || !kind_it->value().is_string()) return false;
    const std::string kind(kind_it->value().get_string());
    const std::int64_t t_us = int_field(event, "t_us", 0);
    const std::int64_t node = int_field(event, "node", 0);
    end_us_ = std::max(end_us_, t_us);
    note_node(node);
    kind_counts_[kind] += 1;
    // Kinds this build does not know are shown as generic markers.
    const std::optional<schema::TraceKind> known = schema::trace_kind_from_name(kind);
    if (known) {
      switch (*known) {
        case schema::TraceKind::Send: return on_send(event, t_us, node);
        case schema::TraceKind::Status: return on_status(event, t_us, node);
        case schema::TraceKind::Apply: return on_apply(event, t_us, node);
        case schema::TraceKind::Fault: return on_fault(event, t_us, node);
        case schema::TraceKind::Client: return true;  // the history has the operations, with their invocations
        case schema::TraceKind::Phase: on_phase(event, t_us); break;
        default: break;
      }
    }
    add_marker(t_us, node, kind, describe_fields(event));
    return true;
  }

  TraceData finish(LineStats stats) {
    TraceData data;
    data.end_us = end_us_;
    data.stats = stats;
    close_all();
    json::object& out = data.object;
    out["nodes"] = json::array(nodes_.begin(), nodes_.end());
    out["roles"] = json::array(roles_.begin(), roles_.end());
    out["lanes"] = lanes_json();
    out["net"] = net_json();
    out["node_faults"] = node_faults_json();
    messages_json(out);
    markers_json(out);
    json::object kinds;
    for (const auto& [kind, count] : kind_counts_) kinds[kind] = count;
    out["kinds"] = std::move(kinds);
    return data;
  }

 private:
  static std::size_t intern(std::vector<std::string>& names, const std::string& name) {
    const auto it = std::find(names.begin(), names.end(), name);
    if (it != names.end()) return static_cast<std::size_t>(it - names.begin());
    names.push_back(name);
    return names.size() - 1;
  }

  void note_node(std::int64_t node) {
    if (node > 0) nodes_.insert(node);
  }

  NodeTrack& track(std::int64_t node) { return tracks_[node]; }

  bool on_send(const json::object& event, std::int64_t t_us, std::int64_t node) {
    if (!has_int(event, "to")) return false;
    const std::int64_t to = int_field(event, "to", 0);
    note_node(to);
    std::string type = string_field(event, "type");
    if (type.empty()) type = "?";
    messages_.push_back(Message{t_us, node, to, intern(message_types_, type)});
    return true;
  }

  bool on_status(const json::object& event, std::int64_t t_us, std::int64_t node) {
    if (node <= 0) return false;
    NodeTrack& tr = track(node);
    const Segment next{t_us, t_us, intern(roles_, string_field(event, "role")), int_field(event, "term", 0),
                       int_field(event, "leader", 0)};
    if (tr.current && tr.current->role == next.role && tr.current->term == next.term &&
        tr.current->leader == next.leader) {
      // Only the commit index moved.
    } else {
      close_segment(tr, t_us);
      tr.current = next;
    }
    if (has_int(event, "commit")) {
      const std::int64_t commit = int_field(event, "commit", 0);
      if (tr.commit.empty() || tr.commit.back().value != commit) tr.commit.push_back(Point{t_us, commit});
    }
    return true;
  }

  bool on_apply(const json::object& event, std::int64_t t_us, std::int64_t node) {
    if (node <= 0 || !has_int(event, "index")) return false;
    NodeTrack& tr = track(node);
    const std::int64_t index = int_field(event, "index", 0);
    if (!tr.applied.empty() && tr.applied.back().t_us == t_us) {
      tr.applied.back().value = index;  // a batch applied at one instant: keep where it ended
    } else {
      tr.applied.push_back(Point{t_us, index});
    }
    return true;
  }

  bool on_fault(const json::object& event, std::int64_t t_us, std::int64_t node) {
    const std::string fault = string_field(event, "fault");
    if (fault.empty()) return false;
    if (fault == "partition" || fault == "one-way" || fault == "bridge" || fault == "flap") {
      open_net(NetBand{fault, parse_groups(string_field(event, "groups")), t_us, t_us, false,
                       int_field(event, "period_us", 0)});
    } else if (fault == "heal") {
      close_net(t_us);
    } else if (node > 0 && fault == "crash") {
      NodeTrack& tr = track(node);
      close_segment(tr, t_us);
      end_pause(node, t_us);
      if (tr.crashed_since_us < 0) tr.crashed_since_us = t_us;
    } else if (node > 0 && fault == "restart") {
      NodeTrack& tr = track(node);
      if (tr.crashed_since_us >= 0) {
        node_faults_.push_back(NodeFault{node, "crash", "crash", tr.crashed_since_us, t_us, false, ""});
        tr.crashed_since_us = -1;
      }
    } else if (node > 0 && fault == "pause") {
      NodeTrack& tr = track(node);
      if (tr.paused_since_us < 0) tr.paused_since_us = t_us;
    } else if (node > 0 && fault == "resume") {
      end_pause(node, t_us);
    } else if (node > 0 && fault == "clock-jump") {
      node_faults_.push_back(
          NodeFault{node, "clock", fault, t_us, t_us, false, "clock jumps " + format_us(int_field(event, "delta_us", 0))});
    } else if (node > 0 || has_int(event, "duration_us")) {
      // A fault this page does not know: a band when it says how long it
      // lasts, else an instant, on its node's lane (node 0: the network row).
      const std::int64_t duration_us = std::max<std::int64_t>(int_field(event, "duration_us", 0), 0);
      if (node > 0) {
        node_faults_.push_back(
            NodeFault{node, fault_category(fault), fault, t_us, t_us + duration_us, false, describe_fields(event)});
      } else {
        open_net(NetBand{fault, parse_groups(string_field(event, "groups")), t_us, t_us + duration_us, false, 0});
        close_net(t_us + duration_us);
      }
    } else {
      add_marker(t_us, node, "fault", describe_fields(event));
    }
    return true;
  }

  void on_phase(const json::object& event, std::int64_t t_us) {
    if (string_field(event, "phase") != "liveness") return;
    // The harness connects a majority and cuts the rest off until the final heal.
    open_net(NetBand{"liveness", parse_groups(string_field(event, "quorum")), t_us, t_us, false, 0});
  }

  void add_marker(std::int64_t t_us, std::int64_t node, const std::string& kind, std::string text) {
    markers_.push_back(Marker{t_us, node, intern(marker_kinds_, kind), std::move(text)});
  }

  void close_segment(NodeTrack& tr, std::int64_t t_us) {
    if (!tr.current) return;
    tr.current->end_us = t_us;
    if (tr.current->end_us > tr.current->start_us) tr.segments.push_back(*tr.current);
    tr.current.reset();
  }

  void end_pause(std::int64_t node, std::int64_t t_us) {
    NodeTrack& tr = track(node);
    if (tr.paused_since_us < 0) return;
    node_faults_.push_back(NodeFault{node, "pause", "pause", tr.paused_since_us, t_us, false, ""});
    tr.paused_since_us = -1;
  }

  void open_net(NetBand band) {
    close_net(band.start_us);
    current_net_ = std::move(band);
  }

  void close_net(std::int64_t t_us) {
    if (!current_net_) return;
    current_net_->end_us = std::max(current_net_->start_us, t_us);
    net_.push_back(std::move(*current_net_));
    current_net_.reset();
  }

  void close_all() {
    if (current_net_) {
      current_net_->open = true;
      close_net(end_us_);
    }
    for (auto& [node, tr] : tracks_) {
      close_segment(tr, end_us_);
      if (tr.crashed_since_us >= 0) {
        node_faults_.push_back(NodeFault{node, "crash", "crash", tr.crashed_since_us, end_us_, true, ""});
      }
      if (tr.paused_since_us >= 0) {
        node_faults_.push_back(NodeFault{node, "pause", "pause", tr.paused_since_us, end_us_, true, ""});
      }
    }
    std::stable_sort(node_faults_.begin(), node_faults_.end(),
                     [](const NodeFault& a, const NodeFault& b) { return a.start_us < b.start_us; });
  }

  json::array lanes_json() const {
    json::array lanes;
    for (const std::int64_t node : nodes_) {
      json::object lane;
      lane["node"] = node;
      json::array segments;
      const auto it = tracks_.find(node);
      if (it != tracks_.end()) {
        for (const Segment& s : it->second.segments) {
          segments.push_back(json::array{s.start_us, s.end_us, s.role, s.term, s.leader});
        }
        lane["commit"] = flat_points(downsample(it->second.commit, end_us_, limits_.max_progress_points));
        lane["applied"] = flat_points(downsample(it->second.applied, end_us_, limits_.max_progress_points));
      } else {
        lane["commit"] = json::array();
        lane["applied"] = json::array();
      }
      lane["segs"] = std::move(segments);
      lanes.push_back(std::move(lane));
    }
    return lanes;
  }

  // Per node (in the order of "nodes"): which side of the band it is on.
  // 0, 1, 2...: the groups; -2: cut off from everyone; -1: not affected.
  json::array sides(const NetBand& band) const {
    const bool isolates_rest = band.kind == "partition" || band.kind == "liveness";
    json::array sides;
    for (const std::int64_t node : nodes_) {
      std::int64_t side = isolates_rest ? -2 : -1;
      for (std::size_t g = 0; g < band.groups.size(); ++g) {
        if (std::find(band.groups[g].begin(), band.groups[g].end(), node) != band.groups[g].end()) {
          side = static_cast<std::int64_t>(g);
        }
      }
      sides.push_back(side);
    }
    return sides;
  }

  json::array net_json() const {
    json::array bands;
    for (const NetBand& band : net_) {
      json::object object;
      object["kind"] = band.kind;
      object["start"] = band.start_us;
      object["end"] = band.end_us;
      object["open"] = band.open;
      json::array groups;
      for (const auto& group : band.groups) groups.push_back(json::array(group.begin(), group.end()));
      object["groups"] = std::move(groups);
      object["sides"] = sides(band);
      if (band.period_us > 0) object["period_us"] = band.period_us;
      bands.push_back(std::move(object));
    }
    return bands;
  }

  json::array node_faults_json() const {
    json::array faults;
    for (const NodeFault& f : node_faults_) {
      faults.push_back(json::array{f.node, f.category, f.name, f.start_us, f.end_us, f.open, f.detail});
    }
    return faults;
  }

  void messages_json(json::object& out) const {
    std::vector<std::vector<std::size_t>> by_type(message_types_.size());
    for (std::size_t i = 0; i < messages_.size(); ++i) by_type[messages_[i].type].push_back(i);
    std::vector<std::size_t> sizes;
    for (const auto& list : by_type) sizes.push_back(list.size());
    const std::vector<std::size_t> budget = share_budget(sizes, limits_.max_messages);
    std::vector<std::size_t> kept;
    json::array shown;
    for (std::size_t type = 0; type < by_type.size(); ++type) {
      for (const std::size_t position : spread(by_type[type].size(), budget[type])) {
        kept.push_back(by_type[type][position]);
      }
      shown.push_back(budget[type]);
    }
    std::sort(kept.begin(), kept.end());
    json::array flat;
    flat.reserve(kept.size() * 4);
    for (const std::size_t i : kept) {
      const Message& m = messages_[i];
      flat.push_back(m.t_us);
      flat.push_back(m.from);
      flat.push_back(m.to);
      flat.push_back(m.type);
    }
    out["msg_types"] = json::array(message_types_.begin(), message_types_.end());
    out["msg_counts"] = json::array(sizes.begin(), sizes.end());
    out["msg_shown"] = std::move(shown);
    out["msgs"] = std::move(flat);
  }

  void markers_json(json::object& out) const {
    std::vector<std::vector<std::size_t>> by_kind(marker_kinds_.size());
    for (std::size_t i = 0; i < markers_.size(); ++i) by_kind[markers_[i].kind].push_back(i);
    std::vector<std::size_t> sizes;
    for (const auto& list : by_kind) sizes.push_back(list.size());
    const std::vector<std::size_t> budget = share_budget(sizes, limits_.max_markers);
    std::vector<std::size_t> kept;
    for (std::size_t kind = 0; kind < by_kind.size(); ++kind) {
      for (const std::size_t position : spread(by_kind[kind].size(), budget[kind])) {
        kept.push_back(by_kind[kind][position]);
      }
    }
    std::sort(kept.begin(), kept.end());
    json::array markers;
    for (const std::size_t i : kept) {
      const Marker& m = markers_[i];
      markers.push_back(json::array{m.t_us, m.node, m.kind, m.text});
    }
    out["marker_kinds"] = json::array(marker_kinds_.begin(), marker_kinds_.end());
    out["marker_counts"] = json::array(sizes.begin(), sizes.end());
    out["markers"] = std::move(markers);
  }

  const VizLimits& limits_;
  std::int64_t end_us_ = 0;
  std::set<std::int64_t> nodes_;
  std::map<std::int64_t, NodeTrack> tracks_;
  std::vector<std::string> roles_;
  std::vector<NodeFault> node_faults_;
  std::vector<NetBand> net_;
  std::optional<NetBand> current_net_;
  std::vector<std::string> message_types_;
  std::vector<Message> messages_;
  std::vector<std::string> marker_kinds_;
  std::vector<Marker> markers_;
  std::map<std::string, std::size_t> kind_counts_;
};

}  // namespace

TraceData build_trace_data(std::string_view trace_jsonl, const VizLimits& limits) {
  TraceBuilder builder(limits);
  const LineStats stats = for_each_json_line(trace_jsonl, [&](const json::object& event) { return builder.visit(event); });
  return builder.finish(stats);
}

}  // namespace confman::viz::detail
