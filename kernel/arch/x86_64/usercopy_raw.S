/*
 * The one place the kernel reads or writes user memory (usercopy.h).
 *
 * usercopy_raw(dst, src, n) copies 32 bytes at a time, then 8, then the tail, and
 * returns 0 (under TCG the loop's bookkeeping costs as much as its loads and stores, so
 * a CONTEXT, 1232 bytes, goes in 38 rounds rather than 154). It uses no stack, so when
 * one of its accesses faults the trap handler can simply resume at usercopy_fault, which
 * returns STATUS_ACCESS_VIOLATION to the caller.
 */
    .text
    .global usercopy_raw, usercopy_fault
    .type usercopy_raw, @function
usercopy_raw:
    mov %rdx, %rcx
    shr $5, %rcx
    jz 2f
1:  mov (%rsi), %rax
    mov 8(%rsi), %r8
    mov 16(%rsi), %r9
    mov 24(%rsi), %r10
    mov %rax, (%rdi)
    mov %r8, 8(%rdi)
    mov %r9, 16(%rdi)
    mov %r10, 24(%rdi)
    add $32, %rsi
    add $32, %rdi
    dec %rcx
    jnz 1b
2:  mov %rdx, %rcx
    and $31, %rcx
    shr $3, %rcx
    jz 4f
3:  mov (%rsi), %rax
    mov %rax, (%rdi)
    add $8, %rsi
    add $8, %rdi
    dec %rcx
    jnz 3b
4:  and $7, %edx
    jz 6f
5:  movb (%rsi), %al
    movb %al, (%rdi)
    inc %rsi
    inc %rdi
    dec %edx
    jnz 5b
6:  xor %eax, %eax
    ret
usercopy_fault:
    mov $0xC0000005, %eax               /* STATUS_ACCESS_VIOLATION */
    ret
    .size usercopy_raw, . - usercopy_raw

    .section .note.GNU-stack, "", @progbits
