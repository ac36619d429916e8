#!/usr/bin/env python3
"""clone_tree: makes DEST/1 .. DEST/N, each a copy of FIXTURE (`cp -a` N
times in one process, for the differential campaign's per-case trees).

  clone_tree.py FIXTURE DEST N

Copies directories, regular files (content and mode), symlinks and hard
links within FIXTURE (linked again within each copy); owners and groups are
kept when the caller may set them (root), else the copies are the caller's,
as with `cp -a`. Other file types are refused.
"""
import os
import stat
import sys


def entries(top):
    """FIXTURE's objects, parents before children: (relative path, lstat)."""
    out = []
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames.sort()
        for leaf in sorted(dirnames + filenames):
            full = os.path.join(dirpath, leaf)
            out.append((os.path.relpath(full, top), os.lstat(full)))
    return out


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    fixture, dest, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    plan = entries(fixture)
    contents = {}
    for rel, st in plan:
        if stat.S_ISREG(st.st_mode):
            with open(os.path.join(fixture, rel), "rb") as f:
                contents[rel] = f.read()
        elif stat.S_ISLNK(st.st_mode):
            contents[rel] = os.readlink(os.path.join(fixture, rel))
        elif not stat.S_ISDIR(st.st_mode):
            print("clone_tree: %s: unsupported file type" % rel, file=sys.stderr)
            return 1
    root = os.geteuid() == 0
    top_st = os.lstat(fixture)
    dirs = [(rel, st) for rel, st in plan if stat.S_ISDIR(st.st_mode)]
    for n in range(1, count + 1):
        base = os.path.join(dest, str(n))
        os.mkdir(base)
        first = {}  # (dev, ino) of a fixture file -> its first copy here
        for rel, st in plan:
            path = os.path.join(base, rel)
            mode = stat.S_IMODE(st.st_mode)
            if stat.S_ISDIR(st.st_mode):
                os.mkdir(path, 0o700)
            elif stat.S_ISLNK(st.st_mode):
                os.symlink(contents[rel], path)
            else:
                key = (st.st_dev, st.st_ino)
                if st.st_nlink > 1 and key in first:
                    os.link(first[key], path)
                    continue
                first[key] = path
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                os.write(fd, contents[rel])
                if root:
                    os.fchown(fd, st.st_uid, st.st_gid)
                os.fchmod(fd, mode)
                os.close(fd)
                continue
            if root:
                os.lchown(path, st.st_uid, st.st_gid)
        # Directory modes last (a read-only one could not be filled), deepest first.
        for rel, st in reversed(dirs):
            os.chmod(os.path.join(base, rel), stat.S_IMODE(st.st_mode))
        if root:
            os.lchown(base, top_st.st_uid, top_st.st_gid)
        os.chmod(base, stat.S_IMODE(top_st.st_mode))
    return 0


if __name__ == "__main__":
    sys.exit(main())
