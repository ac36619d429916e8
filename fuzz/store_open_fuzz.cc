// store_open_fuzz: a damaged database (any bytes where the SQLite file should
// be) is refused with StoreError, never a crash or another exception.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "fuzz_util.h"
#include "stage/store.h"

namespace {

// One scratch directory per process, removed at exit.
const std::string& scratch_db() {
  static std::string path = [] {
    char tmpl[] = "/tmp/stage-fuzz-store.XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) std::abort();
    static std::string dir = tmpl;
    std::atexit([] {
      for (const char* suffix : {"", "-wal", "-shm", "-journal"}) ::unlink((dir + "/db" + suffix).c_str());
      ::rmdir(dir.c_str());
    });
    return dir + "/db";
  }();
  return path;
}

void write_file(const std::string& path, std::string_view bytes) {
  for (const char* suffix : {"-wal", "-shm", "-journal"}) ::unlink((path + suffix).c_str());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes = stage_fuzz::text_of(data, size);
  const std::string& path = scratch_db();
  for (auto access : {stage::Store::Access::ReadOnly, stage::Store::Access::ReadWrite}) {
    write_file(path, bytes);
    try {
      auto store = stage::Store::open(path, access);
      (void)store->list_all();
      (void)store->list_info();
      (void)store->get("/usr/bin/x");
      (void)store->list_under("/usr");
      if (access == stage::Store::Access::ReadWrite) {
        stage::Store::Batch batch;
        batch.remove.push_back("/usr/bin/x");
        store->commit(batch);
      }
    } catch (const stage::StoreError&) {
      // refused: what a damaged database must give
    }
  }
  return 0;
}
