# stage-ls --format json: one JSON object per line with every recorded field
# (docs/formats.md), read back by Python's json module; names that are not
# UTF-8 come back byte for byte through surrogateescape.
. "$STAGE_SOURCE/tests/lib.sh"
. "$STAGE_SOURCE/tests/export_lib.sh"
build_stage
as_builder "$D/install" -m 644 "$T/text" "$(printf '/usr/pkg/share/doc/latin1-\351')"

stage_ls --format json >"$T/out.json"
expect_eq "json exits 0" 0 $?
cat >"$T/check.py" <<'PY'
import json, os, sys
dest, text_sha = sys.argv[1], sys.argv[2]
rows = [json.loads(line) for line in open(sys.argv[3], encoding="utf-8", errors="surrogateescape")]
by = {r["path"]: r for r in rows}
fields = {"path", "status", "type", "mode", "uname", "uid", "gname", "gid", "size", "sha256", "target", "flags", "caps",
          "rdev", "tool", "recorded_path", "disk"}
def ok(name, cond):
    print(("ok: " if cond else "FAIL: ") + name)
    return cond
good = True
good &= ok("every object has every field", all(set(r) == fields for r in rows))
good &= ok("paths in order", [r["path"] for r in rows] == sorted(r["path"] for r in rows))
h = by["/usr/pkg/bin/hello"]
good &= ok("setuid file", (h["type"], h["mode"], h["uname"], h["uid"], h["gname"], h["gid"], h["status"], h["tool"]) ==
           ("file", "04755", "root", 0, "wheel", 0, "tracked", "install"))
good &= ok("size and sha256 of the content now", h["size"] == 21 and len(h["sha256"]) == 64)
good &= ok("hard link", by["/usr/pkg/bin/hello-again"]["type"] == "hardlink" and
           by["/usr/pkg/bin/hello-again"]["target"] == "/usr/pkg/bin/hello")
good &= ok("symlink", by["/usr/pkg/bin/hi"]["type"] == "link" and by["/usr/pkg/bin/hi"]["target"] == "/usr/pkg/bin/hello")
good &= ok("untracked", by["/usr/pkg/share/doc/copied"]["status"] == "untracked" and
           by["/usr/pkg/share/doc/copied"]["sha256"] == text_sha and by["/usr/pkg/share/doc/copied"]["tool"] is None)
good &= ok("newline name", "/usr/pkg/share/doc/new\nline" in by)
latin1 = os.fsdecode(b"/usr/pkg/share/doc/latin1-\xe9")
good &= ok("non-UTF-8 name via surrogateescape", latin1 in by)
good &= ok("the name's bytes come back", os.fsencode(latin1) == b"/usr/pkg/share/doc/latin1-\xe9")
g = by["/var/games/hello"]
good &= ok("games dir with target ids", (g["type"], g["mode"], g["uid"], g["gid"]) == ("dir", "0775", 7, 13))
good &= ok("disk identity", isinstance(h["disk"]["ino"], int) and h["disk"]["ino"] == os.lstat(dest + "/usr/pkg/bin/hello").st_ino)
sys.exit(0 if good else 1)
PY
python3 "$T/check.py" "$DEST" "$(sha256sum "$T/text" | cut -d' ' -f1)" "$T/out.json"
expect_eq "python reads every line and the fields are right" 0 $?

# --missing in json: records whose file is gone.
as_nobody rm "$DEST/usr/pkg/etc/svc.conf"
stage_ls --format json --missing >"$T/missing.json"
check "missing record as json" python3 -c "
import json,sys
r=[json.loads(l) for l in open('$T/missing.json')]
sys.exit(0 if len(r)==1 and r[0]['path']=='/usr/pkg/etc/svc.conf' and r[0]['status']=='missing' and r[0]['uname']=='pkgsvc' else 1)"
done_testing
