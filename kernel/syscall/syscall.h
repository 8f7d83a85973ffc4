/*
 * The system-call dispatcher. syscall_entry.S builds a struct trap_frame and calls
 * syscall_dispatch(), which looks the number (RAX) up in the table, runs the handler with
 * the arguments from RDI, RSI, RDX, R10, R8 and R9 and puts its NTSTATUS in RAX.
 * An unknown number gets STATUS_INVALID_SYSTEM_SERVICE, as on NT.
 */
#ifndef RESERVOIR_SYSCALL_H
#define RESERVOIR_SYSCALL_H

#include "arch/x86_64/trap.h"


/*
 * Returns 0 to leave by SYSRET, or 1 when a handler replaced the whole register state
 * (NtContinue) and every register must be restored (IRETQ).
 */
int syscall_dispatch(struct trap_frame *frame);

/* For handlers that replaced the whole register state: leave by IRETQ, restoring all. */
void syscall_request_full_restore(void);

#endif
