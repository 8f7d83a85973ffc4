#!/bin/bash
# Runs the user-program tests, tests/user/test_*.c, on Reservoir: each program in a boot
# of its own, on BOTH boot paths (BIOS and UEFI), two QEMUs at a time.
#
#   tools/run-user-tests.sh [--only-bios] [--accel kvm|tcg] [--jobs N] [--quiet]
#                           [--only NAME]            (NAME as in test_NAME.c; repeatable)
#                           [--dir DIR]              (default tests/user)
#   environment: BUILD (default build), MEM (256M), USER_TEST_TIMEOUT (seconds per boot,
#                default 300)
#
# Each program is built as `make prog-build` builds PROG= programs (same flags, crt0 and
# libreservoir.a) into $BUILD/user/NAME.exe; all of them go into one initrd,
# $BUILD/user/initrd.cpio, and each boot runs one with the command line
# "-- test_NAME.exe ARGS". ARGS come from the program's own source, from a comment line
#  * utest-args: alpha "beta gamma"
# (tools/check-wine.sh passes the same under Wine).
#
# Output (stdout), in program order, BIOS before UEFI:
#   user/bios/NAME: ok 1 - ...                 every TAP line the program printed
#   user/bios/NAME: # FAIL ...                 (with --quiet only the failing ones and
#   user/bios/NAME: not ok 7 - ...              the diagnostics before them)
#   user/bios/NAME: ok - every frame came back the kernel's frame check after the exit
#                                              (first_program.c), counted as one test
#   user/bios/NAME: FAILED: ...                a crash, timeout or wrong exit status,
#   user/bios/NAME| <serial log tail>           followed by the end of the serial log
#   user/bios/NAME: P passed, F failed (T s)
#   ...
#   user: P passed, F failed                   the last line: the sum of everything above
#
# Counting is run-tests.sh's: every "ok K - " line passes and every "not ok K - " line
# fails; the plan ("1..N", which these programs print last) counts tests that never
# reported as failed. One more failure, with the end of the serial log shown, for a run
# that ended wrongly: no plan (the program died before utest_done), no exit status
# (panic, timeout, triple fault), or a non-zero exit status with no failing line. A
# frame leak reported by the kernel is one failure too.
# Exit status: 0 when nothing failed, 1 otherwise, 2 when the build failed.
set -u
cd "$(dirname "$0")/.." || exit 2

BUILD=${BUILD:-build}
MEM=${MEM:-256M}
TIMEOUT=${USER_TEST_TIMEOUT:-300}
export BUILD
boots="bios uefi" accel="" jobs=2 quiet=0 only=() dir=tests/user
while [ $# -gt 0 ]; do
    case "$1" in
        --only-bios) boots="bios"; shift ;;
        --accel) accel=$2; shift 2 ;;
        --jobs) jobs=$2; shift 2 ;;
        --quiet) quiet=1; shift ;;
        --only) only+=("$2"); shift 2 ;;
        --dir) dir=$2; shift 2 ;;
        *) echo "run-user-tests: unknown argument '$1'" >&2; exit 2 ;;
    esac
done

out=$BUILD/user-results
user=$BUILD/user
rm -rf "$out"
mkdir -p "$out" "$user"
start=$(date +%s)

# ---- build -----------------------------------------------------------------------------
sources=()
for src in "$dir"/test_*.c; do
    [ -f "$src" ] || continue
    name=$(basename "$src" .c)
    if [ ${#only[@]} -gt 0 ]; then
        keep=0
        for o in "${only[@]}"; do [ "$o" = "${name#test_}" ] || [ "$o" = "$name" ] && keep=1; done
        [ $keep = 1 ] || continue
    fi
    sources+=("$src")
done
if [ ${#sources[@]} = 0 ]; then
    echo "run-user-tests: no $dir/test_*.c to run" >&2
    echo "user: 0 passed, 1 failed"
    exit 1
fi

if ! make --no-print-directory BUILD="$BUILD" all userlib > "$out/build.log" 2>&1; then
    echo "run-user-tests: make all userlib failed:" >&2
    tail -n 40 "$out/build.log" >&2
    echo "user: 0 passed, 1 failed"
    exit 2
fi
pairs=()
for src in "${sources[@]}"; do
    name=$(basename "$src" .c)
    if ! make --no-print-directory BUILD="$BUILD" PROG_DIR="$user" prog-build PROG="$src" \
            >> "$out/build.log" 2>&1; then
        echo "run-user-tests: building $src failed:" >&2
        tail -n 40 "$out/build.log" >&2
        echo "user: 0 passed, 1 failed"
        exit 2
    fi
    pairs+=("$user/$name.exe=$name.exe")
done
rm -f "$user/initrd.cpio"       # prog-build's one-program initrd
if ! "$BUILD/tools/mkinitrd" "$user/initrd.cpio" "${pairs[@]}" >> "$out/build.log" 2>&1; then
    echo "run-user-tests: mkinitrd failed:" >&2
    tail -n 20 "$out/build.log" >&2
    echo "user: 0 passed, 1 failed"
    exit 2
fi
build_secs=$(( $(date +%s) - start ))

# ---- run: a small pool of QEMUs ----------------------------------------------------------
# args_of SRC: the text after "utest-args:" in SRC (kernel command-line syntax: double
# quotes group words).
args_of() {
    sed -n 's/^[[:space:]/*]*utest-args:[[:space:]]*//p' "$1" | head -n 1
}

run_one() {
    local boot=$1 src=$2 name
    name=$(basename "$src" .c)
    local base=$out/$boot-$name t0
    t0=$(date +%s.%N)
    tools/qemu-run.sh --boot "$boot" --mem "$MEM" ${accel:+--accel "$accel"} \
        --timeout "$TIMEOUT" --initrd "$user/initrd.cpio" \
        --cmdline "-- $name.exe $(args_of "$src")" --log "$base.log" 2> "$base.run"
    echo $? > "$base.status"
    awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f\n", b - a }' > "$base.secs"
}

running=0
for src in "${sources[@]}"; do
    for boot in $boots; do
        if [ $running -ge "$jobs" ]; then
            wait -n
            running=$(( running - 1 ))
        fi
        run_one "$boot" "$src" &
        running=$(( running + 1 ))
    done
done
wait

# ---- tally ----------------------------------------------------------------------------
passed=0
failed=0

prefix() {
    awk -v p="$1" '{ print p $0 }'
}

# The serial log without carriage returns and terminal escapes (GRUB's and OVMF's).
clean_log() {
    tr -d '\r' < "$1" | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g'
}

tally() {
    local boot=$1 name=$2
    local base=$out/$boot-$name label="user/$boot/${name#test_}"
    local log=$base.clean status ok notok plan missing frames exit_line p f
    clean_log "$base.log" > "$log"
    status=$(cat "$base.status" 2>/dev/null || echo 125)
    plan=$(awk '/^1\.\.[0-9]+$/ { sub(/^1\.\./, ""); print; exit }' "$log")
    ok=$(grep -cE '^ok [0-9]+ - ' "$log")
    notok=$(grep -cE '^not ok [0-9]+ - ' "$log")
    [ -z "$plan" ] && plan=0
    missing=$(( plan - ok - notok ))
    [ $missing -lt 0 ] && missing=0
    p=$ok
    f=$(( notok + missing ))

    if [ $quiet = 1 ]; then
        awk -v p="$label: " '
            /^# FAIL/ || /^#   / { why = why p $0 "\n"; next }
            /^not ok [0-9]+ - / { printf "%s%s%s\n", why, p, $0; why = ""; next }
            /^ok [0-9]+ - / { why = "" }' "$log"
    else
        grep -E '^(not )?ok [0-9]+ - |^# |^1\.\.[0-9]+$' "$log" | prefix "$label: "
    fi

    exit_line=$(grep -E '^reservoir: exit status [0-9]+' "$log" | tail -n 1)
    if grep -q '^reservoir: every frame came back' "$log"; then
        p=$(( p + 1 ))
        [ $quiet = 1 ] || echo "$label: ok - every frame came back"
    elif [ -n "$exit_line" ]; then
        f=$(( f + 1 ))
        echo "$label: not ok - every frame came back: the kernel reported a frame leak"
        grep -E 'frame leak' "$log" | prefix "$label| "
    fi

    local ended=1      # 0: the run ended wrongly (crash, panic, timeout, no plan)
    if [ -z "$exit_line" ] || [ "$plan" = 0 ] || { [ "$status" != 0 ] && [ "$notok" = 0 ]; }; then
        ended=0
        f=$(( f + 1 ))
    fi
    if [ $ended = 0 ] || [ $missing -gt 0 ]; then
        local why="exit status $status"
        [ -n "$exit_line" ] && why="exit status ${exit_line#reservoir: exit status }"
        case $status in
            124) why="timed out after $TIMEOUT s" ;;
            125) why="QEMU ended without a verdict (triple fault?)" ;;
        esac
        [ -z "$exit_line" ] && [ "$status" = 2 ] && why="kernel panic"
        [ -z "$exit_line" ] && [ "$status" != 124 ] && [ "$status" != 2 ] &&
            why="$why, and the program never exited"
        [ -n "$exit_line" ] && [ "$plan" = 0 ] && why="$why before printing its plan"
        echo "$label: FAILED: $why after $ok of $plan tests ($missing never reported);" \
            "serial log $base.log; its end:"
        tail -n 40 "$log" | prefix "$label| "
        sed 's/^/  /' "$base.run" | prefix "$label| "
    fi
    passed=$(( passed + p ))
    failed=$(( failed + f ))
    echo "$label: $p passed, $f failed ($(cat "$base.secs" 2>/dev/null || echo ?) s)"
}

for src in "${sources[@]}"; do
    for boot in $boots; do
        tally "$boot" "$(basename "$src" .c)"
    done
done
echo "run-user-tests: built in $build_secs s, finished in $(( $(date +%s) - start )) s;" \
    "logs in $out"
echo "user: $passed passed, $failed failed"
[ $failed = 0 ]
