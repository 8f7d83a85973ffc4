/*
 * Per-CPU data, reached through GS in kernel mode. SWAPGS on every entry from and exit to
 * ring 3 keeps the user's GS base (its TEB) and the kernel's apart: in kernel mode
 * MSR_GS_BASE points here and MSR_KERNEL_GS_BASE holds the user's value.
 *
 * The offsets are fixed because assembly (syscall_entry.S, usermode.S) uses them.
 */
#ifndef RESERVOIR_ARCH_CPU_LOCAL_H
#define RESERVOIR_ARCH_CPU_LOCAL_H

#define CPU_LOCAL_KERNEL_RSP  0     /* top of the kernel stack for entries from ring 3 */
#define CPU_LOCAL_USER_RSP    8     /* the user's RSP while SYSCALL builds its frame */
#define CPU_LOCAL_RESUME_RSP  16    /* where user_exit returns to (user_enter's frame) */

#ifndef __ASSEMBLER__
#include <stdint.h>

struct cpu_local {
    uint64_t kernel_rsp;
    uint64_t user_rsp;
    uint64_t resume_rsp;
};

_Static_assert(__builtin_offsetof(struct cpu_local, kernel_rsp) == CPU_LOCAL_KERNEL_RSP, "");
_Static_assert(__builtin_offsetof(struct cpu_local, user_rsp) == CPU_LOCAL_USER_RSP, "");
_Static_assert(__builtin_offsetof(struct cpu_local, resume_rsp) == CPU_LOCAL_RESUME_RSP, "");

extern struct cpu_local boot_cpu;
#endif

#endif
