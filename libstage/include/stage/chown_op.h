// chown_op: what `chown` and `chgrp` do to one operand and, with -R, its
// tree: on the host as GNU's chown-core does, in the stage on the record only.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "stage/chmod_op.h"
#include "stage/owners.h"
#include "stage/session.h"
#include "stage/tree_walk.h"

namespace stage {

/// The options of one `chown` or `chgrp` run (GNU's Chown_option plus the ids).
struct ChownOptions {
  std::optional<Principal> user;             ///< new owner; nullopt: unchanged
  std::optional<Principal> group;            ///< new group; nullopt: unchanged
  std::optional<std::string> user_name;      ///< how -v names the new owner (nullopt: by number)
  std::optional<std::string> group_name;     ///< how -v names the new group (nullopt: by number)
  std::string spec;                          ///< the OWNER[:GROUP] or GROUP text, for messages
  std::optional<Principal> required_user;    ///< --from owner
  std::optional<Principal> required_group;   ///< --from group
  bool recurse = false;                      ///< -R
  bool force_silent = false;                 ///< -f
  bool preserve_root = false;                ///< --preserve-root
  bool dereference = true;                   ///< act on symlink referents (not -h)
  WalkFollow follow = WalkFollow::Physical;  ///< -H, -L, -P
  Verbosity verbosity = Verbosity::Off;
};

/// Changes the owner and/or group of OPERAND (and below it with -R). Staged
/// objects change only in the record, never on disk, whoever runs it.
/// Reports errors; false on failure.
bool change_owner(Session& session, const ChownOptions& options, std::string_view operand);

/// The owner and group --reference=RFILE gives: the record when RFILE is
/// staged, else the host's ids (following symlinks). nullopt and `error` when unreadable.
std::optional<std::pair<Principal, Principal>> reference_owner(Session& session, std::string_view rfile,
                                                               int* error);

}  // namespace stage
