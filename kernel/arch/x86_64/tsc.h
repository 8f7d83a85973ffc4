/*
 * The kernel's clock: the CPU's time-stamp counter, counted from tsc_init and calibrated
 * once at boot against the legacy PIT (tsc.c explains the choice and what QEMU does).
 * NtQueryPerformanceCounter reports it and NtDelayExecution waits on it.
 *
 * One CPU and no interrupts: nothing here takes a lock or may be called from a handler
 * that could interrupt tsc_init.
 */
#ifndef RESERVOIR_ARCH_TSC_H
#define RESERVOIR_ARCH_TSC_H

#include <stdint.h>

/* Measures the frequency and starts the count at 0; logs what it found. Called once by
   kernel_main before anything else uses the clock. Never fails: without a usable PIT
   it falls back to CPUID's leaves 15h/16h, then to 1 GHz, with a warning. */
void tsc_init(void);

/* Ticks per second (> 0 once tsc_init ran). */
uint64_t tsc_frequency(void);

/* Ticks since tsc_init. Monotonic. */
uint64_t tsc_ticks(void);

/* Spins with PAUSE until tsc_ticks() >= deadline; returns at once if it already is. */
void tsc_wait_until(uint64_t deadline);

#endif
