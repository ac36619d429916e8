// info_export: the info manuals install-info registered in `record` mode
// (STAGE_INFO=record), as pkgsrc needs them: the files for INFO_FILES, and
// each file's dir entries with their sections.
#pragma once

#include <string>
#include <vector>

#include "stage/store.h"

namespace stage {

/// One line per dir entry: "INFO-FILE<TAB>SECTION<TAB>ENTRY", the entry's
/// continuation lines joined with "\n" written as a backslash and n (and a
/// backslash doubled), so that every record is one line. Sorted by info file,
/// then in the order install-info recorded them.
std::string format_info(const std::vector<InfoRecord>& records);

}  // namespace stage
