// run_env: stage-run's environment, preparation and summary.
#include "stage/run_env.h"

#include <dirent.h>
#include <ftw.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cerrno>
#include <filesystem>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include "stage/path_map.h"
#include "stage/session.h"
#include "stage/store.h"

namespace stage {

std::string installed_dropin_directory() {
  std::string exe(4096, '\0');
  ssize_t n = ::readlink("/proc/self/exe", exe.data(), exe.size());
  if (n <= 0) return {};
  exe.resize(n);
  std::string bindir = exe.substr(0, exe.find_last_of('/'));
  return lexical_fold(bindir + "/../libexec/stage/bin");
}

void prepare_stage(RunOptions& options) {
  std::string path;
  for (size_t i = 1; i <= options.destdir.size(); ++i) {
    if (i == options.destdir.size() || options.destdir[i] == '/') {
      path = options.destdir.substr(0, i);
      if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST)
        throw ConfigError("cannot create directory '" + path + "': " + std::strerror(errno));
    }
  }
  struct stat st;
  if (::stat(options.destdir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw ConfigError("'" + options.destdir + "' is not a directory");
  if (options.db.empty()) options.db = default_db_path(options.destdir);
  if (db_inside_stage(options.db, options.destdir))
    throw ConfigError("the database '" + options.db + "' must not lie inside the stage");
  Store::open(options.db, Store::Access::Create, options.destdir);
}

std::vector<std::pair<std::string, std::string>> staging_environment(const RunOptions& options,
                                                                      const EnvLookup& env) {
  std::vector<std::pair<std::string, std::string>> out;
  out.emplace_back("STAGE_DESTDIR", options.destdir);
  out.emplace_back("STAGE_DB", options.db.empty() ? default_db_path(options.destdir) : options.db);
  out.emplace_back("DESTDIR", options.destdir);
  if (!options.map.empty()) {
    std::string joined;
    for (const auto& m : options.map) joined += (joined.empty() ? "" : ":") + m;
    out.emplace_back("STAGE_MAP", joined);
  }
  // The build directory is never staged: a Makefile's own scratch files stay put.
  std::string passthrough;
  if (auto v = env("STAGE_PASSTHROUGH"); v && !v->empty()) {
    passthrough = *v;
  } else {
    passthrough = "/tmp:/var/tmp:/dev:/proc";
    if (auto t = env("TMPDIR"); t && !t->empty() && (*t)[0] == '/') passthrough += ":" + *t;
  }
  if (!options.workdir.empty()) passthrough += ":" + options.workdir;
  out.emplace_back("STAGE_PASSTHROUGH", passthrough);
  if (options.root) out.emplace_back("STAGE_ROOT", "1");
  if (!options.owner.empty()) out.emplace_back("STAGE_OWNER", options.owner);
  if (!options.group.empty()) out.emplace_back("STAGE_GROUP", options.group);
  std::string path = options.dropin_dir;
  if (auto p = env("PATH"); p && !p->empty()) path += ":" + *p;
  out.emplace_back("PATH", path);
  return out;
}

Config run_config(const RunOptions& options, const EnvLookup& env) {
  auto staged = staging_environment(options, env);
  return config_from_env([&](const char* name) -> std::optional<std::string> {
    for (const auto& [n, v] : staged)
      if (n == name) return v;
    return env(name);
  });
}

namespace {

// nftw() has no closure: the capture being mirrored.
struct Mirror {
  std::string host_prefix, stage_dir;
  std::vector<NamespacePolicy::Mirrored>* made;
  int error = 0;
};
Mirror* g_mirror = nullptr;

int mirror_one(const char* path, const struct stat* st, int type, struct FTW*) {
  if (type != FTW_D) return 0;
  std::string rel = std::string(path).substr(g_mirror->host_prefix.size());
  if (rel.empty()) return 0;
  std::string target = g_mirror->stage_dir + rel;
  if (::mkdir(target.c_str(), (st->st_mode & 07777) | 0700) == 0)
    g_mirror->made->push_back({target, NamespacePolicy::Mirrored::identity_of(target)});
  else if (errno != EEXIST) return g_mirror->error = errno;
  return 0;
}

}  // namespace

NamespacePolicy namespace_policy(const RunOptions& options, SandboxPolicy* sandbox) {
  NamespacePolicy policy;
  // fakeroot's LD_PRELOAD answers getuid() and geteuid() with 0: the id maps
  // written from them would name root, and the kernel refuses them.
  if (std::getenv("FAKEROOTKEY"))
    throw ConfigError("cannot run under fakeroot (FAKEROOTKEY is set): it fakes the user ids that the user "
                      "namespace's id maps are written from; run stage-run outside fakeroot");
  if (options.root) {
    policy.user = true;
    policy.map_root = true;
    policy.supervise = true;
  }
  if (sandbox) {
    policy.user = true;
    policy.mount = true;
    policy.pid = policy.net = policy.ipc = true;
    policy.hostname = sandbox->namespaces.hostname;
    policy.workdir = sandbox->namespaces.workdir;
    policy.best_effort = sandbox->best_effort;
    if (sandbox->switch_user) policy.become = NamespacePolicy::User{sandbox->user, sandbox->uid, sandbox->gid};
    // One listener per process: confine()'s filter traps the supervisor's calls too.
    sandbox->supervised = options.root;
    policy.supervise = false;
    const SandboxPolicy* confined = sandbox;
    policy.confine = [confined](SetupSteps& steps) { return confine(*confined, steps); };
  }
  if (!options.root) {
    if (sandbox) policy.view = sandbox->namespaces;
    return policy;
  }
  Config config = run_config(options);
  std::vector<std::string> prefixes;
  for (const auto& p : config.map)
    if (p != "/") prefixes.push_back(p);
  if (!prefixes.empty()) {
    Session session(config);
    for (const auto& prefix : prefixes) {
      if (path_within(options.destdir, prefix) || path_within(prefix, options.destdir))
        throw ConfigError("cannot capture '" + prefix + "': the stage '" + options.destdir + "' lies in it");
      Place place = session.place(prefix, true);
      if (!place.staged)
        throw ConfigError("cannot capture '" + prefix + "': it is passed through (STAGE_PASSTHROUGH: /tmp, /var/tmp, "
                          "the build directory...), never staged");
      std::string failed;
      int err = session.make_dirs(place, prefix, true, 0755, nullptr, &failed);
      if (err) throw ConfigError("cannot create '" + options.destdir + prefix + "': " + std::strerror(err));
      policy.captures.push_back({options.destdir + prefix, prefix, {}});
    }
    if (session.finish() != 0) throw ConfigError("cannot record the captured prefixes");
    policy.mount = true;
    // Beside the stage, on its file system (overlayfs wants the work
    // directory there), never in it: nothing of it is ever exported.
    std::string tmpl = options.destdir + ".stagework.XXXXXX";
    if (!::mkdtemp(tmpl.data()))
      throw ConfigError("cannot create '" + tmpl + "' beside the stage: " + std::strerror(errno));
    policy.scratch_dir = tmpl;
    // The build is the root of a user namespace whose 0 is an ordinary user
    // outside: it may not write the host's directories below a prefix, and
    // the overlay keeps their owners. The stage mirrors them (removed after
    // the run while empty), so that their merged view is the build's.
    bool unprivileged = ::geteuid() != 0 || (sandbox && sandbox->switch_user);
    for (auto& c : policy.captures) {
      struct stat st;
      if (::stat(c.prefix.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) continue;
      // The host has files below it: renames of them go through the supervisor.
      policy.supervise_renames = true;
      if (sandbox) sandbox->supervised_renames = true;
      if (!unprivileged) continue;
      Mirror m{c.prefix, c.stage_dir, &c.mirrored};
      g_mirror = &m;
      int rc = ::nftw(c.prefix.c_str(), mirror_one, 32, FTW_PHYS | FTW_MOUNT);
      g_mirror = nullptr;
      if (rc != 0 && m.error) {
        std::string message = "cannot mirror '" + c.prefix + "' in the stage: " + std::strerror(m.error);
        release_namespace_policy(policy);
        throw ConfigError(message);
      }
    }
  }
  if (sandbox) {
    // The captured prefixes count as writable trees; the scratch directory
    // must be reachable and writable (and handed over) too.
    if (!policy.scratch_dir.empty()) {
      sandbox->namespaces.writable_trees.push_back(policy.scratch_dir);
      sandbox->writable_trees.push_back(policy.scratch_dir);
    }
    for (const auto& c : policy.captures) sandbox->writable_trees.push_back(c.prefix);
    policy.view = sandbox->namespaces;
  }
  return policy;
}

namespace {

// Removes a tree we made, whatever modes the kernel gave its parts (an
// overlay's work directory is made mode 0).
void remove_tree(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return;
  if (S_ISDIR(st.st_mode)) {
    ::chmod(path.c_str(), 0700);
    if (DIR* d = ::opendir(path.c_str())) {
      std::vector<std::string> names;
      while (struct dirent* e = ::readdir(d))
        if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) names.push_back(e->d_name);
      ::closedir(d);
      for (const auto& n : names) remove_tree(path + "/" + n);
    }
    ::rmdir(path.c_str());
  } else {
    ::unlink(path.c_str());
  }
}

// The host's entries at `logical` that the stage's directory `dir` hides
// from the build (its parent was made opaque: the build removed the host's
// directory and made it anew), as logical paths: the names the stage lacks,
// and below a name it has as a directory too, the same again.
void find_hidden(const std::string& dir, const std::string& logical, std::vector<std::string>& out) {
  DIR* d = ::opendir(logical.c_str());
  if (!d) return;
  std::vector<std::string> names;
  while (struct dirent* e = ::readdir(d))
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) names.emplace_back(e->d_name);
  ::closedir(d);
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    struct stat staged, host;
    if (::lstat((dir + "/" + name).c_str(), &staged) != 0 || is_whiteout(staged)) {
      out.push_back(logical + "/" + name);
    } else if (S_ISDIR(staged.st_mode) && ::lstat((logical + "/" + name).c_str(), &host) == 0 &&
               S_ISDIR(host.st_mode)) {
      find_hidden(dir + "/" + name, logical + "/" + name, out);
    }
  }
}

// Host entries the build deleted below `dir` (the stage's directory of
// `logical`), as logical paths: whiteouts, and what opaque directories hide.
void find_deletions(const std::string& dir, const std::string& logical, std::vector<std::string>& out) {
  if (is_opaque_dir(dir)) {
    find_hidden(dir, logical, out);
    return;
  }
  DIR* d = ::opendir(dir.c_str());
  if (!d) return;
  std::vector<std::pair<std::string, bool>> found;
  while (struct dirent* e = ::readdir(d)) {
    if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
    if (e->d_type != DT_DIR && e->d_type != DT_CHR && e->d_type != DT_UNKNOWN) continue;
    struct stat st;
    if (::fstatat(::dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (is_whiteout(st)) found.emplace_back(e->d_name, false);
    else if (S_ISDIR(st.st_mode)) found.emplace_back(e->d_name, true);
  }
  ::closedir(d);
  for (const auto& [name, is_dir] : found) {
    if (is_dir) find_deletions(dir + "/" + name, logical + "/" + name, out);
    else out.push_back(logical + "/" + name);
  }
}

}  // namespace

void release_namespace_policy(const NamespacePolicy& policy) {
  for (const auto& c : policy.captures)
    for (auto it = c.mirrored.rbegin(); it != c.mirrored.rend(); ++it)
      if (it->unchanged()) ::rmdir(it->path.c_str());  // ENOTEMPTY: used, kept; made anew by the build: its own
  if (!policy.scratch_dir.empty()) remove_tree(policy.scratch_dir);
}

std::vector<std::string> finish_capture(const RunOptions& options, const NamespacePolicy& policy) {
  std::vector<std::string> all;
  if (policy.captures.empty()) return all;
  // The mirrored directories the build put something in stay: recorded as
  // `mkdir -p` would have made them (the host's mode, the default owner),
  // unless the build recorded them itself (a chown, a chmod) or made them
  // anew (then as the build's own: the mode on disk).
  Session session(run_config(options));
  for (const auto& c : policy.captures) {
    for (const auto& dir : c.mirrored) {
      struct stat st, host;
      std::string logical = c.prefix + dir.path.substr(c.stage_dir.size());
      if (::lstat(dir.path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || ::stat(logical.c_str(), &host) != 0) continue;
      Place place = session.place(logical, false);
      if (!place.staged || place.error || session.lookup(place.logical)) continue;
      mode_t mode = dir.unchanged() ? host.st_mode & 07777 : st.st_mode & 07777;
      session.record(entry_for(place.logical, st, mode, session.default_owner(), session.default_group()));
    }
  }
  if (session.finish() != 0) throw StoreError("cannot record the mirrored directories");
  auto store = Store::open(options.db.empty() ? default_db_path(options.destdir) : options.db, Store::Access::ReadWrite);
  for (const auto& c : policy.captures) {
    std::vector<std::string> found;
    find_deletions(c.stage_dir, c.prefix, found);
    std::sort(found.begin(), found.end());
    store->set_deletions(c.prefix, found);
    all.insert(all.end(), found.begin(), found.end());
  }
  return all;
}

std::string dropin_executable(const RunOptions& options) {
  char buf[PATH_MAX];
  std::string exe = options.dropin_dir + "/../stage-dropin";
  if (::realpath(exe.c_str(), buf)) return buf;
  return lexical_fold(exe);
}

SandboxPolicy sandbox_policy(const RunOptions& options, const EnvLookup& env) {
  SandboxPolicy policy;
  policy.best_effort = options.best_effort;
  policy.limits = options.limits;
  std::string db = options.db.empty() ? default_db_path(options.destdir) : options.db;
  if (::geteuid() == 0) {
    std::string name = options.sandbox_user.empty() ? "nobody" : options.sandbox_user;
    struct passwd* pw = ::getpwnam(name.c_str());
    if (!pw) throw ConfigError("--user: '" + name + "': no such user");
    if (pw->pw_uid == 0) throw ConfigError("--user: '" + name + "' is privileged; name an unprivileged user");
    // The build directory is handed over to the user (recursive lchown):
    // never a system directory by mistake.
    for (const char* system : {"/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib64", "/opt", "/proc",
                               "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/var", "/var/tmp"})
      if (options.workdir == system || options.destdir == system)
        throw ConfigError("--sandbox: will not hand '" + std::string(system) + "' over to " + name +
                          ": run from the package's own directory, with a stage of its own");
    policy.switch_user = true;
    policy.user = name;
    policy.uid = pw->pw_uid;
    policy.gid = pw->pw_gid;
  } else if (!options.sandbox_user.empty()) {
    struct passwd* pw = ::getpwnam(options.sandbox_user.c_str());
    if (!pw || pw->pw_uid != ::geteuid())
      throw ConfigError("--user: only root can run the build as another user ('" + options.sandbox_user + "')");
  }

  // Landlock (inside the namespaces, the private temp directories are ours).
  policy.writable_trees = {options.destdir, options.workdir, "/tmp", "/var/tmp", "/dev/shm"};
  policy.writable_files = {db, db + "-wal", db + "-shm"};
  policy.device_files = {"/dev/null", "/dev/zero", "/dev/full", "/dev/tty", "/dev/random", "/dev/urandom"};

  SandboxView& ns = policy.namespaces;
  ns.writable_trees = {options.destdir};
  if (!options.workdir.empty() && !path_within(options.workdir, options.destdir)) ns.writable_trees.push_back(options.workdir);
  ns.writable_files = policy.writable_files;
  ns.private_dirs = {"/tmp", "/var/tmp"};
  ns.dev_nodes = {"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty"};
  ns.workdir = options.workdir;
  // Homes: the invoking user's (by $HOME and by the password database), the
  // sandbox user's, root's and everyone's under /home; /run holds the host's
  // sockets (D-Bus, systemd).
  std::vector<std::string> homes;
  auto add_home = [&](const std::string& h) {
    if (h.size() > 1 && h[0] == '/' && std::find(homes.begin(), homes.end(), lexical_fold(h)) == homes.end())
      homes.push_back(lexical_fold(h));
  };
  if (auto h = env("HOME")) add_home(*h);
  if (struct passwd* pw = ::getpwuid(::getuid())) add_home(pw->pw_dir);
  if (policy.switch_user)
    if (struct passwd* pw = ::getpwnam(policy.user.c_str())) add_home(pw->pw_dir);
  add_home("/root");
  add_home("/home");
  ns.hidden = homes;
  ns.hidden.push_back("/run");
  for (const auto& h : homes)
    for (const char* secret : {"/.ssh", "/.gnupg"}) ns.secrets.push_back(h + secret);
  ns.readable = options.allow_read;
  // The drop-ins must stay reachable even when installed in a hidden home
  // or under the private /tmp (a checkout built in /tmp, as CI may do).
  std::string tools = lexical_fold(options.dropin_dir + "/../..");
  bool covered = false;
  for (const auto* dirs : {&ns.hidden, &ns.private_dirs})
    for (const auto& d : *dirs) covered = covered || path_within(tools, d);
  if (covered) ns.readable.push_back(tools);
  return policy;
}

void require_fresh(const RunOptions& options) {
  if (DIR* d = ::opendir(options.destdir.c_str())) {
    bool empty = true;
    while (struct dirent* e = ::readdir(d))
      if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) empty = false;
    ::closedir(d);
    if (!empty) throw ConfigError("--fresh: the stage '" + options.destdir + "' is not empty");
  }
  std::string db = options.db.empty() ? default_db_path(options.destdir) : options.db;
  struct stat st;
  if (::stat(db.c_str(), &st) != 0) return;
  std::unique_ptr<Store> store;
  try {
    store = Store::open(db, Store::Access::ReadOnly);
  } catch (const StoreError& e) {
    if (st.st_size == 0) return;
    throw ConfigError(std::string("--fresh: ") + e.what());
  }
  if (store->holds_anything()) throw ConfigError("--fresh: the database '" + db + "' already holds records");
}

std::string shell_word(std::string_view word) {
  bool plain = !word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                                      "-_./=:,+@%") == std::string_view::npos;
  if (plain) return std::string(word);
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + '\'';
}

std::string command_line(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ' ';
    out += shell_word(w);
  }
  return out;
}

std::string current_user_name() {
  if (struct passwd* pw = ::getpwuid(::geteuid())) return pw->pw_name;
  return std::to_string(::geteuid());
}

std::string utc_now() {
  std::time_t now = std::time(nullptr);
  struct tm tm;
  ::gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

void record_run(const RunOptions& options, const RunRecord& run) {
  auto store = Store::open(options.db.empty() ? default_db_path(options.destdir) : options.db, Store::Access::ReadWrite);
  store->append_run(run);
}

std::string format_run_log(const std::vector<RunRecord>& runs) {
  // One line per run whatever the fields hold: a command line may span lines.
  auto field = [](const std::string& text) {
    std::string out;
    for (char c : text) out += c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\\' ? "\\\\" : std::string(1, c);
    return out;
  };
  std::string out;
  for (const auto& r : runs)
    out += field(r.start) + '\t' + field(r.end) + '\t' + std::to_string(r.status) + '\t' + field(r.user) + '\t' +
           field(r.sandbox) + '\t' + (r.denials.empty() ? "-" : field(r.denials)) + '\t' + field(r.command) + '\n';
  return out;
}

namespace {

/// A Makefile in `dir` that names /usr/bin/install (or /bin/install) by absolute path.
std::string makefile_with_absolute_install(const std::string& dir) {
  for (const char* name : {"Makefile", "GNUmakefile", "makefile"}) {
    std::ifstream in(dir + "/" + name);
    if (!in) continue;
    std::string line;
    while (std::getline(in, line)) {
      if (line.find("= /usr/bin/install") != std::string::npos || line.find("= /bin/install") != std::string::npos ||
          line.find("=/usr/bin/install") != std::string::npos)
        return dir + "/" + name;
    }
  }
  return {};
}

}  // namespace

std::vector<std::string> untracked_paths(const RunOptions& options) {
  Session session(run_config(options));
  Listing listing =
      reconcile_stage(options.destdir, session.config().db, session.default_owner(), session.default_group(), false);
  std::vector<std::string> out;
  for (const auto& le : listing.entries)
    if (le.untracked) out.push_back(le.entry.path);
  return out;  // in path order, as listed
}

size_t adopt_root_build_files(const RunOptions& options, const std::vector<std::string>& before) {
  Session session(run_config(options));
  Listing listing =
      reconcile_stage(options.destdir, session.config().db, session.default_owner(), session.default_group(), false);
  size_t adopted = 0;
  // Path order: a directory is recorded before what lies in it, so a setgid
  // directory the build made itself already counts for its files.
  for (auto& le : listing.entries) {
    if (!le.untracked || std::binary_search(before.begin(), before.end(), le.entry.path)) continue;
    Entry e = std::move(le.entry);
    if (auto group = session.setgid_parent_group(e.path)) e.group = *group;
    e.tool = "stage-run";
    session.record(std::move(e));
    ++adopted;
  }
  if (session.finish() != 0) throw StoreError("cannot record the files the build made");
  return adopted;
}

std::vector<std::string> run_summary(const Listing& listing, const std::string& workdir) {
  size_t recorded = 0, untracked = 0;
  std::string example;
  for (const auto& le : listing.entries) {
    if (le.untracked) {
      if (le.entry.type != EntryType::Dir && example.empty()) example = le.entry.path;
      ++untracked;
    } else {
      ++recorded;
    }
  }
  std::ostringstream line;
  line << recorded << (recorded == 1 ? " entry" : " entries") << " recorded, " << untracked << " untracked";
  if (!listing.missing.empty()) line << ", " << listing.missing.size() << " recorded but gone";
  std::vector<std::string> out{line.str()};
  if (untracked == 0) return out;
  if (example.empty()) example = "(directories only)";
  out.push_back("warning: " + std::to_string(untracked) + " staged paths were not made by stage's tools, e.g. " +
                example + "; they get the default owner and their on-disk mode (stage-ls --untracked lists them)");
  std::string makefile = makefile_with_absolute_install(workdir);
  if (!makefile.empty()) {
    out.push_back("hint: " + makefile +
                  " runs /usr/bin/install by absolute path: the package was configured before stage's tools "
                  "were on PATH. Re-run configure under stage-run (stage-run -- ./configure ...), or pass "
                  "INSTALL=install to make.");
  } else {
    out.push_back("hint: files copied with cp, tar or a compiler, or an install program called by absolute path, "
                  "bypass stage; call install/ln/mkdir through PATH");
  }
  return out;
}

}  // namespace stage
