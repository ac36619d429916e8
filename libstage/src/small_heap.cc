// small_heap: SQLite's allocator in a drop-in: size classes over Boost.Pool free lists.
#include "stage/small_heap.h"

#include <sqlite3.h>

#include <boost/pool/pool.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

namespace stage::small_heap {
namespace {

// Every block has a 16-byte header in front: its class (kLarge for malloc's
// blocks) and, for large ones, the size asked for. 16 keeps the block
// aligned as malloc's are (SQLite needs 8).
constexpr size_t kHeader = 16;
constexpr uint32_t kLarge = 0xffffffff;
struct Header {
  uint32_t size_class;
  uint32_t unused;
  uint64_t large_size;
};
static_assert(sizeof(Header) == kHeader);

// Classes: 16, 32, 48, 64, then four steps per doubling up to kLargest
// (80, 96, 112, 128, 160, ...). Usable sizes, the header excluded.
constexpr int kClasses = 36;
size_t class_size[kClasses];
int class_count = 0;

// One Boost.Pool per class (a free list over blocks from malloc, grown by
// doubling from about 512 bytes), made once and never destroyed: SQLite may
// still free a block while static destructors run. Boost threads every
// chunk of a new block, so a first block larger than a call uses costs page
// faults (each about 1.5 us in this VM): first blocks of about 4 KiB gave an
// install call 6 more faults than 512 bytes, for 2k fewer instructions
// (bench/call_cost.sh).
using Pool = boost::pool<boost::default_user_allocator_malloc_free>;
alignas(Pool) unsigned char pool_storage[kClasses][sizeof(Pool)];
Pool* pools[kClasses];

// The class of each request size in 16-byte steps (a table: a search per
// allocation was 5% of an install call's instructions).
unsigned char class_by_step[kLargest / 16 + 1];

void init_classes() {
  for (size_t s = 16; s <= 64; s += 16) class_size[class_count++] = s;
  for (size_t base = 64; base < kLargest; base *= 2)
    for (int i = 1; i <= 4; ++i) class_size[class_count++] = base + base / 4 * i;
  for (int c = 0; c < class_count; ++c) {
    size_t chunk = kHeader + class_size[c];
    pools[c] = new (pool_storage[c]) Pool(chunk, std::max<size_t>(512 / chunk, 2));
  }
  int c = 0;
  for (size_t step = 0; step <= kLargest / 16; ++step) {
    while (class_size[c] < step * 16) ++c;
    class_by_step[step] = static_cast<unsigned char>(c);
  }
}

int class_of(size_t size) {
  if (!class_count) init_classes();
  return class_by_step[(size + 15) / 16];
}

Header* header_of(const void* block) {
  return reinterpret_cast<Header*>(static_cast<char*>(const_cast<void*>(block)) - kHeader);
}

}  // namespace

void* allocate(size_t size) {
  if (size > kLargest) {
    auto* h = static_cast<Header*>(std::malloc(kHeader + size));
    if (!h) return nullptr;
    h->size_class = kLarge;
    h->large_size = size;
    return reinterpret_cast<char*>(h) + kHeader;
  }
  int c = class_of(size == 0 ? 1 : size);
  auto* h = static_cast<Header*>(pools[c]->malloc());
  if (!h) return nullptr;
  h->size_class = static_cast<uint32_t>(c);
  return reinterpret_cast<char*>(h) + kHeader;
}

void release(void* block) {
  if (!block) return;
  Header* h = header_of(block);
  if (h->size_class == kLarge) std::free(h);
  else pools[h->size_class]->free(h);
}

size_t usable_size(const void* block) {
  const Header* h = header_of(block);
  return h->size_class == kLarge ? h->large_size : class_size[h->size_class];
}

size_t round_up(size_t size) { return size > kLargest ? size : class_size[class_of(size == 0 ? 1 : size)]; }

void* resize(void* block, size_t size) {
  if (!block) return allocate(size);
  size_t have = usable_size(block);
  if (size <= have && header_of(block)->size_class != kLarge) return block;
  void* moved = allocate(size);
  if (!moved) return nullptr;
  std::memcpy(moved, block, have < size ? have : size);
  release(block);
  return moved;
}

bool use_for_sqlite() {
#if defined(__SANITIZE_ADDRESS__)
  return false;
#else
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
  return false;
#endif
#endif
  static const sqlite3_mem_methods methods = {
      [](int n) { return n < 0 ? nullptr : allocate(static_cast<size_t>(n)); },
      [](void* p) { release(p); },
      [](void* p, int n) { return n < 0 ? nullptr : resize(p, static_cast<size_t>(n)); },
      [](void* p) { return static_cast<int>(usable_size(p)); },
      [](int n) { return n < 0 ? n : static_cast<int>(round_up(static_cast<size_t>(n))); },
      [](void*) { return SQLITE_OK; },
      [](void*) {},
      nullptr,
  };
  return sqlite3_config(SQLITE_CONFIG_MALLOC, &methods) == SQLITE_OK;
#endif
}

}  // namespace stage::small_heap
