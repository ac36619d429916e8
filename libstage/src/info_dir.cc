// info_dir: the dir-file rules of texinfo 6.8's install-info (facts from its
// install-info.c and its ii-NNNN tests; the code is ours). texinfo keeps its
// section and entry lists as linked lists that grow at the front, and several
// results (which section an entry goes to, the order of entries added at one
// place) depend on that order, so the lists below keep it: index 0 / the head
// is the most recently added element.
#include "stage/info_dir.h"

#include <regex.h>

#include <algorithm>
#include <cstring>
#include <memory>

namespace stage {
namespace {

constexpr size_t kNoLine = std::string::npos;

constexpr std::string_view kHeader =
    "This is the file .../info/dir, which contains the\n"
    "topmost node of the Info hierarchy, called (dir)Top.\n"
    "The first time you invoke Info you start off looking at this node.\n"
    "\x1f\n"
    "File: dir,\tNode: Top\tThis is the top of the INFO tree\n"
    "\n"
    "  This (the Directory node) gives a menu of major topics.\n"
    "  Typing \"q\" exits, \"H\" lists all Info commands, \"d\" returns here,\n"
    "  \"h\" gives a primer for first-timers,\n"
    "  \"mEmacs<Return>\" visits the Emacs manual, etc.\n"
    "\n"
    "  In Emacs, you can click mouse button 2 on a menu item or cross reference\n"
    "  to select it.\n"
    "\n"
    "* Menu:\n";

// texinfo compares names with gnulib's mbs(n)casecmp; in the C locale (and
// for the ASCII that dir files hold) that is this byte-wise folding.
int fold(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return (u >= 'A' && u <= 'Z') ? u - 'A' + 'a' : u;
}

int ncasecmp(const char* a, const char* b, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    int x = fold(a[i]), y = fold(b[i]);
    if (x != y) return x - y;
    if (x == 0) return 0;
  }
  return 0;
}

int casecmp(const char* a, const char* b) { return ncasecmp(a, b, static_cast<size_t>(-1)); }

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

/// One line of a file held in memory. The line after the last one is a
/// sentinel (start == kNoLine) where additions at the very end attach.
struct Line {
  size_t start = kNoLine;
  size_t size = 0;  ///< without the newline
  bool remove = false;
  std::vector<int> entries_before;   ///< entries written before this line, in order
  std::vector<int> sections_before;  ///< new sections written before this line
};

/// A text split into lines. `data` stays NUL-terminated, so scans that run
/// past a line's end (as texinfo's do) stop at the end of the text.
struct Text {
  std::string data;
  std::vector<Line> lines;  ///< lines.size() - 1 real lines, then the sentinel

  explicit Text(std::string_view text) : data(text) {
    bool at_start = true;
    for (size_t i = 0; i < data.size(); ++i) {
      if (at_start) {
        if (!lines.empty()) lines.back().size = i - lines.back().start - 1;
        Line line;
        line.start = i;
        lines.push_back(std::move(line));
      }
      at_start = data[i] == '\n';
    }
    if (!lines.empty()) lines.back().size = data.size() - lines.back().start - (at_start ? 1 : 0);
    lines.push_back(Line{});
  }
  int count() const { return static_cast<int>(lines.size()) - 1; }
  const char* at(int i) const { return data.c_str() + lines[i].start; }
  char first(int i) const { return data[lines[i].start]; }
  std::string_view view(int i) const { return std::string_view(data).substr(lines[i].start, lines[i].size); }
  bool is(int i, std::string_view word) const { return view(i) == word; }
  bool starts(int i, std::string_view prefix) const { return view(i).substr(0, prefix.size()) == prefix; }
};

/// A section name the entries go to. The list is linked through `next`, newest first.
struct Spec {
  std::string name;
  int next = -1;
  bool missing = true;  ///< no section of this name found in the dir file yet
};

/// An entry to add. Its sections are the run of the spec list from `sections`
/// up to (not including) `sections_end`, as in texinfo.
struct Entry {
  std::string text;
  int sections = -1;
  int sections_end = -1;
  bool missing_name = false;
  bool missing_description = false;
  bool missing_basename = false;
};

struct MenuSection {
  std::string name;
  int start_line = 0;  ///< the line after the section's title
  int end_line = 0;    ///< the next title, node or the end
};

struct Node {
  std::optional<std::string> name;
  int end_line = 0;
  bool has_menu = false;
  std::vector<MenuSection> sections;
};

struct Planner {
  const InfoDirOptions& options;
  std::vector<Spec> specs;
  int input_sections = -1;  ///< head of the spec list
  std::vector<Entry> entries;  ///< the entries to add, newest first (texinfo's list order)

  explicit Planner(const InfoDirOptions& o) : options(o) {}

  int push_spec(std::string name, bool missing, int next) {
    specs.push_back(Spec{std::move(name), next, missing});
    return static_cast<int>(specs.size()) - 1;
  }

  bool wants(const Entry& e, const std::string& section) const {
    for (int s = e.sections; s != -1 && s != e.sections_end; s = specs[s].next)
      if (specs[s].name == section) return true;
    return false;
  }

  std::vector<std::string> section_names(const Entry& e) const {
    std::vector<std::string> names;
    for (int s = e.sections; s != -1 && s != e.sections_end; s = specs[s].next)
      if (std::find(names.begin(), names.end(), specs[s].name) == names.end()) names.push_back(specs[s].name);
    return names;
  }
};

std::vector<Node> parse_dir(const Text& dir) {
  std::vector<Node> nodes;
  bool header_next = false;
  for (int i = 0; i < dir.count(); ++i) {
    if (header_next) {
      // The node's name follows "Node:" on the line after the node separator.
      const char* line = dir.at(i);
      for (size_t j = 0; j < dir.lines[i].size; ++j) {
        if (std::strncmp("Node:", line + j, 5) != 0) continue;
        j += 5;
        while (line[j] == ' ' || line[j] == '\t') ++j;
        size_t end = j;
        while (line[end] && line[end] != ',' && line[end] != '\n' && line[end] != '\t') ++end;
        nodes.back().name = std::string(line + j, end - j);
      }
      header_next = false;
    }
    if (dir.first(i) == '\x1f') {
      if (!nodes.empty()) {
        nodes.back().end_line = i;
        if (!nodes.back().sections.empty()) nodes.back().sections.back().end_line = i;
      }
      nodes.emplace_back();
      header_next = true;
    }
    if (nodes.empty()) continue;
    Node& node = nodes.back();
    if (dir.starts(i, "* Menu:")) node.has_menu = dir.lines[i + 1].start != kNoLine;
    char c = dir.first(i);
    if (node.has_menu && c != '\n' && c != '*' && c != ' ' && c != '\t') {
      if (!node.sections.empty()) node.sections.back().end_line = i;
      node.sections.push_back(MenuSection{std::string(dir.view(i)), i + 1, 0});
    }
  }
  if (!nodes.empty()) {
    nodes.back().end_line = dir.count();
    if (!nodes.back().sections.empty()) nodes.back().sections.back().end_line = dir.count();
  }
  return nodes;
}

/// texinfo's parse_input: the INFO-DIR-SECTION names and the entries between
/// START-INFO-DIR-ENTRY and END-INFO-DIR-ENTRY (each "* " line starts one).
/// Sections are prepended to the planner's list unless it already has some.
std::vector<Entry> parse_info(const Text& info, Planner& plan) {
  static constexpr std::string_view kSection = "INFO-DIR-SECTION ";
  std::vector<Entry> found;  // newest first
  bool ignore_sections = plan.input_sections != -1;
  int head = plan.input_sections, tail = -1;
  bool reset_tail = false;
  size_t entry_start = kNoLine;
  for (int i = 0; i < info.count(); ++i) {
    if (!ignore_sections && info.starts(i, kSection)) {
      if (reset_tail) {
        tail = plan.input_sections;
        reset_tail = false;
      }
      plan.input_sections = plan.push_spec(std::string(info.view(i).substr(kSection.size())), true, plan.input_sections);
      head = plan.input_sections;
    } else if (info.is(i, "START-INFO-DIR-ENTRY")) {
      if (plan.input_sections == -1) {
        // An entry before any section: texinfo's default section.
        plan.input_sections = plan.push_spec("Miscellaneous", true, -1);
        head = plan.input_sections;
      }
      reset_tail = true;
      if (entry_start != kNoLine) throw InfoDirError("START-INFO-DIR-ENTRY without matching END-INFO-DIR-ENTRY");
      entry_start = info.lines[i + 1].start;
    } else if (entry_start != kNoLine) {
      bool end = info.is(i, "END-INFO-DIR-ENTRY");
      if (end || (info.starts(i, "* ") && info.lines[i].start > entry_start)) {
        Entry e;
        e.text = info.data.substr(entry_start, info.lines[i].start - entry_start);
        e.sections = head;
        e.sections_end = tail;
        found.insert(found.begin(), std::move(e));
        entry_start = end ? kNoLine : info.lines[i].start;
      }
    }
    // A stray END-INFO-DIR-ENTRY is ignored: texinfo 6.8's check for it is unreachable.
  }
  if (entry_start != kNoLine) throw InfoDirError("START-INFO-DIR-ENTRY without matching END-INFO-DIR-ENTRY");
  return found;
}

/// texinfo's split_entry: the name is everything up to the first period that
/// is followed by a blank; the description is the rest, its lines joined.
bool split_entry(const std::string& entry, std::string* name, std::optional<std::string>* description) {
  size_t dot = entry.find('.');
  while (dot != std::string::npos &&
         !(dot + 1 < entry.size() && (entry[dot + 1] == ' ' || entry[dot + 1] == '\t' || entry[dot + 1] == '\n')))
    dot = entry.find('.', dot + 1);
  if (dot == std::string::npos) {
    if (entry.empty()) return false;
    *name = entry;
    return true;
  }
  *name = entry.substr(0, dot + 1);
  std::string desc;
  size_t p = dot + 1;
  while (p < entry.size()) {
    while (p < entry.size() && is_space(entry[p])) ++p;
    if (p >= entry.size()) break;
    size_t nl = entry.find('\n', p);
    if (nl == std::string::npos) {
      desc.append(entry, p);
      break;
    }
    size_t length = nl - p;
    desc.append(entry, p, length);
    p = nl + 1;
    if (length > 1 && p < entry.size()) {
      // Joining lines: two spaces after a sentence's period, else one.
      char last = entry[nl - 1];
      if (last == '.') desc += "  ";
      else if (!is_space(last)) desc += ' ';
    }
  }
  desc += '\n';
  *description = std::move(desc);
  return true;
}

size_t advance_column(size_t column, char c) {
  if (c == '\b') return column > 0 ? column - 1 : 0;
  if (c == '\r') return 0;
  if (c == '\t') return column + 8 - column % 8;
  return column + 1;
}

/// texinfo's format_entry.
std::string format_entry(const std::string& name, const std::string& desc, int calign, int align, size_t width) {
  std::string out = name;
  size_t name_len = name.size(), desc_len = desc.size();
  size_t column = name_len;  // the screen column the description goes on from
  // texinfo compares in unsigned arithmetic, which loops forever for
  // --calign=1; a name that does not fit before the column goes on its own line.
  if (calign < 2 || name_len > static_cast<size_t>(calign - 2)) {
    if (desc_len > 1) {
      column = static_cast<size_t>(std::max(calign - 1, 0));
      out += '\n';
      out.append(column, ' ');
    }
  } else if (desc_len > 2) {
    size_t pad = static_cast<size_t>(calign) - name_len - 1;
    out.append(pad, ' ');
    column += pad;
  }
  if (desc_len <= 2) return out + "\n";

  size_t indent = static_cast<size_t>(std::max(align - 1, 0));
  std::string line;
  for (char c : desc) {
    if (c == '\n') {
      out += line;
      out += '\n';
      line.clear();
      column = 0;
      continue;
    }
    for (;;) {
      column = advance_column(column, c);
      if (column <= width) {
        line += c;
        break;
      }
      size_t blank = line.find_last_of(" \t");
      if (blank != std::string::npos) {
        // Break after the last blank; the rest starts the next line, which
        // texinfo indents but counts from column 0.
        out.append(line, 0, blank + 1);
        out += '\n';
        out.append(indent, ' ');
        line.erase(0, blank + 1);
        column = 0;
        for (char x : line) column = advance_column(column, x);
        continue;
      }
      if (line.empty()) {
        line += c;
        break;
      }
      out += line;
      out += '\n';
      line.clear();
      column = 0;
    }
  }
  return out + line;
}

void reformat(Planner& plan, Entry& e) {
  std::vector<std::string> names;
  for (int s = e.sections; s != -1 && s != e.sections_end; s = plan.specs[s].next) names.push_back(plan.specs[s].name);
  e.text = format_info_entry(e.text, names, plan.options.calign, plan.options.align, plan.options.max_width);
}

/// texinfo's menu_line_lessp: compares menu item names; a name that is a
/// prefix of the other is less. Plain `char` comparison, as texinfo's.
bool menu_line_less(const char* a, size_t len_a, const char* b, size_t len_b) {
  size_t n = std::min(len_a, len_b);
  for (size_t i = 0; i < n; ++i) {
    if (a[i] == ':' && b[i] != ':') return true;
    if (b[i] == ':' && a[i] != ':') return false;
    if (a[i] < b[i]) return true;
    if (a[i] > b[i]) return false;
  }
  return false;
}

bool menu_line_equal(const char* a, size_t len_a, const char* b, size_t len_b) {
  size_t n = std::min(len_a, len_b);
  for (size_t i = 0; i < n; ++i) {
    if (a[i] == ':' && b[i] == ':') return true;
    if (a[i] != b[i]) return false;
  }
  return true;
}

/// texinfo's menu_item_equal: ITEM (text ending with `term`) names NAME,
/// optionally after one directory and with .info/.inf/.gz suffixes.
bool menu_item_equal(const char* item, char term, const std::string& name, bool exactly) {
  const char* base = item;
  if (!exactly) {
    const char* p = item;
    while (*p && *p != '/' && *p != term) ++p;
    if (*p == '/') base = p + 1;
  }
  if (ncasecmp(base, name.c_str(), name.size()) != 0) return false;
  static const char* const kSuffixes[] = {"", ".info.gz", ".info", ".inf", ".gz"};
  for (const char* suffix : kSuffixes) {
    size_t n = std::strlen(suffix);
    if (ncasecmp(base + name.size(), suffix, n) == 0 && base[name.size() + n] == term) return true;
  }
  return false;
}

/// texinfo's mark_entry_for_deletion: marks the entries that point at NAME
/// ("* Item: (NAME)..." or the XEmacs form "* NAME::"), with their continuation lines.
bool mark_for_deletion(Text& dir, const std::string& name, bool exactly) {
  bool marked = false;
  for (int i = 0; i < dir.count(); ++i) {
    const char* p = dir.at(i);
    if (*p == '*') {
      ++p;
      while (*p == ' ') ++p;
      const char* item = p;
      while (*p && *p != ':') ++p;
      if (!*p) continue;  // texinfo reads past the end here; nothing can match
      ++p;
      bool match = false;
      if (*p == ':') {
        match = menu_item_equal(item, ':', name, exactly);
      } else {
        while (*p == ' ') ++p;
        if (*p == '(') match = menu_item_equal(p + 1, ')', name, exactly);
      }
      if (match) dir.lines[i].remove = marked = true;
    } else if (i > 0 && (*p == ' ' || *p == '\t')) {
      dir.lines[i].remove = dir.lines[i - 1].remove;
    }
  }
  return marked;
}

/// texinfo's compare_entries_text: by the text before the first colon, ignoring case.
int compare_entries_text(const std::string& a, const std::string& b) {
  size_t la = std::min(a.find(':'), a.size()), lb = std::min(b.find(':'), b.size());
  return ncasecmp(a.c_str(), b.c_str(), std::min(la, lb));
}

/// The entries built from --entry, --name and --description, newest first.
std::vector<Entry> command_line_entries(const InfoDirOptions& options) {
  std::vector<Entry> list;
  for (const auto& arg : options.entry_args) {
    switch (arg.kind) {
      case InfoEntryArg::Kind::Entry: {
        Entry e;
        e.text = arg.text;
        if (e.text.empty() || e.text.back() != '\n') e.text += '\n';
        list.insert(list.begin(), std::move(e));
        break;
      }
      case InfoEntryArg::Kind::DefaultEntry:
        break;  // texinfo keeps --defentry in a list it never uses
      case InfoEntryArg::Kind::Name: {
        Entry e;
        if (arg.text.empty() || arg.text[0] != '*') {
          e.text = "* " + arg.text + ": (). ";  // the Info file's name goes between the parentheses
          e.missing_basename = true;
        } else {
          e.text = arg.text + " ";
        }
        e.missing_description = true;
        list.insert(list.begin(), std::move(e));
        break;
      }
      case InfoEntryArg::Kind::Description: {
        // A description completes the latest entry, or starts a nameless one.
        if (list.empty()) {
          Entry e;
          e.missing_name = e.missing_basename = true;
          list.insert(list.begin(), std::move(e));
        }
        Entry& e = list.front();
        e.missing_description = false;
        std::string text = e.text;
        if (auto nl = text.rfind('\n'); nl != std::string::npos) text.erase(nl);
        if (e.text.empty()) text = " ";
        text += arg.text;
        if (arg.text.empty() || arg.text.back() != '\n') text += '\n';
        e.text = std::move(text);
        break;
      }
    }
  }
  return list;
}

void add_missing_names(std::vector<Entry>& list, const std::string& name) {
  for (Entry& e : list) {
    if (!e.missing_name) continue;
    bool add_nl = e.text.empty() || e.text.back() != '\n';
    std::string head = name[0] == '*' ? name : "* " + name + ": (" + name + ").";
    e.text = head + e.text + (add_nl ? "\n" : "");
    e.missing_name = e.missing_basename = false;
  }
}

void add_missing_descriptions(std::vector<Entry>& list, const std::string& desc) {
  for (Entry& e : list) {
    if (!e.missing_description) continue;
    bool add_nl = !(desc.size() > 1 && desc.back() == '\n');
    e.text += desc + (add_nl ? "\n" : "");
  }
}

void add_missing_basenames(std::vector<Entry>& list, const std::string& name) {
  static constexpr std::string_view kHole = ": (). ";
  for (Entry& e : list) {
    if (!e.missing_basename) continue;
    size_t at = e.text.find(kHole);
    if (at == std::string::npos) return;  // texinfo gives up on the remaining entries too
    e.text.replace(at, kHole.size(), ": (" + name + "). ");
    e.missing_name = e.missing_basename = false;
  }
}

struct RegexDeleter {
  void operator()(regex_t* r) const {
    regfree(r);
    delete r;
  }
};
using Regex = std::unique_ptr<regex_t, RegexDeleter>;

Regex compile(const std::string& pattern, std::string* error) {
  Regex r(new regex_t);
  int rc = regcomp(r.get(), pattern.c_str(), REG_ICASE | REG_NOSUB);
  if (rc == 0) return r;
  char buf[256];
  regerror(rc, r.get(), buf, sizeof buf);
  delete r.release();  // regcomp failed: nothing to regfree
  if (error) *error = buf;
  return nullptr;
}

}  // namespace

std::string_view info_dir_header() { return kHeader; }

std::string info_match_name(std::string_view info_file, bool exactly) {
  if (exactly) return std::string(info_file);
  auto slash = info_file.find_last_of('/');
  std::string name(slash == std::string_view::npos ? info_file : info_file.substr(slash + 1));
  auto strip = [&](std::string_view suffix) {
    if (name.size() > suffix.size() && std::string_view(name).substr(name.size() - suffix.size()) == suffix) {
      name.erase(name.size() - suffix.size());
      return true;
    }
    return false;
  };
  strip(".gz") || strip(".xz") || strip(".bz2") || strip(".lz") || strip(".lzma");
  strip(".info") || strip(".inf");
  return name;
}

std::optional<std::string> info_regex_error(const std::string& regex) {
  std::string error;
  if (compile(regex, &error)) return std::nullopt;
  return error;
}

std::string format_info_entry(const std::string& text, const std::vector<std::string>& sections, int calign,
                              int align, int max_width) {
  std::string name;
  std::optional<std::string> desc;
  // texinfo frees the text and keeps a dangling pointer for an entry without
  // a description; keeping the text is what it evidently means to do.
  if (!split_entry(text, &name, &desc) || !desc) return text;
  if (calign == -1 || align == -1) {
    bool utilities = std::find(sections.begin(), sections.end(), "Individual utilities") != sections.end();
    if (calign == -1) calign = utilities ? 49 : 33;
    if (align == -1) align = utilities ? 51 : 35;
  }
  size_t width = max_width == -1 ? 79 : static_cast<size_t>(max_width);
  return format_entry(name, *desc, calign, align, width);
}

InfoDirUpdate update_info_dir(std::string_view dir_text, std::string_view info_text, std::string_view info_name,
                              const InfoDirOptions& options) {
  Text dir(dir_text);
  Planner plan(options);
  InfoDirUpdate result;

  // Command-line sections, newest first.
  for (const auto& s : options.sections) plan.input_sections = plan.push_spec(s, true, plan.input_sections);
  std::vector<Entry> command_entries = command_line_entries(options);

  std::vector<Node> nodes = parse_dir(dir);

  if (!options.remove && options.regex) {
    // Existing sections that match --regex join the list (texinfo walks its
    // node list, which is in reverse file order).
    Regex re = compile(*options.regex, nullptr);
    if (!re) throw InfoDirError("Error in regular expression `" + *options.regex + "'");
    for (auto node = nodes.rbegin(); node != nodes.rend(); ++node)
      for (const auto& section : node->sections)
        if (regexec(re.get(), section.name.c_str(), 0, nullptr, 0) == 0)
          plan.input_sections = plan.push_spec(section.name, false, plan.input_sections);
  }

  std::string match_name = info_match_name(info_name, options.remove_exactly);
  Text info(options.remove_exactly ? std::string_view() : info_text);
  std::vector<Entry> file_entries = parse_info(info, plan);

  if (!options.remove) {
    if (command_entries.empty()) {
      plan.entries = std::move(file_entries);
    } else {
      plan.entries = std::move(command_entries);
      if (file_entries.empty()) {
        add_missing_names(plan.entries, match_name);
      } else {
        // Missing names and descriptions come from the Info file's entry
        // (the last one in the file: the head of texinfo's list).
        std::string name;
        std::optional<std::string> desc;
        if (split_entry(file_entries.front().text, &name, &desc)) {
          add_missing_names(plan.entries, name[0] != '*' ? match_name : name);
          if (desc) add_missing_descriptions(plan.entries, *desc);
        }
      }
    }
    add_missing_basenames(plan.entries, match_name);
    if (options.indent)
      for (Entry& e : plan.entries) reformat(plan, e);
    if (plan.input_sections == -1)
      plan.input_sections = plan.push_spec(options.default_section.value_or("Miscellaneous"), true, -1);
    if (plan.entries.empty()) {
      result.no_entries = true;
      result.text = std::string(dir_text);
      return result;
    }
    // Command-line entries go into every section there is.
    if (plan.entries.front().sections == -1)
      for (Entry& e : plan.entries) e.sections = plan.input_sections;
  }

  bool something_deleted = false;
  if (options.remove) {
    something_deleted = mark_for_deletion(dir, match_name, options.remove_exactly);
    if (!something_deleted && !options.remove_exactly) {
      // In remove mode texinfo only has command-line entries here; each one's
      // text is tried as a name, and only the last try's result counts.
      for (const Entry& e : command_entries)
        something_deleted = mark_for_deletion(dir, e.text, options.remove_exactly);
    }
    result.nothing_deleted = !something_deleted;
  }

  if (options.remove && something_deleted && !options.keep_old) {
    // Sections left without entries go, with their title and trailing blank lines.
    for (const Node& node : nodes)
      for (const MenuSection& section : node.sections) {
        bool empty = true;
        for (int i = section.end_line; i > section.start_line; --i)
          if (!dir.lines[i - 1].remove && dir.lines[i - 1].size != 0) {
            empty = false;
            break;
          }
        if (empty)
          for (int i = section.end_line; i >= section.start_line; --i) dir.lines[i - 1].remove = true;
      }
  }

  if (!options.remove) {
    // Place each entry alphabetically in each existing section it goes into,
    // replacing an entry of the same name (unless --keep-old).
    for (auto node = nodes.rbegin(); node != nodes.rend(); ++node)
      for (MenuSection& section : node->sections) {
        int i = section.end_line;
        while (i > section.start_line && dir.lines[i - 1].size == 0) --i;
        section.end_line = i;
        int spec = plan.input_sections;
        while (spec != -1 && plan.specs[spec].name != section.name) spec = plan.specs[spec].next;
        if (spec == -1) continue;
        plan.specs[spec].missing = false;
        // As in texinfo, the insertion point carries over from one entry to the next.
        int add_at = section.end_line;
        for (size_t k = 0; k < plan.entries.size(); ++k) {
          const Entry& e = plan.entries[k];
          if (!plan.wants(e, section.name)) continue;
          for (i = section.end_line - 1; i >= section.start_line - 1; --i) {
            Line& line = dir.lines[i];
            if (dir.first(i) != '*') continue;
            if (menu_line_equal(e.text.c_str(), e.text.size(), dir.at(i), line.size) && !line.remove) {
              if (options.keep_old) {
                add_at = -1;
                break;
              }
              line.remove = true;
              for (int j = i + 1; j < section.end_line && dir.first(j) != '*'; ++j) dir.lines[j].remove = true;
            }
            if (menu_line_less(e.text.c_str(), e.text.size(), dir.at(i), line.size)) add_at = i;
          }
          if (add_at < 0) continue;
          auto& before = dir.lines[add_at].entries_before;
          auto pos = std::find_if(before.begin(), before.end(), [&](int other) {
            const std::string& t = plan.entries[other].text;
            return menu_line_less(e.text.c_str(), e.text.size(), t.c_str(), t.size());
          });
          before.insert(pos, static_cast<int>(k));
        }
      }

    // New sections go into the first node named Top, before the first
    // section whose name sorts after theirs, else at the node's end.
    const Node* top = nullptr;
    for (auto node = nodes.rbegin(); node != nodes.rend(); ++node)
      if (node->name && *node->name == "Top") top = &*node;
    if (top) {
      for (int spec = plan.input_sections; spec != -1; spec = plan.specs[spec].next) {
        if (!plan.specs[spec].missing) continue;
        int target = top->end_line;
        if (options.sort_new_sections) {
          const MenuSection* prev = nullptr;
          for (const MenuSection& section : top->sections) {
            if (casecmp(plan.specs[spec].name.c_str(), section.name.c_str()) < 0) {
              target = prev ? prev->end_line : std::max(top->sections.front().start_line - 2, 0);
              break;
            }
            prev = &section;
          }
        }
        dir.lines[target].sections_before.push_back(spec);
      }
    }
  }

  // Write the dir file with the additions.
  std::vector<int> sorted_entries(plan.entries.size());
  for (size_t k = 0; k < sorted_entries.size(); ++k) sorted_entries[k] = static_cast<int>(k);
  std::stable_sort(sorted_entries.begin(), sorted_entries.end(), [&](int a, int b) {
    return compare_entries_text(plan.entries[a].text, plan.entries[b].text) < 0;
  });
  std::string& out = result.text;
  out.reserve(dir.data.size() + 256);
  int added = 0;
  bool stop = false;  // --add-once: nothing more once an entry or section went in
  for (int i = 0; i <= dir.count(); ++i) {
    Line& line = dir.lines[i];
    for (int k : line.entries_before) {
      if (added >= 1 && options.add_once) break;
      out += plan.entries[k].text;
      ++added;
    }
    if (!line.sections_before.empty() && !stop) {
      if (added >= 1 && options.add_once) {
        stop = true;  // texinfo stops writing the file here; we only stop adding
      } else {
        std::stable_sort(line.sections_before.begin(), line.sections_before.end(),
                         [&](int a, int b) { return std::strcmp(plan.specs[a].name.c_str(), plan.specs[b].name.c_str()) < 0; });
        for (int spec : line.sections_before) {
          if (!plan.specs[spec].missing) continue;
          out += '\n';
          out += plan.specs[spec].name;
          out += '\n';
          plan.specs[spec].missing = false;
          for (int k : sorted_entries)
            if (plan.wants(plan.entries[k], plan.specs[spec].name)) out += plan.entries[k].text;
        }
        ++added;
      }
    }
    if (i < dir.count() && !line.remove) {
      out += dir.view(i);
      out += '\n';
    }
  }

  if (!options.remove)
    for (auto it = plan.entries.rbegin(); it != plan.entries.rend(); ++it)
      result.entries.push_back(InfoDirEntry{it->text, plan.section_names(*it)});
  return result;
}

std::optional<std::vector<std::string>> munge_legacy_section(const std::vector<std::string>& args,
                                                             const std::function<bool(const std::string&)>& is_file) {
  std::vector<std::string> out;
  bool munged = false;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] != "--section") {
      out.push_back(args[i]);
      continue;
    }
    if (i + 2 >= args.size()) return std::nullopt;  // texinfo gives up and changes nothing
    const std::string& regex = args[i + 1];
    const std::string& title = args[i + 2];
    if (title[0] == '-' || is_file(title)) {
      // Not the legacy form; texinfo stops looking (and drops the rest of the
      // arguments if it munged an earlier one; we keep them).
      out.insert(out.end(), args.begin() + static_cast<long>(i), args.end());
      break;
    }
    out.push_back("--regex=" + regex);
    out.push_back("--section=" + title);
    out.push_back("--add-once");
    munged = true;
    i += 2;
  }
  if (!munged) return std::nullopt;
  return out;
}

}  // namespace stage
