/*
 * NtQueryPerformanceCounter and NtDelayExecution (sys_time.h).
 *
 * A wait spins on the TSC with PAUSE rather than halting until a timer interrupt: with
 * one process and no scheduler there is nothing else to run, and the kernel takes no
 * device interrupts yet. The cost is a host CPU kept busy for the length of the sleep
 * (under TCG); the gain is a wait whose end is exact to a few ticks and that cannot be
 * lost to a missed interrupt. A wait the TSC cannot express (more ticks than 64 bits
 * hold, centuries) is a wait forever, as INT64_MIN asks for explicitly.
 */
#include "sys_time.h"

#include <stdint.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/tsc.h"
#include "arch/x86_64/usercopy.h"
#include "lib/muldiv.h"

#define HUNDRED_NS_PER_SECOND 10000000ull
#define DELAY_FOREVER INT64_MIN

/* (PLARGE_INTEGER PerformanceCounter, PLARGE_INTEGER PerformanceFrequency optional) */
ntstatus_t sys_query_performance_counter(struct trap_frame *f)
{
    int64_t counter = (int64_t)tsc_ticks();
    int64_t frequency = (int64_t)tsc_frequency();
    ntstatus_t st = copy_to_user(f->rdi, &counter, sizeof(counter));
    if (nt_success(st) && f->rsi)
        st = copy_to_user(f->rsi, &frequency, sizeof(frequency));
    return st;
}

__attribute__((noreturn)) static void wait_forever(void)
{
    /* Interrupts are off: HLT stops the CPU for good, which is what was asked. */
    for (;;)
        halt();
}

/* (BOOLEAN Alertable, PLARGE_INTEGER DelayInterval) */
ntstatus_t sys_delay_execution(struct trap_frame *f)
{
    int64_t interval;
    ntstatus_t st = copy_from_user(&interval, f->rsi, sizeof(interval));
    if (!nt_success(st))
        return st;
    if (interval == 0)
        return STATUS_NO_YIELD_PERFORMED;
    if (interval == DELAY_FOREVER)
        wait_forever();
    if (interval > 0)
        return STATUS_NOT_SUPPORTED;

    /* Rounded up: a sleep never ends before the time asked for. */
    uint64_t ticks, now = tsc_ticks();
    if (muldiv_u64((uint64_t)-interval, tsc_frequency(), HUNDRED_NS_PER_SECOND, MULDIV_UP,
                   &ticks) < 0 || ticks > UINT64_MAX - now)
        wait_forever();
    tsc_wait_until(now + ticks);
    return STATUS_SUCCESS;
}
