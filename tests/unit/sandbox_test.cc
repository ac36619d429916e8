// sandbox: --rlimit parsing and defaults, the denial summary and audit text, and the path rules of a sandboxed build's view (run_env's sandbox_policy).
#include <catch2/catch.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "stage/config.h"
#include "stage/run_env.h"
#include "stage/sandbox.h"

namespace {

uint64_t limit_of(const std::vector<stage::ResourceLimit>& limits, const std::string& name) {
  for (const auto& l : limits)
    if (l.name == name) return l.value;
  FAIL("no limit " << name);
  return 0;
}

bool has(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

stage::EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

stage::RunOptions options_in(const std::string& workdir) {
  stage::RunOptions o;
  o.destdir = "/srv/build/pkg/dest";
  o.workdir = workdir;
  o.dropin_dir = "/usr/libexec/stage/bin";
  return o;
}

}  // namespace

TEST_CASE("sandbox: the documented default limits", "[sandbox]") {
  auto limits = stage::default_limits();
  CHECK(limit_of(limits, "nproc") == 4096);
  CHECK(limit_of(limits, "fsize") == (64ULL << 30));
  CHECK(limit_of(limits, "cpu") == 7200);
  CHECK(limit_of(limits, "as") == (32ULL << 30));
  CHECK(limit_of(limits, "core") == 0);
}

TEST_CASE("sandbox: --rlimit NAME=N with suffixes and unlimited", "[sandbox]") {
  auto limits = stage::default_limits();
  stage::set_limit(limits, "fsize=1M");
  stage::set_limit(limits, "as=unlimited");
  stage::set_limit(limits, "cpu=30");
  stage::set_limit(limits, "nofile=1K");
  stage::set_limit(limits, "core=2T");
  CHECK(limit_of(limits, "fsize") == 1048576);
  CHECK(limit_of(limits, "as") == UINT64_MAX);
  CHECK(limit_of(limits, "cpu") == 30);
  CHECK(limit_of(limits, "nofile") == 1024);  // not a default: appended
  CHECK(limit_of(limits, "core") == (2ULL << 40));
  CHECK(limits.size() == 6);
}

TEST_CASE("sandbox: a bad --rlimit names the bad part and changes nothing", "[sandbox]") {
  auto limits = stage::default_limits();
  CHECK_THROWS_WITH(stage::set_limit(limits, "bogus=1"), Catch::Contains("unknown limit 'bogus'"));
  CHECK_THROWS_WITH(stage::set_limit(limits, "nproc"), Catch::Contains("expected NAME=N"));
  CHECK_THROWS_WITH(stage::set_limit(limits, "cpu=12X"), Catch::Contains("invalid value '12X' for cpu"));
  CHECK_THROWS_WITH(stage::set_limit(limits, "cpu="), Catch::Contains("invalid value '' for cpu"));
  CHECK_THROWS_WITH(stage::set_limit(limits, "fsize=99999999999999999999"), Catch::Contains("invalid value"));
  CHECK_THROWS_WITH(stage::set_limit(limits, "fsize=17179869184G"), Catch::Contains("invalid value"));
  CHECK(limits.size() == stage::default_limits().size());
  CHECK(limit_of(limits, "cpu") == 7200);
}

TEST_CASE("sandbox: the summary and the audit record name each kind of denial once, with an example", "[sandbox]") {
  stage::SandboxRun run;
  CHECK(stage::describe_denials(run).empty());
  CHECK(stage::audit_denials(run).empty());
  run.denials[stage::Denial::WriteOutside] = 2;
  run.example[stage::Denial::WriteOutside] = "/etc/x";
  run.denials[stage::Denial::Network] = 1;
  run.example[stage::Denial::Network] = "AF_INET";
  auto lines = stage::describe_denials(run);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].rfind("2 writes outside the writable trees (e.g. /etc/x); usual cause: ", 0) == 0);
  CHECK(lines[1].rfind("1 network socket (e.g. AF_INET); usual cause: ", 0) == 0);
  CHECK(stage::audit_denials(run) == "write-outside=2 (/etc/x); network=1 (AF_INET)");
}

TEST_CASE("sandbox: the view hides the homes, /root and /run, and the secrets again over the writable trees", "[sandbox]") {
  auto opts = options_in("/srv/build/pkg");
  auto policy = stage::sandbox_policy(opts, env_of({{"HOME", "/home/alice"}}));
  const auto& ns = policy.namespaces;
  CHECK(has(ns.hidden, "/home/alice"));
  CHECK(has(ns.hidden, "/root"));
  CHECK(has(ns.hidden, "/home"));
  CHECK(has(ns.hidden, "/run"));
  CHECK(has(ns.secrets, "/home/alice/.ssh"));
  CHECK(has(ns.secrets, "/home/alice/.gnupg"));
  CHECK(has(ns.secrets, "/root/.ssh"));
  CHECK(ns.private_dirs == std::vector<std::string>{"/tmp", "/var/tmp"});
  CHECK(ns.readable.empty());
  CHECK(ns.hostname == "localhost");
  CHECK(ns.workdir == "/srv/build/pkg");
  // The stage and the build directory are writable; the database and its WAL files too.
  CHECK(has(ns.writable_trees, "/srv/build/pkg/dest"));
  CHECK(has(ns.writable_trees, "/srv/build/pkg"));
  CHECK(has(ns.writable_files, "/srv/build/pkg/dest.stagedb-wal"));
  CHECK(has(policy.writable_trees, "/tmp"));  // Landlock: the private /tmp is the build's
}

TEST_CASE("sandbox: --allow-read opens a hidden path; a stage inside the build directory is bound once", "[sandbox]") {
  auto opts = options_in("/srv/build/pkg");
  opts.destdir = "/srv/build/pkg/dest";
  opts.allow_read = {"/home/alice/pub"};
  auto policy = stage::sandbox_policy(opts, env_of({{"HOME", "/home/alice"}}));
  CHECK(policy.namespaces.readable == std::vector<std::string>{"/home/alice/pub"});
  CHECK(std::count(policy.namespaces.writable_trees.begin(), policy.namespaces.writable_trees.end(),
                   "/srv/build/pkg/dest") == 1);
}

TEST_CASE("sandbox: a build directory under /tmp stays reachable, and drop-ins under /tmp stay readable", "[sandbox]") {
  auto opts = options_in("/tmp/ci/pkg");
  opts.destdir = "/tmp/ci/pkg/dest";
  opts.dropin_dir = "/tmp/ci/stage/libexec/stage/bin";
  auto policy = stage::sandbox_policy(opts, env_of({}));
  const auto& ns = policy.namespaces;
  CHECK(has(ns.private_dirs, "/tmp"));
  // Bound after the private /tmp is mounted: at its own path, writable.
  CHECK(has(ns.writable_trees, "/tmp/ci/pkg"));
  CHECK(has(ns.readable, "/tmp/ci/stage/libexec"));  // DROPINS/../..
}

TEST_CASE("sandbox: started as root, the build runs as nobody, and a system directory is never handed over", "[sandbox]") {
  if (::geteuid() != 0) {
    WARN("skipped: the user switch is decided for root only");
    return;
  }
  auto policy = stage::sandbox_policy(options_in("/srv/build/pkg"), env_of({}));
  CHECK(policy.switch_user);
  CHECK(policy.user == "nobody");
  CHECK(policy.uid != 0);
  auto opts = options_in("/usr");
  CHECK_THROWS_WITH(stage::sandbox_policy(opts, env_of({})), Catch::Contains("will not hand '/usr' over to nobody"));
  opts = options_in("/srv/build/pkg");
  opts.sandbox_user = "root";
  CHECK_THROWS_WITH(stage::sandbox_policy(opts, env_of({})), Catch::Contains("is privileged"));
}

TEST_CASE("sandbox: --sandbox --root is one namespace policy: the sandbox's namespaces, root's map and supervisor", "[sandbox]") {
  std::string dir = "/tmp/stage-sandbox-test.XXXXXX";
  REQUIRE(::mkdtemp(dir.data()));
  auto opts = options_in(dir);
  opts.destdir = dir;
  opts.root = true;
  auto sandbox = stage::sandbox_policy(opts, env_of({}));
  // No --map: nothing captured, nothing touched on disk.
  auto ns = stage::namespace_policy(opts, &sandbox);
  ::rmdir(dir.c_str());
  CHECK(ns.user);
  CHECK(ns.map_root);
  // One listener: confine()'s filter traps the supervisor's calls too.
  CHECK_FALSE(ns.supervise);
  CHECK(sandbox.supervised);
  CHECK(ns.pid);
  CHECK(ns.net);
  CHECK(ns.ipc);
  CHECK(ns.hostname == "localhost");
  CHECK(ns.view);
  CHECK(ns.confine);
  CHECK(ns.captures.empty());
  CHECK(ns.become.has_value() == sandbox.switch_user);
  opts.root = false;
  auto plain = stage::namespace_policy(opts, &sandbox);
  CHECK_FALSE(plain.map_root);
  CHECK_FALSE(plain.supervise);
  CHECK_FALSE(sandbox.supervised);
  CHECK(plain.view);
}
