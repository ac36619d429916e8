// vis: the strsvis(3) encoding NetBSD's mtree and install -M use for names in
// specs and METALOGs (VIS_OCTAL with the extra characters " \t\n\\#*?["), and UTF-8 validity.
#pragma once

#include <string>
#include <string_view>

namespace stage {

/// Encodes `text` as NetBSD mtree's vispath() does: every byte outside the
/// printable ASCII range, and each of space, tab, newline, '\', '#', '*', '?'
/// and '[', becomes a backslash and three octal digits; other bytes stay.
/// The result has no whitespace and no '#', so it is one mtree word, and no
/// glob character, so NetBSD's mtree matches it literally. The encoding does
/// not depend on the locale (bytes >= 0x80 are always escaped).
std::string mtree_vis(std::string_view text);

/// Appends mtree_vis(text) to `out`; with `escape_equals`, '=' too (as
/// libarchive's mtree writer does: makepkg's .MTREE).
void mtree_vis_append(std::string& out, std::string_view text, bool escape_equals = false);

/// Decodes the backslash escapes mtree readers accept (\ooo octal, and
/// \\, \a \b \f \n \r \s \t \v); other text stays. The inverse of mtree_vis().
std::string mtree_unvis(std::string_view text);

/// The length of the well-formed UTF-8 sequence starting at s[i] (1 to 4;
/// no overlongs, no surrogates, nothing above U+10FFFF), 0 when there is none.
size_t utf8_sequence_length(std::string_view s, size_t i);

/// True when all of `s` is well-formed UTF-8.
bool valid_utf8(std::string_view s);

}  // namespace stage
