/*
 * The SYSCALL entry point (MSR_LSTAR).
 *
 * SYSCALL leaves RSP pointing at the user's stack, RCX = the user's RIP, R11 = its RFLAGS,
 * and (FMASK) IF, DF, TF and AC cleared. We switch GS and the stack, build the same
 * struct trap_frame an exception builds, and call syscall_dispatch(frame). It returns 0
 * when the frame still describes a plain return (leave by SYSRET, which restores RIP from
 * RCX and RFLAGS from R11), or 1 when it rewrote the frame (NtContinue): then every
 * register must be restored and we leave by IRETQ through trap_return.
 *
 * SYSRET to a non-canonical RIP faults in ring 0 on Intel CPUs, so the fast path is taken
 * only for a user-half RIP.
 */
#include "cpu_local.h"
#include "segments.h"
#include "trap_frame.inc"

#define SYSCALL_VECTOR 0x100    /* a trap_frame vector no CPU exception uses */
#define FRAME_RIP (17 * 8)      /* offsets in struct trap_frame */
#define FRAME_RFLAGS (19 * 8)
#define FRAME_RSP (20 * 8)

    .text
    .global syscall_entry
    .type syscall_entry, @function
syscall_entry:
    swapgs
    mov %rsp, %gs:CPU_LOCAL_USER_RSP
    mov %gs:CPU_LOCAL_KERNEL_RSP, %rsp
    pushq $(GDT_USER_DATA | SEL_RPL3)
    pushq %gs:CPU_LOCAL_USER_RSP
    pushq %r11
    pushq $(GDT_USER_CODE | SEL_RPL3)
    pushq %rcx
    pushq $0
    pushq $SYSCALL_VECTOR
    PUSH_TRAP_REGS
    cld
    mov %rsp, %rdi
    pushq FRAME_RIP(%rsp)               /* a frame link: backtraces reach user RIP */
    pushq %rbp
    mov %rsp, %rbp
    call syscall_dispatch
    add $16, %rsp
    test %eax, %eax
    jnz trap_return
    mov FRAME_RIP(%rsp), %rcx
    shr $47, %rcx
    jnz trap_return                     /* not a user-half address: let IRETQ fault */

    POP_TRAP_REGS
    /* Now at vector; RIP, RFLAGS and RSP follow. */
    mov 16(%rsp), %rcx
    mov 32(%rsp), %r11
    mov 40(%rsp), %rsp
    swapgs
    sysretq
    .size syscall_entry, . - syscall_entry

    .section .note.GNU-stack, "", @progbits
