/*
 * Exceptions raised in ring 3: CPU faults in user code, and NtRaiseException.
 *
 * The kernel hands each one to the process's user-mode dispatcher as Windows does: it
 * writes an EXCEPTION_RECORD and the interrupted CONTEXT on the user stack and resumes
 * ring 3 at the dispatcher (the layout is described in syscall_numbers.h). Without a
 * dispatcher, or when the stack cannot take the record, the process ends with a report
 * and the exception code as its exit status.
 */
#ifndef RESERVOIR_USER_EXCEPTION_H
#define RESERVOIR_USER_EXCEPTION_H

#include "arch/x86_64/trap.h"
#include "nt_context.h"
#include "ntstatus.h"

/* The NT exception code for a ring-3 trap (no page-fault verdict involved). */
ntstatus_t user_exception_code(const struct trap_frame *frame);

/*
 * Handles a trap from ring 3. fault_status is the address space's verdict on a page
 * fault (STATUS_ACCESS_VIOLATION, STATUS_GUARD_PAGE_VIOLATION, ...), or 0 to derive the
 * code from the vector. Returns with frame rewritten to enter the dispatcher; when there
 * is none, ends the process (does not return).
 */
void user_exception(struct trap_frame *frame, ntstatus_t fault_status);

/*
 * Delivers record with the register state context (already validated) to the
 * dispatcher, rewriting frame to enter it. Ends the process when that is impossible.
 */
void user_exception_deliver(struct trap_frame *frame, const struct nt_exception_record *record,
                            const struct nt_context *context);

/*
 * Captures frame (and the live SSE state) into *context, as CONTEXT_FULL |
 * NT_CONTEXT_SEGMENTS | NT_CONTEXT_FLOATING_POINT.
 */
void context_from_frame(const struct trap_frame *frame, struct nt_context *context);

/*
 * Validates a CONTEXT that came from user space (the kernel's copy of it) and loads it
 * into frame and the SSE registers: selectors forced to ring 3, only user-settable
 * RFLAGS kept, MXCSR reserved bits cleared (as Windows sanitizes them; in *context
 * itself, which is why it is not const). Returns STATUS_SUCCESS, or
 * STATUS_INVALID_PARAMETER (nothing changed) when RIP or RSP is not a canonical user
 * address.
 */
ntstatus_t context_to_frame(struct nt_context *context, struct trap_frame *frame);

#endif
