/*
 * What the C library needs from the process below it (runtime.h, console.h), on the
 * system-call stubs: process exit, console output and whole pages for the heap.
 */
#include "../include/winternl.h"

#include "../ntdll/ntdll.h"
#include "console.h"
#include "runtime.h"

_Noreturn void __process_exit(int code)
{
    NtTerminateProcess(NtCurrentProcess(), (NTSTATUS)code);
    __builtin_trap();       /* NtTerminateProcess on ourselves does not return */
}

/*
 * One system call per call, of at most CONSOLE_WRITE_MAX bytes: a longer buffer gets a
 * short count, and stdio writes the rest.
 */
int __console_write(const char *buf, size_t len)
{
    size_t n = len < CONSOLE_WRITE_MAX ? len : CONSOLE_WRITE_MAX;
    if (n == 0)
        return 0;
    NTSTATUS status = __sys_console_write(buf, n);
    return NT_SUCCESS(status) ? (int)n : -1;
}

/*
 * Each block is a region of its own, reserved and committed at once: the kernel hands
 * out zero-filled pages on a 64 KiB boundary, and MEM_RELEASE gives the whole region back.
 */
void *__pages_alloc(size_t bytes)
{
    if (bytes == 0)
        return NULL;
    PVOID base = NULL;
    SIZE_T size = bytes;
    NTSTATUS status = NtAllocateVirtualMemory(NtCurrentProcess(), &base, 0, &size,
                                              MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    return NT_SUCCESS(status) ? base : NULL;
}

void __pages_free(void *p, size_t bytes)
{
    (void)bytes;            /* MEM_RELEASE takes size 0: the whole region */
    PVOID base = p;
    SIZE_T size = 0;
    NtFreeVirtualMemory(NtCurrentProcess(), &base, &size, MEM_RELEASE);
}
