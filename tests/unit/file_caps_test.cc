// file_caps: security.capability values checked as the kernel checks them, written as getcap writes them.
#include <catch2/catch.hpp>

#include <string>

#include "stage/file_caps.h"

namespace {
std::string value(uint32_t magic, uint32_t permitted, uint32_t inheritable = 0, uint32_t high = 0) {
  std::string v;
  for (uint32_t x : {magic, permitted, inheritable, high, 0u})
    for (int i = 0; i < 4; ++i) v.push_back(static_cast<char>((x >> (8 * i)) & 0xff));
  return v;
}
}  // namespace

TEST_CASE("file_caps: revision 2 is kept, revision 3 loses its root id, anything else is refused", "[file_caps]") {
  std::string v2 = value(0x02000001, 1u << 13);
  CHECK(stage::normalise_caps_xattr(v2) == v2);
  std::string v3 = value(0x03000001, 1u << 13) + std::string("\xe8\x03\0\0", 4);
  CHECK(stage::normalise_caps_xattr(v3) == v2);
  CHECK_FALSE(stage::normalise_caps_xattr(v2.substr(0, 12)));        // revision 1 (the kernel refuses it now)
  CHECK_FALSE(stage::normalise_caps_xattr(value(0x03000000, 1)));    // revision 3 needs 24 bytes
  CHECK_FALSE(stage::normalise_caps_xattr(value(0x02000002, 1)));    // an unknown flag
  CHECK_FALSE(stage::normalise_caps_xattr(""));
}

TEST_CASE("file_caps: the text form is libcap's, as getcap and rpm --filecaps print it", "[file_caps]") {
  CHECK(stage::caps_text(value(0x02000001, 1u << 13)) == "cap_net_raw=ep");
  CHECK(stage::caps_text(value(0x02000000, 1u << 13)) == "cap_net_raw=p");
  CHECK(stage::caps_text(value(0x02000001, (1u << 10) | (1u << 13))) == "cap_net_bind_service,cap_net_raw=ep");
  CHECK(stage::caps_text(value(0x02000000, 1u << 13, 1u << 13)) == "cap_net_raw=ip");
}
