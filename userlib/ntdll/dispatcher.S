/*
 * The assembly half of user-mode exception handling (the C half, with the vectored
 * handler list and the unhandled-exception filter, is kernel32/exception.c).
 *
 * KiUserExceptionDispatcher: where the kernel resumes a thread that raised an exception
 *   (crt0 registers it with __sys_set_exception_dispatcher before main). The contract,
 *   from kernel/syscall/syscall_numbers.h: RDI = &EXCEPTION_RECORD, RSI = &CONTEXT, both
 *   on the user stack below the interrupted RSP and its red zone; RSP is 16-byte aligned
 *   minus 8, as after a call, over a zero return address; every other register is as the
 *   interrupted code left it. So DF may be set (a fault inside a backward string copy):
 *   the System V ABI wants it clear at every call, hence the cld. The C dispatcher never
 *   returns: it resumes with NtContinue or ends the process.
 *
 * RtlCaptureContext: Windows' call of that name, for programs and tests that resume a
 *   saved context later (the same capture as below, for the caller's own frame).
 *
 * RaiseException and __raise_record: capture the caller's registers into a CONTEXT on
 *   the stack, as if the call had just returned (RIP = the return address, RSP = the
 *   caller's RSP after the return, every other register as at the call), and hand it to
 *   C, which builds the EXCEPTION_RECORD and calls NtRaiseException. The kernel delivers
 *   the exception from that context, so a handler that continues it makes the call
 *   return to its caller. This is Windows' RtlCaptureContext plus the one-frame unwind
 *   RtlRaiseException does, written directly.
 */

/* CONTEXT offsets (Microsoft Learn, "CONTEXT structure"; asserted in exception.c). */
#define CONTEXT_SIZE        0x4d0
#define CX_CONTEXT_FLAGS    0x30
#define CX_MXCSR            0x34
#define CX_SEG_CS           0x38
#define CX_SEG_DS           0x3a
#define CX_SEG_ES           0x3c
#define CX_SEG_FS           0x3e
#define CX_SEG_GS           0x40
#define CX_SEG_SS           0x42
#define CX_EFLAGS           0x44
#define CX_RAX              0x78
#define CX_RCX              0x80
#define CX_RDX              0x88
#define CX_RBX              0x90
#define CX_RSP              0x98
#define CX_RBP              0xa0
#define CX_RSI              0xa8
#define CX_RDI              0xb0
#define CX_R8               0xb8
#define CX_R9               0xc0
#define CX_R10              0xc8
#define CX_R11              0xd0
#define CX_R12              0xd8
#define CX_R13              0xe0
#define CX_R14              0xe8
#define CX_R15              0xf0
#define CX_RIP              0xf8
#define CX_FLT_SAVE         0x100

/* CONTEXT_CONTROL | CONTEXT_INTEGER | CONTEXT_SEGMENTS | CONTEXT_FLOATING_POINT */
#define CAPTURED_FLAGS      0x0010000f

/*
 * Sets up a frame (RBP chain kept, for backtraces) and fills a 16-byte aligned CONTEXT
 * at (%rsp) with the caller's state. Arguments in RDI, RSI, RDX, RCX, R8 are still in
 * their registers afterwards; RAX is clobbered. The C side zeroes the fields this does
 * not write (home slots, debug registers, vector state).
 */
.macro CAPTURE_CALLER_CONTEXT
    pushq %rbp
    .cfi_adjust_cfa_offset 8
    .cfi_rel_offset rbp, 0
    movq %rsp, %rbp
    .cfi_def_cfa_register rbp
    subq $CONTEXT_SIZE, %rsp
    andq $-16, %rsp
    movq %rax, CX_RAX(%rsp)
    movq %rcx, CX_RCX(%rsp)
    movq %rdx, CX_RDX(%rsp)
    movq %rbx, CX_RBX(%rsp)
    movq %rsi, CX_RSI(%rsp)
    movq %rdi, CX_RDI(%rsp)
    movq %r8, CX_R8(%rsp)
    movq %r9, CX_R9(%rsp)
    movq %r10, CX_R10(%rsp)
    movq %r11, CX_R11(%rsp)
    movq %r12, CX_R12(%rsp)
    movq %r13, CX_R13(%rsp)
    movq %r14, CX_R14(%rsp)
    movq %r15, CX_R15(%rsp)
    movq (%rbp), %rax               /* the caller's RBP, which the push saved */
    movq %rax, CX_RBP(%rsp)
    leaq 16(%rbp), %rax             /* the caller's RSP once the call has returned */
    movq %rax, CX_RSP(%rsp)
    movq 8(%rbp), %rax              /* the return address */
    movq %rax, CX_RIP(%rsp)
    pushfq
    popq %rax
    movl %eax, CX_EFLAGS(%rsp)
    movw %cs, CX_SEG_CS(%rsp)
    movw %ds, CX_SEG_DS(%rsp)
    movw %es, CX_SEG_ES(%rsp)
    movw %fs, CX_SEG_FS(%rsp)
    movw %gs, CX_SEG_GS(%rsp)
    movw %ss, CX_SEG_SS(%rsp)
    fxsave64 CX_FLT_SAVE(%rsp)      /* x87, MXCSR and XMM0-15: the FltSave image */
    stmxcsr CX_MXCSR(%rsp)
    movl $CAPTURED_FLAGS, CX_CONTEXT_FLAGS(%rsp)
.endm

/* void KiUserExceptionDispatcher(EXCEPTION_RECORD *record, CONTEXT *context) */
    .section .text.KiUserExceptionDispatcher, "ax", @progbits
    .globl KiUserExceptionDispatcher
    .type KiUserExceptionDispatcher, @function
    .p2align 4
KiUserExceptionDispatcher:
    .cfi_startproc
    .cfi_undefined rip              /* the interrupted code's state is in the CONTEXT */
    cld
    subq $8, %rsp                   /* 16-byte aligned for the call */
    call __dispatch_exception       /* RDI, RSI already the record and the context */
    ud2                             /* does not return */
    .cfi_endproc
    .size KiUserExceptionDispatcher, . - KiUserExceptionDispatcher

/* void RtlCaptureContext(CONTEXT *context): the caller's state as the call returns. A
   leaf: nothing is pushed, so (%rsp) is the return address and 8(%rsp) the caller's RSP
   after the return. Every register keeps its value. */
    .section .text.RtlCaptureContext, "ax", @progbits
    .globl RtlCaptureContext
    .type RtlCaptureContext, @function
    .p2align 4
RtlCaptureContext:
    .cfi_startproc
    movq %rax, CX_RAX(%rdi)
    movq %rcx, CX_RCX(%rdi)
    movq %rdx, CX_RDX(%rdi)
    movq %rbx, CX_RBX(%rdi)
    movq %rbp, CX_RBP(%rdi)
    movq %rsi, CX_RSI(%rdi)
    movq %rdi, CX_RDI(%rdi)
    movq %r8, CX_R8(%rdi)
    movq %r9, CX_R9(%rdi)
    movq %r10, CX_R10(%rdi)
    movq %r11, CX_R11(%rdi)
    movq %r12, CX_R12(%rdi)
    movq %r13, CX_R13(%rdi)
    movq %r14, CX_R14(%rdi)
    movq %r15, CX_R15(%rdi)
    leaq 8(%rsp), %rax              /* the caller's RSP once the call has returned */
    movq %rax, CX_RSP(%rdi)
    movq (%rsp), %rax               /* the return address */
    movq %rax, CX_RIP(%rdi)
    pushfq
    popq %rax
    movl %eax, CX_EFLAGS(%rdi)
    movw %cs, CX_SEG_CS(%rdi)
    movw %ds, CX_SEG_DS(%rdi)
    movw %es, CX_SEG_ES(%rdi)
    movw %fs, CX_SEG_FS(%rdi)
    movw %gs, CX_SEG_GS(%rdi)
    movw %ss, CX_SEG_SS(%rdi)
    fxsave64 CX_FLT_SAVE(%rdi)
    stmxcsr CX_MXCSR(%rdi)
    movl $CAPTURED_FLAGS, CX_CONTEXT_FLAGS(%rdi)
    movq CX_RAX(%rdi), %rax
    ret
    .cfi_endproc
    .size RtlCaptureContext, . - RtlCaptureContext

/* void RaiseException(DWORD code, DWORD flags, DWORD nargs, const ULONG_PTR *args) */
    .section .text.RaiseException, "ax", @progbits
    .globl RaiseException
    .type RaiseException, @function
    .p2align 4
RaiseException:
    .cfi_startproc
    CAPTURE_CALLER_CONTEXT
    movq %rsp, %r8                  /* __raise_exception(code, flags, nargs, args, ctx) */
    call __raise_exception          /* returns only through the CONTEXT */
    ud2
    .cfi_endproc
    .size RaiseException, . - RaiseException

/* void __raise_record(EXCEPTION_RECORD *record): RtlRaiseException, for userlib itself. */
    .section .text.__raise_record, "ax", @progbits
    .globl __raise_record
    .type __raise_record, @function
    .p2align 4
__raise_record:
    .cfi_startproc
    CAPTURE_CALLER_CONTEXT
    movq %rsp, %rsi                 /* __raise_record_with_context(record, ctx) */
    call __raise_record_with_context
    ud2
    .cfi_endproc
    .size __raise_record, . - __raise_record

    .section .note.GNU-stack, "", @progbits
