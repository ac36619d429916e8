// file_caps: the security.capability value, checked and normalised as the kernel does.
#include "stage/file_caps.h"

#include <cstdint>

namespace stage {
namespace {

// linux/capability.h: struct vfs_cap_data / vfs_ns_cap_data.
constexpr uint32_t kRevisionMask = 0xFF000000;
constexpr uint32_t kRevision2 = 0x02000000;
constexpr uint32_t kRevision3 = 0x03000000;
constexpr uint32_t kFlagsEffective = 0x000001;
constexpr size_t kSize2 = 20;
constexpr size_t kSize3 = 24;

uint32_t le32(std::string_view bytes, size_t at) {
  auto b = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + i])); };
  return b(0) | b(1) << 8 | b(2) << 16 | b(3) << 24;
}

}  // namespace

std::optional<std::string> normalise_caps_xattr(std::string_view value) {
  if (value.size() != kSize2 && value.size() != kSize3) return std::nullopt;
  uint32_t magic = le32(value, 0);
  // The kernel's validheader(): the revision matches the size, and the
  // effective bit is the only flag.
  uint32_t revision = value.size() == kSize2 ? kRevision2 : kRevision3;
  if ((magic & ~kFlagsEffective) != revision) return std::nullopt;
  std::string out(value.substr(0, kSize2));
  uint32_t v2 = (magic & ~kRevisionMask) | kRevision2;
  for (int i = 0; i < 4; ++i) out[static_cast<size_t>(i)] = static_cast<char>((v2 >> (8 * i)) & 0xff);
  return out;
}

}  // namespace stage
