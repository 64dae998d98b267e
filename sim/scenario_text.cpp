#include "sim/scenario_text.h"

#include <cstdint>

namespace confman::sim {

namespace {

// Length of the valid UTF-8 sequence at text[i], or 0 (overlong forms,
// surrogates and values beyond U+10FFFF are invalid, as TOML requires).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  std::uint32_t code_point = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    code_point = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    code_point = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    code_point = lead & 0x07;
  } else {
    return 0;
  }
  if (text.size() - i < length) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    const auto next = static_cast<unsigned char>(text[i + k]);
    if ((next & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (next & 0x3F);
  }
  constexpr std::uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code_point < kSmallest[length] || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) {
    return 0;
  }
  return length;
}

}  // namespace

std::optional<std::string> check_scenario_text(std::string_view text) {
  if (text.size() > kMaxScenarioBytes) {
    return "the file is " + std::to_string(text.size()) + " bytes; a scenario file is at most " +
           std::to_string(kMaxScenarioBytes);
  }
  std::size_t line = 1;
  int depth = 0;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) return "line " + std::to_string(line) + ": invalid UTF-8 at byte " + std::to_string(i);
    const char c = text[i];
    if (c == '\n') line += 1;
    // Brackets inside strings count too: it only errs on refusing absurd text.
    if (c == '[' || c == '{') {
      if (++depth > kMaxScenarioNesting) {
        return "line " + std::to_string(line) + ": arrays or tables nested deeper than " +
               std::to_string(kMaxScenarioNesting);
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
    i += length;
  }
  return std::nullopt;
}

}  // namespace confman::sim
