/*
 * Exception system calls: NtContinue, NtRaiseException and Reservoir's
 * SetExceptionDispatcher (syscall_numbers.h describes the delivery protocol). NtContinue
 * and a delivered NtRaiseException replace the whole register state, so they
 * leave by IRETQ (syscall_return_full).
 */
#ifndef RESERVOIR_SYS_EXCEPTION_H
#define RESERVOIR_SYS_EXCEPTION_H

#include "arch/x86_64/trap.h"
#include "ntstatus.h"

/* (void *dispatcher): STATUS_SUCCESS, or STATUS_INVALID_PARAMETER for a non-user address. */
ntstatus_t sys_set_exception_dispatcher(struct trap_frame *frame);

/* (CONTEXT *, BOOLEAN TestAlert): returns into the context; STATUS_ACCESS_VIOLATION for
   an unreadable CONTEXT, STATUS_INVALID_PARAMETER for one that fails validation. */
ntstatus_t sys_continue(struct trap_frame *frame);

/* (EXCEPTION_RECORD *, CONTEXT *, BOOLEAN FirstChance): delivers the exception to the
   dispatcher, or ends the process for a second chance; STATUS_ACCESS_VIOLATION or
   STATUS_INVALID_PARAMETER for bad arguments. */
ntstatus_t sys_raise_exception(struct trap_frame *frame);

#endif
