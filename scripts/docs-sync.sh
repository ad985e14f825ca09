#!/bin/sh
# Refreshes every quoted example in docs/: a line
#     <!-- example: examples/NAME.c -->
# followed by a fenced ```c block gets that block replaced with the file's
# current text, verbatim. With --check, changes nothing and exits 1 (listing
# the stale pages) when any page is out of date.
set -eu
cd "$(dirname "$0")/.."
check=0
[ "${1:-}" = "--check" ] && check=1
stale=0
for page in $(find docs -name '*.md' | sort); do
    grep -q '<!-- example: ' "$page" || continue
    tmp=$(mktemp)
    awk '
        function emit(path,   line, rc) {
            print "```c"
            while ((rc = (getline line < path)) > 0) print line
            if (rc < 0) { printf "docs-sync: %s: cannot read %s\n", FILENAME, path > "/dev/stderr"; bad = 1 }
            close(path)
            print "```"
        }
        /^<!-- example: .* -->$/ {
            print
            path = $0; sub(/^<!-- example: /, "", path); sub(/ -->$/, "", path)
            if ((getline nxt) > 0 && nxt == "```c") {
                while ((getline nxt) > 0 && nxt != "```") ;
            } else if (nxt != "") { pending = nxt }
            emit(path)
            if (pending != "") { print pending; pending = "" }
            next
        }
        { print }
        END { exit bad }
    ' "$page" > "$tmp" || { rm -f "$tmp"; stale=1; continue; }
    if ! cmp -s "$tmp" "$page"; then
        if [ $check = 1 ]; then
            echo "docs-check: $page quotes an example that has changed (run: make docs)"
            stale=1
            rm -f "$tmp"
        else
            cat "$tmp" > "$page"; rm -f "$tmp"
            echo "docs-sync: refreshed $page"
        fi
    else
        rm -f "$tmp"
    fi
done
exit $stale
