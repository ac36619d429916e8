#!/usr/bin/env python3
"""tree_compare: compares what a root `make install` put on disk with what a
staged one describes (stage-ls --format mtree). Used by the e2e tests.

  tree_compare.py snapshot ROOT [PREFIX]      print a tree's normalised listing
  tree_compare.py mtree SPEC DESTDIR [PREFIX] print an mtree spec's listing,
                                              contents hashed from DESTDIR

A listing line: path type mode owner group size:sha256, link target, or
major,minor of a device. PREFIX limits both
sides to that logical subtree. Hard links count as files (as in METALOG).
"""
import grp
import hashlib
import os
import pwd
import re
import stat
import sys


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def name_of(table, ident):
    try:
        return table(ident)[0]
    except KeyError:
        return str(ident)


def within(path, prefix):
    return prefix in ("", "/") or path == prefix or path.startswith(prefix.rstrip("/") + "/")


def snapshot(root, prefix="/"):
    out = {}
    root = root.rstrip("/")
    start = root + (prefix if prefix != "/" else "")
    paths = [start] if prefix != "/" and os.path.lexists(start) else []
    for dirpath, dirnames, filenames in os.walk(start):
        paths += [os.path.join(dirpath, name) for name in dirnames + filenames]
    for full in paths:
        logical = "/" + os.path.relpath(full, root) if root else full
        st = os.lstat(full)
        kind = {stat.S_IFDIR: "dir", stat.S_IFLNK: "link", stat.S_IFREG: "file", stat.S_IFCHR: "char",
                stat.S_IFBLK: "block", stat.S_IFIFO: "fifo"}.get(stat.S_IFMT(st.st_mode), "other")
        if kind == "link":
            what = os.readlink(full)
        elif kind == "file":
            what = "%d:%s" % (st.st_size, sha256(full))
        elif kind in ("char", "block"):
            what = "%d,%d" % (os.major(st.st_rdev), os.minor(st.st_rdev))
        else:
            what = "-"
        mode = "%04o" % stat.S_IMODE(st.st_mode) if kind != "link" else "-"
        out[logical] = (kind, mode, name_of(pwd.getpwuid, st.st_uid), name_of(grp.getgrgid, st.st_gid), what)
    return out


def unvis(text):
    """Decodes strsvis(3)/mtree escapes: \\ooo octal, C-style escapes."""
    simple = {"n": "\n", "t": "\t", "r": "\r", "s": " ", "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v",
              "E": "\033", "#": "#", "0": "\0"}
    out = bytearray()
    i = 0
    raw = text.encode("utf-8", "surrogateescape")
    while i < len(raw):
        c = raw[i]
        if c == 0x5C and i + 1 < len(raw):
            m = re.match(rb"[0-7]{3}", raw[i + 1:i + 4])
            if m:
                out.append(int(m.group(0), 8))
                i += 4
                continue
            nxt = chr(raw[i + 1])
            if nxt in simple:
                out += simple[nxt].encode()
                i += 2
                continue
        out.append(c)
        i += 1
    return out.decode("utf-8", "surrogateescape")


def parse_mtree(spec, destdir, prefix="/"):
    out = {}
    defaults = {}
    with open(spec, encoding="utf-8", errors="surrogateescape") as f:
        lines = f.read().split("\n")
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        words = line.split()
        if words[0] == "/set":
            defaults.update(w.split("=", 1) for w in words[1:])
            continue
        if words[0] == "/unset":
            for w in words[1:]:
                defaults.pop(w, None)
            continue
        path = unvis(words[0])
        keys = dict(defaults)
        keys.update(w.split("=", 1) for w in words[1:] if "=" in w)
        if path == ".":
            continue
        logical = "/" + path[2:] if path.startswith("./") else "/" + path
        if not within(logical, prefix):
            continue
        kind = keys.get("type", "file")
        if kind == "file":
            full = destdir.rstrip("/") + logical
            digest = sha256(full)
            if keys.get("sha256") and keys["sha256"] != digest:
                digest = "sha256-mismatch:" + keys["sha256"]
            size = keys.get("size", str(os.path.getsize(full)))
            what = "%s:%s" % (size, digest)
        elif kind in ("char", "block"):
            what = ",".join(keys.get("device", "native,?,?").split(",")[1:3])
        elif kind == "link":
            what = unvis(keys.get("link", ""))
        else:
            what = "-"
        mode = "%04o" % int(keys.get("mode", "0"), 8) if kind != "link" else "-"
        out[logical] = (kind, mode, keys.get("uname", keys.get("uid", "?")), keys.get("gname", keys.get("gid", "?")), what)
    return out


def show(listing):
    for path in sorted(listing):
        print(path, *listing[path])


def main(argv):
    if len(argv) >= 2 and argv[0] == "snapshot":
        show(snapshot(argv[1], argv[2] if len(argv) > 2 else "/"))
    elif len(argv) >= 3 and argv[0] == "mtree":
        show(parse_mtree(argv[1], argv[2], argv[3] if len(argv) > 3 else "/"))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
