// TLS and basic auth from an exporter-toolkit web config, checked with the
// real promtool and a real TLS client; bad configs are refused at start.
#include <crypt.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <memory>
#include <thread>

#include "tests/support/process.h"
#include "tests/support/test_support.h"

namespace cncert::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using ::testing::HasSubstr;

class WebConfigTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(MakeTempDir());
    const std::string d = *dir_;
    auto openssl = [](std::vector<std::string> args) {
      args.insert(args.begin(), "openssl");
      const Output o = RunCommand(args);
      ASSERT_EQ(o.status, 0) << o.text;
    };
    // A test CA, a server certificate for 127.0.0.1, a client certificate.
    openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", "/CN=cncert test CA", "-keyout", d + "/ca.key", "-out",
             d + "/ca.crt"});
    for (const std::string name : {"server", "client"}) {
      openssl({"req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + name,
               "-keyout", d + "/" + name + ".key", "-out",
               d + "/" + name + ".csr"});
      WriteFile(d + "/" + name + ".ext",
                name == "server" ? "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                                 : "extendedKeyUsage=clientAuth\n");
      openssl({"x509", "-req", "-in", d + "/" + name + ".csr", "-CA",
               d + "/ca.crt", "-CAkey", d + "/ca.key", "-CAcreateserial",
               "-days", "2", "-extfile", d + "/" + name + ".ext", "-out",
               d + "/" + name + ".crt"});
    }
    fs::create_directory(d + "/archive");
    fs::copy_file(SourcePath("tests/golden/seed_wechat_2024.md"),
                  d + "/archive/seed.md");
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }

  static std::string Config(const std::string& name, const std::string& yaml) {
    const std::string path = *dir_ + "/" + name;
    WriteFile(path, yaml);
    return path;
  }

  static std::string* dir_;
};

std::string* WebConfigTest::dir_ = nullptr;

TEST_F(WebConfigTest, TlsWithBasicAuth) {
  const std::string config = Config("tls-auth.good.yml",
                                    "tls_server_config:\n"
                                    "  cert_file: server.crt\n"
                                    "  key_file: server.key\n"
                                    "  min_version: TLS12\n"
                                    "basic_auth_users:\n"
                                    "  prometheus: " +
                                        Bcrypt("s3cret") +
                                        "\n"
                                        "http_server_config:\n"
                                        "  headers:\n"
                                        "    X-Frame-Options: deny\n");
  const Output check = RunCommand({"promtool", "check", "web-config", config});
  ASSERT_EQ(check.status, 0) << check.text;
  EXPECT_THAT(check.text, HasSubstr("SUCCESS"));

  ExporterServer server(
      {"--bulletins.dir", *dir_ + "/archive", "--web.config.file", config});
  ASSERT_TRUE(server.ok()) << server.process().Log();
  httplib::SSLClient client("127.0.0.1", server.port());
  client.set_ca_cert_path((*dir_ + "/ca.crt").c_str());
  client.enable_server_certificate_verification(true);
  auto anonymous = client.Get("/metrics");
  ASSERT_TRUE(anonymous) << httplib::to_string(anonymous.error());
  EXPECT_EQ(anonymous->status, 401);
  EXPECT_EQ(anonymous->get_header_value("WWW-Authenticate"), "Basic");
  client.set_basic_auth("prometheus", "wrong");
  EXPECT_EQ(client.Get("/metrics")->status, 401);
  client.set_basic_auth("nobody", "s3cret");
  EXPECT_EQ(client.Get("/metrics")->status, 401);
  client.set_basic_auth("prometheus", "s3cret");
  auto ok = client.Get("/metrics");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ScrapeValue(ok->body, "cncert_incidents_handled"), 177);
  EXPECT_EQ(ok->get_header_value("X-Frame-Options"), "deny");
  // Plain HTTP to a TLS port gets nowhere.
  EXPECT_EQ(HttpGet(server.port(), "/metrics").status, 0);
}

TEST_F(WebConfigTest, SlowTlsClientsNeitherHoldWorkersNorStopScrapes) {
  const std::string config = Config("tls-slow.yml",
                                    "tls_server_config:\n"
                                    "  cert_file: server.crt\n"
                                    "  key_file: server.key\n");
  ExporterServer server({"--bulletins.dir", *dir_ + "/archive",
                         "--web.config.file", config, "--web.request-timeout",
                         "3"});
  ASSERT_TRUE(server.ok()) << server.process().Log();
  const int port = server.port();
  // Twelve connections from a second address that start a TLS handshake
  // and send a byte of it now and then: more than the server has workers.
  std::vector<int> slow;
  const auto opened = std::chrono::steady_clock::now();
  for (int i = 0; i < 12; ++i) {
    const int fd = ConnectLoopbackFrom(port, "127.0.0.2");
    ASSERT_GE(fd, 0);
    (void)::send(fd, "\x16\x03", 2, MSG_NOSIGNAL);  // a handshake record...
    slow.push_back(fd);
  }
  std::atomic<bool> stop{false};
  std::thread trickle([&] {
    while (!stop) {
      for (const int fd : slow) (void)::send(fd, "\x01", 1, MSG_NOSIGNAL);
      std::this_thread::sleep_for(300ms);
    }
  });
  // Meanwhile every scrape over TLS from elsewhere is answered well before
  // a slow handshake could have let go of a worker (3 s).
  httplib::SSLClient client("127.0.0.1", port);
  client.set_ca_cert_path((*dir_ + "/ca.crt").c_str());
  client.enable_server_certificate_verification(true);
  client.set_keep_alive(false);
  for (int i = 0; i < 10; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const auto r = client.Get("/metrics");
    ASSERT_TRUE(r) << httplib::to_string(r.error());
    EXPECT_EQ(r->status, 200);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    std::this_thread::sleep_for(100ms);
  }
  // The handshakes are cut at the request deadline, trickle as they may
  // (the connections over the per-client cap at once).
  std::this_thread::sleep_until(opened + 3500ms);
  int cut = 0;
  for (const int fd : slow) cut += ClosedByPeer(fd, 500ms);
  EXPECT_EQ(cut, 12);
  // A stop does not wait for slow handshakes either.
  for (int i = 0; i < 3; ++i) {
    const int fd = ConnectLoopbackFrom(port, "127.0.0.3");
    ASSERT_GE(fd, 0);
    (void)::send(fd, "\x16", 1, MSG_NOSIGNAL);
    slow.push_back(fd);
  }
  const auto before_stop = std::chrono::steady_clock::now();
  EXPECT_EQ(server.process().Stop(std::chrono::seconds(2)), 0)
      << server.process().Log();
  EXPECT_LT(std::chrono::steady_clock::now() - before_stop, 1s);
  stop = true;
  trickle.join();
  for (const int fd : slow) ::close(fd);
}

TEST_F(WebConfigTest, ARevokedPasswordStopsWorkingWithoutARestart) {
  const std::string config =
      Config("reload.good.yml",
             "basic_auth_users:\n  prometheus: " + Bcrypt("old") + "\n");
  ExporterServer server(
      {"--bulletins.dir", *dir_ + "/archive", "--web.config.file", config});
  ASSERT_TRUE(server.ok()) << server.process().Log();
  httplib::Client client("127.0.0.1", server.port());
  client.set_basic_auth("prometheus", "old");
  EXPECT_EQ(client.Get("/metrics")->status, 200);
  Config("reload.good.yml",
         "basic_auth_users:\n  prometheus: " + Bcrypt("new") +
             "\nhttp_server_config:\n  headers:\n"
             "    X-Frame-Options: deny\n");
  EXPECT_TRUE(
      Eventually([&] { return client.Get("/metrics")->status == 401; }, 10s));
  client.set_basic_auth("prometheus", "new");
  const auto ok = client.Get("/metrics");
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->get_header_value("X-Frame-Options"), "deny");
  // A broken edit keeps the config in force.
  Config("reload.good.yml", "basic_auth_users: [\n");
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(client.Get("/metrics")->status, 200);
  EXPECT_TRUE(
      server.process().WaitForLog("web config changed but is invalid", 5s));
}

TEST_F(WebConfigTest, ClientCertificatesAreVerified) {
  const std::string config =
      Config("mtls.good.yml",
             "tls_server_config:\n"
             "  cert_file: server.crt\n"
             "  key_file: server.key\n"
             "  client_ca_file: ca.crt\n"
             "  client_auth_type: RequireAndVerifyClientCert\n");
  ASSERT_EQ(RunCommand({"promtool", "check", "web-config", config}).status, 0);
  ExporterServer server(
      {"--bulletins.dir", *dir_ + "/archive", "--web.config.file", config});
  ASSERT_TRUE(server.ok()) << server.process().Log();
  httplib::SSLClient without("127.0.0.1", server.port());
  without.set_ca_cert_path((*dir_ + "/ca.crt").c_str());
  EXPECT_FALSE(without.Get("/metrics"));
  httplib::SSLClient with("127.0.0.1", server.port(), *dir_ + "/client.crt",
                          *dir_ + "/client.key");
  with.set_ca_cert_path((*dir_ + "/ca.crt").c_str());
  auto r = with.Get("/metrics");
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 200);
}

struct BadConfig {
  const char* name;
  std::string yaml;
  const char* message;
  bool promtool_rejects;
};

TEST_F(WebConfigTest, BadConfigsAreRefusedNamingTheField) {
  const std::vector<BadConfig> cases = {
      {"unknown_field.bad.yml",
       "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  "
       "certfile: x\n",
       "tls_server_config.certfile: unknown field", true},
      {"missing_key.bad.yml", "tls_server_config:\n  cert_file: server.crt\n",
       "tls_server_config.key_file: missing", true},
      {"unreadable_cert.bad.yml",
       "tls_server_config:\n  cert_file: nope.crt\n  key_file: server.key\n",
       "tls_server_config.cert_file: cannot read", true},
      {"bad_version.bad.yml",
       "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  "
       "min_version: SSL3\n",
       "tls_server_config.min_version: unknown TLS version 'SSL3'", true},
      {"plain_password.bad.yml", "basic_auth_users:\n  alice: hunter2\n",
       "basic_auth_users.alice: is not a bcrypt hash", false},
      {"header.bad.yml", "http_server_config:\n  headers:\n    Server: mine\n",
       "http_server_config.headers.Server: setting this header is not allowed",
       true},
      {"key_mismatch.bad.yml",
       "tls_server_config:\n  cert_file: server.crt\n  key_file: client.key\n",
       "TLS set-up failed: tls_server_config.key_file", false},
      {"top_level.bad.yml", "tls_config: {}\n", "tls_config: unknown field",
       true},
  };
  for (const auto& c : cases) {
    const std::string path = Config(c.name, c.yaml);
    const Output o = RunCommand(
        {CNCERT_EXPORTER_BINARY, "serve", "--bulletins.dir", *dir_ + "/archive",
         "--web.listen-address", "127.0.0.1:0", "--web.config.file", path});
    EXPECT_EQ(o.status, 1) << c.name;
    EXPECT_THAT(o.text, HasSubstr(c.message)) << c.name;
    if (c.promtool_rejects) {
      EXPECT_NE(RunCommand({"promtool", "check", "web-config", path}).status, 0)
          << c.name;
    }
  }
}

}  // namespace
}  // namespace cncert::testing
