/*
 * userlib-internal: every system call and its number, once, for the stubs in syscalls.S
 * and the compile-time check in syscall_check.c that the numbers are the kernel's
 * (kernel/syscall/syscall_numbers.h, whose enum the assembler cannot read).
 *
 * X(stub name, number, the kernel's name for the number)
 */
#ifndef RESERVOIR_USERLIB_SYSCALL_LIST_H
#define RESERVOIR_USERLIB_SYSCALL_LIST_H

#define RESERVOIR_SYSCALLS(X)                                                     \
    X(NtYieldExecution,         0, SYS_NT_YIELD_EXECUTION)                        \
    X(NtTerminateProcess,       1, SYS_NT_TERMINATE_PROCESS)                      \
    X(__sys_console_write,      2, SYS_CONSOLE_WRITE)                             \
    X(NtAllocateVirtualMemory,  3, SYS_NT_ALLOCATE_VIRTUAL_MEMORY)                \
    X(NtFreeVirtualMemory,      4, SYS_NT_FREE_VIRTUAL_MEMORY)                    \
    X(NtProtectVirtualMemory,   5, SYS_NT_PROTECT_VIRTUAL_MEMORY)                 \
    X(NtQueryVirtualMemory,     6, SYS_NT_QUERY_VIRTUAL_MEMORY)                   \
    X(NtContinue,               7, SYS_NT_CONTINUE)                               \
    X(NtRaiseException,         8, SYS_NT_RAISE_EXCEPTION)                        \
    X(NtQuerySystemInformation, 9, SYS_NT_QUERY_SYSTEM_INFORMATION)                \
    X(__sys_set_exception_dispatcher, 10, SYS_SET_EXCEPTION_DISPATCHER)           \
    X(NtQueryPerformanceCounter, 11, SYS_NT_QUERY_PERFORMANCE_COUNTER)            \
    X(NtDelayExecution,         12, SYS_NT_DELAY_EXECUTION)                       \
    X(__sys_debug_print,        13, SYS_DEBUG_PRINT)

#define RESERVOIR_SYSCALL_COUNT 14

#endif
