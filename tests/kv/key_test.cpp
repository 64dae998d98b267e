// core/kv/key.h: which paths are keys and namespace prefixes, and how a
// refusal is reported (rule, byte position, quoted key).

#include "core/kv/key.h"

#include <gtest/gtest.h>

#include <string>

#include "core/kv/limits.h"

namespace confman::kv {
namespace {

// The error validate_key reports for key, which must be refused.
KeyError key_error(std::string_view key) {
  auto result = validate_key(key);
  EXPECT_FALSE(result.ok()) << "accepted \"" << key << "\"";
  if (result.ok()) return KeyError{KeyErrorCode::Empty, 0, ""};
  return result.error();
}

KeyError prefix_error(std::string_view prefix) {
  auto result = validate_prefix(prefix);
  EXPECT_FALSE(result.ok()) << "accepted \"" << prefix << "\"";
  if (result.ok()) return KeyError{KeyErrorCode::Empty, 0, ""};
  return result.error();
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

TEST(ValidateKeyTest, AcceptsOrdinaryPaths) {
  for (std::string_view key : {"/a", "/app/config/timeout", "/a.b/c-d/e_f", "/...", "/.hidden",
                               "/x/..y", "/caf\xC3\xA9", "/with space", "/a~b!c@d"}) {
    EXPECT_TRUE(validate_key(key).ok()) << key;
  }
}

TEST(ValidateKeyTest, EmptyKey) {
  const KeyError error = key_error("");
  EXPECT_EQ(error.code, KeyErrorCode::Empty);
  EXPECT_EQ(error.position, 0u);
  EXPECT_TRUE(contains(error.message, "empty key")) << error.message;
}

TEST(ValidateKeyTest, RelativePath) {
  const KeyError error = key_error("app/config");
  EXPECT_EQ(error.code, KeyErrorCode::NotAbsolute);
  EXPECT_EQ(error.position, 0u);
  EXPECT_EQ(error.message, "key does not start with '/' at byte 0 in \"app/config\"");
}

TEST(ValidateKeyTest, DoubleSlashIsAnEmptySegmentAtTheSecondSlash) {
  const KeyError error = key_error("/a//b");
  EXPECT_EQ(error.code, KeyErrorCode::EmptySegment);
  EXPECT_EQ(error.position, 3u);
  EXPECT_EQ(error.message, "empty path segment at byte 3 in \"/a//b\"");
}

TEST(ValidateKeyTest, TrailingSlashIsAnEmptySegmentAtTheEnd) {
  const KeyError error = key_error("/a/b/");
  EXPECT_EQ(error.code, KeyErrorCode::EmptySegment);
  EXPECT_EQ(error.position, 5u);
  EXPECT_TRUE(contains(error.message, "empty path segment")) << error.message;
}

TEST(ValidateKeyTest, RootAloneIsNotAKey) {
  const KeyError error = key_error("/");
  EXPECT_EQ(error.code, KeyErrorCode::EmptySegment);
  EXPECT_EQ(error.position, 1u);
}

TEST(ValidateKeyTest, DotAndDotDotSegments) {
  struct Case {
    std::string_view key;
    std::size_t position;
  };
  for (const Case c : {Case{"/.", 1}, Case{"/..", 1}, Case{"/a/./b", 3}, Case{"/a/..", 3},
                       Case{"/a/b/../c", 5}}) {
    const KeyError error = key_error(c.key);
    EXPECT_EQ(error.code, KeyErrorCode::DotSegment) << c.key;
    EXPECT_EQ(error.position, c.position) << c.key;
    EXPECT_TRUE(contains(error.message, "dot path segment")) << error.message;
  }
}

TEST(ValidateKeyTest, EveryControlCharacterIsRefusedAtItsPosition) {
  for (int byte = 0; byte <= 0x7F; ++byte) {
    if (byte >= 0x20 && byte != 0x7F) continue;
    std::string key = "/ab";
    key += static_cast<char>(byte);
    key += "c";
    const KeyError error = key_error(key);
    EXPECT_EQ(error.code, KeyErrorCode::ControlCharacter) << byte;
    EXPECT_EQ(error.position, 3u) << byte;
  }
}

TEST(ValidateKeyTest, ControlCharacterIsEscapedInTheMessage) {
  const KeyError error = key_error(std::string_view("/a\x01z", 4));
  EXPECT_EQ(error.message, "control character \\x01 at byte 2 in \"/a\\x01z\"");
  const KeyError del = key_error("/a\x7F");
  EXPECT_TRUE(contains(del.message, "\\x7f")) << del.message;
  const KeyError nul = key_error(std::string_view("/a\0", 3));
  EXPECT_EQ(nul.position, 2u);
  EXPECT_TRUE(contains(nul.message, "\"/a\\x00\"")) << nul.message;
}

TEST(ValidateKeyTest, QuotesAndBackslashesAreEscapedInTheMessage) {
  const KeyError error = key_error("/a\"b\\/");
  EXPECT_EQ(error.code, KeyErrorCode::EmptySegment);
  EXPECT_TRUE(contains(error.message, "\"/a\\\"b\\\\/\"")) << error.message;
}

TEST(ValidateKeyTest, KeyAtTheLengthLimitIsAccepted) {
  // "/" + four segments of 255 + "/" separators: 1 + 255 + 3 * 256 = 1024.
  std::string key = "/" + std::string(kMaxSegmentBytes, 'a');
  for (int i = 0; i < 3; ++i) key += "/" + std::string(kMaxSegmentBytes, 'b');
  ASSERT_EQ(key.size(), kMaxKeyBytes);
  EXPECT_TRUE(validate_key(key).ok());
}

TEST(ValidateKeyTest, KeyOverTheLengthLimit) {
  std::string key = "/" + std::string(kMaxSegmentBytes, 'a');
  for (int i = 0; i < 3; ++i) key += "/" + std::string(kMaxSegmentBytes, 'b');
  key += "c";
  const KeyError error = key_error(key);
  EXPECT_EQ(error.code, KeyErrorCode::KeyTooLong);
  EXPECT_EQ(error.position, kMaxKeyBytes);
  EXPECT_TRUE(contains(error.message, "key longer than 1024 bytes (1025 bytes)")) << error.message;
  // The quote is cut short rather than repeating a kilobyte of key.
  EXPECT_LT(error.message.size(), 200u);
  EXPECT_TRUE(contains(error.message, "...\" (1025 bytes)")) << error.message;
}

TEST(ValidateKeyTest, SegmentAtTheLimitIsAcceptedAndOneMoreIsNot) {
  EXPECT_TRUE(validate_key("/x/" + std::string(kMaxSegmentBytes, 's') + "/y").ok());
  const KeyError error = key_error("/x/" + std::string(kMaxSegmentBytes + 1, 's') + "/y");
  EXPECT_EQ(error.code, KeyErrorCode::SegmentTooLong);
  // The first byte past the limit: segment starts at 3, plus 255.
  EXPECT_EQ(error.position, 3 + kMaxSegmentBytes);
  EXPECT_TRUE(contains(error.message, "path segment longer than 255 bytes at byte 258"))
      << error.message;
}

TEST(ValidateKeyTest, TheFirstViolationByPositionIsReported) {
  const KeyError control_first = key_error("/a\x01//");
  EXPECT_EQ(control_first.code, KeyErrorCode::ControlCharacter);
  const KeyError segment_first = key_error("/a//\x01");
  EXPECT_EQ(segment_first.code, KeyErrorCode::EmptySegment);
  EXPECT_EQ(segment_first.position, 3u);
}

TEST(ValidatePrefixTest, AcceptsRootAndKeysWithATrailingSlash) {
  for (std::string_view prefix : {"/", "/app/", "/app/config/"}) {
    EXPECT_TRUE(validate_prefix(prefix).ok()) << prefix;
  }
}

TEST(ValidatePrefixTest, RefusesPrefixesWithoutTrailingSlash) {
  const KeyError error = prefix_error("/app");
  EXPECT_EQ(error.code, KeyErrorCode::MissingTrailingSlash);
  EXPECT_EQ(error.position, 4u);
  EXPECT_EQ(error.message, "namespace prefix does not end in '/' at byte 4 in \"/app\"");
}

TEST(ValidatePrefixTest, RefusesInvalidBodies) {
  EXPECT_EQ(prefix_error("").code, KeyErrorCode::Empty);
  EXPECT_EQ(prefix_error("app/").code, KeyErrorCode::NotAbsolute);
  const KeyError double_slash = prefix_error("//");
  EXPECT_EQ(double_slash.code, KeyErrorCode::EmptySegment);
  EXPECT_EQ(double_slash.position, 1u);
  const KeyError inner = prefix_error("/a//");
  EXPECT_EQ(inner.code, KeyErrorCode::EmptySegment);
  EXPECT_EQ(inner.position, 3u);
  // The message quotes the prefix as given, not the body.
  EXPECT_TRUE(contains(inner.message, "\"/a//\"")) << inner.message;
  EXPECT_EQ(prefix_error("/a/../").code, KeyErrorCode::DotSegment);
  EXPECT_EQ(prefix_error("/a\x02/").code, KeyErrorCode::ControlCharacter);
  EXPECT_EQ(prefix_error("/" + std::string(kMaxSegmentBytes + 1, 'a') + "/").code,
            KeyErrorCode::SegmentTooLong);
}

TEST(KeyErrorCodeNameTest, NamesEveryCode) {
  EXPECT_STREQ(key_error_code_name(KeyErrorCode::Empty), "Empty");
  EXPECT_STREQ(key_error_code_name(KeyErrorCode::NotAbsolute), "NotAbsolute");
  EXPECT_STREQ(key_error_code_name(KeyErrorCode::EmptySegment), "EmptySegment");
  EXPECT_STREQ(key_error_code_name(KeyErrorCode::DotSegment), "DotSegment");
  EXPECT_STREQ(key_error_code_name(KeyErrorCode::ControlCharacter), "ControlCharacter");
  EXPECT_STREQ(key_error_code_name(KeyErrorCode::KeyTooLong), "KeyTooLong");
  EXPECT_STREQ(key_error_code_name(KeyErrorCode::SegmentTooLong), "SegmentTooLong");
  EXPECT_STREQ(key_error_code_name(KeyErrorCode::MissingTrailingSlash), "MissingTrailingSlash");
  EXPECT_STREQ(key_error_code_name(KeyErrorCode::InvalidUtf8), "InvalidUtf8");
}

TEST(ValidateKeyTest, WellFormedUtf8IsAccepted) {
  // Two-, three- and four-byte characters, and the edges of each range.
  for (const char* key : {"/caf\xc3\xa9", "/\xe6\x97\xa5\xe6\x9c\xac/\xf0\x9f\x98\x80",
                          "/\xc2\x80", "/\xdf\xbf", "/\xe0\xa0\x80", "/\xed\x9f\xbf", "/\xee\x80\x80",
                          "/\xf0\x90\x80\x80", "/\xf4\x8f\xbf\xbf"}) {
    EXPECT_TRUE(validate_key(key).ok()) << validate_key(key).error().message;
  }
}

// The reproductions from a black-box test: PUT /api/v1/config/jep/%ff%fe, a
// raw 0xff, and the overlong "/" %c0%af were all accepted and echoed raw
// inside JSON.
TEST(ValidateKeyTest, MalformedUtf8IsRefusedAtTheFirstBadByte) {
  struct Case {
    std::string key;
    std::size_t position;
  };
  const Case cases[] = {
      {"/jep/\xff\xfe", 5},          // never valid in UTF-8
      {"/a\xc0\xaf", 2},             // overlong '/'
      {"/a\xc1\xbf", 2},             // overlong
      {"/\xe0\x80\xaf", 1},         // overlong three-byte form
      {"/\xf0\x80\x80\xaf", 1},     // overlong four-byte form
      {"/\xed\xa0\x80", 1},         // a UTF-16 surrogate
      {"/\xf4\x90\x80\x80", 1},     // above U+10FFFF
      {"/\xf5\x80\x80\x80", 1},     // lead byte never used
      {"/ok\x80", 3},                // a continuation byte with no lead
      {"/ok\xe2\x82", 3},            // cut short by the end of the key
      {"/ok\xe2\x82/x", 3},          // cut short by a separator
  };
  for (const Case& c : cases) {
    const KeyError error = key_error(c.key);
    EXPECT_EQ(error.code, KeyErrorCode::InvalidUtf8) << error.message;
    EXPECT_EQ(error.position, c.position) << error.message;
  }
}

TEST(ValidateKeyTest, TheMessageEscapesMalformedBytesAndKeepsGoodCharacters) {
  const KeyError error = key_error("/caf\xc3\xa9/\xff");
  EXPECT_TRUE(contains(error.message, "invalid UTF-8 byte \\xff at byte 7")) << error.message;
  EXPECT_TRUE(contains(error.message, "\"/caf\xc3\xa9/\\xff\"")) << error.message;
}

TEST(ValidateKeyTest, AStoredKeyFollowsTheRulesItWasWrittenUnder) {
  // Logs and snapshots from before the UTF-8 rule must replay the same way.
  EXPECT_TRUE(validate_stored_key("/jep/\xff\xfe").ok());
  EXPECT_FALSE(validate_stored_key("/a//b").ok());
  EXPECT_FALSE(validate_key("/jep/\xff\xfe").ok());
}

TEST(ValidatePrefixTest, RefusesMalformedUtf8) {
  const KeyError error = prefix_error("/jep\xff/");
  EXPECT_EQ(error.code, KeyErrorCode::InvalidUtf8);
  EXPECT_EQ(error.position, 4u);
}

}  // namespace
}  // namespace confman::kv
