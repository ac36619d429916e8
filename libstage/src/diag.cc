// diag: GNU-style diagnostics and exit status.
#include "stage/diag.h"

#include <cstdio>
#include <cstdlib>
#include <cerrno>
#include <cstring>
#include <stdio_ext.h>
#include <unistd.h>

namespace stage::diag {
namespace {
std::string g_program = "stage";
std::string g_tool = "stage";
bool g_failed = false;
int g_usage_status = 1;

void emit(std::string_view message, int err) {
  std::string line = g_program;
  line += ": ";
  line += message;
  if (err != 0) {
    line += ": ";
    line += errno_text(err);
  }
  line += '\n';
  std::fflush(stdout);
  // One write per message, so lines from parallel tools do not interleave.
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}
}  // namespace

void set_program(std::string_view name) {
  g_program = std::string(name);
  auto slash = name.rfind('/');
  g_tool = std::string(slash == std::string_view::npos ? name : name.substr(slash + 1));
}
const std::string& program() { return g_program; }
const std::string& tool() { return g_tool; }

void error(std::string_view message) { error(message, 0); }
void error(std::string_view message, int err) {
  emit(message, err);
  g_failed = true;
}
void warn(std::string_view message, int err) { emit(message, err); }

void fatal(std::string_view message, int err) {
  emit(message, err);
  std::fflush(stdout);
  std::exit(1);
}

void usage_error(std::string_view message) {
  if (!message.empty()) emit(message, 0);
  std::string line = "Try '" + g_program + " --help' for more information.\n";
  std::fflush(stdout);
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
  std::exit(g_usage_status);
}

void set_usage_exit_status(int status) { g_usage_status = status; }

namespace {
// gnulib close_stream: EOF when an earlier write failed or fclose fails (EBADF
// with nothing pending is fine: the stream was closed already); errno is 0
// when only the earlier failure is known.
int close_stream(FILE* stream) {
  const bool some_pending = __fpending(stream) != 0;
  const bool prev_fail = std::ferror(stream) != 0;
  const bool fclose_fail = std::fclose(stream) != 0;
  if (prev_fail || (fclose_fail && (some_pending || errno != EBADF))) {
    if (!fclose_fail) errno = 0;
    return EOF;
  }
  return 0;
}
void close_stdout() {
  if (close_stream(stdout) != 0) {
    int err = errno;
    std::string line = g_program + ": write error";
    if (err != 0) line += std::string(": ") + errno_text(err);
    line += '\n';
    ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
    (void)ignored;
    ::_exit(1);
  }
  if (close_stream(stderr) != 0) ::_exit(1);
}
}  // namespace

void close_stdout_at_exit() { std::atexit(close_stdout); }

void mark_failed() { g_failed = true; }
int exit_status() { return g_failed ? 1 : 0; }
void reset_status() { g_failed = false; }

std::string errno_text(int err) {
  // GNU prints "No such file or directory" etc.; strerror in the C locale.
  return std::strerror(err);
}

std::string quote(std::string_view name) {
  // Mirrors gnulib's shell_escape_always quoting: plain names in single
  // quotes; a single quote makes it "..." when that needs no escapes,
  // control characters are written as $'\n' segments.
  bool has_single = false, has_control = false, double_unsafe = false;
  for (unsigned char c : name) {
    if (c == '\'') has_single = true;
    else if (c < 0x20 || c == 0x7f) has_control = true;
    else if (c == '"' || c == '$' || c == '`' || c == '\\' || c == '!') double_unsafe = true;
  }
  if (!has_single && !has_control) return "'" + std::string(name) + "'";
  if (has_single && !has_control && !double_unsafe) return "\"" + std::string(name) + "\"";
  std::string out = "'";
  bool in_quote = true;
  for (unsigned char c : name) {
    if (c == '\'') {
      if (in_quote) out += '\'';
      out += "\\'";
      in_quote = false;
    } else if (c < 0x20 || c == 0x7f) {
      if (in_quote) out += '\'';
      static const char* names[] = {"0", "001", "002", "003", "004", "005", "006", "a", "b", "t", "n", "v", "f", "r"};
      out += "$'\\";
      if (c < 14) out += names[c];
      else {
        char buf[8];
        std::snprintf(buf, sizeof buf, "%03o", c);
        out += buf;
      }
      out += '\'';
      in_quote = false;
    } else {
      if (!in_quote) out += '\'';
      out += static_cast<char>(c);
      in_quote = true;
    }
  }
  if (in_quote) out += '\'';
  return out;
}

std::string quote_if_needed(std::string_view name) {
  bool needs = name.empty();
  for (size_t i = 0; i < name.size() && !needs; ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    switch (c) {
      case '#': case '~':
        needs = i == 0;
        break;
      case '{': case '}':
        needs = name.size() == 1;
        break;
      case ' ': case '!': case '"': case '$': case '&': case '(': case ')': case '*': case ';': case '<':
      case '=': case '>': case '[': case '^': case '`': case '|': case '\'': case '?': case '\\': case ':':
        needs = true;
        break;
      default:
        needs = c < 0x20 || c >= 0x7f;
    }
  }
  return needs ? quote(name) : std::string(name);
}

std::string quote_arg(std::string_view text) {
  std::string out = "'";
  for (unsigned char c : text) {
    switch (c) {
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\v': out += "\\v"; break;
      case '\\': out += "\\\\"; break;
      case '\'': out += "\\'"; break;
      default:
        if (c < 0x20 || c >= 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\%03o", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "'";
}

}  // namespace stage::diag
