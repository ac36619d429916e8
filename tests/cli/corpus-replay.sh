# Replays every install and mkdir command line of tests/data/install-invocations.tsv
# (the real `make install` of 8 Debian packages, see /work/shared/corpus/README.md
# where it came from) twice: with GNU's tools into a plain DESTDIR, and with
# ours, staged, as an ordinary user. Each call must succeed, every destination
# must be recorded, and the stage must hold what GNU's DESTDIR holds, with
# the modes GNU gave recorded (and root:root, the default owner).
. "$STAGE_SOURCE/tests/lib.sh"

TSV=$STAGE_SOURCE/tests/data/install-invocations.tsv
new_stage
GNU_DEST=$T/gnu-dest
# argv_of JSON: sets args to the argv array's strings (install and mkdir
# lines hold plain strings: no escapes, quotes or commas inside).
argv_of() {
  local s=${1#[\"}
  s=${s%\"]}
  IFS=$'\001' read -r -a args <<<"${s//\", \"/$'\001'}"
}

lines=0
declare -A want recorded
while IFS=$'\t' read -r pkg tool argv how; do
  case $tool in install | mkdir) ;; *) continue ;; esac
  case $argv in *\\*) fail "corpus line with an escape: $argv"; continue ;; esac
  lines=$((lines + 1))
  argv_of "$argv"
  args=("${args[@]:1}")
  # Each package builds in its own tree; expat's sources include "../X".
  build=$T/build/$pkg/src
  [ -d "$build" ] || mkdir -p "$build"
  cd "$build"
  # Sources: every operand that is not an option, -m's argument or the last.
  if [ "$tool" = install ]; then
    n=${#args[@]}
    skip=0
    for ((i = 0; i < n - 1; i++)); do
      a=${args[i]}
      if [ $skip = 1 ]; then skip=0; continue; fi
      case $a in
        -m) skip=1 ;;
        -*) ;;
        */*) [ -d "$build/${a%/*}" ] || mkdir -p "$build/${a%/*}"; echo "$pkg $a" >"$build/$a" ;;
        *) echo "$pkg $a" >"$build/$a" ;;
      esac
    done
  fi
  for side in gnu ours; do
    if [ $side = gnu ]; then dest=$GNU_DEST; else dest=$DESTDIR; fi
    run=("${args[@]//\$DESTDIR/$dest}")
    # less's mkinstalldirs runs plain mkdir only for missing components.
    if [ "$tool" = mkdir ] && [ "${run[0]}" != -p ] && [ -d "${run[0]}" ]; then continue; fi
    if [ $side = gnu ]; then
      "/usr/bin/$tool" "${run[@]}" 2>"$T/err"
    else
      staged_nobody "$D/$tool" "${run[@]}" 2>"$T/err"
    fi
    rc=$?
    [ $rc = 0 ] || fail "$pkg $side: $tool ${args[*]}: exit $rc: $(cat "$T/err")"
  done
  # Every destination must be recorded (checked at the end, in one query).
  last=${args[${#args[@]} - 1]}
  if [ "$tool" = mkdir ]; then
    for a in "${args[@]}"; do
      case $a in -*) continue ;; esac
      p=${a#\$DESTDIR}
      [ -n "$p" ] && want[$p]=dir
    done
  elif [ -d "$GNU_DEST${last#\$DESTDIR}" ]; then
    skip=0
    for a in "${args[@]:0:${#args[@]}-1}"; do
      if [ $skip = 1 ]; then skip=0; continue; fi
      case $a in -m) skip=1; continue ;; -*) continue ;; esac
      want[${last#\$DESTDIR}/${a##*/}]=file
    done
  else
    want[${last#\$DESTDIR}]=file
  fi
done <"$TSV"
cd "$T"
check "the corpus has its install and mkdir lines (212)" test "$lines" -eq 212
while read -r p type rest; do recorded[$p]=$type; done < <(db_rows)
missing=
for p in "${!want[@]}"; do [ "${recorded[$p]:-}" = "${want[$p]}" ] || missing+=" $p"; done
expect_eq "every destination is recorded (${#want[@]} of them)" "" "$missing"

# The stage holds GNU's tree; the records hold GNU's modes and root:root.
gnu_tree=$(cd "$GNU_DEST" && find . -mindepth 1 -printf '%y %m %p\n' | sort)
our_records=$(db_rows | awk '{t = $2 == "dir" ? "d" : "f"; print t, $3, "." $1}' | sort)
expect_eq "records: GNU's paths, types and modes" "$gnu_tree" "$our_records"
expect_eq "stage on disk: GNU's paths and types" "$(cd "$GNU_DEST" && find . -mindepth 1 -printf '%y %p\n' | sort)" \
  "$(cd "$DESTDIR" && find . -mindepth 1 -printf '%y %p\n' | sort)"
expect_eq "stage on disk: GNU's content" "$(cd "$GNU_DEST" && find . -type f -exec md5sum {} + | sort)" \
  "$(cd "$DESTDIR" && find . -type f -exec md5sum {} + | sort)"
expect_eq "records: root:root everywhere" "" "$(db_rows | awk '$4 != "root" || $5 != "root"')"
expect_eq "stage on disk: owned by the user" "" "$(find "$DESTDIR" ! -user nobody)"
check "no temporary files" no_temp_files "$DESTDIR"
pass "replayed $lines corpus lines"

done_testing
