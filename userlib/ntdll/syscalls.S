/*
 * The system-call stubs: userlib's ntdll. Each is an ordinary System V function whose
 * arguments are already where the kernel wants them (RDI, RSI, RDX, R8, R9) except the
 * fourth, which SYSCALL's use of RCX moves to R10. The NTSTATUS comes back in EAX.
 * SYSCALL clobbers RCX and R11, both caller-saved in the System V ABI, so nothing else
 * needs saving. The contract: kernel/syscall/syscall_numbers.h.
 *
 * Prototypes: <winternl.h> for the Nt* calls, ntdll.h for __sys_console_write.
 */
#include "syscall_list.h"

#define SYSCALL_STUB(name, number, kernel_name)  \
    .section .text.name, "ax", @progbits;        \
    .globl name;                                 \
    .type name, @function;                       \
    .p2align 4;                                  \
name:                                            \
    .cfi_startproc;                              \
    movl $number, %eax;                          \
    movq %rcx, %r10;                             \
    syscall;                                     \
    ret;                                         \
    .cfi_endproc;                                \
    .size name, . - name;

RESERVOIR_SYSCALLS(SYSCALL_STUB)

    .section .note.GNU-stack, "", @progbits
