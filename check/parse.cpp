// Format detection and dispatch.

#include "check/parse.h"

#include "check/history_builder.h"

namespace confman::check {
namespace {

// Jepsen logs may open with lines of other output; look this far for events.
constexpr std::size_t kDetectLines = 1000;

}  // namespace

std::optional<Format> format_from_name(std::string_view name) {
  if (name == "auto") return Format::Auto;
  if (name == "confman") return Format::Confman;
  if (name == "jepsen") return Format::Jepsen;
  if (name == "edn") return Format::Edn;
  return std::nullopt;
}

std::optional<Format> detect_format(std::string_view text) {
  bool first = true;
  std::size_t lines = 0;
  while (!text.empty() && lines++ < kDetectLines) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (is_blank(line)) continue;
    const std::size_t start = line.find_first_not_of(" \t");
    if (first && line[start] == '{') {
      const std::size_t next = line.find_first_not_of(" \t,", start + 1);
      if (next != std::string_view::npos && line[next] == ':') return Format::Edn;
      return Format::Confman;
    }
    first = false;
    if (line.find("jepsen.util") != std::string_view::npos) return Format::Jepsen;
  }
  if (first) return Format::Jepsen;  // nothing but blank lines: an empty history
  return std::nullopt;
}

ParseResult parse_history(std::string_view text, Format format, std::string_view file_name) {
  if (format == Format::Auto) {
    const std::optional<Format> detected = detect_format(text);
    if (!detected) {
      return unexpected(ParseError{std::string(file_name), 0,
                                   "expected JSON Lines ({\"process\": ...}), EDN maps "
                                   "({:process ...}) or Jepsen log lines (INFO  jepsen.util - ...); "
                                   "choose one with --format"});
    }
    format = *detected;
  }
  switch (format) {
    case Format::Confman: return parse_confman(text, file_name);
    case Format::Jepsen: return parse_jepsen(text, file_name);
    case Format::Edn: return parse_edn(text, file_name);
    case Format::Auto: break;
  }
  CONFMAN_ASSERT(false, "unreachable: format resolved above");
  return unexpected(ParseError{});
}

}  // namespace confman::check
