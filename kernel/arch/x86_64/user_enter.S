/*
 * user_enter / user_exit (usermode.h).
 *
 * user_enter saves the kernel's callee-saved registers and its stack pointer in the
 * per-CPU area, then makes the given trap frame its stack and leaves through trap_return,
 * the same exit every trap takes: pop the registers, SWAPGS (the frame's CS is ring 3),
 * IRETQ. user_exit, called later in kernel mode from a system call or a trap, goes back
 * to that saved stack pointer and returns from user_enter with its argument.
 */
#include "cpu_local.h"

    .text
    .global user_enter
    .type user_enter, @function
user_enter:
    push %rbp
    mov %rsp, %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, %gs:CPU_LOCAL_RESUME_RSP
    mov %rdi, %rsp
    jmp trap_return
    .size user_enter, . - user_enter

    .global user_exit
    .type user_exit, @function
user_exit:
    mov %rdi, %rax
    mov %gs:CPU_LOCAL_RESUME_RSP, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret
    .size user_exit, . - user_exit

    .section .note.GNU-stack, "", @progbits
