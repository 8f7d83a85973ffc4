/*
 * The SYSCALL entry point (MSR_LSTAR) and the two ways back to ring 3.
 *
 * SYSCALL leaves RSP pointing at the user's stack, RCX = the user's RIP, R11 = its RFLAGS,
 * and (FMASK) IF, DF, TF and AC cleared, so the kernel runs with interrupts off, string
 * operations forward and SMAP closed. We switch GS and the stack and lay out the same
 * struct trap_frame an exception builds, then call the handler syscall_table[RAX] with
 * the frame (syscall.c; an unknown number gets sys_invalid_service).
 *
 * The fast path saves only what the calling convention (syscall_numbers.h) needs the
 * kernel to save: the hardware part (RIP, RFLAGS, RSP, selectors), RAX (the number) and
 * the argument registers RDI, RSI, RDX, R10, R8, R9, which the C handlers read from the
 * frame and may clobber. RBX, RBP and R12-R15 are callee-saved in the C ABI, so the
 * handler hands them back untouched and their frame slots are not written; RCX and R11
 * are SYSCALL's own. The plain return reloads the argument registers and RIP, RFLAGS,
 * RSP from the frame, puts the NTSTATUS in RAX (zero-extended) and leaves by SYSRET. So
 * a handler must not change the frame and return: one that replaces the register state
 * (NtContinue, NtRaiseException) writes every register of the frame and leaves through
 * syscall_return_full, which restores all of them by IRETQ (trap_return).
 *
 * SYSRET to a non-canonical RIP faults in ring 0 on Intel CPUs, so SYSRET is used only
 * for a user-half RIP; any other leaves by IRETQ, which faults in ring 3. That path
 * first completes the frame with the callee-saved registers, which still hold the
 * user's values.
 */
#include "cpu_local.h"
#include "segments.h"
#include "trap_frame.inc"

#define SYSCALL_VECTOR 0x100    /* a trap_frame vector no CPU exception uses */

/* Offsets in struct trap_frame (trap.h; checked in syscall.c). */
#define FRAME_R15 (0 * 8)
#define FRAME_R14 (1 * 8)
#define FRAME_R13 (2 * 8)
#define FRAME_R12 (3 * 8)
#define FRAME_R11 (4 * 8)
#define FRAME_R10 (5 * 8)
#define FRAME_R9 (6 * 8)
#define FRAME_R8 (7 * 8)
#define FRAME_RBP (8 * 8)
#define FRAME_RDI (9 * 8)
#define FRAME_RSI (10 * 8)
#define FRAME_RDX (11 * 8)
#define FRAME_RCX (12 * 8)
#define FRAME_RBX (13 * 8)
#define FRAME_RAX (14 * 8)
#define FRAME_RIP (17 * 8)
#define FRAME_RFLAGS (19 * 8)
#define FRAME_RSP (20 * 8)
#define FRAME_GPRS (15 * 8)     /* R15 .. RAX */

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
    sub $FRAME_GPRS, %rsp
    mov %rax, FRAME_RAX(%rsp)
    mov %rdi, FRAME_RDI(%rsp)
    mov %rsi, FRAME_RSI(%rsp)
    mov %rdx, FRAME_RDX(%rsp)
    mov %r10, FRAME_R10(%rsp)
    mov %r8, FRAME_R8(%rsp)
    mov %r9, FRAME_R9(%rsp)

    mov %rsp, %rdi                      /* the handler's argument: the frame */
    pushq %rcx                          /* a frame link: backtraces reach user RIP */
    pushq %rbp
    mov %rsp, %rbp
    cmp syscall_count, %rax
    jae 1f
    mov syscall_table(, %rax, 8), %rax
    test %rax, %rax
    jnz 2f
1:  lea sys_invalid_service(%rip), %rax
2:  call *%rax
    pop %rbp                            /* the user's, which the link saved */
    add $8, %rsp
    mov %eax, %eax                      /* the NTSTATUS, zero-extended */

    mov FRAME_RIP(%rsp), %rcx
    mov %rcx, %r11
    shr $47, %r11
    jnz 3f                              /* not a user-half address: let IRETQ fault */
    mov FRAME_RFLAGS(%rsp), %r11
    mov FRAME_RDI(%rsp), %rdi
    mov FRAME_RSI(%rsp), %rsi
    mov FRAME_RDX(%rsp), %rdx
    mov FRAME_R10(%rsp), %r10
    mov FRAME_R8(%rsp), %r8
    mov FRAME_R9(%rsp), %r9
    mov FRAME_RSP(%rsp), %rsp
    swapgs
    sysretq

3:  /* The IRETQ way: every register from the frame, so complete it first. */
    mov %rax, FRAME_RAX(%rsp)
    mov %rbx, FRAME_RBX(%rsp)
    mov %rbp, FRAME_RBP(%rsp)
    mov %r12, FRAME_R12(%rsp)
    mov %r13, FRAME_R13(%rsp)
    mov %r14, FRAME_R14(%rsp)
    mov %r15, FRAME_R15(%rsp)
    mov %rcx, FRAME_RCX(%rsp)           /* as SYSRET would leave RCX and R11 */
    mov FRAME_RFLAGS(%rsp), %r11
    mov %r11, FRAME_R11(%rsp)
    jmp trap_return
    .size syscall_entry, . - syscall_entry

/*
 * void syscall_return_full(struct trap_frame *frame): for a handler that has written
 * every register of its system call's frame. Drops the kernel stack above the frame and
 * leaves through trap_return: all registers from the frame, SWAPGS, IRETQ.
 */
    .global syscall_return_full
    .type syscall_return_full, @function
syscall_return_full:
    mov %rdi, %rsp
    jmp trap_return
    .size syscall_return_full, . - syscall_return_full

    .section .note.GNU-stack, "", @progbits
