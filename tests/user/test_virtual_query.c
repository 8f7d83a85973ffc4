/*
 * VirtualQuery and GetSystemInfo as Windows documents them: how regions are split and
 * sized, what each MEMORY_BASIC_INFORMATION field holds, and the errors. Runs on
 * Reservoir (tools/run-user-tests.sh) and unchanged on Wine (tools/check-wine.sh).
 *
 * Sources (docs/vm.md names each rule):
 *   [VQ]  "VirtualQuery function (memoryapi.h)",
 *         https://learn.microsoft.com/windows/win32/api/memoryapi/nf-memoryapi-virtualquery
 *   [MBI] "MEMORY_BASIC_INFORMATION structure (winnt.h)",
 *         https://learn.microsoft.com/windows/win32/api/winnt/ns-winnt-memory_basic_information
 *   [VA]  "VirtualAlloc function",
 *         https://learn.microsoft.com/windows/win32/api/memoryapi/nf-memoryapi-virtualalloc
 *   [VP]  "VirtualProtect function",
 *         https://learn.microsoft.com/windows/win32/api/memoryapi/nf-memoryapi-virtualprotect
 *   [SI]  "SYSTEM_INFO structure (sysinfoapi.h)",
 *         https://learn.microsoft.com/windows/win32/api/sysinfoapi/ns-sysinfoapi-system_info
 *   [VAS] "Virtual Address Space",
 *         https://learn.microsoft.com/windows/win32/memory/virtual-address-space: a 64-bit
 *         process has the 128 TB range 0x000'00000000 - 0x7FFF'FFFFFFFF
 *   [NTQ] "NtQueryVirtualMemory / ZwQueryVirtualMemory function",
 *         https://learn.microsoft.com/windows-hardware/drivers/ddi/ntifs/nf-ntifs-zwqueryvirtualmemory:
 *         STATUS_INFO_LENGTH_MISMATCH when the buffer is too small; "System Error Codes
 *         (0-499)": ERROR_BAD_LENGTH 24
 *   [WT]  Wine's conformance tests dlls/kernel32/tests/virtual.c (they pass on Windows),
 *         for the fields [MBI] calls undefined: a reserved page's Protect is 0 ("NT
 *         reports Protect == 0 for a not committed memory block"), a free region's
 *         AllocationBase, AllocationProtect and Type are 0 and its Protect PAGE_NOACCESS.
 */
#include "utest.h"

#include <string.h>

#define KIB ((SIZE_T)1024)
#define MIB (1024 * KIB)
#define PAGE ((SIZE_T)0x1000)
#define GRANULE ((SIZE_T)0x10000)

static SYSTEM_INFO si;

static int query(const void *address, MEMORY_BASIC_INFORMATION *mbi)
{
    memset(mbi, 0xCC, sizeof(*mbi));
    return VirtualQuery(address, mbi, sizeof(*mbi)) == sizeof(*mbi);
}

/* Checks every field of the region holding `address`. */
static void expect_region(const void *address, const void *base, SIZE_T size, DWORD state,
                          DWORD protect, const void *alloc_base, DWORD alloc_protect,
                          DWORD type, const char *what)
{
    MEMORY_BASIC_INFORMATION mbi;
    SetLastError(0xdeadbeef);
    SIZE_T n = VirtualQuery(address, &mbi, sizeof(mbi));
    /* [VQ] return value: "the actual number of bytes returned in the information buffer" */
    CHECK_EQ_U64(n, sizeof(mbi), "%s: VirtualQuery returns sizeof(MEMORY_BASIC_INFORMATION)",
                 what);
    if (n != sizeof(mbi))
        return;
    CHECK_EQ_U64((ULONG_PTR)mbi.BaseAddress, (ULONG_PTR)base, "%s: BaseAddress", what);
    CHECK_EQ_U64(mbi.RegionSize, size, "%s: RegionSize", what);
    CHECK_EQ_U64(mbi.State, state, "%s: State", what);
    CHECK_EQ_U64(mbi.Protect, protect, "%s: Protect", what);
    CHECK_EQ_U64((ULONG_PTR)mbi.AllocationBase, (ULONG_PTR)alloc_base, "%s: AllocationBase",
                 what);
    CHECK_EQ_U64(mbi.AllocationProtect, alloc_protect, "%s: AllocationProtect", what);
    CHECK_EQ_U64(mbi.Type, type, "%s: Type", what);
}

static void test_system_info(void)
{
    /* [SI]; the values are Windows x64's: 4 KiB pages, 64 KiB granularity ([VA]
       lpAddress: reservations are "rounded down to the nearest multiple of the
       allocation granularity", 64 KiB), the first 64 KiB and the last 64 KiB below
       0x7FFF'FFFFFFFF ([VAS]) not available to the program. */
    CHECK_EQ_U64(si.dwPageSize, 4096, "GetSystemInfo: dwPageSize");
    CHECK_EQ_U64(si.dwAllocationGranularity, 65536, "GetSystemInfo: dwAllocationGranularity");
    CHECK_EQ_U64((ULONG_PTR)si.lpMinimumApplicationAddress, 0x10000,
                 "GetSystemInfo: lpMinimumApplicationAddress");
    CHECK_EQ_U64((ULONG_PTR)si.lpMaximumApplicationAddress, 0x7FFFFFFEFFFF,
                 "GetSystemInfo: lpMaximumApplicationAddress");
    CHECK_EQ_U64(si.wProcessorArchitecture, PROCESSOR_ARCHITECTURE_AMD64,
                 "GetSystemInfo: wProcessorArchitecture is PROCESSOR_ARCHITECTURE_AMD64");
    CHECK_EQ_U64(si.dwProcessorType, PROCESSOR_AMD_X8664,
                 "GetSystemInfo: dwProcessorType is PROCESSOR_AMD_X8664");
    CHECK(si.dwNumberOfProcessors >= 1, "GetSystemInfo: at least one processor");
    CHECK(si.dwActiveProcessorMask != 0, "GetSystemInfo: a non-empty processor mask");
    SYSTEM_INFO native;
    memset(&native, 0, sizeof(native));
    GetNativeSystemInfo(&native);
    CHECK(native.dwPageSize == si.dwPageSize &&
              native.dwAllocationGranularity == si.dwAllocationGranularity &&
              native.lpMaximumApplicationAddress == si.lpMaximumApplicationAddress,
          "GetNativeSystemInfo agrees for a native 64-bit process");
}

static void test_three_regions(void)
{
    /* [VQ] remarks: a region is the pages, from the queried one on, that share state,
       protection and allocation. A 1 MiB reservation with 3 pages committed in the
       middle is three regions. [MBI]: AllocationBase is the reservation's base,
       AllocationProtect "the memory protection option when the region was initially
       allocated", Type MEM_PRIVATE for VirtualAlloc memory. */
    char *r = VirtualAlloc(NULL, MIB, MEM_RESERVE, PAGE_NOACCESS);
    CHECK(r != NULL, "reserve 1 MiB");
    if (!r)
        return;
    char *c = VirtualAlloc(r + 0x80000, 3 * PAGE, MEM_COMMIT, PAGE_READWRITE);
    CHECK(c == r + 0x80000, "commit 3 pages at +512 KiB");
    expect_region(r, r, 0x80000, MEM_RESERVE, 0, r, PAGE_NOACCESS, MEM_PRIVATE,
                  "reserved head");
    expect_region(r + 0x80000, r + 0x80000, 3 * PAGE, MEM_COMMIT, PAGE_READWRITE, r,
                  PAGE_NOACCESS, MEM_PRIVATE, "committed middle");
    expect_region(r + 0x83000, r + 0x83000, MIB - 0x83000, MEM_RESERVE, 0, r, PAGE_NOACCESS,
                  MEM_PRIVATE, "reserved tail");
    /* [VQ] lpAddress "is rounded down to the next page boundary"; the size is counted
       from there. */
    expect_region(r + 0x81234, r + 0x81000, 2 * PAGE, MEM_COMMIT, PAGE_READWRITE, r,
                  PAGE_NOACCESS, MEM_PRIVATE, "unaligned query inside the middle");
    expect_region(r + 0x7FFFF, r + 0x7F000, PAGE, MEM_RESERVE, 0, r, PAGE_NOACCESS,
                  MEM_PRIVATE, "last byte of the head");
    expect_region(r + MIB - 1, r + MIB - PAGE, PAGE, MEM_RESERVE, 0, r, PAGE_NOACCESS,
                  MEM_PRIVATE, "last byte of the reservation");

    /* Touched and untouched committed pages are one region: a region's attributes are
       state, protection and allocation ([VQ]), not residency. */
    c[PAGE] = 1;
    expect_region(r + 0x80000, r + 0x80000, 3 * PAGE, MEM_COMMIT, PAGE_READWRITE, r,
                  PAGE_NOACCESS, MEM_PRIVATE, "committed middle after touching its 2nd page");
    CHECK(VirtualFree(r, 0, MEM_RELEASE), "release the 1 MiB reservation");
}

static void test_protections_split(void)
{
    /* [VQ]: pages with different protections are different regions; [VP] changes the
       pages holding the range; [MBI] Protect includes PAGE_GUARD. */
    char *p = VirtualAlloc(NULL, 6 * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    CHECK(p != NULL, "reserve and commit 6 pages read-write");
    if (!p)
        return;
    DWORD old = 0;
    CHECK(VirtualProtect(p + PAGE, PAGE, PAGE_READONLY, &old), "page 1 to PAGE_READONLY");
    CHECK(VirtualProtect(p + 3 * PAGE, PAGE, PAGE_READWRITE | PAGE_GUARD, &old),
          "page 3 to PAGE_READWRITE | PAGE_GUARD");
    expect_region(p, p, PAGE, MEM_COMMIT, PAGE_READWRITE, p, PAGE_READWRITE, MEM_PRIVATE,
                  "page 0 (read-write)");
    expect_region(p + PAGE, p + PAGE, PAGE, MEM_COMMIT, PAGE_READONLY, p, PAGE_READWRITE,
                  MEM_PRIVATE, "page 1 (read-only)");
    expect_region(p + 2 * PAGE, p + 2 * PAGE, PAGE, MEM_COMMIT, PAGE_READWRITE, p,
                  PAGE_READWRITE, MEM_PRIVATE, "page 2 (read-write)");
    expect_region(p + 3 * PAGE, p + 3 * PAGE, PAGE, MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD, p,
                  PAGE_READWRITE, MEM_PRIVATE, "page 3 (guard)");
    expect_region(p + 4 * PAGE, p + 4 * PAGE, 2 * PAGE, MEM_COMMIT, PAGE_READWRITE, p,
                  PAGE_READWRITE, MEM_PRIVATE, "pages 4-5 (read-write)");
    /* Back to one protection: one region again. */
    CHECK(VirtualProtect(p, 6 * PAGE, PAGE_READWRITE, &old), "all 6 pages to PAGE_READWRITE");
    expect_region(p + 2 * PAGE, p + 2 * PAGE, 4 * PAGE, MEM_COMMIT, PAGE_READWRITE, p,
                  PAGE_READWRITE, MEM_PRIVATE, "pages 2-5 merged again");
    VirtualFree(p, 0, MEM_RELEASE);
}

static void test_allocations_do_not_merge(void)
{
    /* [VQ] remarks: all pages of a region "are part of the same initial allocation";
       two adjacent reservations with the same state and protection are two regions. */
    char *hole = VirtualAlloc(NULL, 3 * GRANULE, MEM_RESERVE, PAGE_NOACCESS);
    if (!hole)
        return;
    VirtualFree(hole, 0, MEM_RELEASE);
    char *a = VirtualAlloc(hole, GRANULE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    char *b = VirtualAlloc(hole + GRANULE, GRANULE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    char *d = VirtualAlloc(hole + 2 * GRANULE + 0x3000, PAGE, MEM_RESERVE, PAGE_READONLY);
    CHECK(a == hole && b == hole + GRANULE && d == hole + 2 * GRANULE,
          "three adjacent reservations at a free 192 KiB range");
    if (a)
        expect_region(a + 0x100, a, GRANULE, MEM_COMMIT, PAGE_READWRITE, a, PAGE_READWRITE,
                      MEM_PRIVATE, "first of two adjacent committed reservations");
    if (b)
        expect_region(b, b, GRANULE, MEM_COMMIT, PAGE_READWRITE, b, PAGE_READWRITE,
                      MEM_PRIVATE, "second of two adjacent committed reservations");
    /* A reservation at base+0x3000 for one page spans [base, base+0x4000) ([VA]). */
    if (d) {
        expect_region(d, d, 0x4000, MEM_RESERVE, 0, d, PAGE_READONLY, MEM_PRIVATE,
                      "reservation made at granule + 0x3000");
        /* [VQ], the 40 MB example: a free region runs to the next allocation; here to
           the end of the 64 KiB granule, where nothing else may be. */
        MEMORY_BASIC_INFORMATION mbi;
        CHECK(query(d + 0x4000, &mbi) && mbi.State == MEM_FREE &&
                  mbi.BaseAddress == d + 0x4000,
              "the rest of the granule after it is free");
    }
    if (a)
        VirtualFree(a, 0, MEM_RELEASE);
    if (b)
        VirtualFree(b, 0, MEM_RELEASE);
    if (d)
        VirtualFree(d, 0, MEM_RELEASE);
}

static void test_free_regions(void)
{
    /* [VQ]: "if the function is called with lpAddress in a free region ... the
       function returns the size of the free region up to the next allocation"
       (its 40 MB example). The undefined fields as Windows reports them: [WT]. */
    char *hole = VirtualAlloc(NULL, 4 * GRANULE, MEM_RESERVE, PAGE_NOACCESS);
    if (!hole)
        return;
    VirtualFree(hole, 0, MEM_RELEASE);
    char *a = VirtualAlloc(hole, GRANULE, MEM_RESERVE, PAGE_READWRITE);
    char *b = VirtualAlloc(hole + 3 * GRANULE, GRANULE, MEM_RESERVE, PAGE_READWRITE);
    CHECK(a == hole && b == hole + 3 * GRANULE, "reservations 128 KiB apart");
    if (a && b) {
        expect_region(hole + GRANULE, hole + GRANULE, 2 * GRANULE, MEM_FREE, PAGE_NOACCESS, 0,
                      0, 0, "free gap between two reservations");
        expect_region(hole + 2 * GRANULE + 0x1234, hole + 2 * GRANULE + 0x1000,
                      GRANULE - 0x1000, MEM_FREE, PAGE_NOACCESS, 0, 0, 0,
                      "free gap queried in its middle");
    }
    if (a)
        VirtualFree(a, 0, MEM_RELEASE);
    if (b)
        VirtualFree(b, 0, MEM_RELEASE);
    /* After the release, the whole range is free again: one region covering it all. */
    MEMORY_BASIC_INFORMATION mbi;
    CHECK(query(hole, &mbi) && mbi.State == MEM_FREE && mbi.RegionSize >= 4 * GRANULE,
          "after both releases the 256 KiB range is one free region");
}

static void test_limits_and_errors(void)
{
    /* The last usable page: the region holding it ends at lpMaximumApplicationAddress + 1. */
    MEMORY_BASIC_INFORMATION mbi;
    ULONG_PTR max = (ULONG_PTR)si.lpMaximumApplicationAddress;
    CHECK(query((void *)max, &mbi) && (ULONG_PTR)mbi.BaseAddress == (max & ~(PAGE - 1)) &&
              (ULONG_PTR)mbi.BaseAddress + mbi.RegionSize == max + 1,
          "VirtualQuery(lpMaximumApplicationAddress): the last region ends at max + 1");

    /* [VQ] return value: "If the function fails, the return value is zero ... Possible
       error values include ERROR_INVALID_PARAMETER": an address above the user range. */
    static const ULONG_PTR beyond[] = { 0x7FFFFFFF0000, 0x800000000000, 0xFFFF800000000000,
                                        0xFFFFFFFFFFFFF000 };
    for (unsigned i = 0; i < sizeof(beyond) / sizeof(beyond[0]); i++) {
        SetLastError(0xdeadbeef);
        SIZE_T n = VirtualQuery((void *)beyond[i], &mbi, sizeof(mbi));
        CHECK_EQ_U64(n, 0, "VirtualQuery(0x%llx) above the user range returns 0",
                     (unsigned long long)beyond[i]);
        CHECK_EQ_U64(GetLastError(), ERROR_INVALID_PARAMETER,
                     "VirtualQuery(0x%llx): ERROR_INVALID_PARAMETER",
                     (unsigned long long)beyond[i]);
    }

    /* [NTQ]: a buffer smaller than MEMORY_BASIC_INFORMATION is
       STATUS_INFO_LENGTH_MISMATCH, ERROR_BAD_LENGTH for Win32. */
    static const SIZE_T lengths[] = { 0, 1, sizeof(MEMORY_BASIC_INFORMATION) - 1 };
    for (unsigned i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
        SetLastError(0xdeadbeef);
        SIZE_T n = VirtualQuery(&si, &mbi, lengths[i]);
        CHECK_EQ_U64(n, 0, "VirtualQuery with a %u-byte buffer returns 0", (unsigned)lengths[i]);
        CHECK_EQ_U64(GetLastError(), ERROR_BAD_LENGTH,
                     "VirtualQuery with a %u-byte buffer: ERROR_BAD_LENGTH",
                     (unsigned)lengths[i]);
    }
    /* A larger buffer is fine; the function still writes one structure. */
    struct {
        MEMORY_BASIC_INFORMATION mbi;
        char more[64];
    } big;
    CHECK_EQ_U64(VirtualQuery(&si, &big.mbi, sizeof(big)), sizeof(MEMORY_BASIC_INFORMATION),
                 "VirtualQuery with a larger buffer returns sizeof(MEMORY_BASIC_INFORMATION)");

    /* The stack holding a local variable: committed, read-write, private. */
    volatile int local = 1;
    CHECK(query((const void *)&local, &mbi) && mbi.State == MEM_COMMIT &&
              (mbi.Protect & 0xFF) == PAGE_READWRITE && mbi.Type == MEM_PRIVATE,
          "the stack is committed, PAGE_READWRITE, MEM_PRIVATE");
    /* The first 64 KiB is never allocated ([VAS]; lpMinimumApplicationAddress). */
    CHECK(query(NULL, &mbi) && mbi.State == MEM_FREE && mbi.BaseAddress == NULL &&
              mbi.RegionSize >= 0x10000,
          "VirtualQuery(NULL): a free region of at least 64 KiB");
}

static void test_walk(void)
{
    /* [VQ] remarks: repeated queries, each at BaseAddress + RegionSize of the last, visit
       every region of the address space in order; they end at the top of user space. */
    ULONG_PTR addr = 0, end = (ULONG_PTR)si.lpMaximumApplicationAddress + 1;
    unsigned regions = 0, bad = 0, free_regions = 0, private_regions = 0;
    MEMORY_BASIC_INFORMATION mbi;
    while (addr < end && regions < 100000) {
        if (!query((void *)addr, &mbi)) {
            bad++;
            break;
        }
        regions++;
        if ((ULONG_PTR)mbi.BaseAddress != addr || mbi.RegionSize == 0 ||
            mbi.RegionSize % PAGE != 0)
            bad++;
        if (mbi.State == MEM_FREE) {
            free_regions++;
            if (mbi.AllocationBase != NULL || mbi.Type != 0)
                bad++;
        } else if (mbi.State == MEM_COMMIT || mbi.State == MEM_RESERVE) {
            if ((ULONG_PTR)mbi.AllocationBase > addr ||
                (ULONG_PTR)mbi.AllocationBase % GRANULE != 0)
                bad++;
            if (mbi.Type == MEM_PRIVATE)
                private_regions++;
        } else {
            bad++;
        }
        addr = (ULONG_PTR)mbi.BaseAddress + mbi.RegionSize;
    }
    UTEST_NOTE("address space: %u regions, %u free, %u private", regions, free_regions,
               private_regions);
    CHECK_EQ_U64(bad, 0, "walk: every region starts where the last ended and is consistent");
    CHECK_EQ_U64(addr, end, "walk: the last region ends at lpMaximumApplicationAddress + 1");
    CHECK(private_regions >= 2 && free_regions >= 1,
          "walk: private regions (stack, heap...) and free space were seen");
}

int main(void)
{
    memset(&si, 0, sizeof(si));
    GetSystemInfo(&si);
    UTEST_NOTE("test_virtual_query on %s", utest_platform());
    test_system_info();
    test_three_regions();
    test_protections_split();
    test_allocations_do_not_merge();
    test_free_regions();
    test_limits_and_errors();
    test_walk();
    return utest_done();
}
