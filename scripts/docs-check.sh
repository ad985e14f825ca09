#!/bin/sh
# Fails when docs/ is out of step with the code: a quoted example that has
# changed, a lesson catalog that differs from what scripts/catalog.sh
# generates, or a relative link in docs/ that points nowhere.
set -u
cd "$(dirname "$0")/.."
bad=0
scripts/docs-sync.sh --check || bad=1
tmp=$(mktemp)
if scripts/catalog.sh > "$tmp"; then
    if ! cmp -s "$tmp" docs/lessons.md; then
        echo "docs-check: docs/lessons.md is stale (run: make catalog)"
        diff -u docs/lessons.md "$tmp" | head -20
        bad=1
    fi
else
    bad=1
fi
rm -f "$tmp"
# Relative links: [text](path) where path is not a URL or an anchor.
for page in $(find docs README.md -name '*.md' | sort); do
    d=$(dirname "$page")
    for link in $(grep -o '](\([^)#]*\)' "$page" | sed 's/^](//' | grep -v '^[a-z]*://' | grep -v '^$' | sort -u); do
        [ -e "$d/$link" ] || { echo "docs-check: $page links to missing $link"; bad=1; }
    done
done
[ $bad -eq 0 ] && echo "docs: 1 passed, 0 failed" || echo "docs: 0 passed, 1 failed"
exit $bad
