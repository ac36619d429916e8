// small_heap: size classes over Boost.Pool free lists, SQLite's allocator in
// a drop-in (a short, single-threaded process that frees little it keeps).
#pragma once

#include <cstddef>

namespace stage::small_heap {

/// A block of at least `size` bytes, 16-byte aligned; nullptr when out of
/// memory. Blocks up to kLargest bytes come from a Boost.Pool per size class
/// (its blocks are never returned to the system), larger ones from malloc(3).
void* allocate(size_t size);
/// Gives a block back (nullptr: nothing). Small blocks go to their class's
/// free list, large ones to free(3).
void release(void* block);
/// A block of at least `size` bytes holding the first bytes of `block`
/// (realloc(3)'s contract: `block` nullptr allocates, the old block is
/// released unless nullptr is returned).
void* resize(void* block, size_t size);
/// The usable size of a block (at least what was asked for).
size_t usable_size(const void* block);
/// The usable size a request of `size` bytes gets.
size_t round_up(size_t size);
/// The largest request served from the free lists.
constexpr size_t kLargest = 4096;

/// Makes SQLite allocate through this heap (SQLITE_CONFIG_MALLOC). glibc's
/// malloc and free were 23% of an install call's instructions (about 450
/// allocations, most of them the schema parse's, which SQLite never serves
/// from lookaside; Debian's build omits lookaside anyway). Only before
/// SQLite's first use; false when SQLite refused (already initialised) or
/// under AddressSanitizer, which must see every allocation.
bool use_for_sqlite();

}  // namespace stage::small_heap
