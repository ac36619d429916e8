// config: the staging environment (STAGE_* variables of SPEC.md) as one value.
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace stage {

/// What install-info does with <infodir>/dir in active mode.
enum class InfoMode { Dir, Record };

/// The staging configuration. `active` is false when STAGE_DESTDIR is unset or empty.
struct Config {
  bool active = false;
  std::string destdir;                   ///< absolute, lexically folded, no trailing '/'
  std::string db;                        ///< database file
  std::vector<std::string> map;          ///< prefixes sent into the stage (rule 3)
  std::vector<std::string> passthrough;  ///< prefixes never staged (rule 2)
  std::string owner = "root";            ///< recorded when a command names no owner
  std::string group = "root";            ///< recorded when a command names no group
  std::string passwd_file = "/etc/passwd";
  std::string group_file = "/etc/group";
  bool strict = false;                   ///< unknown owner names are errors
  InfoMode info = InfoMode::Dir;
  std::string trace;                     ///< file that gets one line per operation
  bool root = false;                     ///< under stage-run --root (STAGE_ROOT=1): disk_mode_for() keeps the recorded permission bits
};

/// A configuration that cannot be used; what() is the message without the program prefix.
struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Looks up an environment variable; returns nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const char*)>;

/// The process environment as an EnvLookup.
EnvLookup process_env();

/// Builds the configuration from the environment. In active mode STAGE_DESTDIR
/// must be an absolute path to an existing directory, else ConfigError.
Config config_from_env(const EnvLookup& env = process_env());

/// Reads the owner and group defaults and the target's databases
/// (STAGE_OWNER, STAGE_GROUP, STAGE_PASSWD, STAGE_GROUPFILE) into `config`,
/// whether or not a stage is active: stage-ls and stage-pack need them when
/// the stage is given by --destdir.
void read_target_env(Config& config, const EnvLookup& env = process_env());

/// Throws ConfigError ("SOURCE: invalid user 'x'") unless the default owner
/// and group can be recorded (valid_default_principal in owners.h). The
/// sources name where each value came from ("STAGE_OWNER", "--owner").
void check_default_principals(const std::string& owner, const std::string& group, std::string_view owner_source,
                              std::string_view group_source);

/// True when the database file `db` lies inside the staging root `destdir`,
/// comparing real locations (symlinks followed; a database not yet made is
/// placed by its real parent directory): one install there would overwrite it.
bool db_inside_stage(const std::string& db, const std::string& destdir);

/// The default database path for a staging root: "$DESTDIR.stagedb".
std::string default_db_path(const std::string& destdir);

/// The stage a stage-* tool works on.
struct StageLocation {
  std::string destdir;  ///< absolute, folded
  std::string db;
};

/// Picks the stage for stage-ls/stage-pack/stage-run: the options when given,
/// else STAGE_DESTDIR/STAGE_DB, else the current directory when a
/// "$PWD.stagedb" lies beside it. Throws ConfigError when none is found.
StageLocation find_stage(const std::string& destdir_option, const std::string& db_option,
                         const EnvLookup& env = process_env());

}  // namespace stage
