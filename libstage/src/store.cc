// store: SQLite behind the Store interface. WAL with synchronous=OFF: a killed
// tool cannot corrupt the database (SQLite's WAL is atomic per transaction);
// only a machine crash mid-build may lose the build's latest records. A new
// database appears whole (linked into place), an existing one is never
// converted: a foreign or emptied file is refused as found.
#include "stage/store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/xattr.h>
#endif

#include "stage/bulk_memory.h"
#include "stage/path_map.h"
#include "stage/small_heap.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <unordered_map>
#include <random>
#include <string_view>

namespace stage {
namespace {

// A stage remembers its database in an extended attribute of its root, set
// when the database is created. A database that is later deleted beside the
// stage's files is then told apart from files that reached a stage before
// its first drop-in ran, and refused instead of silently started afresh.
// Where the file system has no user attributes, nothing is remembered.
constexpr const char* kDatabaseMark = "user.stage.database";

/// SQLite's fchown of its -wal and -shm files, made by a process whose uid
/// is 0 (see Store::tune_for_drop_in).
int skip_fchown(int, uid_t, gid_t) { return 0; }

std::string stage_database_mark(const std::string& stage_dir) {
#ifdef __linux__
  char value[4096];
  ssize_t n = ::getxattr(stage_dir.c_str(), kDatabaseMark, value, sizeof value);
  if (n > 0) return std::string(value, static_cast<size_t>(n));
#else
  (void)stage_dir;
#endif
  return {};
}

void mark_stage_database(const std::string& stage_dir, const std::string& db) {
#ifdef __linux__
  // Best effort: ENOTSUP (no user attributes) or EPERM (a stage root owned by
  // someone else) only lose the protection, never the run.
  (void)::setxattr(stage_dir.c_str(), kDatabaseMark, db.data(), db.size(), 0);
#else
  (void)stage_dir;
  (void)db;
#endif
}

bool holds_entries(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) return false;
  bool found = false;
  while (dirent* e = ::readdir(d)) {
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) {
      found = true;
      break;
    }
  }
  ::closedir(d);
  return found;
}

// A new database (schema 5). Every drop-in call parses all of it (SQLite
// reads the whole schema at a connection's first statement): `entries` and
// its index are what the drop-ins use; the other three tables are kept as
// cheap to parse as SQLite allows (no declared types, no NOT NULL, no index
// of their own: about 25k of a call's 535k instructions, callgrind), since
// only install-info, stage-run and union capture touch them. Their columns:
//   info       one dir entry install-info recorded: info_file, dir_file,
//              section, entry (text), in rowid order
//   runs       stage-run's audit trail, one row per run: command, user,
//              start, end, sandbox, denials (text), status (integer)
//   deletions  a host path a captured build deleted or renamed away (text,
//              the primary key)
// The statements of this file bind the right type into each column.
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS entries (
  path TEXT PRIMARY KEY NOT NULL,
  type TEXT NOT NULL,
  mode INTEGER NOT NULL,
  uname TEXT, uid INTEGER,
  gname TEXT, gid INTEGER,
  size INTEGER, sha256 TEXT, target TEXT, flags TEXT,
  tool TEXT NOT NULL,
  dev INTEGER, ino INTEGER, mtime_ns INTEGER, ctime_ns INTEGER, disk_size INTEGER,
  rdev INTEGER,
  caps BLOB, caps_dev INTEGER, caps_ino INTEGER, caps_mtime_ns INTEGER, caps_size INTEGER
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entries_inode ON entries(dev, ino);
)sql";
constexpr const char* kLeanTables = R"sql(
CREATE TABLE info(info_file,dir_file,section,entry);
CREATE TABLE runs(command,user,start,end,status,sandbox,denials);
CREATE TABLE deletions(path TEXT PRIMARY KEY) WITHOUT ROWID;
)sql";

// The upgrades of older databases, in order. Schema 2: the audit trail of
// stage-run (one row per run), as schema 2 to 4 declared it.
constexpr const char* kRunsSchema = R"sql(
CREATE TABLE IF NOT EXISTS runs (
  command TEXT NOT NULL,
  user TEXT NOT NULL,
  start TEXT NOT NULL,
  end TEXT NOT NULL,
  status INTEGER NOT NULL,
  sandbox TEXT NOT NULL,
  denials TEXT NOT NULL
);
)sql";

// Schema 3: file capabilities (columns of entries, so that a record
// replaced whole, as install replaces a file, loses its capability).
constexpr const char* kCapsSchema = R"sql(
ALTER TABLE entries ADD COLUMN caps BLOB;
ALTER TABLE entries ADD COLUMN caps_dev INTEGER;
ALTER TABLE entries ADD COLUMN caps_ino INTEGER;
ALTER TABLE entries ADD COLUMN caps_mtime_ns INTEGER;
ALTER TABLE entries ADD COLUMN caps_size INTEGER;
)sql";

#define STAGE_BASE_COLUMNS \
  "path,type,mode,uname,uid,gname,gid,size,sha256,target,flags,tool,dev,ino,mtime_ns,ctime_ns,disk_size,rdev"
constexpr const char* kColumns = STAGE_BASE_COLUMNS ",caps,caps_dev,caps_ino,caps_mtime_ns,caps_size";
// A schema 2 database opened read-only is read as it is: no capabilities.
constexpr const char* kColumnsV2 = STAGE_BASE_COLUMNS ",NULL,NULL,NULL,NULL,NULL";
#undef STAGE_BASE_COLUMNS

// Schema 4: deletions under union capture (a host file a captured build
// deleted or renamed away: a whiteout in the stage, never applied to the host).
constexpr const char* kDeletionsSchema = R"sql(
CREATE TABLE IF NOT EXISTS deletions (
  path TEXT PRIMARY KEY NOT NULL
);
)sql";

// Schema 5: info, runs and deletions made again as kLeanTables declares
// them, their rows copied in order (the old tables, renamed aside, dropped
// with the index info_file).
constexpr const char* kLeanSchema = R"sql(
ALTER TABLE info RENAME TO info_v4;
ALTER TABLE runs RENAME TO runs_v4;
ALTER TABLE deletions RENAME TO deletions_v4;
CREATE TABLE info(info_file,dir_file,section,entry);
CREATE TABLE runs(command,user,start,end,status,sandbox,denials);
CREATE TABLE deletions(path TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO info SELECT info_file,dir_file,section,entry FROM info_v4 ORDER BY rowid;
INSERT INTO runs SELECT command,user,start,end,status,sandbox,denials FROM runs_v4 ORDER BY rowid;
INSERT INTO deletions SELECT path FROM deletions_v4;
DROP TABLE info_v4;
DROP TABLE runs_v4;
DROP TABLE deletions_v4;
)sql";


const char* const kTypeNames[] = {"file", "dir", "link", "hardlink", "fifo", "char", "block"};

/// "database 'FILE': MESSAGE": every message names the file.
StoreError db_error(sqlite3* db, const std::string& message) {
  const char* file = db ? sqlite3_db_filename(db, "main") : nullptr;
  return StoreError("database '" + std::string(file ? file : "") + "': " + message);
}

class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) throw db_error(db, sqlite3_errmsg(db));
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  sqlite3_stmt* get() { return stmt_; }
  /// Text and blobs are bound without a copy from now on: the caller keeps
  /// them alive until reset() (a commit binds every field of every record).
  void bind_by_reference() { destructor_ = SQLITE_STATIC; }
  void bind(int i, std::string_view text) {
    sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), destructor_);
  }
  void bind(int i, int64_t value) { sqlite3_bind_int64(stmt_, i, value); }
  void bind_blob(int i, std::string_view bytes) {
    sqlite3_bind_blob(stmt_, i, bytes.data(), static_cast<int>(bytes.size()), destructor_);
  }
  void bind_null(int i) { sqlite3_bind_null(stmt_, i); }
  /// Steps once; true while a row is available.
  bool step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw db_error(db_, sqlite3_errmsg(db_));
  }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::string text(int i) {
    auto p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
    return p ? std::string(p, sqlite3_column_bytes(stmt_, i)) : std::string();
  }
  /// The text of column `i` until the next step (no copy).
  std::string_view view(int i) {
    auto p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
    return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, i))) : std::string_view();
  }
  bool is_null(int i) { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }
  std::string blob(int i) {
    auto p = static_cast<const char*>(sqlite3_column_blob(stmt_, i));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, i))) : std::string();
  }
  int64_t integer(int i) { return sqlite3_column_int64(stmt_, i); }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  sqlite3_destructor_type destructor_ = SQLITE_TRANSIENT;
};

/// An SQL function registered on a connection for one statement's run (a
/// commit's range UPDATE reading its changes), unregistered when it goes.
class ScopedFunction {
 public:
  using Function = void (*)(sqlite3_context*, int, sqlite3_value**);
  ScopedFunction(sqlite3* db, const char* name, int args, void* data, Function f) : db_(db), name_(name), args_(args) {
    if (sqlite3_create_function_v2(db, name, args, SQLITE_UTF8 | SQLITE_DIRECTONLY, data, f, nullptr, nullptr,
                                   nullptr) != SQLITE_OK)
      throw db_error(db, sqlite3_errmsg(db));
  }
  ~ScopedFunction() {
    sqlite3_create_function_v2(db_, name_, args_, SQLITE_UTF8, nullptr, nullptr, nullptr, nullptr, nullptr);
  }
  ScopedFunction(const ScopedFunction&) = delete;
  ScopedFunction& operator=(const ScopedFunction&) = delete;

 private:
  sqlite3* db_;
  const char* name_;
  int args_;
};

class SqliteStore final : public Store {
 public:
  SqliteStore(const std::string& path, Access access, const std::string& stage_dir) : path_(path) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
      if (errno != ENOENT || access != Access::Create)
        throw StoreError("cannot open database '" + path + "': " + std::strerror(errno));
      if (!stage_dir.empty()) refuse_lost_database(path, stage_dir);
      publish_new_database(path);
      if (!stage_dir.empty()) mark_stage_database(stage_dir, path);
    } else if (S_ISREG(st.st_mode) && st.st_size == 0) {
      // An emptied database (truncated, or made by `touch`): starting afresh
      // would silently drop every record of a stage that holds files.
      throw StoreError("database '" + path + "' is empty (0 bytes), not a stage database; left unchanged");
    }
    // Never SQLITE_OPEN_CREATE: a new database is only ever published whole
    // (above), so no opener ever sees or initialises a half-made one.
    int flags = access == Access::ReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    int rc = sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
      sqlite3_close(db_);
      db_ = nullptr;
      throw StoreError("cannot open database '" + path + "': " + message);
    }
    // A constructor that throws never runs the destructor: from here on any
    // throw closes the connection, or every refused damaged database would
    // leak one (found by fuzz/store_open_fuzz.cc: a file whose header reads
    // but whose schema page is malformed failed in the PRAGMAs below).
    struct CloseOnThrow {
      sqlite3*& db;
      bool armed = true;
      ~CloseOnThrow() {
        if (armed) {
          sqlite3_close(db);
          db = nullptr;
        }
      }
    } close_on_throw{db_};
    // make -j runs many tools at once: wait for the writer instead of failing.
    sqlite3_busy_timeout(db_, 60000);
    int version = 0;
    try {
      // Reading the version is the first read of the file: a corrupt file or
      // one that is not a database fails here. Nothing above wrote to it.
      version = user_version();
    } catch (const StoreError&) {
      std::string message = sqlite3_errmsg(db_);
      sqlite3_close(db_);
      db_ = nullptr;
      throw StoreError("cannot read database '" + path + "': " + message);
    }
    if (version > kStoreSchemaVersion) {
      sqlite3_close(db_);
      db_ = nullptr;
      throw StoreError("database '" + path + "' has schema version " + std::to_string(version) +
                       ", newer than this stage understands (" + std::to_string(kStoreSchemaVersion) + ")");
    }
    if (version == 0) {
      // Another program's SQLite file: refused as found, never converted.
      sqlite3_close(db_);
      db_ = nullptr;
      throw StoreError("'" + path + "' is not a stage database; left unchanged");
    }
    if (access != Access::ReadOnly && sqlite3_db_readonly(db_, "main") == 1) {
      // SQLite falls back to reading a file it may not write; a drop-in
      // would only find out at its commit, after changing the stage.
      int err = ::access(path.c_str(), W_OK) != 0 ? errno : EACCES;
      sqlite3_close(db_);
      db_ = nullptr;
      throw StoreError("cannot write database '" + path + "': " + std::strerror(err));
    }
    if (version < kStoreSchemaVersion && access != Access::ReadOnly) {
      // An older stage database of ours gets what it lacks (schema 2: runs).
      upgrade_schema(version);
      version = kStoreSchemaVersion;
    }
    select_ = version >= 3 ? kColumns : kColumnsV2;
    version_ = version;
    // Only now, on a database known to be ours, settings that may write.
    // Keep the -wal and -shm files when the last connection closes: no unlink
    // and re-create per drop-in call, and a sandboxed build (which may write
    // the database's files but not create or delete them) keeps working.
    int persist = 1;
    sqlite3_file_control(db_, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
    exec("PRAGMA synchronous=OFF");
    // Drop-ins run one after another, each the only connection: each opener
    // rebuilds the WAL index by reading every frame. The last connection to
    // close checkpoints; truncating the WAL then keeps that rebuild short.
    exec("PRAGMA journal_size_limit=0");
    close_on_throw.armed = false;
  }
  ~SqliteStore() override {
    get_.reset();  // statements are finalized before the connection closes
    inode_.reset();
    sqlite3_close(db_);
  }

  std::optional<Entry> get(const std::string& path) override {
    // Prepared once: chmod -R and chown -R look up every entry they walk.
    if (!get_) get_ = std::make_unique<Statement>(db_, (std::string("SELECT ") + select_ + " FROM entries WHERE path=?").c_str());
    Statement& st = *get_;
    hold_snapshot();
    st.reset();
    st.bind(1, path);
    std::optional<Entry> out;
    if (st.step()) out = row(st);
    st.reset();
    return out;
  }

  void read_tree(const std::string& dir, unsigned fields, TreeRecords& into) override {
    // As list_under(), but only the columns a walk looks at, decoded into
    // compact records: no string but the path, owners and groups interned.
    exec("PRAGMA cache_size=-65536");
    std::string hi = dir == "/" ? "/" : dir + "/";
    hi.back() = '/' + 1;
    const bool owners = fields & (kOwner | kGroup), disk = fields & kDisk;
    std::string sql = "SELECT path,type,mode";
    if (owners) sql += ",uname,uid,gname,gid";
    if (disk) sql += ",size,dev,ino,mtime_ns,ctime_ns,disk_size";
    sql += " FROM entries WHERE path>=?1 AND path<?2";
    {
      // Room for as many records as the file could hold (a record takes
      // 64 bytes or more): counting them first cost a pass over the range
      // (400 instructions a record), growing the vector page faults over
      // twice its memory. Memory reserved and never touched costs nothing
      // (capped at 2M records, about 200 MiB of address space).
      Statement pages(db_, "SELECT min(page_count * page_size / 64, 2097152) FROM pragma_page_count, pragma_page_size");
      if (pages.step()) into.records.reserve(into.records.size() + static_cast<size_t>(pages.integer(0)));
    }
    Statement st(db_, sql.c_str());
    st.bind(1, dir);
    st.bind(2, hi);
    TreeRecords::Read read{dir, into.records.size(), 0, fields & (kOwner | kGroup | kDisk)};
    if (owners) read.fields |= kOwner | kGroup;
    // Most records share an owner and a group: compared with the last one before the table is searched.
    uint32_t last = UINT32_MAX;
    auto intern = [&](int i) {
      std::string_view name = st.view(i);
      std::optional<uint32_t> id;
      if (!st.is_null(i + 1)) id = static_cast<uint32_t>(st.integer(i + 1));
      if (last < into.principals.size() && into.principals[last].name == name && into.principals[last].id == id)
        return last;
      return last = into.principal(Principal{std::string(name), id});
    };
    const int d = owners ? 7 : 3;  // the first disk column
    while (st.step()) {
      std::string_view path = st.view(0);
      if (!path_within(path, dir)) continue;
      TreeRecords::Record r;
      r.path_at = static_cast<uint32_t>(into.paths.size());
      r.path_len = static_cast<uint32_t>(path.size());
      into.paths.append(path);
      r.type = entry_type_from_name(st.view(1)).value_or(EntryType::File);
      r.mode = static_cast<uint32_t>(st.integer(2));
      r.plain = r.type != EntryType::Symlink && r.type != EntryType::Hardlink && r.type != EntryType::CharDevice &&
                r.type != EntryType::BlockDevice;
      if (owners) {
        r.owner = intern(3);
        r.group = intern(5);
      }
      if (disk) {
        if (!st.is_null(d)) r.size = static_cast<uint64_t>(st.integer(d));
        if (!st.is_null(d + 1)) {
          DiskIdentity id;
          id.dev = static_cast<uint64_t>(st.integer(d + 1));
          id.ino = static_cast<uint64_t>(st.integer(d + 2));
          id.mtime_ns = st.integer(d + 3);
          id.ctime_ns = st.integer(d + 4);
          id.size = static_cast<uint64_t>(st.integer(d + 5));
          r.disk = id;
        }
      }
      into.records.push_back(r);
    }
    read.end = into.records.size();
    into.reads.push_back(std::move(read));
  }

  std::vector<Entry> list_under(const std::string& dir) override {
    // One range of the primary key, read in its order (no sort): from `dir`
    // up to `dir` + "0" ('/' + 1). Names that only begin like `dir` ("/t.d"
    // for "/t") lie in the range too and are skipped before being decoded.
    // (`path=? OR (path>? AND path<?)` made SQLite sort the rows.)
    std::string sql = std::string("SELECT ") + select_ + " FROM entries WHERE path>=?1 AND path<?2";
    // A tree read whole is changed whole next (chmod -R): a page cache that
    // holds it (64 MiB at most, used only as pages are read) spares the
    // commit reading every page again (SQLite's default: 2,000 KiB).
    exec("PRAGMA cache_size=-65536");
    Statement st(db_, sql.c_str());
    std::string hi = dir == "/" ? "/" : dir + "/";
    hi.back() = '/' + 1;
    st.bind(1, dir);
    st.bind(2, hi);
    std::vector<Entry> out;
    {
      // Sized up front (counting decodes nothing): growing a vector of
      // 100,000 entries would copy them and touch twice the memory.
      Statement count(db_, "SELECT count(*) FROM entries WHERE path>=?1 AND path<?2");
      count.bind(1, dir);
      count.bind(2, hi);
      if (count.step()) out.reserve(static_cast<size_t>(count.integer(0)));
    }
    while (st.step()) {
      auto p = reinterpret_cast<const char*>(sqlite3_column_text(st.get(), 0));
      if (p && path_within(std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(st.get(), 0))), dir))
        out.push_back(row(st));
    }
    return out;
  }

  std::vector<Entry> list_all() override {
    std::string sql = std::string("SELECT ") + select_ + " FROM entries ORDER BY path";
    Statement st(db_, sql.c_str());
    std::vector<Entry> out;
    {
      // Sized up front: growing a vector of 100,000 entries moves them all
      // several times (stage-ls's budget, SPEC "Speed budget").
      Statement count(db_, "SELECT count(*) FROM entries");
      if (count.step()) out.reserve(static_cast<size_t>(count.integer(0)));
      advise_huge_pages(out.data(), out.capacity() * sizeof(Entry));
    }
    while (st.step()) out.push_back(row(st));
    return out;
  }

  std::optional<Principal> setgid_dir_group(const std::string& path) override {
    // Most stages record no setgid directory: the header's flag says so
    // without a query (a SELECT runs code no other part of an install call
    // runs: 4-8% of the call's wall time, bench/results.md).
    // (Schema 4 and older kept no flag: a database read as it is, read-only, is asked.)
    if (version_ >= 5 && !(header_flags() & kSetgidDirsRecorded)) return std::nullopt;
    // Not get(): preparing its 18-column SELECT cost an install call more
    // instructions (118k, callgrind) than the whole rest of install_file.
    // mode&1024: S_ISGID.
    Statement st(db_, "SELECT gname,gid FROM entries WHERE path=? AND type='dir' AND mode&1024");
    st.bind(1, path);
    if (!st.step()) return std::nullopt;
    return principal(st, 0);
  }

  std::vector<Entry> list_inode(uint64_t dev, uint64_t ino) override {
    if (!inode_)
      inode_ = std::make_unique<Statement>(
          db_, (std::string("SELECT ") + select_ + " FROM entries WHERE dev=?1 AND ino=?2 ORDER BY path").c_str());
    Statement& st = *inode_;
    hold_snapshot();
    st.reset();
    st.bind(1, static_cast<int64_t>(dev));
    st.bind(2, static_cast<int64_t>(ino));
    std::vector<Entry> out;
    while (st.step()) out.push_back(row(st));
    st.reset();
    return out;
  }

  std::vector<InfoRecord> list_info() override {
    Statement st(db_, "SELECT info_file,dir_file,section,entry FROM info ORDER BY info_file,dir_file,rowid");
    std::vector<InfoRecord> out;
    while (st.step()) out.push_back({st.text(0), st.text(1), st.text(2), st.text(3)});
    return out;
  }

  void commit(const Batch& batch) override {
    release_snapshot();
    if (batch.empty()) return;
    // bulk_update()'s statement over many rows calls a function (which may
    // fail), so SQLite keeps a statement journal, by default a temporary
    // file getting every page the statement changes (4,500 more writes over
    // 100,000 records): kept in memory instead, as the transaction that
    // begins next decides. Best effort: SQLite refuses the change while a
    // temporary table is open, which costs only the writes.
    if (batch.change.size() >= kBulkChanges || batch.tree)
      sqlite3_exec(db_, "PRAGMA temp_store=MEMORY", nullptr, nullptr, nullptr);
    // IMMEDIATE takes the write lock up front, so the busy timeout covers it.
    exec("BEGIN IMMEDIATE");
    try {
      // A setgid directory recorded: the header says so, in the same
      // transaction (setgid_dir_group() trusts a flag that is not set).
      auto setgid_dir = [](const Entry& e) { return e.type == EntryType::Dir && (e.mode & S_ISGID); };
      bool any_setgid = std::any_of(batch.put.begin(), batch.put.end(), setgid_dir) ||
                        std::any_of(batch.change.begin(), batch.change.end(),
                                    [&](const Change& c) { return setgid_dir(c.entry); }) ||
                        (batch.tree && std::any_of(batch.tree->records.begin(), batch.tree->records.end(),
                                                   [](const TreeRecords::Record& r) {
                                                     return r.changed && r.type == EntryType::Dir &&
                                                            (r.mode & S_ISGID);
                                                   }));
      if (any_setgid) set_header_flags(kSetgidDirsRecorded);
      if (!batch.remove.empty()) {
        Statement st(db_, "DELETE FROM entries WHERE path=?");
        for (const auto& p : batch.remove) {
          st.bind(1, p);
          st.step();
          st.reset();
        }
      }
      if (!batch.remove_tree.empty()) {
        Statement st(db_, "DELETE FROM entries WHERE path=?1 OR (path>?2 AND path<?3)");
        for (const auto& p : batch.remove_tree) {
          std::string lo = p + "/", hi = p + "0";
          st.bind(1, p);
          st.bind(2, lo);
          st.bind(3, hi);
          st.step();
          st.reset();
        }
      }
      if (!batch.put.empty() || !batch.change.empty() || batch.tree) {
        std::string sql = std::string("INSERT OR REPLACE INTO entries(") + kColumns +
                          ") VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
        Statement st(db_, sql.c_str());
        st.bind_by_reference();  // the batch outlives the statements
        for (const auto& e : batch.put) {
          bind_entry(st, e);
          st.step();
          st.reset();
        }
        // Many changes (chmod -R, chown -R): one range UPDATE per combination
        // of fields instead of one UPDATE per record.
        std::vector<char> applied;
        if (batch.change.size() >= kBulkChanges) {
          std::vector<std::pair<unsigned, size_t>> combos;
          for (const auto& c : batch.change) {
            auto it = std::find_if(combos.begin(), combos.end(), [&](const auto& x) { return x.first == c.fields; });
            if (it == combos.end()) combos.emplace_back(c.fields, 1);
            else ++it->second;
          }
          for (const auto& [fields, n] : combos)
            if (n >= kBulkChanges) bulk_update(batch.change, fields, applied);
        }
        // One UPDATE per combination of fields (a run has one or two).
        std::vector<std::pair<unsigned, std::unique_ptr<Statement>>> updates;
        for (size_t i = 0; i < batch.change.size(); ++i) {
          const Change& c = batch.change[i];
          if (!applied.empty() && applied[i]) continue;
          Statement* up = nullptr;
          for (auto& [fields, stmt] : updates)
            if (fields == c.fields) up = stmt.get();
          if (!up) {
            updates.emplace_back(c.fields, std::make_unique<Statement>(db_, update_sql(c.fields).c_str()));
            up = updates.back().second.get();
            up->bind_by_reference();
          }
          bind_change(*up, c);
          up->step();
          up->reset();
          if (sqlite3_changes(db_) == 0) {  // no record yet: the whole entry
            bind_entry(st, c.entry);
            st.step();
            st.reset();
          }
        }
        if (batch.tree)
          for (const auto& read : batch.tree->reads) tree_update(*batch.tree, read);
      }
      if (!batch.info_remove.empty() || !batch.info_put.empty()) {
        Statement del(db_, "DELETE FROM info WHERE info_file=? AND dir_file=?");
        for (const auto* list : {&batch.info_remove, &batch.info_put})
          for (const auto& r : *list) {
            del.bind(1, r.info_file);
            del.bind(2, r.dir_file);
            del.step();
            del.reset();
          }
        Statement ins(db_, "INSERT INTO info(info_file,dir_file,section,entry) VALUES(?,?,?,?)");
        for (const auto& r : batch.info_put) {
          ins.bind(1, r.info_file);
          ins.bind(2, r.dir_file);
          ins.bind(3, r.section);
          ins.bind(4, r.entry);
          ins.step();
          ins.reset();
        }
      }
      exec("COMMIT");
    } catch (...) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }

  void append_run(const RunRecord& run) override {
    Statement st(db_, "INSERT INTO runs(command,user,start,end,status,sandbox,denials) VALUES(?,?,?,?,?,?,?)");
    st.bind(1, run.command);
    st.bind(2, run.user);
    st.bind(3, run.start);
    st.bind(4, run.end);
    st.bind(5, static_cast<int64_t>(run.status));
    st.bind(6, run.sandbox);
    st.bind(7, run.denials);
    st.step();
  }

  std::vector<RunRecord> list_runs() override {
    std::vector<RunRecord> out;
    if (!has_table("runs")) return out;
    Statement st(db_, "SELECT command,user,start,end,status,sandbox,denials FROM runs ORDER BY rowid");
    while (st.step())
      out.push_back({st.text(0), st.text(1), st.text(2), st.text(3), static_cast<int>(st.integer(4)), st.text(5),
                     st.text(6)});
    return out;
  }

  void set_deletions(const std::string& prefix, const std::vector<std::string>& paths) override {
    release_snapshot();
    exec("BEGIN IMMEDIATE");
    try {
      {
        // Below the prefix: its path plus '/' up to its path plus '0' ('/' + 1).
        Statement del(db_, "DELETE FROM deletions WHERE path > ? AND path < ?");
        std::string base = prefix == "/" ? "" : prefix;
        del.bind(1, base + "/");
        del.bind(2, base + "0");
        del.step();
      }
      for (const auto& p : paths) {
        Statement ins(db_, "INSERT OR IGNORE INTO deletions(path) VALUES(?)");
        ins.bind(1, p);
        ins.step();
      }
      exec("COMMIT");
    } catch (...) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }

  std::vector<std::string> list_deletions() override {
    std::vector<std::string> out;
    if (!has_table("deletions")) return out;
    Statement st(db_, "SELECT path FROM deletions ORDER BY path");
    while (st.step()) out.push_back(st.text(0));
    return out;
  }

  bool holds_anything() override {
    std::string sql = "SELECT EXISTS(SELECT 1 FROM entries) OR EXISTS(SELECT 1 FROM info)";
    if (has_table("runs")) sql += " OR EXISTS(SELECT 1 FROM runs)";
    if (has_table("deletions")) sql += " OR EXISTS(SELECT 1 FROM deletions)";
    Statement st(db_, sql.c_str());
    return st.step() && st.integer(0) != 0;
  }

  void remember_digests(const std::vector<Digest>& digests) override {
    release_snapshot();
    if (digests.empty()) return;
    exec("BEGIN IMMEDIATE");
    try {
      Statement st(db_,
                   "UPDATE entries SET sha256=?,size=?,dev=?,ino=?,mtime_ns=?,ctime_ns=?,disk_size=? "
                   "WHERE path=? AND type IN ('file','hardlink')");
      for (const auto& d : digests) {
        st.bind(1, d.sha256);
        st.bind(2, static_cast<int64_t>(d.disk.size));
        st.bind(3, static_cast<int64_t>(d.disk.dev));
        st.bind(4, static_cast<int64_t>(d.disk.ino));
        st.bind(5, d.disk.mtime_ns);
        st.bind(6, d.disk.ctime_ns);
        st.bind(7, static_cast<int64_t>(d.disk.size));
        st.bind(8, d.path);
        st.step();
        st.reset();
      }
      exec("COMMIT");
    } catch (...) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }

 private:
  void exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string message = err ? err : sqlite3_errmsg(db_);
      sqlite3_free(err);
      throw StoreError("database '" + path_ + "': " + message);
    }
  }

  /// Lookups one after another (chmod -R: two per entry) share one read
  /// transaction instead of taking and dropping the WAL locks each time
  /// (four fcntl calls per lookup). Field-level changes make the snapshot's
  /// age harmless; commit() ends it before taking the write lock.
  void hold_snapshot() {
    if (reading_) return;
    exec("BEGIN");
    reading_ = true;
  }
  void release_snapshot() {
    if (!reading_) return;
    reading_ = false;
    exec("COMMIT");
  }

  int user_version() {
    Statement st(db_, "PRAGMA user_version");
    return st.step() ? static_cast<int>(st.integer(0)) : 0;
  }

  /// Flags of the database kept in its header's application_id (schema 5;
  /// read like user_version, with no query of a table): set once, never
  /// cleared, each in the transaction that makes it true.
  static constexpr uint32_t kSetgidDirsRecorded = 1;  ///< a directory has been recorded with S_ISGID
  uint32_t header_flags() {
    Statement st(db_, "PRAGMA application_id");
    return st.step() ? static_cast<uint32_t>(st.integer(0)) : 0;
  }
  /// Sets `flags` in the header; inside a write transaction.
  void set_header_flags(uint32_t flags) {
    uint32_t now = header_flags();
    if ((now & flags) == flags) return;
    // application_id is a signed 32-bit value in SQLite's PRAGMA.
    exec(("PRAGMA application_id=" + std::to_string(static_cast<int32_t>(now | flags))).c_str());
  }

  /// The bytes of a new, empty stage database in WAL mode.
  static std::string new_database_image() {
    sqlite3* mem = nullptr;
    if (sqlite3_open_v2(":memory:", &mem, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
      sqlite3_close(mem);
      throw StoreError("cannot make a new database: out of memory");
    }
    std::string sql = std::string(kSchema) + kLeanTables + "PRAGMA user_version=" + std::to_string(kStoreSchemaVersion) + ";";
    char* err = nullptr;
    std::string image;
    if (sqlite3_exec(mem, sql.c_str(), nullptr, nullptr, &err) == SQLITE_OK) {
      sqlite3_int64 size = 0;
      if (unsigned char* bytes = sqlite3_serialize(mem, "main", &size, 0)) {
        image.assign(reinterpret_cast<const char*>(bytes), static_cast<size_t>(size));
        sqlite3_free(bytes);
      }
    }
    std::string message = err ? err : sqlite3_errmsg(mem);
    sqlite3_free(err);
    sqlite3_close(mem);
    if (image.size() < 100) throw StoreError("cannot make a new database: " + message);
    // The file format's read and write versions (header bytes 18 and 19) are
    // 2 for WAL: this is all `PRAGMA journal_mode=WAL` persists, written here
    // before anyone can open the file.
    image[18] = image[19] = 2;
    return image;
  }

  /// Throws when the stage at `stage_dir` holds files recorded in a database
  /// that is gone: a new one would silently forget every record. A stage
  /// recorded in another database that still exists loses nothing.
  static void refuse_lost_database(const std::string& path, const std::string& stage_dir) {
    std::string recorded_in = stage_database_mark(stage_dir);
    struct stat st;
    if (recorded_in.empty() || ::stat(recorded_in.c_str(), &st) == 0 || errno != ENOENT) return;
    if (!holds_entries(stage_dir)) return;
    throw StoreError("database '" + path + "' is missing, but the stage '" + stage_dir +
                     "' holds files recorded in '" + recorded_in +
                     "'; restore that database, or remove the stage to start afresh");
  }

  /// Creates the database at `path` all at once: the complete file (schema,
  /// version, WAL mode) is written under no name or a temporary one and
  /// linked into place, so any number of first callers may race. The loser
  /// of the race finds the winner's database (EEXIST) and uses it.
  /// `PRAGMA journal_mode=WAL` on a shared new file answered SQLITE_BUSY
  /// without waiting for the busy timeout when many callers created at once.
  static void publish_new_database(const std::string& path) {
    std::string image = new_database_image();
    auto slash = path.find_last_of('/');
    std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    auto fail = [&](int err) -> void {
      throw StoreError("cannot create database '" + path + "': " + std::strerror(err));
    };
    auto write_all = [&](int fd) {
      for (size_t off = 0; off < image.size();) {
        ssize_t n = ::write(fd, image.data() + off, image.size() - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return n < 0 ? errno : ENOSPC;
        off += static_cast<size_t>(n);
      }
      return 0;
    };
    // O_TMPFILE: nothing is left behind even by SIGKILL.
    int fd = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
    if (fd >= 0) {
      int err = write_all(fd);
      if (err) {
        ::close(fd);
        fail(err);
      }
      std::string proc = "/proc/self/fd/" + std::to_string(fd);
      int rc = ::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, path.c_str(), AT_SYMLINK_FOLLOW);
      err = errno;
      ::close(fd);
      if (rc == 0 || err == EEXIST) return;
      if (err != ENOENT) fail(err);  // no /proc: go on with a named temporary
    } else if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) {
      fail(errno);
    }
    static std::minstd_rand rng(static_cast<unsigned>(::getpid()) ^ static_cast<unsigned>(::time(nullptr)));
    std::string tmp;
    for (int attempt = 0;; ++attempt) {
      char tail[48];
      std::snprintf(tail, sizeof tail, ".stage-tmp.%d.%08x", static_cast<int>(::getpid()), static_cast<unsigned>(rng()));
      tmp = path + tail;
      fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
      if (fd >= 0) break;
      if (errno != EEXIST || attempt == 100) fail(errno);
    }
    int err = write_all(fd);
    ::close(fd);
    if (err == 0 && ::link(tmp.c_str(), path.c_str()) != 0 && errno != EEXIST) err = errno;
    ::unlink(tmp.c_str());
    if (err) fail(err);
  }

  /// From this many field-level changes on, commit() updates them with one
  /// range UPDATE per combination of fields (bulk_update()).
  static constexpr size_t kBulkChanges = 64;

  /// The changes of one bulk_update(), read by the SQL function
  /// stage_change(path, k): with k 0, whether `path` has a change of
  /// `fields` (and it is marked applied); else the value of parameter k of
  /// update_sql() for that change.
  struct BulkChanges {
    const std::vector<Change>* changes = nullptr;
    std::unordered_map<std::string_view, size_t> at;  ///< the changes of `fields`, by path
    std::vector<char> applied;
    unsigned fields = 0;
    size_t current = SIZE_MAX;  ///< the change of the row being updated
  };

  /// Parameter `k` of a record, as a function's result.
  static void result_param(sqlite3_context* ctx, const Entry& e, int k) {
    Param v = param(e, k);
    switch (v.kind) {
      case Param::Null: return sqlite3_result_null(ctx);
      case Param::Int: return sqlite3_result_int64(ctx, v.integer);
      case Param::Text: return sqlite3_result_text(ctx, v.bytes.data(), static_cast<int>(v.bytes.size()), SQLITE_STATIC);
      case Param::Blob: return sqlite3_result_blob(ctx, v.bytes.data(), static_cast<int>(v.bytes.size()), SQLITE_STATIC);
    }
  }

  static void stage_change(sqlite3_context* ctx, int, sqlite3_value** argv) {
    auto* bulk = static_cast<BulkChanges*>(sqlite3_user_data(ctx));
    auto p = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
    std::string_view path(p ? p : "", p ? static_cast<size_t>(sqlite3_value_bytes(argv[0])) : 0);
    int k = sqlite3_value_int(argv[1]);
    const auto& changes = *bulk->changes;
    // The WHERE term asks first for each row; the SET terms of the same row follow.
    if (k != 0 && bulk->current < changes.size() && changes[bulk->current].entry.path == path)
      return result_param(ctx, changes[bulk->current].entry, k);
    auto it = bulk->at.find(path);
    bool mine = it != bulk->at.end();
    if (k == 0) {
      if (mine) bulk->applied[it->second] = 1, bulk->current = it->second;
      return sqlite3_result_int(ctx, mine);
    }
    if (!mine) return sqlite3_result_error(ctx, "stage_change: no change for this row", -1);
    bulk->current = it->second;
    result_param(ctx, changes[it->second].entry, k);
  }

  /// Applies the many changes of one combination of fields with one range
  /// UPDATE, over the primary key from the least to the greatest path
  /// changed: the rows are read and rewritten in one pass, with no statement
  /// run per record (chmod -R over 2,000 records: 14k instructions each as
  /// single UPDATEs). Marks in `applied` which changes found their record
  /// (the others have none yet); none when the range holds too many rows
  /// that are not changed (then the caller updates one by one).
  void bulk_update(const std::vector<Change>& changes, unsigned fields, std::vector<char>& applied) {
    BulkChanges bulk;
    bulk.changes = &changes;
    bulk.fields = fields;
    bulk.at.reserve(changes.size());
    std::string_view lo, hi;
    const std::string* tool = nullptr;  // the tool of every change, if one
    bool one_tool = true;
    for (size_t i = 0; i < changes.size(); ++i) {
      if (changes[i].fields != fields) continue;
      std::string_view path = changes[i].entry.path;
      if (bulk.at.empty()) lo = hi = path, tool = &changes[i].entry.tool;
      bulk.at.emplace(path, i);
      lo = std::min(lo, path);
      hi = std::max(hi, path);
      one_tool = one_tool && changes[i].entry.tool == *tool;
    }
    {
      // A row the scan passes over costs about a tenth of one UPDATE
      // statement: the scan is worth it while the range holds at most 8
      // rows per change (counting reads no column but the key).
      Statement count(db_, "SELECT count(*) FROM entries WHERE path>=?1 AND path<=?2");
      count.bind(1, lo);
      count.bind(2, hi);
      if (!count.step() || static_cast<size_t>(count.integer(0)) > 8 * bulk.at.size()) return;
    }
    bulk.applied.assign(changes.size(), 0);
    ScopedFunction function(db_, "stage_change", 2, &bulk, &stage_change);
    // update_sql()'s SET list with each parameter read as
    // stage_change(path,K), but one tool for all bound once as ?3.
    std::string out = "UPDATE entries SET ";
    for (int k : params_of(fields)) {
      out += std::string(column_name(k)) + "=";
      out += one_tool && k == kToolParam ? std::string("?3") : "stage_change(path," + std::to_string(k) + ")";
      out += ",";
    }
    out.pop_back();
    out += " WHERE path>=?1 AND path<=?2 AND stage_change(path,0)";
    Statement st(db_, out.c_str());
    st.bind(1, lo);
    st.bind(2, hi);
    if (one_tool) st.bind(3, *tool);
    st.step();
    applied.resize(changes.size());
    for (size_t i = 0; i < changes.size(); ++i) applied[i] |= bulk.applied[i];
  }

  /// One parameter of a record's statements.
  struct Param {
    enum Kind { Null, Int, Text, Blob } kind = Null;
    int64_t integer = 0;
    std::string_view bytes;
  };
  /// The tool's parameter (every update sets it).
  static constexpr int kToolParam = 12;

  /// The changes of one read of a TreeRecords, read by the SQL function
  /// stage_tree(path, k, old) of tree_update().
  struct TreeUpdate {
    const TreeRecords* tree = nullptr;
    std::vector<size_t> changed;  ///< indexes of the changed records, in path order
    size_t pos = 0;               ///< where the last row was looked for in `changed`

    std::string_view path(size_t j) const { return tree->path(tree->records[changed[j]]); }
    /// The entry of `changed` for the row `p`, or SIZE_MAX. The UPDATE
    /// visits rows in path order, so this is a merge: no search, no hash.
    size_t seek(std::string_view p) {
      size_t n = changed.size();
      if (pos < n && path(pos) == p) return pos;
      if (pos > 0 && path(pos - 1) >= p) {
        // Visited out of order (SQLite chose another plan): search.
        size_t lo = 0, hi = pos;
        while (lo < hi) {
          size_t mid = (lo + hi) / 2;
          if (path(mid) < p) lo = mid + 1;
          else hi = mid;
        }
        pos = lo;
      } else {
        while (pos < n && path(pos) < p) ++pos;
      }
      return pos < n && path(pos) == p ? pos : SIZE_MAX;
    }
  };

  /// Parameter `k` of a tree's record, as param() gives it for an Entry
  /// (only the columns a tree's change writes; 9, the digest, is kept or
  /// cleared by tree_update(); a kCaps change is the capability's removal,
  /// all NULL).
  static Param tree_param(const TreeRecords& t, const TreeRecords::Record& r, int k) {
    auto integer = [](int64_t v) { return Param{Param::Int, v, {}}; };
    auto name = [](const Principal& p) { return p.name.empty() ? Param{} : Param{Param::Text, 0, p.name}; };
    auto id = [&](const Principal& p) { return p.id ? integer(*p.id) : Param{}; };
    const DiskIdentity* d = r.disk ? &*r.disk : nullptr;
    switch (k) {
      case 3: return integer(r.mode);
      case 4: return name(t.principals[r.owner]);
      case 5: return id(t.principals[r.owner]);
      case 6: return name(t.principals[r.group]);
      case 7: return id(t.principals[r.group]);
      case 8: return r.size ? integer(static_cast<int64_t>(*r.size)) : Param{};
      case 13: return d ? integer(static_cast<int64_t>(d->dev)) : Param{};
      case 14: return d ? integer(static_cast<int64_t>(d->ino)) : Param{};
      case 15: return d ? integer(d->mtime_ns) : Param{};
      case 16: return d ? integer(d->ctime_ns) : Param{};
      case 17: return d ? integer(static_cast<int64_t>(d->size)) : Param{};
      default: return {};
    }
  }

  /// A record's digest is cleared by its change (kDisk on an object no longer as hashed).
  static bool drops_digest(const TreeRecords::Record& r) { return (r.changed & kDisk) && !r.keep_digest; }

  static void stage_tree(sqlite3_context* ctx, int, sqlite3_value** argv) {
    auto* u = static_cast<TreeUpdate*>(sqlite3_user_data(ctx));
    auto p = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
    size_t j = u->seek(std::string_view(p ? p : "", p ? static_cast<size_t>(sqlite3_value_bytes(argv[0])) : 0));
    int k = sqlite3_value_int(argv[1]);
    if (k == 0) return sqlite3_result_int(ctx, j != SIZE_MAX);
    if (j == SIZE_MAX) return sqlite3_result_error(ctx, "stage_tree: no change for this row", -1);
    const TreeRecords::Record& r = u->tree->records[u->changed[j]];
    if (k == 9) return drops_digest(r) ? sqlite3_result_null(ctx) : sqlite3_result_value(ctx, argv[2]);
    Param v = tree_param(*u->tree, r, k);
    switch (v.kind) {
      case Param::Null: return sqlite3_result_null(ctx);
      case Param::Int: return sqlite3_result_int64(ctx, v.integer);
      default: return sqlite3_result_text(ctx, v.bytes.data(), static_cast<int>(v.bytes.size()), SQLITE_STATIC);
    }
  }

  /// Commits the changed records of one read of a walk, one UPDATE per
  /// combination of fields (a walk has one or two: chmod's directories
  /// change their disk identity too, their mtime being newer than recorded).
  void tree_update(const TreeRecords& t, const TreeRecords::Read& read) {
    std::vector<std::pair<unsigned, std::vector<size_t>>> combos;
    for (size_t i = read.begin; i < read.end; ++i) {
      unsigned c = t.records[i].changed;
      if (!c) continue;
      auto it = std::find_if(combos.begin(), combos.end(), [&](const auto& x) { return x.first == c; });
      if (it == combos.end()) it = combos.insert(combos.end(), {c, {}});
      it->second.push_back(i);
    }
    for (auto& [fields, changed] : combos) tree_update(t, fields, std::move(changed));
  }

  /// One UPDATE over the range of the primary key from the first changed
  /// path to the last: rows read and rewritten in one pass in path order,
  /// the new values read by stage_tree() from the records by a merge. A
  /// column whose new value is the same for every record (chown's owner,
  /// the tool) is bound once; only the others cost a function call per
  /// row; the device and inode (an index) are written only for an object
  /// that is another than recorded. Changes spread thin over the range
  /// (chown --from) run the same statement row by row. A record another
  /// tool removed meanwhile stays removed (Batch::tree).
  void tree_update(const TreeRecords& t, unsigned fields, std::vector<size_t> changed) {
    TreeUpdate u;
    u.tree = &t;
    u.changed = std::move(changed);
    std::string sql = "UPDATE entries SET " + std::string(column_name(kToolParam)) + "=?3";
    std::vector<std::pair<int, Param>> constants;  // (SQL parameter, value)
    for (int k : params_of(fields)) {
      if (k == kToolParam) continue;
      std::string col(column_name(k));
      if (k == 9) {
        // The digest: kept unless the object changed under it.
        size_t drop = 0;
        for (size_t i : u.changed) drop += drops_digest(t.records[i]);
        if (drop == 0) continue;
        sql += "," + col + (drop == u.changed.size() ? "=NULL" : "=stage_tree(path,9," + col + ")");
        continue;
      }
      if ((k == 13 || k == 14) &&
          std::none_of(u.changed.begin(), u.changed.end(), [&](size_t i) { return t.records[i].moved; }))
        continue;
      Param first = tree_param(t, t.records[u.changed[0]], k);
      bool uniform = std::all_of(u.changed.begin(), u.changed.end(), [&](size_t i) {
        Param v = tree_param(t, t.records[i], k);
        return v.kind == first.kind && v.integer == first.integer && v.bytes == first.bytes;
      });
      if (uniform) {
        int n = 4 + static_cast<int>(constants.size());
        constants.emplace_back(n, first);
        sql += "," + col + "=?" + std::to_string(n);
      } else {
        sql += "," + col + "=stage_tree(path," + std::to_string(k) + "," + col + ")";
      }
    }
    sql += " WHERE path>=?1 AND path<=?2 AND stage_tree(path,0,NULL)";
    ScopedFunction function(db_, "stage_tree", 3, &u, &stage_tree);
    Statement st(db_, sql.c_str());
    st.bind_by_reference();  // the records outlive the statement
    auto run = [&](std::string_view lo, std::string_view hi) {
      st.bind(1, lo);
      st.bind(2, hi);
      st.bind(3, t.tool);
      for (const auto& [n, v] : constants) bind(st, n, v);
      st.step();
      st.reset();
    };
    // A row the scan passes over costs about a tenth of a statement run
    // for one row (bulk_update()): one pass while the range holds at most
    // 8 records per change.
    size_t span = u.changed.back() - u.changed.front() + 1;
    if (span <= 8 * u.changed.size()) {
      run(u.path(0), u.path(u.changed.size() - 1));
    } else {
      for (size_t j = 0; j < u.changed.size(); ++j) run(u.path(j), u.path(j));
    }
  }

  /// Parameter `k` of a record: the value of column `k` of kColumns (1:
  /// path ... 23: caps_size), as every statement that writes records binds
  /// it (an empty text is NULL, but for the path, type and tool).
  static Param param(const Entry& e, int k) {
    auto text = [](const std::string& t) { return t.empty() ? Param{} : Param{Param::Text, 0, t}; };
    auto integer = [](int64_t v) { return Param{Param::Int, v, {}}; };
    auto id = [&](const Principal& p) { return p.id ? integer(*p.id) : Param{}; };
    const DiskIdentity* d = e.disk ? &*e.disk : nullptr;
    const FileCaps* c = e.caps ? &*e.caps : nullptr;
    switch (k) {
      case 1: return {Param::Text, 0, e.path};
      case 2: return {Param::Text, 0, entry_type_name(e.type)};
      case 3: return integer(e.mode);
      case 4: return text(e.owner.name);
      case 5: return id(e.owner);
      case 6: return text(e.group.name);
      case 7: return id(e.group);
      case 8: return e.size ? integer(static_cast<int64_t>(*e.size)) : Param{};
      case 9: return text(e.sha256);
      case 10: return text(e.target);
      case 11: return text(e.flags);
      case kToolParam: return {Param::Text, 0, e.tool};
      case 13: return d ? integer(static_cast<int64_t>(d->dev)) : Param{};
      case 14: return d ? integer(static_cast<int64_t>(d->ino)) : Param{};
      case 15: return d ? integer(d->mtime_ns) : Param{};
      case 16: return d ? integer(d->ctime_ns) : Param{};
      case 17: return d ? integer(static_cast<int64_t>(d->size)) : Param{};
      case 18: return integer(static_cast<int64_t>(e.rdev));
      case 19: return c ? Param{Param::Blob, 0, c->xattr} : Param{};
      case 20: return c ? integer(static_cast<int64_t>(c->disk.dev)) : Param{};
      case 21: return c ? integer(static_cast<int64_t>(c->disk.ino)) : Param{};
      case 22: return c ? integer(c->disk.mtime_ns) : Param{};
      case 23: return c ? integer(static_cast<int64_t>(c->disk.size)) : Param{};
      default: return {};
    }
  }

  static void bind(Statement& st, int k, const Param& v) {
    switch (v.kind) {
      case Param::Null: return st.bind_null(k);
      case Param::Int: return st.bind(k, v.integer);
      case Param::Text: return st.bind(k, v.bytes);
      case Param::Blob: return st.bind_blob(k, v.bytes);
    }
  }

  /// The name of column `k` of kColumns (1-based).
  static std::string_view column_name(int k) {
    static const std::vector<std::string_view> names = [] {
      std::vector<std::string_view> out;
      std::string_view all = kColumns;
      for (size_t at = 0; at <= all.size();) {
        size_t comma = std::min(all.find(',', at), all.size());
        out.push_back(all.substr(at, comma - at));
        at = comma + 1;
      }
      return out;
    }();
    return names.at(static_cast<size_t>(k - 1));
  }

  /// The parameters an update of the given field groups sets: the tool's,
  /// then each group's (Store::Field).
  static std::vector<int> params_of(unsigned fields) {
    std::vector<int> out{kToolParam};
    auto add = [&](unsigned field, std::initializer_list<int> params) {
      if (fields & field) out.insert(out.end(), params);
    };
    add(kMode, {3});
    add(kOwner, {4, 5});
    add(kGroup, {6, 7});
    add(kDisk, {8, 9, 13, 14, 15, 16, 17});
    add(kFlags, {11});
    add(kCaps, {19, 20, 21, 22, 23});
    return out;
  }

  /// UPDATE of the tool and the given field groups of one path (?1),
  /// parameters numbered by column (param()).
  static std::string update_sql(unsigned fields) {
    std::string sql = "UPDATE entries SET ";
    for (int k : params_of(fields)) sql += std::string(column_name(k)) + "=?" + std::to_string(k) + ",";
    sql.pop_back();
    return sql + " WHERE path=?1";
  }

  static void bind_change(Statement& st, const Change& c) {
    // Only the parameters the statement names (update_sql()).
    bind(st, 1, param(c.entry, 1));
    for (int k : params_of(c.fields)) bind(st, k, param(c.entry, k));
  }

  // An older schema gets what it lacks, once, under the write lock.
  bool has_table(const char* name) {
    Statement st(db_, "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?");
    st.bind(1, name);
    return st.step();
  }

  void upgrade_schema(int version) {
    exec("BEGIN IMMEDIATE");
    try {
      // Another opener may have upgraded it since we read the version.
      version = user_version();
      if (version < 2) exec(kRunsSchema);
      if (version < 3) exec(kCapsSchema);
      if (version < 4) exec(kDeletionsSchema);
      if (version < 5) {
        exec(kLeanSchema);
        // The header flag setgid_dir_group() trusts, for the records made
        // before it existed.
        Statement st(db_, "SELECT EXISTS(SELECT 1 FROM entries WHERE type='dir' AND mode&1024)");
        if (st.step() && st.integer(0)) set_header_flags(kSetgidDirsRecorded);
      }
      exec(("PRAGMA user_version=" + std::to_string(kStoreSchemaVersion)).c_str());
      exec("COMMIT");
    } catch (...) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }

  static void bind_entry(Statement& st, const Entry& e) {
    for (int k = 1; k <= 23; ++k) bind(st, k, param(e, k));
  }

  static Principal principal(Statement& st, int i) {
    Principal p;
    p.name = st.text(i);
    if (!st.is_null(i + 1)) p.id = static_cast<uint32_t>(st.integer(i + 1));
    return p;
  }

  static Entry row(Statement& st) {
    Entry e;
    e.path = st.text(0);
    e.type = entry_type_from_name(st.view(1)).value_or(EntryType::File);
    e.mode = static_cast<uint32_t>(st.integer(2));
    e.owner = principal(st, 3);
    e.group = principal(st, 5);
    if (!st.is_null(7)) e.size = static_cast<uint64_t>(st.integer(7));
    e.sha256 = st.text(8);
    e.target = st.text(9);
    e.flags = st.text(10);
    e.tool = st.text(11);
    if (!st.is_null(12)) {
      DiskIdentity d;
      d.dev = static_cast<uint64_t>(st.integer(12));
      d.ino = static_cast<uint64_t>(st.integer(13));
      d.mtime_ns = st.integer(14);
      d.ctime_ns = st.integer(15);
      d.size = static_cast<uint64_t>(st.integer(16));
      e.disk = d;
    }
    e.rdev = static_cast<uint64_t>(st.integer(17));
    if (!st.is_null(18)) {
      FileCaps c;
      c.xattr = st.blob(18);
      c.disk.dev = static_cast<uint64_t>(st.integer(19));
      c.disk.ino = static_cast<uint64_t>(st.integer(20));
      c.disk.mtime_ns = st.integer(21);
      c.disk.size = static_cast<uint64_t>(st.integer(22));
      e.caps = std::move(c);
    }
    return e;
  }

  std::string path_;
  const char* select_ = kColumns;  ///< the columns read (kColumnsV2 for a schema 2 database read as it is)
  int version_ = kStoreSchemaVersion;  ///< the schema of the database as opened (after any upgrade)
  sqlite3* db_ = nullptr;
  std::unique_ptr<Statement> get_, inode_;
  bool reading_ = false;
};

}  // namespace

const char* entry_type_name(EntryType type) { return kTypeNames[static_cast<int>(type)]; }

std::optional<EntryType> entry_type_from_name(std::string_view name) {
  for (int i = 0; i < 7; ++i)
    if (name == kTypeNames[i]) return static_cast<EntryType>(i);
  return std::nullopt;
}

const Store::TreeRecords::Read* Store::TreeRecords::read_of(std::string_view path) const {
  for (const auto& r : reads)
    if (path_within(path, r.root)) return &r;
  return nullptr;
}

std::pair<size_t, size_t> Store::TreeRecords::below(size_t begin, size_t end, std::string_view prefix) const {
  // From `prefix` up to prefix + "0" ('/' + 1), as list_under() reads: that
  // range may also hold names that only begin like it ("/t.d" for "/t").
  std::string hi = prefix == "/" ? "/" : std::string(prefix) + "/";
  hi.back() = '/' + 1;
  auto lower = [&](size_t lo, size_t up, std::string_view key) {
    while (lo < up) {
      size_t mid = lo + (up - lo) / 2;
      if (path(records[mid]) < key) lo = mid + 1;
      else up = mid;
    }
    return lo;
  };
  size_t first = lower(begin, end, prefix);
  return {first, lower(first, end, hi)};
}

size_t Store::TreeRecords::find(size_t begin, size_t end, std::string_view p) const {
  size_t lo = begin, hi = end;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (path(records[mid]) < p) lo = mid + 1;
    else hi = mid;
  }
  return lo < end && path(records[lo]) == p ? lo : SIZE_MAX;
}

uint32_t Store::TreeRecords::principal(const Principal& p) {
  for (size_t i = 0; i < principals.size(); ++i)
    if (principals[i] == p) return static_cast<uint32_t>(i);
  principals.push_back(p);
  return static_cast<uint32_t>(principals.size() - 1);
}

void Store::tune_for_drop_in(bool supervised) {
  // Each fails harmlessly (SQLITE_MISUSE) once SQLite is initialised.
  sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  // No bulk page-cache allocation (20 pages linked up at the first fetch)
  // and no lookaside pool (40 slots linked up at open): pages are allocated
  // as a call needs them (it reads and writes a handful).
  sqlite3_config(SQLITE_CONFIG_PAGECACHE, nullptr, 0, 0);
  sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 0, 0);
  // Free lists instead of glibc's malloc (small_heap.h: about 100k of an
  // install call's instructions).
  small_heap::use_for_sqlite();
  if (supervised) {
    // The unix VFS lets a program replace its system calls (by name).
    if (sqlite3_vfs* vfs = sqlite3_vfs_find(nullptr); vfs && vfs->iVersion >= 3 && vfs->xSetSystemCall)
      vfs->xSetSystemCall(vfs, "fchown", reinterpret_cast<sqlite3_syscall_ptr>(&skip_fchown));
  }
}

std::unique_ptr<Store> Store::open(const std::string& path, Access access, const std::string& stage_dir) {
  return std::make_unique<SqliteStore>(path, access, stage_dir);
}

}  // namespace stage
