// info_export: recorded info manuals, one line per dir entry.
#include "stage/info_export.h"

namespace stage {
namespace {
std::string one_line(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n') {
      if (i + 1 == text.size()) break;  // the entry's final newline
      out += "\\n";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out += c;
    }
  }
  return out;
}
}  // namespace

std::string format_info(const std::vector<InfoRecord>& records) {
  std::string out;
  for (const auto& r : records) out += one_line(r.info_file) + '\t' + one_line(r.section) + '\t' + one_line(r.entry) + '\n';
  return out;
}

}  // namespace stage
