// bulk_memory: a hint for the large, freshly reserved arrays of a listing.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>

namespace stage {

/// Asks the kernel to back [data, data+bytes) with transparent huge pages
/// (madvise MADV_HUGEPAGE; a no-op where THP is off or the range is small).
/// A listing of 100,000 entries touches ~100 MB once: with 4 KiB pages that
/// is 25,000 page faults, most of stage-ls's time on a virtual machine; with
/// 2 MiB pages, a few dozen (SPEC "Speed budget"). Call it right after
/// reserve(), before the memory is written.
inline void advise_huge_pages(const void* data, size_t bytes) {
  constexpr size_t kHuge = size_t{2} << 20;
  if (bytes < kHuge) return;
  const size_t page = 4096;
  uintptr_t begin = (reinterpret_cast<uintptr_t>(data) + page - 1) & ~(page - 1);
  uintptr_t end = (reinterpret_cast<uintptr_t>(data) + bytes) & ~(page - 1);
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

}  // namespace stage
