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


/* The NT exception code for a ring-3 trap (pure: host-testable). */
ntstatus_t user_exception_code(const struct trap_frame *frame);

/*
 * Handles a trap from ring 3. fault_status is the address space's verdict on a page
 * fault (STATUS_ACCESS_VIOLATION, STATUS_GUARD_PAGE_VIOLATION, ...), or 0 to derive the
 * code from the vector. Does not return.
 */
__attribute__((noreturn)) void user_exception(struct trap_frame *frame, ntstatus_t fault_status);

#endif
