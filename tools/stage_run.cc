// stage-run: runs a build with the drop-ins first on PATH and the staging environment set.
#include <CLI/CLI.hpp>
#include <boost/process.hpp>
#include <boost/process/extend.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "stage/cli.h"
#include "stage/config.h"
#include "stage/diag.h"
#include "stage/listing.h"
#include "stage/namespaces.h"
#include "stage/path_map.h"
#include "stage/run_env.h"
#include "stage/sandbox.h"
#include "stage/store.h"
#include "stage/supervisor.h"

extern char** environ;

namespace bp = boost::process;

namespace {
/// Confines the child between fork and exec; a failure ends it before it runs.
struct SandboxSetup : bp::extend::handler {
  const stage::SandboxPolicy* policy = nullptr;
  template <class Executor>
  void on_exec_setup(Executor&) const {
    if (!policy) return;
    try {
      stage::enter_sandbox(*policy);
    } catch (const stage::SandboxError& e) {
      std::string line = "stage-run: " + std::string(e.what()) + "\n";
      ssize_t ignored = ::write(2, line.data(), line.size());
      (void)ignored;
      ::_exit(126);
    }
  }
};
}  // namespace

int main(int argc, char** argv) {
  stage::diag::set_program("stage-run");
  stage::diag::set_usage_exit_status(2);
  CLI::App app{"Run COMMAND with stage's drop-ins first on PATH and its output staged into DESTDIR."};
  stage::RunOptions options;
  std::string destdir, db;
  bool sandbox = false, quiet = false;
  std::vector<std::string> command;
  app.add_option("--destdir", destdir, "the staging root, created if needed (default: $STAGE_DESTDIR)");
  app.add_option("--db", db, "the database (default: DESTDIR.stagedb)");
  app.add_option("--map", options.map, "a prefix sent into the stage (repeatable; default /)");
  auto* owner_opt = app.add_option("--owner", options.owner, "owner recorded when a command names none (default root)");
  auto* group_opt = app.add_option("--group", options.group, "group recorded when a command names none (default root)");
  app.add_flag("--sandbox", sandbox,
               "confine COMMAND: no_new_privs, writes only to DESTDIR, the database, the build and temp "
               "directories (Landlock), no network sockets (seccomp), resource limits");
  app.add_flag("--root", options.root,
               "run COMMAND as uid 0 in a user namespace; owner, group, mode and device-node changes any "
               "program makes on staged paths are recorded (needs unprivileged user namespaces and seccomp "
               "user notification)");
  app.add_flag("-q,--quiet", quiet, "no summary line");
  app.add_option("COMMAND", command, "the command and its arguments")->required();
  app.positionals_at_end();
  app.set_version_flag("--version", stage::tool_version_text("stage-run"), "print the version and exit");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }

  std::string cwd = stage::current_directory();
  try {
    auto env = stage::process_env();
    if (destdir.empty()) destdir = env("STAGE_DESTDIR").value_or("");
    if (destdir.empty()) stage::diag::usage_error("no staging root: give --destdir or set STAGE_DESTDIR");
    options.destdir = stage::lexical_absolute(destdir, cwd);
    options.db = db.empty() ? "" : stage::lexical_absolute(db, cwd);
    for (auto& m : options.map) m = stage::lexical_absolute(m, cwd);
    options.workdir = cwd;
    // The defaults the command's drop-ins will record, checked before it
    // runs. Given, even empty, --owner/--group must be recordable.
    std::string owner = env("STAGE_OWNER").value_or(""), group = env("STAGE_GROUP").value_or("");
    stage::check_default_principals(owner_opt->count() ? options.owner : owner.empty() ? "root" : owner,
                                    group_opt->count() ? options.group : group.empty() ? "root" : group,
                                    owner_opt->count() ? "--owner" : "STAGE_OWNER",
                                    group_opt->count() ? "--group" : "STAGE_GROUP");
    options.dropin_dir = stage::installed_dropin_directory();
    stage::prepare_stage(options);
  } catch (const stage::ConfigError& e) {
    stage::diag::fatal(e.what());
  } catch (const stage::StoreError& e) {
    stage::diag::fatal(e.what());
  }

  // The sandbox may write the database but not create or delete its WAL
  // files: this connection keeps them in place while the command runs.
  std::unique_ptr<stage::Store> keep_db_open;
  stage::SandboxPolicy policy;
  if (sandbox) {
    try {
      keep_db_open = stage::Store::open(options.db, stage::Store::Access::ReadWrite);
      policy = stage::sandbox_policy(options);
      if (stage::landlock_abi() < 1)
        stage::diag::fatal("--sandbox needs Landlock (Linux 5.13 or later, enabled in the LSM list)");
    } catch (const stage::StoreError& e) {
      stage::diag::fatal(e.what());
    }
  }
  SandboxSetup setup;
  if (sandbox) setup.policy = &policy;

  int status = 0;
  try {
    auto child_env = boost::this_process::environment();
    for (const auto& [name, value] : stage::staging_environment(options)) child_env[name] = value;
    boost::filesystem::path exe(command[0]);
    if (command[0].find('/') == std::string::npos) {
      // Search the PATH the command will see.
      std::vector<boost::filesystem::path> dirs;
      std::string path = child_env["PATH"].to_string();
      for (size_t start = 0; start <= path.size();) {
        size_t end = path.find(':', start);
        if (end == std::string::npos) end = path.size();
        dirs.emplace_back(path.substr(start, end - start));
        start = end + 1;
      }
      exe = bp::search_path(command[0], dirs);
    }
    if (exe.empty()) {
      stage::diag::error("cannot run '" + command[0] + "'", ENOENT);
      return 127;
    }
    if (options.root) {
      // Everything the child needs is built before it starts.
      std::vector<std::string> env_text;
      for (const auto& e : child_env) env_text.push_back(e.get_name() + "=" + e.to_string());
      std::vector<char*> envp, argv;
      for (auto& e : env_text) envp.push_back(e.data());
      envp.push_back(nullptr);
      for (auto& a : command) argv.push_back(a.data());
      argv.push_back(nullptr);
      std::string exe_path = exe.string();
      stage::NamespacePolicy ns;
      try {
        ns = stage::root_namespace_policy(options);
      } catch (const stage::ConfigError& e) {
        stage::diag::error(std::string("--root: ") + e.what());
        return 2;
      }
      if (sandbox)
        ns.before_exec = [&policy] { stage::enter_sandbox(policy); };
      stage::Config config = stage::run_config(options);
      stage::Spawned child;
      try {
        child = stage::spawn_in_namespaces(ns, [&] {
          ::execve(exe_path.c_str(), argv.data(), envp.data());
          std::string line = "stage-run: cannot run '" + command[0] + "': " + std::strerror(errno) + "\n";
          ssize_t ignored = ::write(2, line.data(), line.size());
          (void)ignored;
          ::_exit(127);
        });
      } catch (const stage::NamespaceError& e) {
        stage::release_namespace_policy(ns);
        stage::diag::error(std::string("--root: ") + e.what());
        return 2;
      }
      stage::supervise(child.notify_fd.get(), config, stage::dropin_executable(options), child.pid);
      child.notify_fd = stage::UniqueFd();
      while (::waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
      }
      stage::release_namespace_policy(ns);
    } else {
      bp::child child(exe, bp::args(std::vector<std::string>(command.begin() + 1, command.end())), child_env, setup);
      child.wait();
      status = child.native_exit_code();
    }
    status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  } catch (const std::exception& e) {
    stage::diag::error(std::string("cannot run '") + command[0] + "': " + e.what());
    return 127;
  }

  if (!quiet) {
    try {
      stage::Config config = stage::run_config(options);
      stage::IdDatabase users(config.passwd_file), groups(config.group_file);
      auto listing = stage::reconcile_stage(options.destdir, options.db, stage::resolve_principal(users, config.owner),
                                            stage::resolve_principal(groups, config.group), false);
      for (const auto& line : stage::run_summary(listing, options.workdir)) std::cerr << "stage-run: " << line << '\n';
    } catch (const std::exception& e) {
      stage::diag::warn(std::string("cannot summarise the stage: ") + e.what());
    }
  }
  return status;
}
