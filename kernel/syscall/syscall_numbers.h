/*
 * System-call numbers and calling convention: the contract between the kernel's
 * dispatcher (kernel/syscall/syscall.c) and userlib's stubs.
 *
 * A stub loads the number into EAX and the arguments into RDI, RSI, RDX, R10, R8, R9 (the
 * System V order, with R10 for RCX, which SYSCALL overwrites) and executes SYSCALL. The
 * NTSTATUS result comes back in EAX. RCX and R11 are clobbered; every other register is
 * preserved. Names and parameters follow the NT native API where one exists.
 */
#ifndef RESERVOIR_SYSCALL_NUMBERS_H
#define RESERVOIR_SYSCALL_NUMBERS_H

enum syscall_number {
    SYS_NT_YIELD_EXECUTION = 0,          /* NtYieldExecution(): the null system call */
    SYS_NT_TERMINATE_PROCESS = 1,        /* NtTerminateProcess(Process, ExitStatus) */
    SYS_CONSOLE_WRITE = 2,               /* (const char *buffer, size_t length) */
    SYS_NT_ALLOCATE_VIRTUAL_MEMORY = 3,
    SYS_NT_FREE_VIRTUAL_MEMORY = 4,
    SYS_NT_PROTECT_VIRTUAL_MEMORY = 5,
    SYS_NT_QUERY_VIRTUAL_MEMORY = 6,
    SYS_NT_CONTINUE = 7,
    SYS_NT_RAISE_EXCEPTION = 8,
    SYS_NT_QUERY_SYSTEM_INFORMATION = 9,
    SYS_SET_EXCEPTION_DISPATCHER = 10,   /* (void (*dispatcher)(EXCEPTION_RECORD *, CONTEXT *)) */
    /* The clock and debug output (docs/win32-basics.md). */
    SYS_NT_QUERY_PERFORMANCE_COUNTER = 11, /* NtQueryPerformanceCounter(Counter, Frequency) */
    SYS_NT_DELAY_EXECUTION = 12,         /* NtDelayExecution(Alertable, DelayInterval) */
    SYS_DEBUG_PRINT = 13,                /* (const char *buffer, size_t length) */
    SYSCALL_COUNT
};

/*
 * Exceptions in user mode. On Windows the kernel resumes a faulting thread at ntdll's
 * KiUserExceptionDispatcher; Reservoir maps no system DLL, so crt0 names its dispatcher
 * with SYS_SET_EXCEPTION_DISPATCHER (a Reservoir call; NT has none). When code in ring 3
 * raises an exception (a fault, or NtRaiseException), the kernel:
 *   - writes, below the interrupted RSP minus the 128-byte red zone, a CONTEXT (x64
 *     layout, 1232 bytes, 16-byte aligned, ContextFlags = CONTEXT_FULL |
 *     CONTEXT_FLOATING_POINT | CONTEXT_SEGMENTS, FltSave holding the FXSAVE image) and
 *     below it an EXCEPTION_RECORD (152 bytes);
 *   - enters the dispatcher with RDI = &record, RSI = &context, RSP 16-byte aligned minus
 *     8 (as after a call, with a zero return address) and every other register as it was;
 *   - for an access violation: ExceptionInformation[0] = 0 read, 1 write, 8 execute,
 *     [1] = the address, NumberParameters 2; ExceptionAddress = the faulting RIP.
 * The dispatcher resumes with NtContinue(context, FALSE), which validates the CONTEXT
 * (ring 3 selectors forced, canonical user RIP and RSP, only user-settable RFLAGS bits,
 * MXCSR reserved bits clear) and restores every register, or ends the process with
 * NtTerminateProcess. Without a dispatcher, or when the record cannot be written (a
 * smashed stack), the process ends with the exception code as its exit status.
 */

/* The current-process pseudo handle, (HANDLE)-1. */
#define NT_CURRENT_PROCESS ((uint64_t)-1)

#endif
