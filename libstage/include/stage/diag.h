// diag: GNU-style diagnostics ("tool: message") and the exit status they imply.
#pragma once

#include <string>
#include <string_view>

namespace stage::diag {

/// Sets the name messages are prefixed with: argv[0] exactly as the tool was
/// invoked ("/usr/pkg/bin/install" when called by path), as GNU's error() does.
void set_program(std::string_view name);

/// The current program name as invoked ("install", "/opt/stage/bin/install", "stage-ls").
const std::string& program();

/// The tool's own name: the last component of program() ("install"), what
/// records and --version show.
const std::string& tool();

/// Prints "PROGRAM: MESSAGE" to stderr and marks the run as failed.
void error(std::string_view message);

/// Prints "PROGRAM: MESSAGE: strerror(err)" and marks the run as failed.
void error(std::string_view message, int err);

/// Prints "PROGRAM: MESSAGE" (optionally with strerror) without marking failure.
void warn(std::string_view message, int err = 0);

/// Prints like error() and exits with status 1.
[[noreturn]] void fatal(std::string_view message, int err = 0);

/// Prints "Try 'PROGRAM --help' for more information." and exits with the
/// usage status: 1 (GNU's, the drop-ins) unless set_usage_exit_status changed it.
[[noreturn]] void usage_error(std::string_view message = {});

/// The status usage_error exits with; the stage-* tools set 2, as CLI11's
/// parse errors exit, so that every usage error of one tool exits alike.
void set_usage_exit_status(int status);

/// Marks the run as failed without printing.
void mark_failed();

/// Registers (atexit) GNU's close_stdout: at exit, a failed write or close of
/// stdout prints "PROGRAM: write error[: strerror]" and exits 1 (also after
/// --help or --version, e.g. into /dev/full); a failed close of stderr exits 1.
void close_stdout_at_exit();

/// 0 while no error was reported, else 1.
int exit_status();

/// Forgets earlier failures: a new run in the same process (unit tests run
/// many sessions in one process; a tool never needs it).
void reset_status();

/// GNU quoteaf(): 'name', shell-escaped when it holds quotes or control characters.
std::string quote(std::string_view name);

/// GNU quotef(): the name as is when the shell needs no quotes for it (and it
/// holds no ':'), else as quote() gives it. For "NAME: message" diagnostics.
std::string quote_if_needed(std::string_view name);

/// GNU quote() in the C locale: 'name' with backslash escapes (\', \\, \n,
/// \ooo). GNU uses it for option arguments ("invalid mode: 'q+z'").
std::string quote_arg(std::string_view text);

/// strerror() text for err.
std::string errno_text(int err);

}  // namespace stage::diag
