// API keys as presented (core/security/api_key.h) and the registry that
// authenticates them (core/security/key_registry.h), hashed with the real
// adapter (adapters/openssl_digest.h) that the simulator and server link.

#include <gtest/gtest.h>

#include "adapters/openssl_digest.h"
#include "core/security/api_key.h"
#include "core/security/key_registry.h"

namespace confman::security {
namespace {

std::array<std::uint8_t, kKeySecretBytes> secret_of(std::uint8_t seed) {
  std::array<std::uint8_t, kKeySecretBytes> secret{};
  for (std::size_t i = 0; i < secret.size(); ++i) secret[i] = static_cast<std::uint8_t>(seed * 31 + i * 7);
  return secret;
}

TEST(Sha256, MatchesTheStandardTestVector) {
  // FIPS 180-2, appendix B.1: SHA-256("abc").
  const adapters::OpenSslDigest digest;
  const std::string abc = "abc";
  const Sha256 hash = digest.sha256(ByteView(reinterpret_cast<const std::uint8_t*>(abc.data()), abc.size()));
  const Sha256 expected{0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
                        0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
  EXPECT_EQ(hash, expected);
}

TEST(ApiKey, FormatAndParseRoundTrip) {
  const std::string id = key_id_from(0x0123456789abcdefULL);
  EXPECT_EQ(id, "0123456789abcdef");
  const std::string text = format_api_key(id, secret_of(3));
  EXPECT_EQ(text.size(), 4u + 16 + 1 + 64);
  const auto parsed = parse_api_key(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(parsed->id, id);
  EXPECT_EQ(parsed->secret, secret_of(3));
}

TEST(ApiKey, MalformedKeysSayWhatIsWrong) {
  const std::string good = format_api_key(key_id_from(1), secret_of(1));
  for (const std::string& bad : {std::string(""), good.substr(1), "xmk" + good.substr(3), good + "0",
                                 good.substr(0, 20) + "-" + good.substr(21)}) {
    const auto parsed = parse_api_key(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_NE(parsed.error().find("API key:"), std::string::npos);
  }
  std::string upper = good;
  upper[30] = 'A';
  EXPECT_FALSE(parse_api_key(upper).ok()) << "upper-case hex is not the canonical form";
}

TEST(ApiKey, PrincipalNames) {
  EXPECT_EQ(principal_name_problem("alice@example.com"), "");
  EXPECT_EQ(principal_name_problem("svc.payments-api_2"), "");
  EXPECT_NE(principal_name_problem(""), "");
  EXPECT_NE(principal_name_problem("has space"), "");
  EXPECT_NE(principal_name_problem(std::string(kMaxPrincipalBytes + 1, 'a')), "");
}

class Registry : public ::testing::Test {
 protected:
  // Adds a key for `principal` and returns what its holder presents.
  std::string add(const std::string& principal, std::uint64_t id_bits, std::uint64_t expires_at_ms = 0) {
    const auto secret = secret_of(static_cast<std::uint8_t>(id_bits));
    ApiKeyRecord record;
    record.id = key_id_from(id_bits);
    record.principal = principal;
    record.kind = PrincipalKind::Service;
    record.secret_hash = digest.sha256(ByteView(secret.data(), secret.size()));
    record.expires_at_ms = expires_at_ms;
    EXPECT_EQ(registry.add(record), KeyRegistry::Change::Done);
    return format_api_key(record.id, secret);
  }
  adapters::OpenSslDigest digest;
  KeyRegistry registry;
};

TEST_F(Registry, AKeyAuthenticatesItsPrincipalUntilRevoked) {
  const std::string key = add("payments", 7);
  const auto who = authenticate(registry, digest, key, 1000);
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who->name, "payments");
  EXPECT_EQ(who->kind, PrincipalKind::Service);
  EXPECT_EQ(who->key_id, key_id_from(7));
  EXPECT_EQ(registry.revoke(key_id_from(7)), KeyRegistry::Change::Done);
  EXPECT_EQ(authenticate(registry, digest, key, 1000).error(), AuthFailure::Refused);
  EXPECT_EQ(registry.revoke(key_id_from(7)), KeyRegistry::Change::NotFound);
}

TEST_F(Registry, EveryFailureIsNamedAndAWrongSecretLooksLikeAnUnknownKey) {
  const std::string key = add("alice", 1, /*expires_at_ms=*/5000);
  EXPECT_EQ(authenticate(registry, digest, std::nullopt, 0).error(), AuthFailure::Missing);
  EXPECT_EQ(authenticate(registry, digest, std::string("secret"), 0).error(), AuthFailure::Malformed);
  std::string wrong = key;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  EXPECT_EQ(authenticate(registry, digest, wrong, 0).error(), AuthFailure::Refused);
  EXPECT_EQ(authenticate(registry, digest, format_api_key(key_id_from(99), secret_of(1)), 0).error(),
            AuthFailure::Refused);
  EXPECT_TRUE(authenticate(registry, digest, key, 4999).ok());
  EXPECT_EQ(authenticate(registry, digest, key, 5000).error(), AuthFailure::Expired);
  EXPECT_NE(std::string(auth_failure_detail(AuthFailure::Missing)).find("X-API-Key"), std::string::npos);
}

TEST_F(Registry, DuplicatesAndTheBoundAreRefused) {
  add("a", 1);
  ApiKeyRecord again = *registry.find(key_id_from(1));
  EXPECT_EQ(registry.add(again), KeyRegistry::Change::Exists);
  for (std::uint64_t id = 2; registry.records().size() < kMaxApiKeys; ++id) add("a", id);
  ApiKeyRecord one_more = again;
  one_more.id = key_id_from(1'000'000);
  EXPECT_EQ(registry.add(one_more), KeyRegistry::Change::Full);
}

TEST_F(Registry, EncodingRoundTripsAndRefusesWhatIsOutOfOrder) {
  add("a", 3);
  add("b", 1, 77);
  Bytes bytes;
  ByteWriter writer(bytes);
  registry.encode(writer);
  ByteReader reader(bytes);
  auto decoded = KeyRegistry::decode(reader);
  ASSERT_TRUE(decoded.ok()) << decoded.error().describe();
  EXPECT_EQ(decoded->records(), registry.records());
  EXPECT_EQ(decoded->digest(1), registry.digest(1));
  // The same two records, written in the wrong order.
  Bytes swapped;
  ByteWriter out(swapped);
  out.varint(2);
  encode_api_key_record(out, registry.records().rbegin()->second);
  encode_api_key_record(out, registry.records().begin()->second);
  ByteReader bad(swapped);
  EXPECT_FALSE(KeyRegistry::decode(bad).ok());
  // Every truncation is refused.
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    ByteReader truncated(ByteView(bytes.data(), cut));
    EXPECT_FALSE(KeyRegistry::decode(truncated).ok()) << cut;
  }
}

}  // namespace
}  // namespace confman::security
