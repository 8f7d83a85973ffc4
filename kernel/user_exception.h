/*
 * What happens when code in ring 3 raises a CPU exception: the vector becomes an NT
 * exception code (STATUS_ACCESS_VIOLATION, STATUS_BREAKPOINT, ...). Until exceptions are
 * delivered to a handler in user space, every one is unhandled: the kernel prints a
 * report and the user context ends with the code as its exit status.
 */
#ifndef RESERVOIR_USER_EXCEPTION_H
#define RESERVOIR_USER_EXCEPTION_H

#include "arch/x86_64/trap.h"
#include "ntstatus.h"

#define STATUS_DATATYPE_MISALIGNMENT    ((ntstatus_t)0x80000002)   /* move to ntstatus.h */
#define STATUS_BREAKPOINT               ((ntstatus_t)0x80000003)
#define STATUS_SINGLE_STEP              ((ntstatus_t)0x80000004)
#define STATUS_ILLEGAL_INSTRUCTION      ((ntstatus_t)0xC000001D)
#define STATUS_INTEGER_DIVIDE_BY_ZERO   ((ntstatus_t)0xC0000094)
#define STATUS_INTEGER_OVERFLOW         ((ntstatus_t)0xC0000095)
#define STATUS_PRIVILEGED_INSTRUCTION   ((ntstatus_t)0xC0000096)
#define STATUS_FLOAT_MULTIPLE_TRAPS     ((ntstatus_t)0xC00002B5)
#define STATUS_ARRAY_BOUNDS_EXCEEDED    ((ntstatus_t)0xC000008C)

/* The NT exception code for a ring-3 trap (pure: host-testable). */
ntstatus_t user_exception_code(const struct trap_frame *frame);

/* Handles a trap from ring 3. Does not return. */
__attribute__((noreturn)) void user_exception(struct trap_frame *frame);

#endif
