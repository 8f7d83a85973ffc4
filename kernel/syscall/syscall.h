/*
 * The system-call table. syscall_entry.S saves what the calling convention needs in a
 * struct trap_frame and calls syscall_table[RAX](frame); the handler reads its arguments
 * from the frame's RDI, RSI, RDX, R10, R8 and R9 and returns the NTSTATUS that goes back
 * in EAX. An unknown number gets STATUS_INVALID_SYSTEM_SERVICE, as on NT.
 *
 * Only RAX, the argument registers and the hardware part (RIP, RFLAGS, RSP, CS, SS) of
 * the frame are saved on entry, and a plain return reloads only those: a handler must
 * not change the frame and return. A handler that replaces the whole register state
 * writes all of it into the frame and leaves by syscall_return_full.
 */
#ifndef RESERVOIR_SYSCALL_H
#define RESERVOIR_SYSCALL_H

#include <stdint.h>

#include "arch/x86_64/trap.h"
#include "ntstatus.h"
#include "syscall_numbers.h"

typedef ntstatus_t (*syscall_handler)(struct trap_frame *frame);

/* Indexed by number; syscall_count = SYSCALL_COUNT, for the assembly. */
extern const syscall_handler syscall_table[SYSCALL_COUNT];
extern const uint64_t syscall_count;

/* The handler for numbers without one: STATUS_INVALID_SYSTEM_SERVICE. */
ntstatus_t sys_invalid_service(struct trap_frame *frame);

/*
 * For a handler that has written every register of frame, its system call's own frame:
 * returns to ring 3 with all of them (IRETQ), abandoning the kernel stack above the
 * frame. No lock may be held.
 */
__attribute__((noreturn)) void syscall_return_full(struct trap_frame *frame);

#endif
