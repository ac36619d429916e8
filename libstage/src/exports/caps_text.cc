// caps_text: a file capability's text form through libcap (cap_to_text).
#include <sys/capability.h>

#include <cstdint>

#include "stage/file_caps.h"

namespace stage {

std::string caps_text(std::string_view xattr) {
  if (xattr.size() < 20) return "";
  auto le32 = [&](size_t at) {
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<unsigned char>(xattr[at + i])) << (8 * i);
    return v;
  };
  bool effective = le32(0) & 0x000001;
  cap_t caps = cap_init();
  if (!caps) return "";
  // Two 32-bit words of {permitted, inheritable}, low word first. libcap
  // reads a file's effective bit as: effective = permitted | inheritable.
  for (int word = 0; word < 2; ++word) {
    uint32_t permitted = le32(4 + 8 * static_cast<size_t>(word));
    uint32_t inheritable = le32(8 + 8 * static_cast<size_t>(word));
    for (int bit = 0; bit < 32; ++bit) {
      cap_value_t cap = word * 32 + bit;
      if (permitted & (1u << bit)) {
        cap_set_flag(caps, CAP_PERMITTED, 1, &cap, CAP_SET);
        if (effective) cap_set_flag(caps, CAP_EFFECTIVE, 1, &cap, CAP_SET);
      }
      if (inheritable & (1u << bit)) {
        cap_set_flag(caps, CAP_INHERITABLE, 1, &cap, CAP_SET);
        if (effective) cap_set_flag(caps, CAP_EFFECTIVE, 1, &cap, CAP_SET);
      }
    }
  }
  std::string out;
  if (char* text = cap_to_text(caps, nullptr)) {
    out = text;
    cap_free(text);
  }
  cap_free(caps);
  return out;
}

}  // namespace stage
