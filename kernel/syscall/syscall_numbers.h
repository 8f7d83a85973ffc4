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
    SYSCALL_COUNT
};

/* The current-process pseudo handle, (HANDLE)-1. */
#define NT_CURRENT_PROCESS ((uint64_t)-1)

#endif
