// vis_fuzz: mtree name encoding round trip: decoding an encoded name gives it
// back, the encoding is one mtree word (no whitespace, '#' or glob
// character), and decoding any text never crashes.
#include "fuzz_util.h"
#include "stage/vis.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = stage_fuzz::text_of(data, size);
  std::string encoded = stage::mtree_vis(text);
  if (encoded.find_first_of(std::string_view(" \t\n\r\v\f#*?[\0", 11)) != std::string::npos)
    stage_fuzz::broken("mtree_vis left a separator, '#', a glob character or NUL", text);
  for (unsigned char c : encoded)
    if (c < 0x21 || c > 0x7e) stage_fuzz::broken("mtree_vis left a byte outside printable ASCII", text);
  if (stage::mtree_unvis(encoded) != text) stage_fuzz::broken("mtree_unvis(mtree_vis(x)) != x", text);
  (void)stage::mtree_unvis(text);
  return 0;
}
