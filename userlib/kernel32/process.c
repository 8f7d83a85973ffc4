/*
 * kernel32's process and thread identity, and ExitProcess.
 *
 * Sources: Microsoft Learn, "GetCurrentProcess function" (the pseudo handle (HANDLE)-1,
 * which needs no closing), "GetCurrentProcessId function", "GetCurrentThread function"
 * ((HANDLE)-2), "GetCurrentThreadId function", "ExitProcess function". The ids come
 * from the TEB's ClientId, where Windows keeps them too (crt/teb.h).
 */
#include <stdio.h>

#include "../crt/teb.h"
#include "kernel32.h"

HANDLE WINAPI GetCurrentProcess(void)
{
    return NtCurrentProcess();
}

DWORD WINAPI GetCurrentProcessId(void)
{
    return (DWORD)(ULONG_PTR)__current_teb()->ClientId.UniqueProcess;
}

HANDLE WINAPI GetCurrentThread(void)
{
    return NtCurrentThread();
}

DWORD WINAPI GetCurrentThreadId(void)
{
    return (DWORD)(ULONG_PTR)__current_teb()->ClientId.UniqueThread;
}

/*
 * FlushInstructionCache (Microsoft Learn, "FlushInstructionCache function"): x86 keeps
 * instruction fetches coherent with stores, so there is nothing to flush, and the call
 * succeeds for the current process. Any other handle is ERROR_INVALID_HANDLE: only the
 * pseudo handle names a process here (Wine accepts any handle).
 */
BOOL WINAPI FlushInstructionCache(HANDLE hProcess, LPCVOID lpBaseAddress, SIZE_T dwSize)
{
    (void)lpBaseAddress;
    (void)dwSize;
    if (hProcess != GetCurrentProcess()) {
        SetLastError(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    return TRUE;
}

/*
 * On Windows, ExitProcess sends DLL_PROCESS_DETACH to every DLL before the process ends,
 * and the C runtime's detach writes out the stdio buffers; the C atexit handlers are
 * exit()'s business, not ExitProcess's. With the C library linked in statically there is
 * no detach, so ExitProcess flushes stdio itself and then ends the process. The exit
 * code is the process's NTSTATUS exit status, bit for bit.
 */
DECLSPEC_NORETURN void WINAPI ExitProcess(UINT uExitCode)
{
    fflush(NULL);
    NtTerminateProcess(NtCurrentProcess(), (NTSTATUS)uExitCode);
    __builtin_trap();       /* NtTerminateProcess on ourselves does not return */
}
