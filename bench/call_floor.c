/* call_floor: what a drop-in call cannot go below while each call opens
 * SQLite (bench/call_floor.sh). Two modes:
 *   call_floor step K DB PATH  a static program that does the first K steps
 *                              of a drop-in's database work on DB, each as
 *                              the drop-ins configure SQLite: 0 nothing (exec
 *                              and exit), 1 sqlite3_open_v2, 2 the first read
 *                              (the WAL index, PRAGMA user_version), 3 the
 *                              schema (PRAGMA synchronous=OFF), 4 one INSERT
 *                              of a record of PATH committed, and the close
 *                              (its checkpoint)
 *   call_floor spawn N CMD...  runs each CMD (one string; words split on
 *                              spaces, %d replaced by the call's number, a
 *                              leading VAR=VALUE word put in its environment)
 *                              N times, interleaved call by call; prints each
 *                              one's mean wall time, CPU time and minor page
 *                              faults per call
 */
#define _GNU_SOURCE
#include <spawn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

extern char** environ;

static int step(int k, const char* db_path, const char* path) {
  if (k < 1) return 0;
  sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  sqlite3_config(SQLITE_CONFIG_PAGECACHE, NULL, 0, 0);
  sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 0, 0);
  sqlite3* db = NULL;
  if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) return 1;
  /* As the drop-ins: the -wal and -shm files stay when the last connection
   * closes (making them again each call costs two inodes). */
  int persist = 1;
  sqlite3_file_control(db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
  int rc = 0;
  if (k >= 2) {
    sqlite3_stmt* st = NULL;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW)
      rc = 1;
    sqlite3_finalize(st);
  }
  if (!rc && k >= 3 && sqlite3_exec(db, "PRAGMA synchronous=OFF; PRAGMA journal_size_limit=0", NULL, NULL, NULL))
    rc = 1;
  if (!rc && k >= 4) {
    sqlite3_stmt* st = NULL;
    const char* sql =
        "INSERT OR REPLACE INTO entries(path,type,mode,uname,uid,gname,gid,size,tool,dev,ino,mtime_ns,ctime_ns,"
        "disk_size,rdev) VALUES(?,'file',420,'root',0,'root',0,20000,'install',2049,1234567,1,1,20000,0)";
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) || sqlite3_prepare_v2(db, sql, -1, &st, NULL)) {
      rc = 1;
    } else {
      sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
      if (sqlite3_step(st) != SQLITE_DONE) rc = 1;
      sqlite3_finalize(st);
      if (!rc && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL)) rc = 1;
    }
  }
  if (rc) fprintf(stderr, "call_floor: %s: %s\n", db_path, sqlite3_errmsg(db));
  sqlite3_close(db);
  return rc;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int spawn(int n, int k, char** cmds) {
  double wall[16] = {0}, cpu[16] = {0};
  long faults[16] = {0};
  if (k > 16) k = 16;
  for (int i = 0; i < n; ++i) {
    for (int c = 0; c < k; ++c) {
      char* copy = strdup(cmds[c]);
      char* words[64];
      char bufs[64][4096];
      char* env[512];
      int nw = 0, ne = 0;
      for (char* t = strtok(copy, " "); t && nw < 63; t = strtok(NULL, " ")) {
        snprintf(bufs[nw], sizeof bufs[nw], t, i);
        words[nw] = bufs[nw];
        ++nw;
      }
      words[nw] = NULL;
      char** argv = words;
      while (*argv && strchr(*argv, '=') && (*argv)[0] != '/') env[ne++] = *argv++;
      for (char** e = environ; *e && ne < 510; ++e) env[ne++] = *e;
      env[ne] = NULL;
      double start = now();
      pid_t pid;
      if (posix_spawn(&pid, argv[0], NULL, NULL, argv, env) != 0) {
        perror(argv[0]);
        return 1;
      }
      int status;
      struct rusage ru;
      wait4(pid, &status, 0, &ru);
      wall[c] += now() - start;
      free(copy);
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "call_floor: '%s' failed\n", cmds[c]);
        return 1;
      }
      cpu[c] += (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
      faults[c] += ru.ru_minflt;
    }
  }
  for (int c = 0; c < k; ++c)
    printf("%10.1f %10.1f %8.1f\n", wall[c] / n * 1e6, cpu[c] / n * 1e6, (double)faults[c] / n);
  return 0;
}

int main(int argc, char** argv) {
  if (argc >= 5 && strcmp(argv[1], "step") == 0) return step(atoi(argv[2]), argv[3], argv[4]);
  if (argc >= 4 && strcmp(argv[1], "spawn") == 0) return spawn(atoi(argv[2]), argc - 3, argv + 3);
  fprintf(stderr, "usage: call_floor step K DB PATH | call_floor spawn N CMD...\n");
  return 2;
}
