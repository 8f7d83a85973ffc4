/*
 * <winternl.h> for Reservoir user programs: the NT native API that Reservoir's system
 * calls are (userlib/ntdll/syscalls.S) and the types around it.
 *
 * Parameters are NT's own; each function returns an NTSTATUS (NT_SUCCESS tells success
 * from failure). Only the current-process pseudo handle, NtCurrentProcess(), resolves.
 * Prototypes follow Microsoft Learn's pages for the Zw/Nt routines (ZwAllocateVirtualMemory,
 * ZwFreeVirtualMemory, ZwProtectVirtualMemory (ntifs.h), ZwQueryVirtualMemory,
 * ZwTerminateProcess, NtQuerySystemInformation, NtContinue, NtRaiseException).
 *
 * Portable programs use the Win32 functions of <windows.h> instead: mingw-w64's
 * winternl.h declares only some of these (NtQuerySystemInformation), and the rest need
 * its DDK headers.
 */
#ifndef _WINTERNL_
#define _WINTERNL_

#include "winnt.h"

typedef LONG NTSTATUS, *PNTSTATUS;

#define NT_SUCCESS(Status) (((NTSTATUS)(Status)) >= 0)

/* NtCurrentProcess/NtCurrentThread are the DDK's (wdm.h); Windows' winternl.h lacks them.
   The NTSTATUS names themselves are <ntstatus.h>'s, which userlib does not have yet. */
#define NtCurrentProcess() ((HANDLE)(LONG_PTR)-1)
#define NtCurrentThread()  ((HANDLE)(LONG_PTR)-2)

/* Microsoft Learn, "UNICODE_STRING structure": lengths in bytes, Length without the
   terminating NUL (which the string need not have). */
typedef struct _UNICODE_STRING {
    USHORT Length;
    USHORT MaximumLength;
    PWSTR Buffer;
} UNICODE_STRING, *PUNICODE_STRING;

typedef struct _CLIENT_ID {
    HANDLE UniqueProcess;
    HANDLE UniqueThread;
} CLIENT_ID, *PCLIENT_ID;

typedef enum _SYSTEM_INFORMATION_CLASS {
    SystemBasicInformation = 0,
} SYSTEM_INFORMATION_CLASS;

typedef enum _MEMORY_INFORMATION_CLASS {
    MemoryBasicInformation = 0,     /* a MEMORY_BASIC_INFORMATION */
} MEMORY_INFORMATION_CLASS;

/*
 * NtQuerySystemInformation(SystemBasicInformation): Windows x64's layout, 64 bytes, with
 * the field names of the NT headers (mingw-w64 names the same fields differently:
 * Reserved1, MaximumIncrement, PhysicalPageSize, ..., LowestUserAddress,
 * HighestUserAddress, ActiveProcessors). GetSystemInfo is built on it.
 */
typedef struct _SYSTEM_BASIC_INFORMATION {
    ULONG Reserved;                     /* 0x00  0 */
    ULONG TimerResolution;              /* 0x04  clock tick, in 100 ns units */
    ULONG PageSize;                     /* 0x08  4096 */
    ULONG NumberOfPhysicalPages;        /* 0x0C */
    ULONG LowestPhysicalPageNumber;     /* 0x10 */
    ULONG HighestPhysicalPageNumber;    /* 0x14 */
    ULONG AllocationGranularity;        /* 0x18  65536 */
    ULONG_PTR MinimumUserModeAddress;   /* 0x20  0x10000 */
    ULONG_PTR MaximumUserModeAddress;   /* 0x28  0x7FFFFFFEFFFF, the last usable byte */
    ULONG_PTR ActiveProcessorsAffinityMask; /* 0x30 */
    CHAR NumberOfProcessors;            /* 0x38 (CCHAR) */
} SYSTEM_BASIC_INFORMATION, *PSYSTEM_BASIC_INFORMATION;

_Static_assert(sizeof(SYSTEM_BASIC_INFORMATION) == 64, "SYSTEM_BASIC_INFORMATION x64");
_Static_assert(offsetof(SYSTEM_BASIC_INFORMATION, AllocationGranularity) == 0x18 &&
               offsetof(SYSTEM_BASIC_INFORMATION, MinimumUserModeAddress) == 0x20 &&
               offsetof(SYSTEM_BASIC_INFORMATION, MaximumUserModeAddress) == 0x28 &&
               offsetof(SYSTEM_BASIC_INFORMATION, ActiveProcessorsAffinityMask) == 0x30 &&
               offsetof(SYSTEM_BASIC_INFORMATION, NumberOfProcessors) == 0x38,
               "SYSTEM_BASIC_INFORMATION x64 layout");

/* The system calls, in system-call-number order (kernel/syscall/syscall_numbers.h). */
NTSYSAPI NTSTATUS NTAPI NtYieldExecution(void);
NTSYSAPI NTSTATUS NTAPI NtTerminateProcess(HANDLE ProcessHandle, NTSTATUS ExitStatus);
NTSYSAPI NTSTATUS NTAPI NtAllocateVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress,
                                                ULONG_PTR ZeroBits, PSIZE_T RegionSize,
                                                ULONG AllocationType, ULONG Protect);
NTSYSAPI NTSTATUS NTAPI NtFreeVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress,
                                            PSIZE_T RegionSize, ULONG FreeType);
NTSYSAPI NTSTATUS NTAPI NtProtectVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress,
                                               PSIZE_T RegionSize, ULONG NewProtect,
                                               PULONG OldProtect);
NTSYSAPI NTSTATUS NTAPI NtQueryVirtualMemory(HANDLE ProcessHandle, PVOID BaseAddress,
                                             MEMORY_INFORMATION_CLASS MemoryInformationClass,
                                             PVOID MemoryInformation,
                                             SIZE_T MemoryInformationLength,
                                             PSIZE_T ReturnLength);
NTSYSAPI NTSTATUS NTAPI NtContinue(PCONTEXT ContextRecord, BOOLEAN TestAlert);
NTSYSAPI NTSTATUS NTAPI NtRaiseException(PEXCEPTION_RECORD ExceptionRecord,
                                         PCONTEXT ContextRecord, BOOLEAN FirstChance);
NTSYSAPI NTSTATUS NTAPI NtQuerySystemInformation(SYSTEM_INFORMATION_CLASS SystemInformationClass,
                                                 PVOID SystemInformation,
                                                 ULONG SystemInformationLength,
                                                 PULONG ReturnLength);
/* The clock: ticks since boot and ticks per second; a wait, negative = relative in 100 ns
   units, 0 = yield, (LONGLONG)0x8000000000000000 = forever (docs/win32-basics.md). */
NTSYSAPI NTSTATUS NTAPI NtQueryPerformanceCounter(PLARGE_INTEGER PerformanceCounter,
                                                  PLARGE_INTEGER PerformanceFrequency);
NTSYSAPI NTSTATUS NTAPI NtDelayExecution(BOOLEAN Alertable, PLARGE_INTEGER DelayInterval);

#endif
