// fuzz_util: what the libFuzzer targets share: splitting one input into parts, failing loudly.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace stage_fuzz {

/// The input as text (it may hold any byte, NUL included).
inline std::string_view text_of(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// Splits the input at each "\n--\n" into at most `max` parts, so that one
/// corpus file can hold several inputs (a dir file and an Info file...).
inline std::vector<std::string_view> split_parts(std::string_view in, size_t max) {
  std::vector<std::string_view> out;
  while (out.size() + 1 < max) {
    size_t at = in.find("\n--\n");
    if (at == std::string_view::npos) break;
    out.push_back(in.substr(0, at));
    in.remove_prefix(at + 4);
  }
  out.push_back(in);
  while (out.size() < max) out.emplace_back();
  return out;
}

/// Reports a broken property and aborts: libFuzzer keeps the input as a crash.
[[noreturn]] inline void broken(const char* what, std::string_view input) {
  std::fprintf(stderr, "property broken: %s (input of %zu bytes)\n", what, input.size());
  std::abort();
}

}  // namespace stage_fuzz
