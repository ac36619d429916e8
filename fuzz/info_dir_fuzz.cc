// info_dir_fuzz: install-info's dir-file rules (texinfo 6.8) take any dir
// file, Info file and options without crashing; only InfoDirError is thrown.
#include "fuzz_util.h"
#include "stage/info_dir.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in = stage_fuzz::text_of(data, size);
  // Input: FLAGS\n--\nDIR FILE\n--\nINFO FILE\n--\nSECTION\n--\nENTRY
  auto parts = stage_fuzz::split_parts(in, 5);
  uint8_t flags = parts[0].empty() ? 0 : static_cast<uint8_t>(parts[0][0]);
  stage::InfoDirOptions options;
  options.remove = flags & 1;
  options.remove_exactly = flags & 2;
  options.add_once = flags & 4;
  options.keep_old = flags & 8;
  options.indent = !(flags & 16);
  options.sort_new_sections = !(flags & 32);
  if (parts[0].size() > 1) options.calign = static_cast<uint8_t>(parts[0][1]) % 90;
  if (parts[0].size() > 2) options.align = static_cast<uint8_t>(parts[0][2]) % 90;
  if (parts[0].size() > 3) options.max_width = static_cast<uint8_t>(parts[0][3]) % 120;
  if (!parts[3].empty()) options.sections.emplace_back(parts[3]);
  if (flags & 64) options.default_section = "Miscellaneous";
  if (!parts[4].empty()) options.entry_args.push_back({stage::InfoEntryArg::Kind::Entry, std::string(parts[4])});
  try {
    (void)stage::update_info_dir(parts[1], parts[2], "fuzz.info", options);
  } catch (const stage::InfoDirError&) {
  }
  (void)stage::format_info_entry(std::string(parts[4]), {std::string(parts[3])}, options.calign, options.align,
                                 options.max_width);
  (void)stage::info_match_name(parts[2].substr(0, 200), flags & 2);
  return 0;
}
