/*
 * Stopping the kernel with a full report: panic() for a condition that means a kernel
 * bug, ASSERT() for an invariant. The report names the message, the place, and a
 * frame-pointer backtrace with symbol names; then the QEMU run ends with EXIT_PANIC_CODE
 * so a test run sees the failure (qemu_exit.h).
 */
#ifndef RESERVOIR_LIB_PANIC_H
#define RESERVOIR_LIB_PANIC_H

#include <stdint.h>

__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

/* Prints "  #i 0x... symbol+off" lines walking saved frame pointers from rbp. */
void backtrace_print(uint64_t rip, uint64_t rbp);

/* Counts nested panics: 1 for the first report, more when a report itself faults. */
int panic_enter(void);

#ifdef RESERVOIR_HOST
/* Host tests catch panics (test_expect_panic) and go on; this forgets the last one. */
void panic_reset(void);
#endif

/* Provided by the platform (kernel: qemu_exit; host tests: abort). */
__attribute__((noreturn)) void panic_halt(void);

#define ASSERT(cond)                                                            \
    do {                                                                        \
        if (__builtin_expect(!(cond), 0))                                       \
            panic("assertion failed: %s (%s:%d, %s)", #cond, __FILE__, __LINE__, \
                  __func__);                                                    \
    } while (0)

#endif
