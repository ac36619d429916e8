// namespaces: the plan of steps for each policy (no kernel needed), and the child run through it: uid 0 in its user namespace, listeners handed over, a failed step named.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <string>

#include "stage/namespaces.h"

namespace {
using stage::Step;

/// Exit status of a spawned child.
int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::vector<Step> steps_of(const stage::NamespacePolicy& p) {
  std::vector<Step> out;
  for (const auto& s : stage::plan_steps(p)) out.push_back(s.step);
  return out;
}

size_t index_of(const std::vector<Step>& steps, Step s) {
  auto it = std::find(steps.begin(), steps.end(), s);
  REQUIRE(it != steps.end());
  return static_cast<size_t>(it - steps.begin());
}

const stage::PlannedStep& planned(const std::vector<stage::PlannedStep>& plan, Step s) {
  auto it = std::find_if(plan.begin(), plan.end(), [s](const auto& p) { return p.step == s; });
  REQUIRE(it != plan.end());
  return *it;
}

stage::NamespacePolicy sandbox_policy() {
  stage::NamespacePolicy p;
  p.user = p.mount = p.pid = p.net = p.ipc = true;
  p.hostname = "localhost";
  p.view = stage::SandboxView{};
  p.view->dev_nodes = {"/dev/null"};
  p.workdir = "/build";
  p.confine = [](stage::SetupSteps&) { return -1; };
  return p;
}

/// Spawns, or says why the kernel refused (the test is then skipped, with a warning).
bool try_spawn(const stage::NamespacePolicy& policy, const std::function<void()>& exec_child, stage::Spawned& out) {
  try {
    out = stage::spawn_in_namespaces(policy, exec_child);
    return true;
  } catch (const stage::NamespaceError& e) {
    std::string what = e.what();
    if (what.rfind("user namespace", 0) == 0 || what.rfind("seccomp user notification", 0) == 0) {
      WARN("skipped: the kernel refused: " << what);
      return false;
    }
    throw;
  }
}
}  // namespace

TEST_CASE("namespaces: --root alone plans a user namespace mapped to root and the supervisor's filter", "[namespaces]") {
  stage::NamespacePolicy p;
  p.user = p.map_root = p.supervise = true;
  CHECK(steps_of(p) == std::vector<Step>{Step::UserNamespace, Step::IdMaps, Step::SupervisorFilter, Step::Exec});
  auto plan = stage::plan_steps(p);
  // --root rests on them: never skipped, even best-effort.
  CHECK_FALSE(planned(plan, Step::UserNamespace).skippable);
  CHECK_FALSE(planned(plan, Step::SupervisorFilter).skippable);
  CHECK(planned(plan, Step::UserNamespace).name == "user namespace");
}

TEST_CASE("namespaces: union capture plans a private mount namespace, not skippable", "[namespaces]") {
  stage::NamespacePolicy p;
  p.user = p.map_root = p.supervise = true;
  p.captures.push_back({"/d/usr/pkg", "/usr/pkg", {}});
  auto steps = steps_of(p);
  CHECK(steps == std::vector<Step>{Step::UserNamespace, Step::IdMaps, Step::MountNamespace, Step::PrivateMounts,
                                   Step::Captures, Step::SupervisorFilter, Step::Exec});
  auto plan = stage::plan_steps(p);
  CHECK_FALSE(planned(plan, Step::MountNamespace).skippable);
  CHECK_FALSE(planned(plan, Step::PrivateMounts).skippable);
  CHECK(planned(plan, Step::Captures).name == "union capture");
}

TEST_CASE("namespaces: --sandbox plans namespaces, init, the view, the command, in that order", "[namespaces]") {
  auto p = sandbox_policy();
  auto s = steps_of(p);
  CHECK(s.front() == Step::UserNamespace);
  CHECK(s.back() == Step::Exec);
  // The namespaces before the init that makes /proc; the mounts in init.
  CHECK(index_of(s, Step::PidNamespace) < index_of(s, Step::ForkInit));
  CHECK(index_of(s, Step::ForkInit) < index_of(s, Step::PrivateMounts));
  CHECK(index_of(s, Step::ReadOnlyHost) < index_of(s, Step::FreshProc));
  // Hidden homes first, then the writable trees over them, then the secrets
  // over those, then --allow-read, then sealed.
  CHECK(index_of(s, Step::HideHomes) < index_of(s, Step::WritableTrees));
  CHECK(index_of(s, Step::WritableTrees) < index_of(s, Step::Secrets));
  CHECK(index_of(s, Step::Secrets) < index_of(s, Step::Readable));
  CHECK(index_of(s, Step::Readable) < index_of(s, Step::SealMounts));
  CHECK(index_of(s, Step::WorkingDirectory) < index_of(s, Step::ForkCommand));
  CHECK(index_of(s, Step::ForkCommand) < index_of(s, Step::Confine));
  // No --root: no supervisor, no user switch.
  CHECK(std::count(s.begin(), s.end(), Step::SupervisorFilter) == 0);
  CHECK(std::count(s.begin(), s.end(), Step::BecomeUser) == 0);
  auto plan = stage::plan_steps(p);
  CHECK(planned(plan, Step::UserNamespace).skippable);
  CHECK(planned(plan, Step::NetworkNamespace).skippable);
  CHECK_FALSE(planned(plan, Step::WritableTrees).skippable);
  CHECK_FALSE(planned(plan, Step::IdMaps).skippable);
}

TEST_CASE("namespaces: --sandbox --root as root: the user switch first, captures after the writable trees, one filter", "[namespaces]") {
  // run_env's namespace_policy(): the kernel gives a process one seccomp
  // listener, so confine()'s filter traps the supervisor's calls too and no
  // second filter is planned.
  auto p = sandbox_policy();
  p.map_root = true;
  p.become = stage::NamespacePolicy::User{"nobody", 65534, 65534};
  p.captures.push_back({"/d/usr/pkg", "/usr/pkg", {}});
  auto s = steps_of(p);
  CHECK(s.front() == Step::BecomeUser);
  CHECK(index_of(s, Step::BecomeUser) < index_of(s, Step::UserNamespace));
  CHECK(index_of(s, Step::WritableTrees) < index_of(s, Step::Captures));
  CHECK(index_of(s, Step::Captures) < index_of(s, Step::Secrets));
  CHECK(std::count(s.begin(), s.end(), Step::SupervisorFilter) == 0);
  CHECK(s[s.size() - 2] == Step::Confine);
  auto plan = stage::plan_steps(p);
  CHECK_FALSE(planned(plan, Step::BecomeUser).skippable);
  CHECK(planned(plan, Step::BecomeUser).name == "switch to user nobody");
  // With --root the user namespace is not optional, even best-effort.
  CHECK_FALSE(planned(plan, Step::UserNamespace).skippable);
  CHECK_FALSE(planned(plan, Step::Captures).skippable);
}

TEST_CASE("namespaces: best-effort notes a skipped step; strict throws its name", "[namespaces]") {
  stage::SetupSteps loose(true);
  loose.failed("PID namespace", EPERM);
  CHECK(loose.was_skipped("PID namespace"));
  CHECK_FALSE(loose.was_skipped("PID"));
  CHECK(loose.skipped() == std::vector<std::string>{"PID namespace: Operation not permitted"});
  stage::SetupSteps strict(false);
  CHECK_THROWS_WITH(strict.failed("loopback", "refused"), "loopback: refused");
}

TEST_CASE("namespaces: a character device 0/0 is a whiteout, nothing else is", "[namespaces]") {
  struct stat st = {};
  st.st_mode = S_IFCHR | 0;
  st.st_rdev = makedev(0, 0);
  CHECK(stage::is_whiteout(st));
  st.st_rdev = makedev(1, 3);
  CHECK_FALSE(stage::is_whiteout(st));
  st.st_mode = S_IFREG | 0644;
  st.st_rdev = 0;
  CHECK_FALSE(stage::is_whiteout(st));
}

TEST_CASE("namespaces: the child is uid 0 and gid 0 in its user namespace", "[namespaces]") {
  stage::NamespacePolicy policy;
  policy.user = policy.map_root = true;
  stage::Spawned child;
  if (!try_spawn(policy, [] {
        // The uid map says which host uid is our 0: the caller's.
        std::ifstream in("/proc/self/uid_map");
        unsigned inside = 1, outside = 0, count = 0;
        in >> inside >> outside >> count;
        bool ok = ::getuid() == 0 && ::getgid() == 0 && ::geteuid() == 0 && inside == 0 && count == 1;
        ::_exit(ok ? 0 : 1);
      }, child))
    return;
  CHECK(child.pid > 0);
  CHECK_FALSE(child.notify_fd);
  CHECK(wait_for(child.pid) == 0);
}

TEST_CASE("namespaces: without map_root the caller's ids map to themselves", "[namespaces]") {
  stage::NamespacePolicy policy;
  policy.user = true;
  uid_t uid = ::geteuid();
  stage::Spawned child;
  if (!try_spawn(policy, [uid] { ::_exit(::geteuid() == uid ? 0 : 1); }, child)) return;
  CHECK(wait_for(child.pid) == 0);
}

TEST_CASE("namespaces: supervise and confine hand their listeners to the parent", "[namespaces]") {
  stage::NamespacePolicy policy;
  policy.user = policy.map_root = policy.supervise = true;
  policy.confine = [](stage::SetupSteps&) { return ::dup(0); };  // any descriptor stands for a listener
  stage::Spawned child;
  if (!try_spawn(policy, [] { ::_exit(7); }, child)) return;
  CHECK(child.notify_fd);
  CHECK(child.watch_fd);
  CHECK(wait_for(child.pid) == 7);
}

TEST_CASE("namespaces: a PID namespace passes the command's status through its init", "[namespaces]") {
  stage::NamespacePolicy policy;
  policy.user = policy.pid = true;
  stage::Spawned child;
  if (!try_spawn(policy, [] { ::_exit(::getpid() == 2 ? 9 : 1); }, child)) return;
  CHECK(wait_for(child.pid) == 9);
}

TEST_CASE("namespaces: a failing step ends the child and names the step", "[namespaces]") {
  stage::NamespacePolicy policy;
  policy.user = policy.map_root = true;
  policy.confine = [](stage::SetupSteps&) -> int { throw stage::NamespaceError("Landlock: refused for the test"); };
  stage::Spawned child;
  try {
    if (!try_spawn(policy, [] { ::_exit(0); }, child)) return;
    FAIL("a failing confine must stop the child");
  } catch (const stage::NamespaceError& e) {
    CHECK(std::string(e.what()) == "Landlock: refused for the test");
  }
  policy.confine = nullptr;
  policy.workdir = "/nonexistent-stage-workdir";
  try {
    if (!try_spawn(policy, [] { ::_exit(0); }, child)) return;
    FAIL("a missing working directory must fail");
  } catch (const stage::NamespaceError& e) {
    CHECK(std::string(e.what()).rfind("working directory '/nonexistent-stage-workdir': ", 0) == 0);
  }
}
