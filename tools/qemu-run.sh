#!/bin/bash
# Boots the kernel once in QEMU and turns what happened into an exit status.
#
#   qemu-run.sh --boot bios|uefi [--accel kvm|tcg] [--mem 256M] [--cmdline "..."]
#               [--initrd FILE] [--timeout SECONDS] [--log FILE] [--console] [--gdb]
#               [--program-stdout]
#
# Both boot paths read the same FAT disk, written fresh for each run with mtools:
#   /EFI/BOOT/BOOTX64.EFI   the UEFI loader (boot/efi)
#   /reservoir/kernel.elf   the kernel
#   /reservoir/cmdline.txt  the command line (read by the UEFI loader)
#   /reservoir/grub.cfg     multiboot2/module2 lines (sourced by GRUB on the BIOS path)
#   /reservoir/initrd       the initrd, when given
# BIOS boots GRUB from build/grub-bios.iso, which finds that disk; UEFI boots OVMF,
# which starts BOOTX64.EFI from it.
#
# --program-stdout: stdout carries only the program's output (the kernel copies what a
# program writes to COM2); the kernel's console stays in the log.
#
# Exit status: for a program run, the program's exit status (0-255); otherwise 0 the
# kernel reported success, 1 it reported failure; 2 it panicked, 3 it could not start
# (bad boot information, CPU without long mode), 124 timed out, 125 QEMU ended without a
# verdict from the kernel (triple fault, QEMU error).
# The serial log is kept; its path is printed whenever the run did not succeed.
set -u

BUILD=${BUILD:-build}
boot=bios accel="" mem=256M cmdline="" initrd="" timeout="" log="" console=0 gdb=0
program_stdout=0
while [ $# -gt 0 ]; do
    case "$1" in
        --boot) boot=$2; shift 2 ;;
        --accel) accel=$2; shift 2 ;;
        --mem) mem=$2; shift 2 ;;
        --cmdline) cmdline=$2; shift 2 ;;
        --initrd) initrd=$2; shift 2 ;;
        --timeout) timeout=$2; shift 2 ;;
        --log) log=$2; shift 2 ;;
        --console) console=1; shift ;;
        --program-stdout) program_stdout=1; shift ;;
        --gdb) gdb=1; shift ;;
        *) echo "qemu-run: unknown argument '$1'" >&2; exit 2 ;;
    esac
done

die() { echo "qemu-run: $*" >&2; exit 125; }

case "$boot" in bios|uefi) ;; *) die "BOOT must be bios or uefi, not '$boot'" ;; esac
[[ "$mem" =~ ^[0-9]+[MG]?$ ]] || die "MEM must look like 256M or 2G, not '$mem'"
[ -z "$timeout" ] && { [ "$boot" = uefi ] && timeout=120 || timeout=60; }
[ "$gdb" = 1 ] && timeout=0
[ -n "$initrd" ] && [ ! -f "$initrd" ] && die "initrd '$initrd' not found"

kernel=$BUILD/kernel.elf
loader=$BUILD/boot/efi/BOOTX64.EFI
iso=$BUILD/grub-bios.iso
for f in "$kernel" "$loader" "$iso"; do
    [ -f "$f" ] || die "$f is missing: run make first"
done

# KVM only where it is hardware virtualization; on these machines /dev/kvm can be a
# software hypervisor that cannot run this kernel (shared notes, qemu-and-boot-facts).
hw_virt=0
if grep -qwE 'vmx|svm' /proc/cpuinfo 2>/dev/null && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
    hw_virt=1
fi
case "$accel" in
    "") [ $hw_virt = 1 ] && accel=kvm || accel=tcg ;;
    kvm|tcg) ;;
    *) die "ACCEL must be kvm or tcg, not '$accel'" ;;
esac
if [ "$accel" = kvm ]; then
    accel_args=(-accel kvm -cpu host)
    accel_desc="KVM (-cpu host)"
    [ $hw_virt = 1 ] || accel_desc="KVM (-cpu host), forced: this CPU shows no vmx/svm"
else
    accel_args=(-accel tcg -cpu max)
    accel_desc="TCG (-cpu max)"
    [ $hw_virt = 1 ] || accel_desc="TCG (-cpu max): no hardware virtualization here"
fi

mkdir -p "$BUILD/run"
rundir=$(mktemp -d "$BUILD/run/$boot.XXXXXX")
[ -z "$log" ] && log=$rundir/serial.log
: > "$log"
cleanup() { rm -f "$rundir/disk.img" "$rundir/OVMF_VARS.fd" "$rundir"/*.cfg "$rundir/cmdline.txt"; }
trap cleanup EXIT

# The FAT disk: 16 MiB plus what the files need, so big initrds fit.
payload=$(( $(stat -c %s "$kernel") + $(stat -c %s "$loader") ))
[ -n "$initrd" ] && payload=$(( payload + $(stat -c %s "$initrd") ))
mib=$(( payload / 1048576 + 16 ))
disk=$rundir/disk.img
truncate -s "${mib}M" "$disk"
mformat -i "$disk" -h 64 -s 32 -T $(( mib * 2048 )) :: >/dev/null 2>&1 ||
    die "mformat failed on $disk"

# The command line goes in a file, byte for byte: GRUB would re-quote the arguments of its
# multiboot2 line, so on the BIOS path the file is a module named "cmdline" (multiboot2.c).
printf '%s' "$cmdline" > "$rundir/cmdline.txt"
{
    printf 'multiboot2 /reservoir/kernel.elf\n'
    printf 'module2 /reservoir/cmdline.txt cmdline\n'
    [ -n "$initrd" ] && printf 'module2 /reservoir/initrd initrd\n'
} > "$rundir/grub.cfg"

mmd -i "$disk" ::/EFI ::/EFI/BOOT ::/reservoir || die "mmd failed"
mcopy -i "$disk" "$loader" ::/EFI/BOOT/BOOTX64.EFI || die "mcopy failed"
mcopy -i "$disk" "$kernel" ::/reservoir/kernel.elf || die "mcopy failed"
mcopy -i "$disk" "$rundir/cmdline.txt" ::/reservoir/cmdline.txt || die "mcopy failed"
mcopy -i "$disk" "$rundir/grub.cfg" ::/reservoir/grub.cfg || die "mcopy failed"
[ -n "$initrd" ] && { mcopy -i "$disk" "$initrd" ::/reservoir/initrd || die "mcopy failed"; }

args=(-machine q35 -m "$mem" "${accel_args[@]}" -display none -no-reboot -nic none
      -serial "file:$log" -device isa-debug-exit,iobase=0xf4,iosize=0x04
      -drive "file=$disk,format=raw,if=ide,index=1")
if [ "$boot" = bios ]; then
    args+=(-drive "file=$iso,format=raw,if=ide,index=0,media=cdrom,readonly=on" -boot d)
else
    ovmf_code=/usr/share/OVMF/OVMF_CODE_4M.fd
    cp /usr/share/OVMF/OVMF_VARS_4M.fd "$rundir/OVMF_VARS.fd"
    args+=(-drive "if=pflash,format=raw,readonly=on,file=$ovmf_code"
           -drive "if=pflash,format=raw,file=$rundir/OVMF_VARS.fd")
fi

if [ "$gdb" = 1 ]; then
    port=$(( 20000 + RANDOM % 20000 ))
    args+=(-S -gdb "tcp:127.0.0.1:$port")
    cat > "$rundir/gdbinit" <<EOF
set pagination off
set confirm off
file $kernel
target remote 127.0.0.1:$port
define loader-symbols
  add-symbol-file $BUILD/boot/efi/loader.so -o \$arg0
end
document loader-symbols
Load the UEFI loader's symbols at the image base it prints: loader-symbols 0xDE70000
end
echo Reservoir: kernel symbols loaded; QEMU is halted before the firmware.\n
echo Use hbreak (not break) for the first stop: the kernel is not mapped yet. Then continue.\n
EOF
    echo "qemu-run: QEMU waits for gdb on port $port (gdb -x $rundir/gdbinit)" >&2
fi

echo "qemu-run: $boot, $accel_desc, $mem" >&2
start=$(date +%s.%N)
if [ "$gdb" = 1 ]; then
    # The serial console goes to the log; gdb owns the terminal. GDB_BATCH names a file
    # of gdb commands to run without a terminal (the harness checks `make debug` so).
    qemu-system-x86_64 "${args[@]}" 2>"$rundir/qemu.err" </dev/null &
    qemu=$!
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        grep -qi "$(printf ':%04X 00000000' "$port")" /proc/net/tcp 2>/dev/null && break
        sleep 0.2
    done
    if [ -n "${GDB_BATCH:-}" ]; then
        timeout 120 gdb -q -nx -batch -x "$rundir/gdbinit" -x "$GDB_BATCH"
    else
        gdb -q -nx -x "$rundir/gdbinit"
    fi
    gdb_status=$?
    kill $qemu 2>/dev/null
    wait $qemu 2>/dev/null
    echo "qemu-run: serial log: $log" >&2
    exit $gdb_status
fi

if [ "$program_stdout" = 1 ]; then
    # A program run: stdout carries only what the program wrote (COM2); the kernel's
    # console (COM1) goes to the log, whose path is printed when the run fails.
    # The kernel starts COM2 with a marker line (serial.h); firmware text before it is not
    # the program's (OVMF writes its console to every serial port).
    args+=(-serial stdio)
    timeout --foreground -k 5 "$timeout" qemu-system-x86_64 "${args[@]}" 2>"$rundir/qemu.err" </dev/null |
        sed -u '1,/##reservoir-program-output##/d'
    qemu_status=${PIPESTATUS[0]}
elif [ "$console" = 1 ]; then
    # Show the serial console from the first line the loader or the kernel prints;
    # firmware and GRUB chatter (with its terminal escapes) stays in the log.
    args=("${args[@]/#file:$log/stdio}")
    timeout --foreground -k 5 "$timeout" qemu-system-x86_64 "${args[@]}" 2>"$rundir/qemu.err" </dev/null |
        tee "$log" |
        awk '{ gsub(/\033\[[0-9;?]*[A-Za-z]/, ""); sub(/\r$/, "") }
             shown || tolower($0) ~ /reservoir/ { shown = 1; print; fflush() }'
    qemu_status=${PIPESTATUS[0]}
else
    timeout --foreground -k 5 "$timeout" qemu-system-x86_64 "${args[@]}" 2>"$rundir/qemu.err" </dev/null
    qemu_status=$?
fi
end=$(date +%s.%N)

# A program run ends with "reservoir: exit status N": that N is the run's status.
program_status=$(tr -d '\r' < "$log" | sed -n 's/^reservoir: exit status \([0-9][0-9]*\)$/\1/p' | tail -n 1)

case $qemu_status in
    33|35) if [ -n "$program_status" ]; then
            status=$(( program_status & 255 ))
            verdict="the program exited with status $program_status"
        elif [ $qemu_status = 33 ]; then
            status=0 verdict="success"
        else
            status=1 verdict="the kernel reported failure"
        fi ;;
    37) status=2 verdict="kernel panic" ;;
    39) status=3 verdict="the kernel could not start" ;;
    124|137) status=124 verdict="timed out after ${timeout} s" ;;
    *) status=125 verdict="QEMU exited with status $qemu_status and no verdict from the kernel (triple fault or QEMU error)" ;;
esac
secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
echo "qemu-run: $boot: $verdict in $secs s" >&2
if [ $status != 0 ]; then
    [ -s "$rundir/qemu.err" ] && sed 's/^/qemu: /' "$rundir/qemu.err" >&2
    echo "qemu-run: serial log: $log" >&2
fi
exit $status
