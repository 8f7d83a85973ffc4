#!/bin/bash
# In-guest benchmarks of the virtual-memory system calls: builds tests/bench/vm_bench.c
# as a user program, runs it in QEMU (TCG -cpu max unless ACCEL says otherwise) and prints
# on stdout only its "bench NAME cycles_per_op=X" lines, after one '#' comment giving the
# Linux guest numbers and the targets they are compared with. The build and QEMU chatter
# go to stderr; the serial log's path is printed there when the run fails.
#
#   tools/run-vm-bench.sh            (BUILD, MEM, BOOT, ACCEL, TIMEOUT from the environment)
#
# Exit status: 0 when the program exited 0, otherwise the run's status (tools/qemu-run.sh).
set -u
cd "$(dirname "$0")/.." || exit 2

BUILD=${BUILD:-build}
MEM=${MEM:-512M}
BOOT=${BOOT:-bios}
ACCEL=${ACCEL:-tcg}
TIMEOUT=${TIMEOUT:-600}
export BUILD

cat <<'EOF'
# reference, Linux 6.1 guest under TCG (cycles/op): vm_alloc_release_64k 70000, vm_first_touch_4k 25700, vm_protect_toggle 83600, vm_query_n1000 -, vm_query_n10000 -, vm_alloc_release_64k_n10000 154000, syscall_null 1200; targets: alloc_release, protect_toggle, alloc_release_n10000 <= Linux/5 (14000, 16720, 30800); first_touch <= Linux/2 (12850); vm_query < 3000 and flat n1000->n10000; syscall_null < 300
EOF

out=$(mktemp)
trap 'rm -f "$out"' EXIT
make --no-print-directory BUILD="$BUILD" run PROG=tests/bench/vm_bench.c \
    MEM="$MEM" BOOT="$BOOT" ACCEL="$ACCEL" TIMEOUT="$TIMEOUT" > "$out"
status=$?
tr -d '\r' < "$out" | grep -E '^bench [A-Za-z0-9_]+ cycles_per_op=[0-9]+$'
if [ $status != 0 ]; then
    echo "run-vm-bench: the run failed with status $status; its console:" >&2
    cat "$out" >&2
fi
exit $status
