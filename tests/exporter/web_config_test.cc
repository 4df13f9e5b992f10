// The web config's parts that need no server: fields, paths, client auth.
#include "exporter/web/web_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/test_support.h"

namespace cncert {
namespace {

using ::testing::HasSubstr;

TEST(WebConfigParseTest, RelativePathsResolveAgainstTheConfigsDirectory) {
  const std::string dir = testing::MakeTempDir();
  for (const char* f : {"/a.crt", "/a.key", "/ca.crt"}) {
    testing::WriteFile(dir + f, "x");
  }
  std::string error;
  const auto c = ParseWebConfig(
      "tls_server_config:\n  cert_file: a.crt\n  key_file: " + dir +
          "/a.key\n  client_auth_type: RequireAndVerifyClientCert\n"
          "  client_ca_file: ca.crt\n",
      dir, &error);
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(c) << error;
  ASSERT_TRUE(c->tls);
  EXPECT_EQ(c->tls->cert_file, dir + "/a.crt");
  EXPECT_EQ(c->tls->key_file, dir + "/a.key");
  EXPECT_EQ(c->tls->client_auth, ClientAuth::kRequireAndVerifyClientCert);
}

TEST(WebConfigParseTest, EveryClientAuthTypeIsKnownAndNoOtherIs) {
  for (const char* name :
       {"NoClientCert", "RequestClientCert", "RequireAnyClientCert",
        "VerifyClientCertIfGiven", "RequireAndVerifyClientCert"}) {
    EXPECT_TRUE(ParseClientAuth(name)) << name;
  }
  EXPECT_FALSE(ParseClientAuth("requireandverifyclientcert"));
  EXPECT_FALSE(ParseClientAuth(""));
  std::string error;
  EXPECT_FALSE(
      ParseWebConfig("tls_server_config:\n  cert_file: a\n  key_file: b\n"
                     "  client_auth_type: Sometimes\n",
                     "/", &error));
  EXPECT_THAT(error, HasSubstr("client_auth_type"));
}

TEST(WebConfigParseTest, HeadersAndUsersAreRead) {
  std::string error;
  const auto c = ParseWebConfig(
      "basic_auth_users:\n"
      "  alice: $2y$10$Q2Fjq3XgSZ1Q8Yq3Jf3o9eJ8yJvJQWq0r1d5p3Yq6qG3gk7y9Q8qS\n"
      "http_server_config:\n  headers:\n    X-Frame-Options: deny\n",
      "/", &error);
  ASSERT_TRUE(c) << error;
  EXPECT_EQ(c->basic_auth_users.count("alice"), 1u);
  EXPECT_EQ(c->headers.at("X-Frame-Options"), "deny");
  EXPECT_FALSE(c->tls);
}

TEST(WebConfigParseTest, AHeaderValueWithALineBreakIsRefusedNotDropped) {
  std::string error;
  EXPECT_FALSE(
      ParseWebConfig("http_server_config:\n  headers:\n"
                     "    X-Frame-Options: \"deny\\r\\nSet-Cookie: "
                     "a=b\"\n",
                     "/", &error));
  EXPECT_THAT(error, HasSubstr("http_server_config.headers.X-Frame-Options"));
  EXPECT_THAT(error, HasSubstr("line break"));
}

TEST(WebConfigParseTest, UserListsThatWouldLockOutOrHangAreRefused) {
  struct Case {
    std::string yaml;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"basic_auth_users: {}\n", "basic_auth_users: is empty"},
      {"basic_auth_users:\n", "basic_auth_users: is empty"},
      // A cost-31 hash: one wrong attempt would pin a core for days.
      {"basic_auth_users:\n  bob: "
       "$2y$31$Q2Fjq3XgSZ1Q8Yq3Jf3o9eJ8yJvJQWq0r1d5p3Yq6qG3gk7y9Q8qS\n",
       "basic_auth_users.bob: bcrypt cost 31 is outside 4 to 14"},
      // The right length, but not bcrypt's alphabet: every login would fail.
      {"basic_auth_users:\n  bob: "
       "$2y$10$Q2Fjq3XgSZ1Q8Yq3Jf3o9eJ8yJvJQWq0r1d5p3Yq6qG3gk7y9Q8q!\n",
       "basic_auth_users.bob: is not a bcrypt hash"},
  };
  for (const auto& c : cases) {
    std::string error;
    EXPECT_FALSE(ParseWebConfig(c.yaml, "/", &error)) << c.yaml;
    EXPECT_THAT(error, HasSubstr(c.message)) << c.yaml;
  }
}

}  // namespace
}  // namespace cncert
