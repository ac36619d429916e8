// namespaces: the child runs in its user namespace as uid 0, hands over its listener, and a failed step names itself.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "stage/namespaces.h"

namespace {
/// Exit status of a spawned child.
int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool user_namespaces_allowed() {
  std::ifstream in("/proc/sys/user/max_user_namespaces");
  std::string v;
  std::getline(in, v);
  return v != "0";
}
}  // namespace

TEST_CASE("namespaces: the child is uid 0 and gid 0 in its user namespace", "[namespaces]") {
  if (!user_namespaces_allowed()) return;  // tests/cli/stage-run-root-refused.sh covers the refusal
  stage::NamespacePolicy policy;
  policy.user_root = true;
  stage::Spawned child = stage::spawn_in_namespaces(policy, [] {
    // The uid map says which host uid is our 0: the caller's.
    std::ifstream in("/proc/self/uid_map");
    unsigned inside = 1, outside = 0, count = 0;
    in >> inside >> outside >> count;
    bool ok = ::getuid() == 0 && ::getgid() == 0 && ::geteuid() == 0 && inside == 0 && count == 1;
    ::_exit(ok ? 0 : 1);
  });
  CHECK(child.pid > 0);
  CHECK_FALSE(child.notify_fd);
  CHECK(wait_for(child.pid) == 0);
}

TEST_CASE("namespaces: supervise hands the seccomp listener to the parent", "[namespaces]") {
  if (!user_namespaces_allowed()) return;
  stage::NamespacePolicy policy;
  policy.user_root = true;
  policy.supervise = true;
  stage::Spawned child = stage::spawn_in_namespaces(policy, [] { ::_exit(7); });
  CHECK(child.notify_fd);
  CHECK(wait_for(child.pid) == 7);
}

TEST_CASE("namespaces: a failing step ends the child and names the step", "[namespaces]") {
  if (!user_namespaces_allowed()) return;
  stage::NamespacePolicy policy;
  policy.user_root = true;
  policy.before_exec = [] { throw stage::NamespaceError("landlock: refused for the test"); };
  bool ran = false;
  try {
    stage::spawn_in_namespaces(policy, [] { ::_exit(0); });
  } catch (const stage::NamespaceError& e) {
    ran = true;
    CHECK(std::string(e.what()) == "landlock: refused for the test");
  }
  CHECK(ran);
  policy.before_exec = nullptr;
  policy.mount = true;
  policy.binds.push_back({"/nonexistent-stage-source", "/nonexistent-stage-target", false});
  try {
    stage::spawn_in_namespaces(policy, [] { ::_exit(0); });
    FAIL("a bind mount of a missing directory must fail");
  } catch (const stage::NamespaceError& e) {
    CHECK(std::string(e.what()).rfind("bind mount: '/nonexistent-stage-source'", 0) == 0);
  }
}
