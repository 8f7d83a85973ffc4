/*
 * kernel32's virtual-memory functions: Win32 semantics on top of the NT system calls, as
 * Windows' kernel32/KernelBase layers them. Each Ex form calls its Nt* function with the
 * caller's process handle, turns a failing NTSTATUS into the last error
 * (__base_set_last_nt_error) and returns FALSE, NULL or 0; each non-Ex form is its Ex
 * form on GetCurrentProcess(). The kernel does the checking of addresses, sizes and
 * protections; kernel32 adds only the checks Windows' kernel32 itself makes.
 *
 * Sources, read for behaviour: Microsoft Learn's page for each function (named at each);
 * Wine's dlls/kernelbase/memory.c and ReactOS's dll/win32/kernel32/client/virtmem.c (the
 * same structure: one Nt call per function); the Wine conformance tests
 * dlls/kernel32/tests/virtual.c, which record what Windows returns.
 */
#include "kernel32.h"

/*
 * VirtualAllocEx (Microsoft Learn, "VirtualAllocEx function"): reserves and/or commits a
 * region and returns its base, or NULL with the last error set.
 *
 * A non-NULL lpAddress below the 64 KiB allocation granularity fails with
 * ERROR_INVALID_PARAMETER before the system call, as ReactOS's VirtualAllocEx does:
 * NtAllocateVirtualMemory rounds a reservation's base down to 64 KiB, and 0 would mean
 * "anywhere". Everything else (size 0, bad types or protections, conflicts) is the
 * kernel's to refuse: Wine's tests expect ERROR_INVALID_PARAMETER, ERROR_INVALID_ADDRESS
 * and so on from the NTSTATUS mapping.
 */
LPVOID WINAPI VirtualAllocEx(HANDLE hProcess, LPVOID lpAddress, SIZE_T dwSize,
                             DWORD flAllocationType, DWORD flProtect)
{
    if (lpAddress != NULL && (ULONG_PTR)lpAddress < KERNEL32_ALLOCATION_GRANULARITY) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    PVOID base = lpAddress;
    SIZE_T size = dwSize;
    NTSTATUS status = NtAllocateVirtualMemory(hProcess, &base, 0, &size, flAllocationType,
                                              flProtect);
    if (!NT_SUCCESS(status)) {
        __base_set_last_nt_error(status);
        return NULL;
    }
    return base;
}

/* VirtualAlloc (Microsoft Learn, "VirtualAlloc function"): VirtualAllocEx on this process. */
LPVOID WINAPI VirtualAlloc(LPVOID lpAddress, SIZE_T dwSize, DWORD flAllocationType,
                           DWORD flProtect)
{
    return VirtualAllocEx(GetCurrentProcess(), lpAddress, dwSize, flAllocationType, flProtect);
}

/*
 * VirtualFreeEx (Microsoft Learn, "VirtualFreeEx function"): decommits or releases.
 *
 * "If the dwFreeType parameter is MEM_RELEASE, dwSize must be 0": kernel32 checks this
 * itself and fails with ERROR_INVALID_PARAMETER without a system call (ReactOS's
 * VirtualFreeEx; Wine's tests: VirtualFree(addr, 1, MEM_RELEASE) fails with
 * ERROR_INVALID_PARAMETER). An invalid dwFreeType (0, MEM_FREE, both bits) is the
 * kernel's to refuse, also ERROR_INVALID_PARAMETER.
 */
BOOL WINAPI VirtualFreeEx(HANDLE hProcess, LPVOID lpAddress, SIZE_T dwSize, DWORD dwFreeType)
{
    if ((dwFreeType & MEM_RELEASE) && dwSize != 0) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    PVOID base = lpAddress;
    SIZE_T size = dwSize;
    NTSTATUS status = NtFreeVirtualMemory(hProcess, &base, &size, dwFreeType);
    if (!NT_SUCCESS(status)) {
        __base_set_last_nt_error(status);
        return FALSE;
    }
    return TRUE;
}

/* VirtualFree (Microsoft Learn, "VirtualFree function"): VirtualFreeEx on this process. */
BOOL WINAPI VirtualFree(LPVOID lpAddress, SIZE_T dwSize, DWORD dwFreeType)
{
    return VirtualFreeEx(GetCurrentProcess(), lpAddress, dwSize, dwFreeType);
}

/*
 * VirtualProtectEx (Microsoft Learn, "VirtualProtectEx function"): changes the protection
 * of committed pages and stores the first page's old protection in *lpflOldProtect.
 *
 * lpflOldProtect is passed through unchecked, as Wine's and ReactOS's kernel32 do: "If
 * this parameter is NULL or does not point to a valid variable, the function fails"
 * (Microsoft Learn) because NtProtectVirtualMemory probes it before changing anything
 * (ReactOS ntoskrnl: ProbeForWriteUlong(OldAccessProtection) first), so NULL gives
 * STATUS_ACCESS_VIOLATION, i.e. ERROR_NOACCESS, and no page changes. An invalid
 * protection is checked before that pointer on NT (ERROR_INVALID_PARAMETER), which is
 * why kernel32 does not test for NULL itself.
 */
BOOL WINAPI VirtualProtectEx(HANDLE hProcess, LPVOID lpAddress, SIZE_T dwSize,
                             DWORD flNewProtect, PDWORD lpflOldProtect)
{
    PVOID base = lpAddress;
    SIZE_T size = dwSize;
    NTSTATUS status = NtProtectVirtualMemory(hProcess, &base, &size, flNewProtect,
                                             lpflOldProtect);
    if (!NT_SUCCESS(status)) {
        __base_set_last_nt_error(status);
        return FALSE;
    }
    return TRUE;
}

/* VirtualProtect (Microsoft Learn, "VirtualProtect function"): on this process. */
BOOL WINAPI VirtualProtect(LPVOID lpAddress, SIZE_T dwSize, DWORD flNewProtect,
                           PDWORD lpflOldProtect)
{
    return VirtualProtectEx(GetCurrentProcess(), lpAddress, dwSize, flNewProtect,
                            lpflOldProtect);
}

/*
 * VirtualQueryEx (Microsoft Learn, "VirtualQueryEx function"): describes the region
 * holding lpAddress. Returns the number of bytes written to lpBuffer (the
 * NtQueryVirtualMemory ResultLength, sizeof(MEMORY_BASIC_INFORMATION)), or 0 with the
 * last error set.
 *
 * dwLength below sizeof(MEMORY_BASIC_INFORMATION) is the kernel's to refuse with
 * STATUS_INFO_LENGTH_MISMATCH, i.e. ERROR_BAD_LENGTH (Wine's NtQueryVirtualMemory checks
 * "len < sizeof(MEMORY_BASIC_INFORMATION)"); an address above the user range gives
 * STATUS_INVALID_PARAMETER, i.e. ERROR_INVALID_PARAMETER.
 */
SIZE_T WINAPI VirtualQueryEx(HANDLE hProcess, LPCVOID lpAddress,
                             PMEMORY_BASIC_INFORMATION lpBuffer, SIZE_T dwLength)
{
    SIZE_T written = 0;
    NTSTATUS status = NtQueryVirtualMemory(hProcess, (PVOID)lpAddress, MemoryBasicInformation,
                                           lpBuffer, dwLength, &written);
    if (!NT_SUCCESS(status)) {
        __base_set_last_nt_error(status);
        return 0;
    }
    return written;
}

/* VirtualQuery (Microsoft Learn, "VirtualQuery function"): on this process. */
SIZE_T WINAPI VirtualQuery(LPCVOID lpAddress, PMEMORY_BASIC_INFORMATION lpBuffer,
                           SIZE_T dwLength)
{
    return VirtualQueryEx(GetCurrentProcess(), lpAddress, lpBuffer, dwLength);
}
