/*
 * GetSystemInfo and GetNativeSystemInfo: the page size, allocation granularity, user
 * address range and processors, from NtQuerySystemInformation(SystemBasicInformation)
 * as Wine's kernelbase does (dlls/kernelbase/memory.c, GetSystemInfo), and the processor
 * level and revision from CPUID, where Windows takes them from
 * SystemProcessorInformation (which Reservoir's kernel does not have).
 *
 * Sources: Microsoft Learn, "GetSystemInfo function", "GetNativeSystemInfo function",
 * "SYSTEM_INFO structure" (wProcessorLevel is the processor family, wProcessorRevision
 * is model << 8 | stepping for x86 processors of the Pentium line and later).
 */
#include "kernel32.h"

/*
 * Windows x64's values, used when the system call fails: GetSystemInfo cannot fail on
 * Windows (it returns nothing), so a program always gets a usable description.
 */
static void basic_information_defaults(SYSTEM_BASIC_INFORMATION *basic)
{
    *basic = (SYSTEM_BASIC_INFORMATION){
        .PageSize = 4096,
        .AllocationGranularity = 0x10000,
        .MinimumUserModeAddress = 0x10000,
        .MaximumUserModeAddress = 0x7FFFFFFEFFFF,
        .ActiveProcessorsAffinityMask = 1,
        .NumberOfProcessors = 1,
    };
}

/* CPUID leaf 1's display family and model (Intel SDM vol. 2, CPUID, "Feature Information"). */
static void processor_level_revision(WORD *level, WORD *revision)
{
    unsigned eax, ebx, ecx, edx;
    __asm__ volatile("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx) : "a"(1), "c"(0));
    unsigned stepping = eax & 0xF;
    unsigned model = (eax >> 4) & 0xF;
    unsigned family = (eax >> 8) & 0xF;
    if (family == 0xF)
        family += (eax >> 20) & 0xFF;
    if (family == 0x6 || family >= 0xF)
        model |= ((eax >> 16) & 0xF) << 4;
    *level = (WORD)family;
    *revision = (WORD)(model << 8 | stepping);
}

void WINAPI GetSystemInfo(LPSYSTEM_INFO lpSystemInfo)
{
    SYSTEM_BASIC_INFORMATION basic;
    NTSTATUS status = NtQuerySystemInformation(SystemBasicInformation, &basic, sizeof(basic),
                                               NULL);
    if (!NT_SUCCESS(status))
        basic_information_defaults(&basic);

    SYSTEM_INFO *si = lpSystemInfo;
    si->wProcessorArchitecture = PROCESSOR_ARCHITECTURE_AMD64;
    si->wReserved = 0;
    si->dwPageSize = basic.PageSize;
    si->lpMinimumApplicationAddress = (LPVOID)basic.MinimumUserModeAddress;
    si->lpMaximumApplicationAddress = (LPVOID)basic.MaximumUserModeAddress;
    si->dwActiveProcessorMask = basic.ActiveProcessorsAffinityMask;
    si->dwNumberOfProcessors = (DWORD)(BYTE)basic.NumberOfProcessors;
    si->dwProcessorType = PROCESSOR_AMD_X8664;
    si->dwAllocationGranularity = basic.AllocationGranularity;
    processor_level_revision(&si->wProcessorLevel, &si->wProcessorRevision);
}

/* No WOW64: the native view is the same (Microsoft Learn, "GetNativeSystemInfo function"). */
void WINAPI GetNativeSystemInfo(LPSYSTEM_INFO lpSystemInfo)
{
    GetSystemInfo(lpSystemInfo);
}
