// stage-run: runs a build with the drop-ins first on PATH and the staging environment set.
#include <CLI/CLI.hpp>
#include <boost/process.hpp>
#include <boost/process/extend.hpp>

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

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace bp = boost::process;


int main(int argc, char** argv) {
  stage::diag::set_program("stage-run");
  stage::diag::set_usage_exit_status(2);
  CLI::App app{"Run COMMAND with stage's drop-ins first on PATH and its output staged into DESTDIR."};
  stage::RunOptions options;
  std::string destdir, db;
  std::string sandbox;  // "", "strict" or "best-effort"
  bool quiet = false, fresh = false;
  std::vector<std::string> rlimits;
  std::vector<std::string> command;
  app.add_option("--destdir", destdir, "the staging root, created if needed (default: $STAGE_DESTDIR)");
  app.add_option("--db", db, "the database (default: DESTDIR.stagedb)");
  app.add_option("--map", options.map, "a prefix sent into the stage (repeatable; default /)");
  auto* owner_opt = app.add_option("--owner", options.owner, "owner recorded when a command names none (default root)");
  auto* group_opt = app.add_option("--group", options.group, "group recorded when a command names none (default root)");
  app.add_flag("--sandbox{strict}", sandbox,
               "confine COMMAND as a possibly hostile build (README \"--sandbox\"); =best-effort runs with what "
               "the kernel has and says what it could not enforce")
      ->check(CLI::IsMember({"strict", "best-effort"}));
  app.add_option("--user", options.sandbox_user, "--sandbox started as root: the user COMMAND runs as (default nobody)");
  app.add_option("--allow-read", options.allow_read, "--sandbox: let the build read this hidden path (repeatable)");
  app.add_option("--rlimit", rlimits,
                 "--sandbox: NAME=N resource limit (nproc 4096, fsize 64G, cpu 7200, as 32G, core 0; nofile; "
                 "N may end in K/M/G/T or be unlimited; repeatable)");
  app.add_flag("--fresh", fresh, "refuse a stage or database that already holds anything (no buildroot reuse)");
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
    for (auto& p : options.allow_read) p = stage::lexical_absolute(p, cwd);
    for (const auto& r : rlimits) stage::set_limit(options.limits, r);
    if (options.root && !sandbox.empty() && !options.sandbox_user.empty())
      stage::diag::usage_error("--user does not go with --root (the build is the user namespace's root)");
    if (sandbox.empty() && (!options.sandbox_user.empty() || !options.allow_read.empty() || !rlimits.empty()))
      stage::diag::usage_error("--user, --allow-read and --rlimit go with --sandbox");
    options.best_effort = sandbox == "best-effort";
    options.workdir = cwd;
    // The defaults the command's drop-ins will record, checked before it
    // runs. Given, even empty, --owner/--group must be recordable.
    std::string owner = env("STAGE_OWNER").value_or(""), group = env("STAGE_GROUP").value_or("");
    stage::check_default_principals(owner_opt->count() ? options.owner : owner.empty() ? "root" : owner,
                                    group_opt->count() ? options.group : group.empty() ? "root" : group,
                                    owner_opt->count() ? "--owner" : "STAGE_OWNER",
                                    group_opt->count() ? "--group" : "STAGE_GROUP");
    options.dropin_dir = stage::installed_dropin_directory();
    if (fresh) stage::require_fresh(options);
    stage::prepare_stage(options);
  } catch (const stage::ConfigError& e) {
    stage::diag::fatal(e.what());
  } catch (const stage::StoreError& e) {
    stage::diag::fatal(e.what());
  }

  // A connection held open while the command runs. The drop-ins' own are
  // then never the last one: none checkpoints the WAL at its close or
  // rebuilds the shared-memory index at its open (45 of an install call's
  // system calls and 40k of its instructions, strace and callgrind); SQLite
  // checkpoints every 1,000 pages instead (wal_autocheckpoint), and this
  // connection's close at the end. The sandbox needs it too: it may write
  // the database but not create or delete its WAL files.
  std::unique_ptr<stage::Store> keep_db_open;
  stage::SandboxPolicy policy;
  stage::NamespacePolicy ns;
  stage::RunRecord record;
  try {
    keep_db_open = stage::Store::open(options.db, stage::Store::Access::ReadWrite);
    if (!sandbox.empty()) policy = stage::sandbox_policy(options);
    // One policy for every combination of --root, --sandbox and --map; the
    // captured prefixes join the sandbox's writable trees before the hand-over.
    if (options.root || !sandbox.empty()) {
      try {
        ns = stage::namespace_policy(options, sandbox.empty() ? nullptr : &policy);
      } catch (const stage::ConfigError& e) {
        stage::release_namespace_policy(ns);
        stage::diag::error(std::string(options.root ? "--root: " : "") + e.what());
        return 2;
      }
    }
    if (!sandbox.empty()) stage::hand_over(policy);
  } catch (const stage::ConfigError& e) {
    stage::release_namespace_policy(ns);
    stage::diag::fatal(e.what());
  } catch (const stage::StoreError& e) {
    stage::release_namespace_policy(ns);
    stage::diag::fatal(e.what());
  } catch (const stage::SandboxError& e) {
    stage::release_namespace_policy(ns);
    stage::diag::error(std::string("--sandbox: ") + e.what());
    return 2;
  }
  record.command = stage::command_line(command);
  record.user = policy.switch_user ? policy.user : stage::current_user_name();
  record.sandbox = sandbox.empty() ? "off" : sandbox;
  record.start = stage::utc_now();

  int status = 0;
  std::vector<std::string> denial_lines;
  std::vector<std::string> deletions;
  try {
    auto child_env = boost::this_process::environment();
    for (const auto& [name, value] : stage::staging_environment(options)) child_env[name] = value;
    // The sandbox's temp directory is its private /tmp.
    if (!sandbox.empty()) child_env["TMPDIR"] = "/tmp";
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
      stage::release_namespace_policy(ns);
      stage::diag::error("cannot run '" + command[0] + "'", ENOENT);
      return 127;
    }
    if (options.root || !sandbox.empty()) {
      std::vector<std::string> envp;
      for (const auto& entry : child_env) envp.push_back(entry.get_name() + "=" + entry.to_string());
      stage::Config config = stage::run_config(options);
      std::string dropin = stage::dropin_executable(options);
      stage::SuperviseFn supervise;
      if (options.root)
        supervise = [&](int listener, pid_t pid, const stage::NotifyHandler& other) {
          stage::supervise(listener, config, dropin, pid, other);
        };
      // --root: what is untracked before the build stays so; what the build
      // makes without the tools is recorded after it (adopt_root_build_files).
      std::vector<std::string> untracked_before;
      if (options.root) {
        try {
          untracked_before = stage::untracked_paths(options);
        } catch (const stage::StoreError& e) {
          stage::release_namespace_policy(ns);
          stage::diag::fatal(e.what());
        }
      }
      stage::SandboxRun run = stage::run_in_namespaces(ns, exe.string(), command, envp, supervise);
      if (!run.setup_error.empty()) {
        stage::release_namespace_policy(ns);
        if (sandbox.empty()) {
          stage::diag::error("--root: " + run.setup_error);
          return 2;
        }
        stage::diag::error("--sandbox: " + run.setup_error + " (--sandbox=best-effort runs without what is missing)");
        record.sandbox = "failed: " + run.setup_error;
      }
      status = run.status;
      for (const auto& u : run.unenforced) {
        stage::diag::warn("--sandbox=best-effort: not enforced: " + u);
        record.sandbox += "; not enforced: " + u;
      }
      record.denials = stage::audit_denials(run);
      denial_lines = stage::describe_denials(run);
      if (run.setup_error.empty()) {
        stage::release_namespace_policy(ns);
        try {
          deletions = stage::finish_capture(options, ns);
        } catch (const std::exception& e) {
          stage::diag::warn(std::string("cannot record what union capture left: ") + e.what());
        }
        if (options.root) {
          try {
            stage::adopt_root_build_files(options, untracked_before);
          } catch (const std::exception& e) {
            stage::diag::warn(std::string("--root: cannot record the files the build made: ") + e.what());
          }
        }
      }
    } else {
      bp::child child(exe, bp::args(std::vector<std::string>(command.begin() + 1, command.end())), child_env);
      child.wait();
      status = child.native_exit_code();
      status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
  } catch (const std::exception& e) {
    stage::release_namespace_policy(ns);
    stage::diag::error(std::string("cannot run '") + command[0] + "': " + e.what());
    return 127;
  }
  record.end = stage::utc_now();
  record.status = status;
  try {
    stage::record_run(options, record);
  } catch (const stage::StoreError& e) {
    stage::diag::warn(std::string("cannot record the run: ") + e.what());
  }
  if (!sandbox.empty() && status == 2 && record.sandbox.rfind("failed", 0) == 0) return 2;
  if (!quiet) {
    for (const auto& line : denial_lines) std::cerr << "stage-run: sandbox denied " << line << '\n';
    if (!deletions.empty())
      std::cerr << "stage-run: " << deletions.size() << (deletions.size() == 1 ? " host file" : " host files")
                << " deleted under union capture, recorded, not applied (e.g. " << deletions.front()
                << "; stage-ls --check lists them)\n";
  }

  if (!quiet) {
    try {
      stage::Config config = stage::config_from_env([&](const char* name) -> std::optional<std::string> {
        if (std::string_view(name) == "STAGE_DESTDIR") return options.destdir;
        if (std::string_view(name) == "STAGE_OWNER" && !options.owner.empty()) return options.owner;
        if (std::string_view(name) == "STAGE_GROUP" && !options.group.empty()) return options.group;
        return stage::process_env()(name);
      });
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
