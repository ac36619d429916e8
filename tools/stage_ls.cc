// stage-ls: lists what is staged (SPEC "stage-ls").
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "stage/config.h"
#include "stage/diag.h"
#include "stage/listing.h"
#include "stage/path_map.h"
#include "stage/session.h"

int main(int argc, char** argv) {
  stage::diag::set_program("stage-ls");
  CLI::App app{"List and export what is staged: the stage on disk joined with its database."};
  std::string destdir, db, format = "ls", prefix = "/usr/pkg";
  std::vector<std::string> paths;
  bool untracked_only = false, missing_only = false;
  app.add_option("--destdir", destdir, "the staging root (default: $STAGE_DESTDIR, else the current directory)");
  app.add_option("--db", db, "the database (default: $STAGE_DB, else DESTDIR.stagedb)");
  app.add_option("--format", format, "ls")->check(CLI::IsMember({"ls"}));
  app.add_option("--prefix", prefix, "the package prefix (for plist)");
  app.add_flag("--untracked", untracked_only, "list only files that reached the stage without stage's tools");
  app.add_flag("--missing", missing_only, "list only records whose file is gone");
  app.add_option("PATH", paths, "logical paths to list (with everything below them)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }

  try {
    stage::StageLocation where = stage::find_stage(destdir, db);
    stage::Config config = stage::config_from_env();
    stage::IdDatabase users(config.passwd_file), groups(config.group_file);
    stage::Principal owner = stage::resolve_principal(users, config.owner);
    stage::Principal group = stage::resolve_principal(groups, config.group);
    stage::Listing listing = stage::reconcile_stage(where.destdir, where.db, owner, group, false);

    auto wanted = [&](const std::string& path) {
      if (paths.empty()) return true;
      for (const auto& p : paths)
        if (stage::path_within(path, stage::lexical_fold(p[0] == '/' ? p : "/" + p))) return true;
      return false;
    };
    if (missing_only) {
      for (const auto& e : listing.missing)
        if (wanted(e.path)) std::cout << e.path << '\n';
      return 0;
    }
    std::vector<stage::ListedEntry> shown;
    for (auto& le : listing.entries)
      if (wanted(le.entry.path) && (!untracked_only || le.untracked)) shown.push_back(le);
    if (untracked_only) {
      for (const auto& le : shown) std::cout << le.entry.path << '\n';
      return 0;
    }
    std::cout << stage::format_ls(shown);
  } catch (const stage::ConfigError& e) {
    stage::diag::fatal(e.what());
  } catch (const stage::StoreError& e) {
    stage::diag::fatal(e.what());
  } catch (const std::system_error& e) {
    stage::diag::fatal(std::string("cannot read stage '") + e.what() + "'", e.code().value());
  }
  return 0;
}
