#!/usr/bin/env python3
"""campaign_compare: compares the two sides of a differential campaign
(tests/differential.bash `campaign`) case by case.

  campaign_compare.py logs A B
      A.log, B.log: per-case status, stdout, stderr; A/N, B/N: the trees.
  campaign_compare.py staged ROOT STAGE ROOT.list STAGE.list
      ROOT.log, STAGE.log as above; the trees from tree_compare.py listings
      (the root run's snapshot, the stage's mtree export), grouped by case.

Prints "K of N cases differ" and, for each differing case, its command and
what differs; exit status 1 when any case differs.
"""
import hashlib
import os
import re
import stat
import sys
import pwd
import grp


def read_log(path):
    cases = {}
    current = None
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for line in f:
            m = re.match(r"== (\d+): (.*)\n", line)
            if m:
                current = int(m.group(1))
                cases[current] = {"cmd": m.group(2), "out": ""}
            elif current is not None:
                cases[current]["out"] += line
    return cases


def name(table, ident):
    try:
        return table(ident)[0]
    except KeyError:
        return str(ident)


def tree(top):
    """Per case number: sorted lines describing every object below TOP/N."""
    out = {}
    for entry in os.listdir(top):
        if not entry.isdigit():
            continue
        lines = []
        base = os.path.join(top, entry)
        for dirpath, dirnames, filenames in os.walk(base):
            for leaf in dirnames + filenames:
                full = os.path.join(dirpath, leaf)
                st = os.lstat(full)
                rel = os.path.relpath(full, base)
                what = ""
                if stat.S_ISLNK(st.st_mode):
                    what = "-> " + os.readlink(full)
                elif stat.S_ISREG(st.st_mode):
                    with open(full, "rb") as f:
                        what = "%d %s" % (st.st_size, hashlib.md5(f.read()).hexdigest())
                mode = "%06o" % st.st_mode if not stat.S_ISLNK(st.st_mode) else "link"
                lines.append("%s %s %s:%s n%d %s" % (rel, mode, name(pwd.getpwuid, st.st_uid),
                                                      name(grp.getgrgid, st.st_gid), st.st_nlink, what))
        out[int(entry)] = sorted(lines)
    return out


def listing(path):
    out = {}
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for line in f:
            m = re.match(r"/(\d+)(/|\s)", line)
            if m:
                out.setdefault(int(m.group(1)), []).append(line.rstrip("\n"))
    return {k: sorted(v) for k, v in out.items()}


# Deliberate differences (README, "Known differences"): where GNU loses data
# we keep it. One directory entry, a symlink, as both install's source and
# destination (reached by two paths): GNU removes it, then cannot read it.
SAME_ENTRY = re.compile(r"install: cannot open '([^']*)' for reading: No such file or directory\n")


def known_difference(a, b):
    """The name of the deliberate difference case a (GNU/root) vs b (ours) shows, or None.

    Every "cannot open SRC" of GNU's must pair with one "'SRC' and 'DEST' are
    the same file" of ours (a case may name the entry more than once), and
    the outputs must be equal once those lines, and GNU's "removed 'DEST'"
    and "'SRC' -> 'DEST'" lines (with -b, "(backup: ...)"), are left out."""
    theirs, ours, paired = a["out"], b["out"], 0
    while True:
        m = SAME_ENTRY.search(theirs)
        if not m:
            break
        src = m.group(1)
        hit = re.search(re.escape("install: '%s' and '" % src) + r"([^']*)' are the same file\n", ours)
        if not hit:
            return None
        dest = hit.group(1)
        # GNU got as far as removing (or, with -b, renaming) the destination before it failed.
        theirs = theirs.replace(m.group(0), "", 1).replace("removed '%s'\n" % dest, "", 1)
        theirs = re.sub(re.escape("'%s' -> '%s'" % (src, dest)) + r"( \(backup: '[^']*'\))?\n", "", theirs, count=1)
        ours = ours.replace(hit.group(0), "", 1)
        paired += 1
    # (an output emptied by the removals is one blank line in the log)
    if paired and ours.replace("\n\n", "\n") == theirs.replace("\n\n", "\n"):
        return "install: one symlink entry as source and destination (GNU removes it, or renames it to its backup, then fails)"
    return None


def compare(log_a, log_b, tree_a, tree_b, labels):
    cases = sorted(set(log_a) | set(log_b))
    bad = []
    known = {}
    for n in cases:
        a, b = log_a.get(n), log_b.get(n)
        parts = []
        if a is None or b is None or a["out"] != b["out"]:
            parts.append(("status/output", (a or {}).get("out", "(missing)"), (b or {}).get("out", "(missing)")))
        ta, tb = tree_a.get(n, []), tree_b.get(n, [])
        if ta != tb:
            only_a = [l for l in ta if l not in tb]
            only_b = [l for l in tb if l not in ta]
            parts.append(("tree", "\n".join(only_a), "\n".join(only_b)))
        if parts and a is not None and b is not None:
            why = known_difference(a, b)
            if why:
                known[why] = known.get(why, 0) + 1
                continue
        if parts:
            bad.append((n, (a or b)["cmd"], parts))
    print("%d of %d cases differ" % (len(bad), len(cases)))
    for why, count in sorted(known.items()):
        print("known difference, %d cases: %s" % (count, why))
    for n, cmd, parts in bad[:30]:
        print("case %d: %s" % (n, cmd))
        for what, x, y in parts:
            print("  %s, %s:\n    %s" % (what, labels[0], x.strip().replace("\n", "\n    ")))
            print("  %s, %s:\n    %s" % (what, labels[1], y.strip().replace("\n", "\n    ")))
    return 1 if bad else 0


def main():
    if sys.argv[1] == "logs":
        a, b = sys.argv[2], sys.argv[3]
        return compare(read_log(a + ".log"), read_log(b + ".log"), tree(a), tree(b), ("GNU", "ours"))
    if sys.argv[1] == "staged":
        root, stage, root_list, stage_list = sys.argv[2:6]
        return compare(read_log(root + ".log"), read_log(stage + ".log"), listing(root_list), listing(stage_list),
                       ("root", "staged"))
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
