// path_map: lexical folding and SPEC's mapping rules.
#include "stage/path_map.h"

#include <cerrno>
#include <climits>
#include <unistd.h>

#include <vector>

namespace stage {

std::vector<std::string> path_components(std::string_view path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    size_t j = i;
    while (j < path.size() && path[j] != '/') ++j;
    if (j > i) out.emplace_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

std::string lexical_fold(std::string_view absolute) {
  std::vector<std::string> parts;
  for (auto& part : path_components(absolute)) {
    if (part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(std::move(part));
  }
  if (parts.empty()) return "/";
  std::string out;
  for (const auto& p : parts) {
    out += '/';
    out += p;
  }
  return out;
}

std::string lexical_absolute(std::string_view path, std::string_view cwd) {
  if (!path.empty() && path[0] == '/') return lexical_fold(path);
  std::string joined(cwd);
  joined += '/';
  joined += path;
  return lexical_fold(joined);
}

bool path_within(std::string_view path, std::string_view prefix) {
  if (prefix == "/") return !path.empty() && path[0] == '/';
  if (path.size() < prefix.size() || path.compare(0, prefix.size(), prefix) != 0) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '/';
}

std::string current_directory() {
  std::string buf(PATH_MAX, '\0');
  while (::getcwd(buf.data(), buf.size()) == nullptr) {
    if (errno != ERANGE) return {};
    buf.resize(buf.size() * 2);
  }
  buf.resize(buf.find('\0'));
  return buf;
}

MappedPath map_path(const Config& config, std::string_view absolute) {
  MappedPath out;
  if (!config.active) {
    out.path = std::string(absolute);
    return out;
  }
  if (path_within(absolute, config.destdir)) {
    out.staged = true;
    out.via_destdir = true;
    out.path = absolute.size() == config.destdir.size() ? "/" : std::string(absolute.substr(config.destdir.size()));
    return out;
  }
  for (const auto& prefix : config.passthrough) {
    if (path_within(absolute, prefix)) {
      out.path = std::string(absolute);
      return out;
    }
  }
  // The database is never staged, whatever STAGE_MAP says.
  if (absolute == config.db) {
    out.path = std::string(absolute);
    return out;
  }
  for (const auto& prefix : config.map) {
    if (path_within(absolute, prefix)) {
      out.staged = true;
      out.path = std::string(absolute);
      return out;
    }
  }
  out.path = std::string(absolute);
  return out;
}

}  // namespace stage
