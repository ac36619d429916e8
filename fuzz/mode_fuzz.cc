// mode_fuzz: chmod/install -m/mkdir -m's mode parser and mode_adjust never
// crash, and never give bits outside 07777.
#include <sys/stat.h>

#include "fuzz_util.h"
#include "stage/mode.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = stage_fuzz::text_of(data, size);
  auto change = stage::parse_mode(text);
  if (!change) return 0;
  for (mode_t old_mode : {0000, 0644, 0755, 04755, 07777, 01777}) {
    for (bool is_dir : {false, true}) {
      for (mode_t umask_value : {0000, 0022, 0077}) {
        mode_t changed = 0;
        mode_t result = stage::apply_mode(*change, old_mode, is_dir, umask_value, &changed);
        if (result & ~07777) stage_fuzz::broken("apply_mode gave bits outside 07777", text);
        if (changed & ~07777) stage_fuzz::broken("apply_mode cares about bits outside 07777", text);
        if (stage::mode_string(result, is_dir ? 'd' : '-').size() != 10)
          stage_fuzz::broken("mode_string is not 10 characters", text);
        mode_t disk = stage::disk_mode_for(result, is_dir);
        if (disk & (S_ISUID | S_ISGID | S_ISVTX | S_IWGRP | S_IWOTH))
          stage_fuzz::broken("disk_mode_for kept a setid, sticky or group/world-writable bit", text);
      }
    }
  }
  return 0;
}
