/*
 * The clock system calls (sys_time.c), on the calibrated TSC (arch/x86_64/tsc.h).
 *
 * NtQueryPerformanceCounter(Counter, Frequency optional): the ticks since boot and the
 * ticks per second. STATUS_SUCCESS; STATUS_ACCESS_VIOLATION when Counter, or a
 * non-NULL Frequency, is not writable user memory (the counter may have been written).
 *
 * NtDelayExecution(Alertable, DelayInterval): waits. *DelayInterval < 0 is a relative
 * wait in 100 ns units; 0 yields and returns STATUS_NO_YIELD_PERFORMED (no other
 * thread exists); INT64_MIN waits forever (Sleep(INFINITE)); > 0 is an absolute system
 * time, which Reservoir cannot wait for without a wall clock: STATUS_NOT_SUPPORTED.
 * STATUS_SUCCESS after a wait; STATUS_ACCESS_VIOLATION for an unreadable DelayInterval.
 * Alertable changes nothing: there are no APCs to deliver.
 *
 * Both run with interrupts off, like every system call; no lock.
 */
#ifndef RESERVOIR_SYS_TIME_H
#define RESERVOIR_SYS_TIME_H

#include "arch/x86_64/trap.h"
#include "ntstatus.h"

ntstatus_t sys_query_performance_counter(struct trap_frame *frame);
ntstatus_t sys_delay_execution(struct trap_frame *frame);

#endif
