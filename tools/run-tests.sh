#!/bin/bash
# Runs every test and ends with one line: "N passed, N failed".
#
#   1. host unit tests (build/host/test_*, ASan + UBSan), one TAP stream each;
#   2. in-kernel tests (KTEST) booted with `test` on BOTH boot paths, BIOS and UEFI, in
#      parallel (one QEMU per core);
#   3. harness self-checks: a deliberately failing KTEST, a deliberate panic, a deliberate
#      page fault, a deliberate hang and a double free must each be seen as failures by
#      tools/qemu-run.sh, and make debug's gdb must stop in kernel_main;
#   4. the user programs in tests/user on both boot paths (tools/run-user-tests.sh);
#   5. a short run of the mm fuzz target (make fuzz runs it for longer).
#
# Each test is counted once per place it ran. A run that ends early (panic, timeout, ASan
# report) counts its planned tests that never reported as failed, plus the crash itself.
#
# Options: --extra-cmdline "..." (added to the kernel command line of the KTEST runs, e.g.
# ktest_panic), --accel kvm|tcg, --only host|kernel|harness|user|fuzz.
set -u

BUILD=${BUILD:-build}
extra="" accel="" only=""
while [ $# -gt 0 ]; do
    case "$1" in
        --extra-cmdline) extra=$2; shift 2 ;;
        --accel) accel=$2; shift 2 ;;
        --only) only=$2; shift 2 ;;
        *) echo "run-tests: unknown argument '$1'" >&2; exit 2 ;;
    esac
done

out=$BUILD/test-results
rm -rf "$out"
mkdir -p "$out"
passed=0
failed=0

# prefix TEXT: puts TEXT before every line (names hold slashes, so not sed).
prefix() {
    awk -v p="$1" '{ print p $0 }'
}

# crash_output FILE: what explains a run that ended early: everything from the start of
# the last test that began (its panic report, say), or the last 40 lines.
crash_output() {
    tr -d '\r' < "$1" | awk '
        { line[NR] = $0 }
        /^# run / { start = NR }
        END {
            if (!start || NR - start > 200) start = NR > 40 ? NR - 39 : 1
            for (i = start; i <= NR; i++) print line[i]
        }'
}

# tally NAME FILE STATUS: counts the TAP lines in FILE. STATUS is the exit status of what
# produced it; a non-zero status with no failing line still counts as a failure.
tally() {
    local name=$1 file=$2 status=$3
    local plan ok notok missing
    plan=$(tr -d '\r' < "$file" | awk '/^1\.\.[0-9]+$/ { sub(/^1\.\./, ""); print; exit }')
    ok=$(tr -d '\r' < "$file" | grep -cE '^ok [0-9]+ - ')
    notok=$(tr -d '\r' < "$file" | grep -cE '^not ok [0-9]+ - ')
    [ -z "$plan" ] && plan=0
    missing=$(( plan - ok - notok ))
    [ $missing -lt 0 ] && missing=0
    passed=$(( passed + ok ))
    failed=$(( failed + notok + missing ))

    if [ "$notok" -gt 0 ]; then
        # Show each failing test with the '#' lines that explain it.
        tr -d '\r' < "$file" | awk -v p="$name: " '
            /^# FAIL/ || /^#   / { why = why p $0 "\n"; next }
            /^# run / { why = ""; next }
            /^not ok/ { printf "%s%s%s\n", why, p, $0; why = "" }
            /^ok / { why = "" }'
    fi
    if [ "$status" != 0 ] && [ "$notok" = 0 ]; then
        failed=$(( failed + 1 ))
        echo "$name: FAILED: ended with status $status after $ok of $plan tests; output:"
        crash_output "$file" | prefix "$name| "
    elif [ $missing -gt 0 ]; then
        echo "$name: FAILED: $missing of $plan planned tests never reported; output:"
        crash_output "$file" | prefix "$name| "
    fi
    echo "$name: $ok passed, $(( notok + missing )) failed"
}

run_host() {
    local t name status
    for t in "$BUILD"/host/test_*; do
        [ -x "$t" ] || continue
        name=host/$(basename "$t" | sed 's/^test_//')
        timeout 300 "$t" > "$out/$(basename "$t").tap" 2>&1
        status=$?
        tally "$name" "$out/$(basename "$t").tap" $status
    done
}

qemu() {
    tools/qemu-run.sh ${accel:+--accel "$accel"} "$@"
}

run_kernel() {
    local cmdline="test loglevel=warn${extra:+ $extra}"
    qemu --boot bios --cmdline "$cmdline" --log "$out/kernel-bios.log" 2> "$out/kernel-bios.run" &
    local bios=$!
    qemu --boot uefi --cmdline "$cmdline" --log "$out/kernel-uefi.log" 2> "$out/kernel-uefi.run" &
    local uefi=$!
    wait $bios; local bios_status=$?
    wait $uefi; local uefi_status=$?
    for boot in bios uefi; do
        local status=$bios_status
        [ $boot = uefi ] && status=$uefi_status
        tr -d '\r' < "$out/kernel-$boot.log" | grep -E '^(not )?ok [0-9]+ - ' | sed "s/^/$boot: /"
        sed 's/^/  /' "$out/kernel-$boot.run"
        tally "kernel/$boot" "$out/kernel-$boot.log" $status
    done
}

# expect NAME WANT_STATUS CMDLINE TIMEOUT PATTERN...: one harness self-check. It passes
# when qemu-run.sh returns WANT_STATUS and the serial log contains every PATTERN.
expect() {
    local name=$1 want=$2 cmdline=$3 limit=$4
    shift 4
    local log=$out/harness-$name.log status missing=""
    qemu --boot bios --cmdline "$cmdline" --timeout "$limit" --log "$log" 2> "$log.run"
    status=$?
    for pattern in "$@"; do
        grep -qF -- "$pattern" "$log" || missing="$missing '$pattern'"
    done
    if [ $status = "$want" ] && [ -z "$missing" ]; then
        passed=$(( passed + 1 ))
        echo "harness: ok - $name (status $status)"
    else
        failed=$(( failed + 1 ))
        echo "harness: not ok - $name: status $status (wanted $want)${missing:+, log lacks$missing}"
        tail -n 30 "$log" | tr -d '\r' | sed 's/^/harness| /'
    fi
}

run_harness() {
    expect detects_failing_ktest 1 "ktest_fail" 60 \
        "not ok 1 - selftest.deliberate_failure" "1 + 1 == 3"
    expect detects_panic 2 "ktest_panic" 60 \
        "KERNEL PANIC: deliberate panic" "backtrace:" "ktest_fn_selftest_deliberate_panic" \
        "end of panic report"
    expect reports_page_fault 2 "test=selftest.deliberate_page_fault" 60 \
        "KERNEL PANIC: Page fault (#14)" "not-present page on write, supervisor mode" \
        "cr2:   0xffff900000000000" "ktest_fn_selftest_deliberate_page_fault"
    expect detects_hang 124 "test=selftest.deliberate_hang" 8 \
        "# run selftest.deliberate_hang"
    expect detects_double_free 2 "test=selftest.deliberate_double_free" 60 \
        "KERNEL PANIC: page_free" "double free" "ktest_fn_selftest_deliberate_double_free"
    check_debug
}

# `make debug`'s machinery: QEMU halted with its gdb stub, gdb with the kernel's symbols,
# a hardware breakpoint in kernel_main reached and a backtrace with source lines.
check_debug() {
    local cmds=$out/debug.gdb log=$out/harness-debug.log
    printf 'hbreak kernel_main\ncontinue\nbt\n' > "$cmds"
    GDB_BATCH=$cmds tools/qemu-run.sh --boot bios --gdb > "$log" 2>&1
    if grep -q "Breakpoint 1, kernel_main () at kernel/main.c" "$log" &&
       grep -q "in kernel_boot_entry (magic=" "$log"; then
        passed=$(( passed + 1 ))
        echo "harness: ok - debug_stops_in_kernel_main"
    else
        failed=$(( failed + 1 ))
        echo "harness: not ok - debug_stops_in_kernel_main"
        tail -n 20 "$log" | sed 's/^/harness| /'
    fi
}

# The user programs in tests/user, on both boot paths (tools/run-user-tests.sh).
run_user() {
    local log=$out/user.txt
    tools/run-user-tests.sh ${accel:+--accel "$accel"} --quiet > "$log" 2>&1
    local status=$?
    grep -v '^user: ' "$log"
    local p f
    p=$(sed -n 's/^user: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$log" | tail -n 1)
    f=$(sed -n 's/^user: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$log" | tail -n 1)
    if [ -z "$p" ]; then
        failed=$(( failed + 1 ))
        echo "user: FAILED: the user-program runner ended with status $status and no tally"
        return
    fi
    passed=$(( passed + p ))
    failed=$(( failed + f ))
    [ "$status" != 0 ] && [ "$f" = 0 ] && { failed=$(( failed + 1 )); echo "user: runner status $status"; }
    echo "user: $p passed, $f failed"
}

# A few seconds of coverage-guided fuzzing of the mm core: a finding fails the run.
run_fuzz() {
    local log=$out/fuzz-mm.log corpus=$out/fuzz-corpus
    mkdir -p "$corpus"
    if timeout 120 "$BUILD/fuzz/fuzz_mm" -max_total_time=5 -artifact_prefix="$out/" \
            "$corpus" > "$log" 2>&1; then
        passed=$(( passed + 1 ))
        echo "fuzz: ok - mm ($(grep -o 'Done [0-9]* runs' "$log"))"
    else
        failed=$(( failed + 1 ))
        echo "fuzz: not ok - mm: a finding; reproduce with $BUILD/fuzz/fuzz_mm $out/crash-*"
        tail -n 30 "$log" | prefix "fuzz| "
    fi
}

start=$(date +%s)
[ -z "$only" ] || [ "$only" = host ] && run_host
[ -z "$only" ] || [ "$only" = kernel ] && run_kernel
[ -z "$only" ] || [ "$only" = harness ] && run_harness
[ -z "$only" ] || [ "$only" = user ] && run_user
[ -z "$only" ] || [ "$only" = fuzz ] && run_fuzz
echo "run-tests: finished in $(( $(date +%s) - start )) s; logs in $out"
echo "$passed passed, $failed failed"
[ $failed = 0 ]
