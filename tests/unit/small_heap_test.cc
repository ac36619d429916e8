// small_heap_test: the drop-ins' SQLite allocator keeps every block's bytes,
// sizes and alignment through allocation, reuse and resizing.
#include "stage/small_heap.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

namespace heap = stage::small_heap;

namespace {
struct Block {
  unsigned char* p;
  size_t size;
  unsigned char fill;
};
bool intact(const Block& b) {
  for (size_t i = 0; i < b.size; ++i)
    if (b.p[i] != b.fill) return false;
  return true;
}
}  // namespace

TEST_CASE("small_heap: blocks are aligned, large enough and hold their bytes while others come and go",
          "[small_heap]") {
  std::mt19937 rng(2026);
  std::vector<Block> live;
  size_t broken = 0, misaligned = 0, short_blocks = 0;
  for (int round = 0; round < 20000; ++round) {
    if (!live.empty() && rng() % 3 == 0) {
      size_t i = rng() % live.size();
      if (!intact(live[i])) ++broken;
      heap::release(live[i].p);
      live[i] = live.back();
      live.pop_back();
      continue;
    }
    // Mostly small requests, as SQLite makes them, some above the largest class.
    size_t size = rng() % 8 == 0 ? rng() % 20000 : rng() % 600;
    auto* p = static_cast<unsigned char*>(heap::allocate(size));
    REQUIRE(p != nullptr);
    if (reinterpret_cast<uintptr_t>(p) % 16 != 0) ++misaligned;
    if (heap::usable_size(p) < size || heap::round_up(size) != heap::usable_size(p)) ++short_blocks;
    unsigned char fill = static_cast<unsigned char>(rng());
    std::memset(p, fill, size);
    live.push_back({p, size, fill});
  }
  for (const auto& b : live) {
    if (!intact(b)) ++broken;
    heap::release(b.p);
  }
  CHECK(broken == 0);
  CHECK(misaligned == 0);
  CHECK(short_blocks == 0);
}

TEST_CASE("small_heap: resizing keeps the bytes, in place when the class allows", "[small_heap]") {
  auto* p = static_cast<char*>(heap::allocate(20));
  std::memcpy(p, "0123456789abcdefghij", 20);
  // Within its class (32 usable bytes): the same block.
  CHECK(heap::resize(p, 30) == p);
  auto* q = static_cast<char*>(heap::resize(p, 3000));
  REQUIRE(q != nullptr);
  CHECK(std::memcmp(q, "0123456789abcdefghij", 20) == 0);
  auto* r = static_cast<char*>(heap::resize(q, 100000));  // into malloc's territory
  REQUIRE(r != nullptr);
  CHECK(std::memcmp(r, "0123456789abcdefghij", 20) == 0);
  CHECK(heap::usable_size(r) >= 100000);
  auto* s = static_cast<char*>(heap::resize(r, 10));  // and back to a class
  REQUIRE(s != nullptr);
  CHECK(std::memcmp(s, "0123456789", 10) == 0);
  heap::release(s);
  heap::release(nullptr);
}

TEST_CASE("small_heap: a released block is reused by the next request of its class", "[small_heap]") {
  void* a = heap::allocate(100);
  heap::release(a);
  void* b = heap::allocate(heap::round_up(100));
  CHECK(a == b);
  heap::release(b);
}
