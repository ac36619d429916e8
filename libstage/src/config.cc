// config: reads the STAGE_* environment.
#include "stage/config.h"

#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>

#include "stage/diag.h"
#include "stage/owners.h"
#include "stage/path_map.h"

namespace stage {
namespace {

std::vector<std::string> split_prefixes(const std::string& list, const char* variable) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = list.find(':', start);
    if (end == std::string::npos) end = list.size();
    std::string item = list.substr(start, end - start);
    if (!item.empty()) {
      if (item[0] != '/')
        throw ConfigError(std::string(variable) + ": '" + item + "' is not an absolute path");
      out.push_back(lexical_fold(item));
    }
    start = end + 1;
  }
  return out;
}

}  // namespace

EnvLookup process_env() {
  return [](const char* name) -> std::optional<std::string> {
    const char* value = std::getenv(name);
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

void check_default_principals(const std::string& owner, const std::string& group, std::string_view owner_source,
                              std::string_view group_source) {
  // A newline or ':' would reach every record made without -o/-g.
  if (!valid_default_principal(owner))
    throw ConfigError(std::string(owner_source) + ": invalid user " + diag::quote_arg(owner));
  if (!valid_default_principal(group))
    throw ConfigError(std::string(group_source) + ": invalid group " + diag::quote_arg(group));
}

void read_target_env(Config& config, const EnvLookup& env) {
  if (auto v = env("STAGE_OWNER"); v && !v->empty()) config.owner = *v;
  if (auto v = env("STAGE_GROUP"); v && !v->empty()) config.group = *v;
  check_default_principals(config.owner, config.group, "STAGE_OWNER", "STAGE_GROUP");
  if (auto v = env("STAGE_PASSWD"); v && !v->empty()) config.passwd_file = *v;
  if (auto v = env("STAGE_GROUPFILE"); v && !v->empty()) config.group_file = *v;
}

namespace {
/// The real location of `path`: realpath() of it, or of its parent when it
/// does not exist yet; the lexical path when neither resolves.
std::string real_location(const std::string& path, int depth = 0) {
  if (char* real = ::realpath(path.c_str(), nullptr)) {
    std::string out(real);
    std::free(real);
    return out;
  }
  auto slash = path.find_last_of('/');
  // A dangling symlink: where it points is where the database would be made.
  char target[4096];
  ssize_t n = ::readlink(path.c_str(), target, sizeof target - 1);
  if (n > 0 && depth < 40) {
    std::string text(target, static_cast<size_t>(n));
    if (text[0] != '/') text = path.substr(0, slash == std::string::npos ? 0 : slash + 1) + text;
    return real_location(lexical_fold(text), depth + 1);
  }
  if (slash == std::string::npos || slash + 1 == path.size()) return path;
  std::string parent = slash == 0 ? "/" : path.substr(0, slash);
  if (char* real = ::realpath(parent.c_str(), nullptr)) {
    std::string out(real);
    std::free(real);
    return (out == "/" ? "" : out) + path.substr(slash);
  }
  return path;
}
}  // namespace

bool db_inside_stage(const std::string& db, const std::string& destdir) {
  return path_within(db, destdir) || path_within(real_location(db), real_location(destdir));
}

std::string default_db_path(const std::string& destdir) { return destdir + ".stagedb"; }

Config config_from_env(const EnvLookup& env) {
  Config config;
  auto destdir = env("STAGE_DESTDIR");
  if (!destdir || destdir->empty()) return config;
  if ((*destdir)[0] != '/')
    throw ConfigError("STAGE_DESTDIR must be an absolute path, not '" + *destdir + "'");
  struct stat st;
  if (::stat(destdir->c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw ConfigError("STAGE_DESTDIR '" + *destdir + "' is not an existing directory");
  config.active = true;
  config.destdir = lexical_fold(*destdir);
  if (config.destdir == "/") throw ConfigError("STAGE_DESTDIR must not be '/'");

  auto db = env("STAGE_DB");
  if (db && !db->empty()) {
    if ((*db)[0] != '/') throw ConfigError("STAGE_DB must be an absolute path, not '" + *db + "'");
    config.db = lexical_fold(*db);
    if (db_inside_stage(config.db, config.destdir))
      throw ConfigError("STAGE_DB '" + *db + "' must not lie inside STAGE_DESTDIR");
  } else {
    config.db = default_db_path(config.destdir);
  }

  auto map = env("STAGE_MAP");
  config.map = map ? split_prefixes(*map, "STAGE_MAP") : std::vector<std::string>{"/"};

  auto passthrough = env("STAGE_PASSTHROUGH");
  if (passthrough) {
    config.passthrough = split_prefixes(*passthrough, "STAGE_PASSTHROUGH");
  } else {
    config.passthrough = {"/tmp", "/var/tmp", "/dev", "/proc"};
    auto tmpdir = env("TMPDIR");
    if (tmpdir && !tmpdir->empty() && (*tmpdir)[0] == '/') config.passthrough.push_back(lexical_fold(*tmpdir));
  }

  read_target_env(config, env);
  if (auto v = env("STAGE_STRICT"); v && *v == "1") config.strict = true;
  if (auto v = env("STAGE_INFO"); v && !v->empty()) {
    if (*v == "dir") config.info = InfoMode::Dir;
    else if (*v == "record") config.info = InfoMode::Record;
    else throw ConfigError("STAGE_INFO must be 'dir' or 'record', not '" + *v + "'");
  }
  if (auto v = env("STAGE_TRACE"); v && !v->empty()) config.trace = *v;
  if (auto v = env("STAGE_ROOT"); v && *v == "1") config.root = true;
  return config;
}

StageLocation find_stage(const std::string& destdir_option, const std::string& db_option, const EnvLookup& env) {
  StageLocation where;
  std::string cwd = current_directory();
  if (!destdir_option.empty()) {
    where.destdir = lexical_absolute(destdir_option, cwd);
  } else if (auto v = env("STAGE_DESTDIR"); v && !v->empty()) {
    where.destdir = lexical_absolute(*v, cwd);
  } else {
    struct stat st;
    if (::stat(default_db_path(cwd).c_str(), &st) != 0)
      throw ConfigError("no stage given: use --destdir, set STAGE_DESTDIR, or run in a stage beside its .stagedb");
    where.destdir = cwd;
  }
  if (!db_option.empty()) where.db = lexical_absolute(db_option, cwd);
  else if (auto v = env("STAGE_DB"); v && !v->empty() && destdir_option.empty()) where.db = lexical_absolute(*v, cwd);
  else where.db = default_db_path(where.destdir);
  return where;
}

}  // namespace stage
