/*
 * Running code in ring 3 and coming back.
 *
 * usermode_init() turns on what user mode needs: SYSCALL/SYSRET (EFER.SCE and the STAR,
 * LSTAR and FMASK MSRs), SMEP and SMAP when the CPU has them, the per-CPU area at GS and
 * the kernel stack that entries from ring 3 land on (TSS.RSP0 and the SYSCALL path).
 *
 * user_enter() drops to ring 3 with a given register state and returns only when the
 * kernel, on behalf of that user code, calls user_exit(value) (process exit, or an
 * exception nobody handles). There are no threads yet: one user context at a time runs
 * on top of the kernel's own call stack.
 *
 * Interrupts stay off in user mode for now (RFLAGS.IF = 0): nothing drives them yet, and
 * ring 3 cannot change IF.
 */
#ifndef RESERVOIR_ARCH_USERMODE_H
#define RESERVOIR_ARCH_USERMODE_H

#include <stdint.h>

#include "trap.h"

void usermode_init(void);

int cpu_has_smep(void);
int cpu_has_smap(void);

/*
 * Enters ring 3 at rip with the stack at rsp, GS base gs_base (the TEB) and RDI, RSI, RDX
 * set to arg0, arg1, arg2; every other register starts at zero. Returns the value given
 * to user_exit().
 */
uint64_t user_run(uint64_t rip, uint64_t rsp, uint64_t gs_base, uint64_t arg0, uint64_t arg1,
                  uint64_t arg2);

/* Abandons the current entry from ring 3 and returns value from user_run(). */
__attribute__((noreturn)) void user_exit(uint64_t value);

/* The raw switch: frame->cs/ss must be user selectors. In user_enter.S. */
uint64_t user_enter(const struct trap_frame *frame);

#endif
