// Client::watch: Server-Sent Events from GET /api/v1/watch/{key}, resumed
// after a disconnect from the revision after the last one seen, on the next
// endpoint.
#include <algorithm>
#include <charconv>
#include <thread>

#include "real/client/client.h"
#include "real/client/client_impl.h"
#include "real/client/json_codec.h"
#include "real/client/retry_policy.h"
#include "real/client/sse_parser.h"
#include "real/client/url_encode.h"

namespace confman::client {

namespace {

// The server sends a progress event to every watcher each 10 s
// (real/server/server.cpp); a stream silent for three of those is dead.
constexpr std::uint32_t kWatchIdleTimeoutMs = 30'000;

using EventCallback = std::function<bool(const WatchEvent&)>;

// Where a watch stands: the revision to ask for after a disconnect.
struct WatchCursor {
  std::uint64_t next_revision = 0;  // 0: from the next write
  std::uint64_t& highest_seen;      // the client's highest revision seen
};

// How following one stream ended.
struct StreamEnd {
  bool stopped = false;     // on_event returned false
  bool progressed = false;  // at least one event or progress report came
  Error error;              // why the stream ended otherwise
  bool fatal = false;       // resuming cannot help
};

std::string watch_target(const std::string& key, bool prefix, std::uint64_t from_revision) {
  const std::string path = !key.empty() && key.front() == '/' ? key : "/" + key;
  std::string target = "/api/v1/watch" + detail::encode_path(path);
  std::string query = prefix ? "prefix=true" : "";
  if (from_revision != 0) query += std::string(query.empty() ? "" : "&") + "revision=" + std::to_string(from_revision);
  return query.empty() ? target : target + "?" + query;
}

std::optional<std::uint64_t> parse_u64(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

void note_progress(const detail::SseEvent& event, WatchCursor& cursor) {
  const auto revision = detail::parse_revision(event.data);
  if (!revision) return;
  cursor.highest_seen = std::max(cursor.highest_seen, *revision);
  // The server sends every event up to this revision before the report, so
  // a resumed watch need not ask for them again.
  cursor.next_revision = std::max(cursor.next_revision, *revision + 1);
}

// Hands one event to the caller; false when the watch should end.
bool deliver(const detail::SseEvent& event, WatchCursor& cursor, const EventCallback& on_event, StreamEnd& end) {
  if (event.event == "progress") {
    note_progress(event, cursor);
    end.progressed = true;
    return true;
  }
  if (event.event != "put" && event.event != "delete") return true;  // a kind this client does not know
  auto parsed = detail::parse_watch_event(event.event, event.data);
  if (!parsed) {
    end.error = Error{200, "Malformed Response", "watch event: " + parsed.error(), false};
    end.fatal = true;
    return false;
  }
  const std::uint64_t revision = parse_u64(event.id).value_or(parsed->key_value.revision);
  // Never hand on an event from before where the watch starts or resumes:
  // it was delivered already, or not asked for. (A node sends events it
  // applies to every watcher, even below the revision it asked for, e.g.
  // while it re-applies its log after a restart.)
  if (revision < cursor.next_revision) return true;
  cursor.next_revision = revision + 1;
  cursor.highest_seen = std::max(cursor.highest_seen, revision);
  end.progressed = true;
  if (on_event(*parsed)) return true;
  end.stopped = true;
  return false;
}

// Reads one open stream until it ends, fails, or the caller stops it.
StreamEnd follow(detail::EventStream& stream, WatchCursor& cursor, const EventCallback& on_event) {
  detail::SseParser parser;
  StreamEnd end;
  for (;;) {
    auto chunk = stream.read(kWatchIdleTimeoutMs);
    if (!chunk) {
      end.error = transport_failure(chunk.error());
      return end;
    }
    for (const detail::SseEvent& event : parser.feed(chunk->bytes)) {
      if (!deliver(event, cursor, on_event, end)) return end;
    }
    if (chunk->ended) {
      end.error = Error{0, "Unavailable", "the watch stream was closed by the server", false};
      return end;
    }
  }
}

}  // namespace

ClientResult<Done> Client::watch(const std::string& key, bool prefix, std::uint64_t from_revision,
                                 const std::function<bool(const WatchEvent&)>& on_event) {
  if (impl_->options.endpoints.empty()) return unexpected(no_endpoints());
  WatchCursor cursor{from_revision, highest_revision_};
  detail::Backoff backoff(impl_->options.retry_backoff_ms);
  const std::uint32_t attempts = std::max<std::uint32_t>(1, impl_->options.max_attempts);
  std::uint32_t failures = 0;  // in a row, without an event in between
  Error last;
  while (failures < attempts) {
    if (failures > 0) std::this_thread::sleep_for(backoff.next());
    const detail::HttpRequest request{"GET", watch_target(key, prefix, cursor.next_revision), {}, {}};
    auto start = detail::open_event_stream(impl_->current, request, impl_->options.request_timeout_ms);
    if (start && start->stream) {
      const StreamEnd end = follow(*start->stream, cursor, on_event);
      if (end.stopped) return Done{};
      if (end.fatal) return unexpected(end.error);
      if (end.progressed) {
        failures = 0;
        backoff = detail::Backoff(impl_->options.retry_backoff_ms);
      }
      last = end.error;
    } else if (start) {
      impl_->note_reply(start->reply);
      // 410 (the revision is no longer kept), 400 and the like: the same on any node.
      if (detail::classify(start->reply.status) != detail::Verdict::TryElsewhere) {
        return unexpected(reply_error(start->reply));
      }
      last = reply_error(start->reply);
    } else {
      last = transport_failure(start.error());
    }
    ++failures;
    impl_->rotate();
  }
  last.detail += " (gave up after " + std::to_string(attempts) + " attempts in a row)";
  return unexpected(std::move(last));
}

}  // namespace confman::client
