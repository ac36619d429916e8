// file_caps: file capabilities (the security.capability extended attribute)
// as stage-run --root records them and the exports write them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace stage {

/// The extended attribute that holds a file's capabilities.
inline constexpr std::string_view kCapsXattrName = "security.capability";

/// The value a program passed to setxattr("security.capability"), in the form
/// a root install's kernel stores it: VFS_CAP_REVISION_2 (20 bytes, little
/// endian). A revision 3 value (24 bytes: a user namespace's root id
/// appended) loses its root id, since the package installs for the host's
/// root. nullopt for a value the kernel refuses with EINVAL (any other size
/// or revision, or flags other than the effective bit).
std::optional<std::string> normalise_caps_xattr(std::string_view value);

/// The text form of a normalised value, as getcap(8), `rpm --filecaps` and
/// rpm's %caps() write it (libcap's cap_to_text: "cap_net_raw=ep").
/// Part of the exports library (libcap), never of the drop-ins.
std::string caps_text(std::string_view xattr);

}  // namespace stage
