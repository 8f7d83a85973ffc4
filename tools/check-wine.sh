#!/bin/bash
# Runs the user-program tests, tests/user/test_*.c, under Wine: the same sources built
# with mingw-w64 as ordinary Windows programs, checked against Windows' behaviour as Wine
# implements it. A test that names a Wine deviation (with its Microsoft source) reports
# it "# SKIP" there; everything else must hold on Wine exactly as on Reservoir.
#
#   tools/check-wine.sh [--quiet]            (BUILD from the environment, default build)
#
# Installs nothing: it needs wine64 and x86_64-w64-mingw32-gcc (`make check-wine` first
# runs tools/ensure-deps.sh wine, which installs wine, wine64, gcc-mingw-w64-x86-64).
# Programs whose source has a line "utest-reservoir-only" (the system-call fuzzer) are
# not built. Arguments come from the source's "utest-args:" line, as on Reservoir.
#
# Each program: x86_64-w64-mingw32-gcc -O2 -std=gnu11 -> $BUILD/wine/NAME.exe, run by
# wine64 with WINEDEBUG=-all in a fresh WINEPREFIX, $BUILD/wine/prefix (made anew on
# each run), stdin from /dev/null (as on Reservoir, a read is at end of file at once,
# never waiting on a terminal), stdout kept in $BUILD/wine/NAME.tap, stderr in NAME.err.
#
# Output: "wine/NAME: " before each TAP line (with --quiet only failures), then
# "wine/NAME: P passed, F failed", and last "wine: P passed, F failed". Counting is
# run-tests.sh's (a plan with missing tests, a crash, a timeout or a non-zero exit with
# no failing line is a failure). Exit status 0 when nothing failed, 1 otherwise, 2 when
# a tool is missing or a build failed.
set -u
cd "$(dirname "$0")/.." || exit 2

BUILD=${BUILD:-build}
quiet=0
[ "${1:-}" = --quiet ] && quiet=1
WINE_TIMEOUT=${WINE_TIMEOUT:-300}

wine=$(command -v wine64 || true)
[ -z "$wine" ] && [ -x /usr/lib/wine/wine64 ] && wine=/usr/lib/wine/wine64   # Debian
wineserver=$(command -v wineserver || true)
[ -z "$wineserver" ] && [ -x /usr/lib/wine/wineserver64 ] && wineserver=/usr/lib/wine/wineserver64
cc=$(command -v x86_64-w64-mingw32-gcc || true)
if [ -z "$wine" ] || [ -z "$cc" ]; then
    echo "check-wine: needs wine64 and x86_64-w64-mingw32-gcc (tools/ensure-deps.sh wine)" >&2
    echo "wine: 0 passed, 1 failed"
    exit 2
fi

out=$BUILD/wine
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)        # absolute: wine needs it, and BUILD may be relative
export WINEPREFIX=$out/prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
start=$(date +%s)

sources=()
for src in tests/user/test_*.c; do
    [ -f "$src" ] || continue
    grep -q 'utest-reservoir-only' "$src" && continue
    sources+=("$src")
done

for src in "${sources[@]}"; do
    name=$(basename "$src" .c)
    if ! "$cc" -O2 -std=gnu11 -Wall -Wextra -o "$out/$name.exe" "$src" > "$out/$name.build" 2>&1; then
        echo "check-wine: building $src with mingw-w64 failed:" >&2
        cat "$out/$name.build" >&2
        echo "wine: 0 passed, 1 failed"
        exit 2
    fi
done

# A fresh prefix, made once for all programs.
"$wine" wineboot --init > "$out/wineboot.log" 2>&1
boot_secs=$(( $(date +%s) - start ))

passed=0
failed=0
for src in "${sources[@]}"; do
    name=$(basename "$src" .c)
    label="wine/${name#test_}"
    args=$(sed -n 's/^[[:space:]/*]*utest-args:[[:space:]]*//p' "$src" | head -n 1)
    eval "set -- $args"
    t0=$(date +%s.%N)
    (cd "$out" && timeout -k 5 "$WINE_TIMEOUT" "$wine" "./$name.exe" "$@" \
        < /dev/null > "$name.tap" 2> "$name.err")
    status=$?
    secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    tap=$out/$name.tap
    tr -d '\r' < "$tap" > "$tap.clean"
    plan=$(awk '/^1\.\.[0-9]+$/ { sub(/^1\.\./, ""); print; exit }' "$tap.clean")
    ok=$(grep -acE '^ok [0-9]+ - ' "$tap.clean")
    notok=$(grep -acE '^not ok [0-9]+ - ' "$tap.clean")
    skipped=$(grep -acE '^ok [0-9]+ - .*# SKIP' "$tap.clean")
    [ -z "$plan" ] && plan=0
    missing=$(( plan - ok - notok ))
    [ $missing -lt 0 ] && missing=0
    f=$(( notok + missing ))
    if [ $quiet = 1 ]; then
        awk -v p="$label: " '
            /^# FAIL/ || /^#   / { why = why p $0 "\n"; next }
            /^not ok [0-9]+ - / { printf "%s%s%s\n", why, p, $0; why = ""; next }
            /^ok [0-9]+ - / { why = "" }' "$tap.clean"
    else
        grep -aE '^(not )?ok [0-9]+ - |^# |^1\.\.[0-9]+$' "$tap.clean" | awk -v p="$label: " '{ print p $0 }'
    fi
    if [ "$plan" = 0 ] || [ $missing -gt 0 ] || { [ $status != 0 ] && [ "$notok" = 0 ]; }; then
        f=$(( f + 1 ))
        why="exit status $status"
        [ $status = 124 ] && why="timed out after $WINE_TIMEOUT s"
        echo "$label: FAILED: $why after $ok of $plan tests ($missing never reported); output:"
        tail -n 30 "$tap.clean" | awk -v p="$label| " '{ print p $0 }'
        tail -n 20 "$out/$name.err" | awk -v p="$label| stderr: " '{ print p $0 }'
    fi
    passed=$(( passed + ok ))
    failed=$(( failed + f ))
    echo "$label: $ok passed, $f failed ($skipped passed as Wine-deviation skips; $secs s)"
done

[ -n "$wineserver" ] && "$wineserver" -k > /dev/null 2>&1    # this prefix's server only
echo "check-wine: prefix made in $boot_secs s, finished in $(( $(date +%s) - start )) s;" \
    "output in $out"
echo "wine: $passed passed, $failed failed"
[ $failed = 0 ]
