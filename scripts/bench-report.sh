#!/usr/bin/env bash
# Turns benchmark results into charts and one HTML page (see docs/bench.md).
#
#   scripts/bench-report.sh [RESULTS_DIR]      (default bench/results)
#
# For every <suite>.dat in RESULTS_DIR (numbers) with its <suite>.json
# (units and missing implementations) it writes <suite>.svg, one panel per
# group: a bar per implementation at its median, whiskers for the 95%
# interval, the fastest in green, labelled with median and ratio. Then
# index.html shows, per suite, the chart and a table per group (median,
# interval, ratio to the fastest, missing peers with the reason). Without
# gnuplot (Debian: gnuplot-nox) it says so and writes the tables only.
# Needs bash and a POSIX awk (mawk is fine); reads the JSON itself.
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-${BENCH_RESULTS:-$root/bench/results}}
if [ ! -d "$dir" ]; then
    echo "bench-report: no results folder $dir (run make bench first)" >&2
    exit 1
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

charts=1
if ! command -v gnuplot > /dev/null 2>&1; then
    charts=0
    echo "bench-report: gnuplot not found (Debian: apt-get install" \
        "gnuplot-nox); writing index.html with tables only, no charts" >&2
fi

# --- JSON -> lines "U<TAB>group<TAB>unit" and "M<TAB>group<TAB>impl<TAB>why".
# A small tokenizer, not a line matcher: it accepts any JSON layout of the
# form in docs/bench.md. Escaped control characters become "_", as they do
# in the .dat names.
cat > "$tmp/json.awk" << 'EOF'
function skipws() { while (i <= n && index(" \t\r\n", substr(s, i, 1)) > 0) i++ }
function jstr(   out, c, e) {
    i++
    out = ""
    while (i <= n) {
        c = substr(s, i, 1)
        if (c == "\"") { i++; return out }
        if (c == "\\") {
            e = substr(s, i + 1, 1)
            if (e == "u") { out = out "_"; i += 6; continue }
            if (index("ntrbf", e) > 0) out = out "_"
            else out = out e
            i += 2
            continue
        }
        out = out c
        i++
    }
    return out
}
function emit() {
    if (top == "results") print "U\t" obj["group"] "\t" obj["unit"]
    else if (top == "missing") print "M\t" obj["group"] "\t" obj["impl"] "\t" obj["why"]
}
{ s = s $0 "\n" }
END {
    n = length(s); i = 1; depth = 0; top = ""; key = ""
    while (i <= n) {
        c = substr(s, i, 1)
        if (c == "{" || c == "[") {
            depth++
            if (depth == 3) split("", obj)
            i++
        } else if (c == "}" || c == "]") {
            if (depth == 3 && c == "}") emit()
            depth--
            i++
        } else if (c == "\"") {
            v = jstr()
            skipws()
            if (substr(s, i, 1) == ":") {
                i++
                if (depth == 1) top = v; else key = v
            } else if (depth == 3) obj[key] = v
        } else if (index("-0123456789tfn", c) > 0) {
            j = i
            while (i <= n && index("+-.0123456789eEtruefalsn", substr(s, i, 1)) > 0) i++
            if (depth == 3) obj[key] = substr(s, j, i - j)
        } else i++
    }
}
EOF

# --- meta + .dat -> HTML tables on stdout, gnuplot script into gp.
cat > "$tmp/report.awk" << 'EOF'
function san(x) { gsub(/[ \t\r\n#"']/, "_", x); if (x == "") x = "_"; return x }
function html(x) {
    gsub(/&/, "\\&amp;", x); gsub(/</, "\\&lt;", x); gsub(/>/, "\\&gt;", x)
    gsub(/"/, "\\&quot;", x)
    return x
}
function gq(x) { gsub(/'/, "''", x); return "'" x "'" }
function dq(x) { gsub(/"/, "'", x); return "\"" x "\"" }
function fmt(v,   a) {
    a = v < 0 ? -v : v
    if (a >= 1000) return sprintf("%.0f", v)
    if (a >= 100) return sprintf("%.1f", v)
    if (a >= 10) return sprintf("%.2f", v)
    if (a >= 0.01 || a == 0) return sprintf("%.3f", v)
    return sprintf("%.3g", v)
}
# Names in the chart as in the .dat files (san), in the tables as in JSON.
function addgroup(g, name) {
    if (g in seen) return
    seen[g] = 1; order[++ng] = g; gname[g] = name
}
FILENAME == meta {
    split($0, f, "\t")
    g = san(f[2]); addgroup(g, f[2])
    if (f[1] == "U") unit[g] = f[3]
    else if (f[1] == "M") { k = ++nm[g]; mimpl[g, k] = f[3]; mwhy[g, k] = f[4] }
    next
}
NF >= 5 {
    g = $1; addgroup(g, g)
    k = ++np[g]
    pimpl[g, k] = $2; pmed[g, k] = $3 + 0; plo[g, k] = $4 + 0; phi[g, k] = $5 + 0
}
END {
    width = 960; top_px = 40; wname = 6; height = top_px
    for (gi = 1; gi <= ng; gi++) {
        g = order[gi]
        fast[g] = -1
        for (k = 1; k <= np[g]; k++) {
            if (fast[g] < 0 || pmed[g, k] < fast[g]) fast[g] = pmed[g, k]
            if (length(pimpl[g, k]) > wname) wname = length(pimpl[g, k])
        }
        for (k = 1; k <= nm[g]; k++)
            if (length(mimpl[g, k]) > wname) wname = length(mimpl[g, k])
        rows = np[g] + nm[g]
        panel[g] = 100 + 30 * (rows > 0 ? rows : 1)
        height += panel[g]
        if (!(g in unit)) unit[g] = "?"
    }

    # Tables.
    for (gi = 1; gi <= ng; gi++) {
        g = order[gi]
        u = html(unit[g])
        printf "<h3>%s <span class=\"unit\">(%s)</span></h3>\n", html(gname[g]), u
        printf "<table>\n<thead><tr><th>impl</th><th>median (%s)</th>", u
        printf "<th>95%% interval</th><th>ratio to fastest</th></tr></thead>\n<tbody>\n"
        for (k = 1; k <= np[g]; k++) {
            r = fast[g] > 0 ? pmed[g, k] / fast[g] : 1
            printf "<tr%s><td>%s</td><td class=\"num\">%s</td>", \
                (pmed[g, k] == fast[g] ? " class=\"fastest\"" : ""), \
                html(pimpl[g, k]), fmt(pmed[g, k])
            printf "<td class=\"num\">[%s, %s]</td><td class=\"num\">%.2fx</td></tr>\n", \
                fmt(plo[g, k]), fmt(phi[g, k]), r
        }
        for (k = 1; k <= nm[g]; k++)
            printf "<tr class=\"missing\"><td>%s</td><td colspan=\"3\">missing: %s</td></tr>\n", \
                html(mimpl[g, k]), html(mwhy[g, k])
        printf "</tbody>\n</table>\n"
    }

    if (!charts) exit 0
    # Chart: one panel per group, stacked; bars share the left margin.
    print "set terminal svg size " width "," height " noenhanced font 'Sans,11' background rgb 'white'" > gp
    print "set output " gq(svgout) > gp
    print "set multiplot title " gq("suite " suite ": median with 95% interval, shorter is faster; green = fastest") > gp
    print "set style fill solid 0.85 noborder" > gp
    print "unset key; set border 3; set xtics nomirror; set ytics nomirror scale 0" > gp
    print "set grid xtics lc rgb '#dddddd'" > gp
    print "set lmargin " (wname + 3) "; set rmargin 3; set tmargin 2; set bmargin 3.5" > gp
    used = top_px
    for (gi = 1; gi <= ng; gi++) {
        g = order[gi]
        rows = np[g] + nm[g]; maxhi = 0
        print "$G" gi " << EOD" > gp
        for (k = 1; k <= np[g]; k++) {
            r = fast[g] > 0 ? pmed[g, k] / fast[g] : 1
            if (phi[g, k] > maxhi) maxhi = phi[g, k]
            printf "%d %s %.6g %.6g %.6g %d %s\n", k - 1, dq(pimpl[g, k]), \
                pmed[g, k], plo[g, k], phi[g, k], (pmed[g, k] == fast[g]), \
                dq(fmt(pmed[g, k]) " (" sprintf("%.2fx", r) ")") > gp
        }
        print "EOD" > gp
        if (nm[g] > 0) {
            print "$M" gi " << EOD" > gp
            for (k = 1; k <= nm[g]; k++)
                printf "%d %s %s\n", np[g] + k - 1, dq(san(mimpl[g, k])), \
                    dq("missing: " mwhy[g, k]) > gp
            print "EOD" > gp
        }
        if (maxhi <= 0) maxhi = 1
        printf "set origin 0,%.6f; set size 1,%.6f\n", \
            1 - (used + panel[g]) / height, panel[g] / height > gp
        used += panel[g]
        print "set title " gq(gname[g] " [" unit[g] "]") " font ',12'" > gp
        print "set xlabel " gq(unit[g]) > gp
        printf "set xrange [0:%.6g]\n", maxhi * 1.4 > gp
        printf "set yrange [%g:-0.6]\n", (rows > 0 ? rows : 1) - 0.4 > gp
        cmd = ""
        if (np[g] > 0) {
            cmd = "$G" gi " using 3:1:(0):3:($1-0.32):($1+0.32):($6 > 0 ? 0x2E8B57 : 0x4682B4):ytic(2) with boxxyerror lc rgb variable, " \
                  "$G" gi " using 3:1:4:5 with xerrorbars lc rgb '#222222' lw 1.5 pt 0, " \
                  "$G" gi " using 5:1:7 with labels left offset char 1,0"
        }
        if (nm[g] > 0)
            cmd = cmd (cmd == "" ? "" : ", ") "$M" gi " using (0):1:3:ytic(2) with labels left offset char 1,0 tc rgb '#777777'"
        if (cmd == "") cmd = "NaN notitle"
        print "plot " cmd > gp
    }
    print "unset multiplot" > gp
}
EOF

sections="$tmp/sections.html"
toc="$tmp/toc.html"
: > "$sections"
: > "$toc"
status=0
nsuites=0
for dat in "$dir"/*.dat; do
    [ -f "$dat" ] || continue
    suite=$(basename "$dat" .dat)
    nsuites=$((nsuites + 1))
    json=$dir/$suite.json
    meta=$tmp/$suite.meta
    if [ -f "$json" ]; then
        awk -f "$tmp/json.awk" "$json" > "$meta"
    else
        echo "bench-report: $json is missing; units unknown" >&2
        : > "$meta"
    fi
    svg_tmp=$dir/.$suite.svg.tmp
    awk -v meta="$meta" -v suite="$suite" -v charts="$charts" \
        -v gp="$tmp/$suite.gp" -v svgout="$svg_tmp" \
        -f "$tmp/report.awk" "$meta" "$dat" > "$tmp/$suite.tables" || status=1

    chart="<p class=\"note\">No chart: gnuplot is not installed.</p>"
    if [ "$charts" = 1 ]; then
        if gnuplot "$tmp/$suite.gp" 2> "$tmp/$suite.err" && [ -s "$svg_tmp" ]; then
            mv "$svg_tmp" "$dir/$suite.svg"
            chart="<p><img src=\"$suite.svg\" alt=\"chart of suite $suite\"></p>"
        else
            echo "bench-report: gnuplot failed for $suite:" >&2
            cat "$tmp/$suite.err" >&2
            rm -f "$svg_tmp"
            chart="<p class=\"note\">No chart: gnuplot failed (see make bench output).</p>"
            status=1
        fi
    fi
    when=$(date -r "$dat" '+%Y-%m-%d %H:%M' 2>/dev/null)
    echo "<li><a href=\"#suite-$suite\">$suite</a></li>" >> "$toc"
    {
        echo "<section id=\"suite-$suite\">"
        echo "<h2>$suite</h2>"
        echo "<p class=\"note\">measured $when &middot; <a href=\"$suite.json\">$suite.json</a></p>"
        echo "$chart"
        cat "$tmp/$suite.tables"
        echo "</section>"
    } >> "$sections"
done

env_html=""
if [ -f "$dir/env.txt" ]; then
    env_html="<pre>$(sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' "$dir/env.txt")</pre>"
fi

{
    cat << 'EOF'
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>libcurriculum benchmarks</title>
<style>
body { font-family: sans-serif; max-width: 1000px; margin: 2em auto; padding: 0 1em; color: #222; }
h2 { border-bottom: 1px solid #ccc; margin-top: 2em; }
h3 { margin-bottom: 0.3em; }
.unit { color: #666; font-weight: normal; }
table { border-collapse: collapse; margin-bottom: 1em; }
th, td { padding: 0.2em 0.8em; border-bottom: 1px solid #eee; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.fastest td { font-weight: bold; color: #1f6e43; }
tr.missing td { color: #888; font-style: italic; }
img { max-width: 100%; height: auto; }
.note { color: #666; }
pre { background: #f6f6f6; padding: 0.6em; }
</style>
</head>
<body>
<h1>libcurriculum benchmarks</h1>
<p>Each group measures one workload; its implementations ran interleaved
(A B C, B C A, ...), so a change of machine speed hits them alike. Bars are
medians per unit of work, whiskers the bootstrap 95% interval of the median,
the ratio is the median over the fastest median of the group. Compare
ratios, not absolute numbers: this machine's speed varies. Method:
docs/bench.md.</p>
EOF
    echo "$env_html"
    if [ "$nsuites" -eq 0 ]; then
        echo "<p>No results yet: run <code>make bench</code>.</p>"
    else
        echo "<ul>"
        cat "$toc"
        echo "</ul>"
        cat "$sections"
    fi
    echo "</body>"
    echo "</html>"
} > "$dir/.index.html.tmp" && mv "$dir/.index.html.tmp" "$dir/index.html" || status=1

echo "bench-report: $nsuites suite(s) -> $dir/index.html"
exit $status
