// vis: strsvis(3) VIS_OCTAL encoding for mtree names.
#include "stage/vis.h"

namespace stage {
namespace {

bool needs_escape(unsigned char c) {
  if (c <= 0x20 || c >= 0x7f) return true;  // space, controls, DEL, non-ASCII
  switch (c) {
    case '\\':
    case '#':
    case '*':
    case '?':
    case '[': return true;
    default: return false;
  }
}

}  // namespace

void mtree_vis_append(std::string& out, std::string_view text, bool escape_equals) {
  for (unsigned char c : text) {
    if (!needs_escape(c) && !(escape_equals && c == '=')) {
      out += static_cast<char>(c);
      continue;
    }
    out += '\\';
    out += static_cast<char>('0' + ((c >> 6) & 03));
    out += static_cast<char>('0' + ((c >> 3) & 07));
    out += static_cast<char>('0' + (c & 07));
  }
}

std::string mtree_vis(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  mtree_vis_append(out, text, false);
  return out;
}

std::string mtree_unvis(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c != '\\' || i + 1 >= text.size()) {
      out += c;
      continue;
    }
    char n = text[i + 1];
    auto octal = [](char d) { return d >= '0' && d <= '7'; };
    if (n >= '0' && n <= '3' && i + 3 < text.size() && octal(text[i + 2]) && octal(text[i + 3])) {
      out += static_cast<char>(((n - '0') << 6) | ((text[i + 2] - '0') << 3) | (text[i + 3] - '0'));
      i += 3;
      continue;
    }
    const char* from = "\\abfnrstv";
    const char* to = "\\\a\b\f\n\r \t\v";
    bool done = false;
    for (int k = 0; from[k]; ++k)
      if (n == from[k]) {
        out += to[k];
        ++i;
        done = true;
        break;
      }
    if (!done) out += c;
  }
  return out;
}

size_t utf8_sequence_length(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
  bool ok = len != 0 && c <= 0xf4 && i + len <= s.size();
  for (size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xc0) == 0x80;
  if (ok && len >= 3) {
    unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
    if (c == 0xe0 && c1 < 0xa0) ok = false;  // overlong
    if (c == 0xed && c1 >= 0xa0) ok = false;  // surrogates
    if (c == 0xf0 && c1 < 0x90) ok = false;  // overlong
    if (c == 0xf4 && c1 >= 0x90) ok = false;  // > U+10FFFF
  }
  return ok ? len : 0;
}

bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t len = utf8_sequence_length(s, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

}  // namespace stage
