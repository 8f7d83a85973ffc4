/*
 * The one place the kernel reads or writes user memory (usercopy.h).
 *
 * usercopy_raw(dst, src, n) copies 8 bytes at a time, then the tail, and returns 0. It
 * uses no stack, so when one of its accesses faults the trap handler can simply resume
 * at usercopy_fault, which returns STATUS_ACCESS_VIOLATION to the caller.
 */
    .text
    .global usercopy_raw, usercopy_fault
    .type usercopy_raw, @function
usercopy_raw:
    mov %rdx, %rcx
    shr $3, %rcx
    jz 2f
1:  mov (%rsi), %rax
    mov %rax, (%rdi)
    add $8, %rsi
    add $8, %rdi
    dec %rcx
    jnz 1b
2:  and $7, %edx
    jz 4f
3:  movb (%rsi), %al
    movb %al, (%rdi)
    inc %rsi
    inc %rdi
    dec %edx
    jnz 3b
4:  xor %eax, %eax
    ret
usercopy_fault:
    mov $0xC0000005, %eax               /* STATUS_ACCESS_VIOLATION */
    ret
    .size usercopy_raw, . - usercopy_raw

    .section .note.GNU-stack, "", @progbits
