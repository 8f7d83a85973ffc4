/*
 * Exception entry stubs. Each pushes a uniform frame (struct trap_frame in trap.h): a zero
 * error code for vectors where the CPU pushes none, then the vector number, then every
 * general-purpose register, and calls trap_dispatch(frame).
 *
 * SWAPGS runs when the trap came from ring 3 (CS.RPL != 0), so the kernel always finds
 * its own GS base; the return path swaps back symmetrically.
 */
#include "segments.h"
#include "trap_frame.inc"

    .text
    .altmacro

.macro STUB vector
    .balign 16
isr_stub_\vector:
/* Vectors 8, 10-14, 17, 21, 29 and 30 come with an error code from the CPU. */
.if !(((\vector) == 8) || ((\vector) >= 10 && (\vector) <= 14) || ((\vector) == 17) || ((\vector) == 21) || ((\vector) == 29) || ((\vector) == 30))
    pushq $0
.endif
    pushq $\vector
    jmp trap_common
.endm

.set i, 0
.rept 32
    STUB %i
    .set i, i + 1
.endr

    .balign 16
    .type trap_common, @function
trap_common:
    /* CS sits at +24 past vector and error code: 8 (vector) + 8 (error) + 8 (rip). */
    testb $3, 24(%rsp)
    jz 1f
    swapgs
1:
    PUSH_TRAP_REGS
    cld
    mov %rsp, %rdi
    /* A frame link so backtraces continue into the interrupted code. */
    mov 17*8(%rsp), %rax                /* interrupted RIP */
    push %rax
    push %rbp
    mov %rsp, %rbp
    call trap_dispatch
    add $16, %rsp

    .global trap_return
trap_return:
    POP_TRAP_REGS
    testb $3, 24(%rsp)
    jz 2f
    swapgs
2:
    add $16, %rsp                       /* vector and error code */
    iretq
    .size trap_common, . - trap_common

/* The stub addresses, for idt.c. */
.macro STUB_ADDR vector
    .quad isr_stub_\vector
.endm
    .section .rodata
    .balign 8
    .global isr_stubs
isr_stubs:
.set i, 0
.rept 32
    STUB_ADDR %i
    .set i, i + 1
.endr

    .section .note.GNU-stack, "", @progbits
