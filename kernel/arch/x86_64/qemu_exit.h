/*
 * Ending a QEMU run with a status the host can read, through the isa-debug-exit device
 * (iobase 0xf4). QEMU exits with (value << 1) | 1, so the runner (tools/qemu-run.sh) maps:
 *   EXIT_SUCCESS_CODE 0x10 -> 33, EXIT_FAILURE_CODE 0x11 -> 35, EXIT_PANIC_CODE 0x12 -> 37,
 *   EXIT_EARLY_BOOT 0x13 -> 39. Status 0 and 1 are never ours: a triple fault and QEMU's
 * own errors produce them. On real hardware the port write does nothing and we halt.
 */
#ifndef RESERVOIR_ARCH_QEMU_EXIT_H
#define RESERVOIR_ARCH_QEMU_EXIT_H

enum qemu_exit_code {
    EXIT_SUCCESS_CODE = 0x10,
    EXIT_FAILURE_CODE = 0x11,
    EXIT_PANIC_CODE = 0x12,
    EXIT_EARLY_BOOT = 0x13,
};

__attribute__((noreturn)) void qemu_exit(enum qemu_exit_code code);

#endif
