/*
 * _start: where every Reservoir user program begins. It is the ELF entry point, and this
 * object comes first on the link line.
 *
 * Process start, the contract with the kernel's loader:
 *   - RIP = the ELF entry point, _start. CPL 3, RFLAGS = 0x202 or 0x002 (IF as the
 *     kernel chooses; DF clear, as the System V ABI requires at every call).
 *   - RSP is 16-byte aligned and points into the initial stack. Above it, in any order
 *     the kernel likes, are the argv array (argc + 1 pointers, argv[argc] == NULL) and
 *     the NUL-terminated argument strings; nothing else on the stack is promised.
 *   - RDI = argc, RSI = argv, RDX = the TEB's address. Every other general register is 0.
 *   - GS base = the TEB, FS base = 0. The TEB (crt/teb.h) is 0x1838 bytes (two pages)
 *     of zero-filled read-write user memory with NT_TIB.Self (0x30) = its own address,
 *     StackBase (0x08) = one past the top of the stack, StackLimit (0x10) = the lowest
 *     committed stack page above the guard page, DeallocationStack (0x1478) = the stack
 *     reservation's base, ClientId.UniqueProcess (0x40) and UniqueThread (0x48) = the
 *     process and thread ids, ProcessEnvironmentBlock (0x60) = the PEB (crt/peb.h: image
 *     base, image path, command line); LastErrorValue (0x68) is 0.
 *   - The stack is Windows' (docs/vm.md, "The user stack"): 1 MiB reserved, its top page
 *     committed, a guard page below; it grows a page at a time as the guard is touched,
 *     so frames larger than a page must probe downwards (-fstack-clash-protection).
 *   - SSE: not yet. userlib and programs are built with -mgeneral-regs-only until the
 *     kernel turns SSE on for ring 3 (CR0.EM = 0, CR0.MP = 1, CR4.OSFXSR = OSXMMEXCPT = 1;
 *     the BIOS boot path leaves it off) and keeps each user context's FXSAVE state. From
 *     then on: MXCSR = 0x1F80 and x87 control word 0x037F at entry (the System V values).
 *
 * crt0 then: clears RBP (the end of the frame-pointer chain, for backtraces), aligns
 * RSP to 16 again (so a kernel that got it wrong costs nothing), names the exception
 * dispatcher (KiUserExceptionDispatcher, ntdll/dispatcher.S) to the kernel, so that
 * faults and RaiseException reach vectored handlers from the first instruction of main
 * on (its status is not checked: a kernel that refuses leaves exceptions fatal, as they
 * were), calls main(argc, argv) and passes its result to exit(), which runs the atexit
 * handlers, flushes stdio and ends the process through NtTerminateProcess(-1, status). The TEB
 * in RDX is not needed: GS already points at it.
 */
    .section .text._start, "ax", @progbits
    .globl _start
    .type _start, @function
_start:
    .cfi_startproc
    .cfi_undefined rip          /* no caller: debuggers stop unwinding here */
    xorl %ebp, %ebp
    andq $-16, %rsp
    pushq %rdi                  /* argc and argv, across the call (RSP stays aligned) */
    pushq %rsi
    movl $KiUserExceptionDispatcher, %edi   /* non-PIC: the address fits 32 bits */
    call __sys_set_exception_dispatcher
    popq %rsi
    popq %rdi
    call main                   /* RDI = argc and RSI = argv */
    movl %eax, %edi
    call exit
    ud2                         /* exit does not return */
    .cfi_endproc
    .size _start, . - _start

    .section .note.GNU-stack, "", @progbits
