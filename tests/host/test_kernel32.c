/*
 * Host tests for userlib's kernel32 and crt layers (userlib/kernel32/{memory,process,
 * lasterror,sysinfo}.c, userlib/crt/process.c): what each Win32 function passes to its
 * system call, what it returns, and what it leaves in the last error. The sources are
 * compiled into this file with fake system calls that record their arguments and return
 * a status the test chooses; with RESERVOIR_HOST, crt/teb.h points the TEB at
 * __reservoir_host_teb instead of GS. The NTSTATUS mapping is a small stand-in with
 * Windows' values for the statuses used here (error_map.c has its own tests).
 */
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include "test.h"

#include "userlib/crt/process.c"
#include "userlib/kernel32/lasterror.c"
#include "userlib/kernel32/memory.c"
#include "userlib/kernel32/process.c"
#include "userlib/kernel32/sysinfo.c"

struct _TEB __reservoir_host_teb;

unsigned long __nt_status_to_win32(int32_t status)
{
    switch ((uint32_t)status) {
    case 0x00000000: return ERROR_SUCCESS;
    case 0xC0000004: return ERROR_BAD_LENGTH;           /* STATUS_INFO_LENGTH_MISMATCH */
    case 0xC0000005: return ERROR_NOACCESS;             /* STATUS_ACCESS_VIOLATION */
    case 0xC0000008: return ERROR_INVALID_HANDLE;       /* STATUS_INVALID_HANDLE */
    case 0xC000000D: return ERROR_INVALID_PARAMETER;    /* STATUS_INVALID_PARAMETER */
    case 0xC0000017: return ERROR_NOT_ENOUGH_MEMORY;    /* STATUS_NO_MEMORY */
    case 0xC0000018: return ERROR_INVALID_ADDRESS;      /* STATUS_CONFLICTING_ADDRESSES */
    case 0xC000002D: return ERROR_INVALID_ADDRESS;      /* STATUS_NOT_COMMITTED */
    case 0xC000012D: return ERROR_COMMITMENT_LIMIT;     /* STATUS_COMMITMENT_LIMIT */
    default: return ERROR_MR_MID_NOT_FOUND;
    }
}

/* ---- Fake system calls ------------------------------------------------------------ */

enum call { CALL_NONE, CALL_ALLOC, CALL_FREE, CALL_PROTECT, CALL_QUERY, CALL_TERMINATE,
            CALL_SYSINFO, CALL_CONSOLE };

static struct {
    enum call call;
    int count;
    HANDLE process;
    PVOID base;                 /* *BaseAddress on entry, or BaseAddress */
    SIZE_T size;                /* *RegionSize on entry, or the length */
    ULONG_PTR zero_bits;
    ULONG type;                 /* AllocationType / FreeType / NewProtect / class */
    ULONG protect;
    PULONG old_protect;
    PVOID buffer;
    PSIZE_T result_length;
    PULONG return_length;
    NTSTATUS exit_status;
    const char *text;
} last;

static NTSTATUS next_status;    /* what the next call returns */
static PVOID next_base;         /* written to *BaseAddress on success */
static SIZE_T next_size;        /* written to *RegionSize / *ResultLength on success */
static ULONG next_old_protect;
static SYSTEM_BASIC_INFORMATION next_basic;
static jmp_buf terminated;

static void record(enum call call, HANDLE process)
{
    last.call = call;
    last.count++;
    last.process = process;
}

NTSTATUS NtAllocateVirtualMemory(HANDLE process, PVOID *base, ULONG_PTR zero_bits,
                                 PSIZE_T size, ULONG type, ULONG protect)
{
    record(CALL_ALLOC, process);
    last.base = *base;
    last.size = *size;
    last.zero_bits = zero_bits;
    last.type = type;
    last.protect = protect;
    if (NT_SUCCESS(next_status)) {
        *base = next_base;
        *size = next_size;
    }
    return next_status;
}

NTSTATUS NtFreeVirtualMemory(HANDLE process, PVOID *base, PSIZE_T size, ULONG type)
{
    record(CALL_FREE, process);
    last.base = *base;
    last.size = *size;
    last.type = type;
    return next_status;
}

NTSTATUS NtProtectVirtualMemory(HANDLE process, PVOID *base, PSIZE_T size, ULONG protect,
                                PULONG old_protect)
{
    record(CALL_PROTECT, process);
    last.base = *base;
    last.size = *size;
    last.type = protect;
    last.old_protect = old_protect;
    if (NT_SUCCESS(next_status))
        *old_protect = next_old_protect;
    return next_status;
}

NTSTATUS NtQueryVirtualMemory(HANDLE process, PVOID base, MEMORY_INFORMATION_CLASS class,
                              PVOID buffer, SIZE_T length, PSIZE_T result_length)
{
    record(CALL_QUERY, process);
    last.base = base;
    last.type = (ULONG)class;
    last.buffer = buffer;
    last.size = length;
    last.result_length = result_length;
    if (NT_SUCCESS(next_status)) {
        memset(buffer, 0xAB, sizeof(MEMORY_BASIC_INFORMATION));
        *result_length = next_size;
    }
    return next_status;
}

NTSTATUS NtQuerySystemInformation(SYSTEM_INFORMATION_CLASS class, PVOID buffer, ULONG length,
                                  PULONG return_length)
{
    record(CALL_SYSINFO, NULL);
    last.type = (ULONG)class;
    last.buffer = buffer;
    last.size = length;
    last.return_length = return_length;
    if (NT_SUCCESS(next_status))
        memcpy(buffer, &next_basic, sizeof(next_basic));
    return next_status;
}

NTSTATUS NtTerminateProcess(HANDLE process, NTSTATUS status)
{
    record(CALL_TERMINATE, process);
    last.exit_status = status;
    longjmp(terminated, 1);
}

NTSTATUS __sys_console_write(const char *buffer, SIZE_T length)
{
    record(CALL_CONSOLE, NULL);
    last.text = buffer;
    last.size = length;
    return next_status;
}

static void reset(NTSTATUS status)
{
    memset(&last, 0, sizeof(last));
    memset(&__reservoir_host_teb, 0, sizeof(__reservoir_host_teb));
    next_status = status;
    next_base = NULL;
    next_size = 0;
    next_old_protect = 0;
}

#define CURRENT ((HANDLE)(LONG_PTR)-1)

/* ---- The last error ----------------------------------------------------------------- */

TEST(last_error_lives_in_the_teb_at_0x68)
{
    reset(0);
    SetLastError(1234);
    CHECK_EQ(GetLastError(), 1234);
    CHECK_EQ(__reservoir_host_teb.LastErrorValue, 1234);
    DWORD raw;
    memcpy(&raw, (char *)&__reservoir_host_teb + 0x68, sizeof(raw));
    CHECK_EQ(raw, 1234);
    __reservoir_host_teb.LastErrorValue = 7;
    CHECK_EQ(GetLastError(), 7);
}

TEST(base_set_last_nt_error_maps_and_stores)
{
    reset(0);
    CHECK_EQ(__base_set_last_nt_error((NTSTATUS)0xC0000017), ERROR_NOT_ENOUGH_MEMORY);
    CHECK_EQ(GetLastError(), ERROR_NOT_ENOUGH_MEMORY);
}

/* ---- VirtualAlloc ------------------------------------------------------------------- */

TEST(virtual_alloc_passes_nt_parameters_and_returns_the_base)
{
    reset(0);
    SetLastError(0xDEAD);
    next_base = (PVOID)0x7F0000;
    next_size = 0x3000;
    LPVOID p = VirtualAlloc(NULL, 0x2345, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    CHECK(p == (PVOID)0x7F0000);
    CHECK_EQ(last.call, CALL_ALLOC);
    CHECK(last.process == CURRENT);
    CHECK(last.base == NULL);
    CHECK_EQ(last.size, 0x2345);
    CHECK_EQ(last.zero_bits, 0);
    CHECK_EQ(last.type, MEM_RESERVE | MEM_COMMIT);
    CHECK_EQ(last.protect, PAGE_READWRITE);
    CHECK_EQ(GetLastError(), 0xDEAD);       /* success leaves the last error alone */
}

TEST(virtual_alloc_ex_passes_the_callers_handle_and_address)
{
    reset(0);
    next_base = (PVOID)0x20000;
    CHECK(VirtualAllocEx((HANDLE)0x44, (PVOID)0x20000, 4096, MEM_COMMIT, PAGE_READONLY) ==
          (PVOID)0x20000);
    CHECK(last.process == (HANDLE)0x44);
    CHECK(last.base == (PVOID)0x20000);
}

TEST(virtual_alloc_failure_returns_null_with_the_mapped_error)
{
    static const struct { uint32_t status; DWORD error; } cases[] = {
        { 0xC0000017, ERROR_NOT_ENOUGH_MEMORY },
        { 0xC0000018, ERROR_INVALID_ADDRESS },
        { 0xC000012D, ERROR_COMMITMENT_LIMIT },
        { 0xC000000D, ERROR_INVALID_PARAMETER },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        reset((NTSTATUS)cases[i].status);
        CHECK(VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE) == NULL);
        CHECK_EQ(GetLastError(), cases[i].error);
    }
}

TEST(virtual_alloc_below_the_granularity_fails_before_the_system_call)
{
    reset(0);
    CHECK(VirtualAlloc((PVOID)0x1000, 4096, MEM_RESERVE, PAGE_READWRITE) == NULL);
    CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
    CHECK_EQ(last.count, 0);
    CHECK(VirtualAlloc((PVOID)0xFFFF, 4096, MEM_RESERVE, PAGE_READWRITE) == NULL);
    CHECK_EQ(last.count, 0);
    next_base = (PVOID)0x10000;
    CHECK(VirtualAlloc((PVOID)0x10000, 4096, MEM_RESERVE, PAGE_READWRITE) == (PVOID)0x10000);
    CHECK_EQ(last.count, 1);
}

/* ---- VirtualFree -------------------------------------------------------------------- */

TEST(virtual_free_release_needs_size_zero_and_checks_it_itself)
{
    reset(0);
    CHECK(!VirtualFree((PVOID)0x10000, 1, MEM_RELEASE));
    CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
    CHECK_EQ(last.count, 0);

    reset(0);
    CHECK(VirtualFree((PVOID)0x10000, 0, MEM_RELEASE));
    CHECK_EQ(last.call, CALL_FREE);
    CHECK(last.process == CURRENT);
    CHECK(last.base == (PVOID)0x10000);
    CHECK_EQ(last.size, 0);
    CHECK_EQ(last.type, MEM_RELEASE);
}

TEST(virtual_free_decommit_passes_the_size_and_maps_failures)
{
    reset(0);
    CHECK(VirtualFreeEx((HANDLE)0x8, (PVOID)0x21000, 0x2000, MEM_DECOMMIT));
    CHECK(last.process == (HANDLE)0x8);
    CHECK_EQ(last.size, 0x2000);
    CHECK_EQ(last.type, MEM_DECOMMIT);

    reset((NTSTATUS)0xC000000D);             /* type 0, MEM_FREE: the kernel refuses */
    CHECK(!VirtualFree((PVOID)0x21000, 0x1000, 0));
    CHECK_EQ(last.count, 1);
    CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
}

/* ---- VirtualProtect ----------------------------------------------------------------- */

TEST(virtual_protect_stores_the_old_protection)
{
    reset(0);
    SetLastError(55);
    next_old_protect = PAGE_NOACCESS;
    DWORD old = 0;
    CHECK(VirtualProtect((PVOID)0x30000, 0x1000, PAGE_READONLY, &old));
    CHECK_EQ(old, PAGE_NOACCESS);
    CHECK_EQ(last.call, CALL_PROTECT);
    CHECK(last.process == CURRENT);
    CHECK(last.base == (PVOID)0x30000);
    CHECK_EQ(last.size, 0x1000);
    CHECK_EQ(last.type, PAGE_READONLY);
    CHECK(last.old_protect == &old);
    CHECK_EQ(GetLastError(), 55);
}

TEST(virtual_protect_passes_a_null_old_protection_to_the_kernel)
{
    /* NT probes OldProtect first: STATUS_ACCESS_VIOLATION, i.e. ERROR_NOACCESS. */
    reset((NTSTATUS)0xC0000005);
    CHECK(!VirtualProtect((PVOID)0x30000, 0x1000, PAGE_READONLY, NULL));
    CHECK_EQ(last.count, 1);
    CHECK(last.old_protect == NULL);
    CHECK_EQ(GetLastError(), ERROR_NOACCESS);

    reset((NTSTATUS)0xC000002D);             /* STATUS_NOT_COMMITTED */
    DWORD old = 0x77;
    CHECK(!VirtualProtectEx((HANDLE)0x9, (PVOID)0x30000, 0xFFFC, PAGE_READONLY, &old));
    CHECK(last.process == (HANDLE)0x9);
    CHECK_EQ(GetLastError(), ERROR_INVALID_ADDRESS);
    CHECK_EQ(old, 0x77);
}

/* ---- VirtualQuery ------------------------------------------------------------------- */

TEST(virtual_query_returns_the_bytes_written)
{
    reset(0);
    SetLastError(66);
    next_size = sizeof(MEMORY_BASIC_INFORMATION);
    MEMORY_BASIC_INFORMATION info;
    CHECK_EQ(VirtualQuery((LPCVOID)0x40000, &info, sizeof(info)), 48);
    CHECK_EQ(last.call, CALL_QUERY);
    CHECK(last.process == CURRENT);
    CHECK(last.base == (PVOID)0x40000);
    CHECK_EQ(last.type, MemoryBasicInformation);
    CHECK(last.buffer == &info);
    CHECK_EQ(last.size, sizeof(info));
    CHECK(last.result_length != NULL);
    CHECK_EQ(GetLastError(), 66);
}

TEST(virtual_query_failure_returns_zero_with_the_error)
{
    reset((NTSTATUS)0xC0000004);             /* STATUS_INFO_LENGTH_MISMATCH */
    MEMORY_BASIC_INFORMATION info;
    CHECK_EQ(VirtualQueryEx((HANDLE)0x3, &info, &info, sizeof(info) - 1), 0);
    CHECK(last.process == (HANDLE)0x3);
    CHECK_EQ(last.size, sizeof(info) - 1);
    CHECK_EQ(GetLastError(), ERROR_BAD_LENGTH);

    reset((NTSTATUS)0xC000000D);
    CHECK_EQ(VirtualQuery((LPCVOID)0xFFFF800000000000ull, &info, sizeof(info)), 0);
    CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
}

/* ---- GetSystemInfo ------------------------------------------------------------------ */

TEST(get_system_info_comes_from_system_basic_information)
{
    reset(0);
    next_basic = (SYSTEM_BASIC_INFORMATION){
        .PageSize = 4096,
        .AllocationGranularity = 0x10000,
        .MinimumUserModeAddress = 0x10000,
        .MaximumUserModeAddress = 0x7FFFFFFEFFFF,
        .ActiveProcessorsAffinityMask = 3,
        .NumberOfProcessors = 2,
    };
    SYSTEM_INFO si;
    memset(&si, 0xCC, sizeof(si));
    GetSystemInfo(&si);
    CHECK_EQ(last.call, CALL_SYSINFO);
    CHECK_EQ(last.type, SystemBasicInformation);
    CHECK_EQ(last.size, sizeof(SYSTEM_BASIC_INFORMATION));
    CHECK(last.return_length == NULL);
    CHECK_EQ(si.wProcessorArchitecture, PROCESSOR_ARCHITECTURE_AMD64);
    CHECK_EQ(si.wReserved, 0);
    CHECK_EQ(si.dwOemId, PROCESSOR_ARCHITECTURE_AMD64);
    CHECK_EQ(si.dwPageSize, 4096);
    CHECK(si.lpMinimumApplicationAddress == (LPVOID)0x10000);
    CHECK(si.lpMaximumApplicationAddress == (LPVOID)0x7FFFFFFEFFFF);
    CHECK_EQ(si.dwActiveProcessorMask, 3);
    CHECK_EQ(si.dwNumberOfProcessors, 2);
    CHECK_EQ(si.dwProcessorType, PROCESSOR_AMD_X8664);
    CHECK_EQ(si.dwAllocationGranularity, 0x10000);
    CHECK(si.wProcessorLevel >= 6);         /* every x86-64 processor is family 6 or more */
}

TEST(get_system_info_falls_back_to_windows_values)
{
    reset((NTSTATUS)0xC000001C);             /* STATUS_INVALID_SYSTEM_SERVICE */
    SetLastError(9);
    SYSTEM_INFO si;
    memset(&si, 0xCC, sizeof(si));
    GetNativeSystemInfo(&si);
    CHECK_EQ(si.wProcessorArchitecture, PROCESSOR_ARCHITECTURE_AMD64);
    CHECK_EQ(si.dwPageSize, 4096);
    CHECK_EQ(si.dwAllocationGranularity, 65536);
    CHECK(si.lpMinimumApplicationAddress == (LPVOID)0x10000);
    CHECK(si.lpMaximumApplicationAddress == (LPVOID)0x7FFFFFFEFFFF);
    CHECK_EQ(si.dwNumberOfProcessors, 1);
    CHECK_EQ(si.dwActiveProcessorMask, 1);
    CHECK_EQ(si.dwProcessorType, 8664);
    CHECK_EQ(GetLastError(), 9);            /* GetSystemInfo cannot fail */
}

/* ---- Process identity and exit ------------------------------------------------------ */

TEST(current_process_and_thread_are_pseudo_handles_and_teb_ids)
{
    reset(0);
    __reservoir_host_teb.ClientId.UniqueProcess = (HANDLE)0x1234;
    __reservoir_host_teb.ClientId.UniqueThread = (HANDLE)0x5678;
    CHECK(GetCurrentProcess() == (HANDLE)(LONG_PTR)-1);
    CHECK(GetCurrentThread() == (HANDLE)(LONG_PTR)-2);
    CHECK_EQ(GetCurrentProcessId(), 0x1234);
    CHECK_EQ(GetCurrentThreadId(), 0x5678);
}

TEST(exit_process_terminates_the_current_process_with_the_code)
{
    reset(0);
    if (!setjmp(terminated))
        ExitProcess(0xC0000005u);
    CHECK_EQ(last.call, CALL_TERMINATE);
    CHECK(last.process == CURRENT);
    CHECK_EQ((uint32_t)last.exit_status, 0xC0000005u);
}

/* ---- The C library's hooks (crt/process.c) ------------------------------------------ */

TEST(process_exit_terminates_with_the_status)
{
    reset(0);
    if (!setjmp(terminated))
        __process_exit(3);
    CHECK_EQ(last.call, CALL_TERMINATE);
    CHECK(last.process == CURRENT);
    CHECK_EQ(last.exit_status, 3);
}

TEST(console_write_is_one_system_call_of_at_most_1_mib)
{
    static char big[(1 << 20) + 10];
    reset(0);
    CHECK_EQ(__console_write("hello", 5), 5);
    CHECK_EQ(last.call, CALL_CONSOLE);
    CHECK_EQ(last.size, 5);
    reset(0);
    CHECK_EQ(__console_write(big, sizeof(big)), 1 << 20);
    CHECK_EQ(last.count, 1);
    CHECK_EQ(last.size, 1 << 20);
    CHECK(last.text == big);
    reset(0);
    CHECK_EQ(__console_write(big, 0), 0);
    CHECK_EQ(last.count, 0);
    reset((NTSTATUS)0xC0000005);
    CHECK(__console_write("x", 1) < 0);
}

TEST(pages_alloc_reserves_and_commits_read_write)
{
    reset(0);
    next_base = (PVOID)0x50000;
    next_size = 0x2000;
    CHECK(__pages_alloc(0x2000) == (PVOID)0x50000);
    CHECK_EQ(last.call, CALL_ALLOC);
    CHECK(last.process == CURRENT);
    CHECK(last.base == NULL);
    CHECK_EQ(last.size, 0x2000);
    CHECK_EQ(last.type, MEM_RESERVE | MEM_COMMIT);
    CHECK_EQ(last.protect, PAGE_READWRITE);
    reset((NTSTATUS)0xC0000017);
    CHECK(__pages_alloc(4096) == NULL);
    reset(0);
    CHECK(__pages_alloc(0) == NULL);
    CHECK_EQ(last.count, 0);
}

TEST(pages_free_releases_the_whole_region)
{
    reset(0);
    __pages_free((PVOID)0x50000, 0x2000);
    CHECK_EQ(last.call, CALL_FREE);
    CHECK(last.process == CURRENT);
    CHECK(last.base == (PVOID)0x50000);
    CHECK_EQ(last.size, 0);
    CHECK_EQ(last.type, MEM_RELEASE);
}
