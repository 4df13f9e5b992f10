// Basic auth against bcrypt hashes.
#include "exporter/web/basic_auth.h"

#include <crypt.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>

namespace cncert {
namespace {

std::string Hash(const std::string& password, int cost) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  EXPECT_NE(crypt_gensalt_rn("$2y$", cost, nullptr, 0, salt, sizeof salt),
            nullptr);
  crypt_data data{};
  return crypt_r(password.c_str(), salt, &data);
}

std::string Header(const std::string& user, const std::string& password) {
  const std::string plain = user + ":" + password;
  std::string out(4 * ((plain.size() + 2) / 3) + 1, '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(plain.data()),
                      static_cast<int>(plain.size()));
  out.resize(static_cast<std::size_t>(n));
  return "Basic " + out;
}

TEST(BasicAuthTest, AcceptsOnlyTheRightPasswordOfAKnownUser) {
  BasicAuth auth({{"alice", Hash("s3cret", 4)}});
  EXPECT_TRUE(auth.enabled());
  EXPECT_TRUE(auth.Check(Header("alice", "s3cret")));
  EXPECT_TRUE(auth.Check(Header("alice", "s3cret")));  // from the cache
  EXPECT_FALSE(auth.Check(Header("alice", "wrong")));
  EXPECT_FALSE(auth.Check(Header("bob", "s3cret")));
  EXPECT_FALSE(auth.Check("Bearer abc"));
  EXPECT_FALSE(auth.Check("Basic !!!"));
  EXPECT_FALSE(auth.Check(""));
}

TEST(BasicAuthTest, PasswordsMayContainColons) {
  BasicAuth auth({{"alice", Hash("a:b:c", 4)}});
  EXPECT_TRUE(auth.Check(Header("alice", "a:b:c")));
}

TEST(BasicAuthTest, BcryptMatchesIsStrict) {
  const std::string hash = Hash("pw", 4);
  EXPECT_TRUE(BcryptMatches("pw", hash));
  EXPECT_FALSE(BcryptMatches("pw ", hash));
  EXPECT_FALSE(BcryptMatches("pw", "not a hash"));
  EXPECT_FALSE(BcryptMatches("pw", ""));
}

TEST(BasicAuthTest, AClientWithTooManyFailuresIsRefusedWithoutABcrypt) {
  BasicAuth auth({{"alice", Hash("s3cret", 4)}});
  for (int i = 0; i < BasicAuth::kMaxFailures; ++i) {
    EXPECT_EQ(auth.Check(Header("alice", "guess"), "192.0.2.1"),
              BasicAuth::Outcome::kDenied);
  }
  // Even the right password waits until the failures age out.
  EXPECT_EQ(auth.Check(Header("alice", "s3cret"), "192.0.2.1"),
            BasicAuth::Outcome::kTooManyFailures);
  // Other clients are not held up.
  EXPECT_EQ(auth.Check(Header("alice", "s3cret"), "192.0.2.2"),
            BasicAuth::Outcome::kAllowed);
}

TEST(BasicAuthTest, NoUsersMeansNoAuth) {
  EXPECT_FALSE(BasicAuth({}).enabled());
}

}  // namespace
}  // namespace cncert
