/*
 * VirtualAlloc as Windows documents it: where reservations go, what commit does, and
 * which arguments are refused with which error. Runs on Reservoir
 * (tools/run-user-tests.sh) and unchanged on Wine (tools/check-wine.sh).
 *
 * Every expected value comes from the documentation (docs/vm.md names each rule):
 *   [VA]  "VirtualAlloc function (memoryapi.h)",
 *         https://learn.microsoft.com/windows/win32/api/memoryapi/nf-memoryapi-virtualalloc
 *   [VQ]  "VirtualQuery function",
 *         https://learn.microsoft.com/windows/win32/api/memoryapi/nf-memoryapi-virtualquery
 *   [MBI] "MEMORY_BASIC_INFORMATION structure (winnt.h)",
 *         https://learn.microsoft.com/windows/win32/api/winnt/ns-winnt-memory_basic_information
 *   [MPC] "Memory Protection Constants",
 *         https://learn.microsoft.com/windows/win32/memory/memory-protection-constants
 *   [SI]  "SYSTEM_INFO structure (sysinfoapi.h)",
 *         https://learn.microsoft.com/windows/win32/api/sysinfoapi/ns-sysinfoapi-system_info
 *   [ERR] "System Error Codes (1300-1699)": ERROR_COMMITMENT_LIMIT 1455, "The paging file
 *         is too small for this operation to complete",
 *         https://learn.microsoft.com/windows/win32/debug/system-error-codes--1300-1699-
 *   [PS]  "Page State", https://learn.microsoft.com/windows/win32/memory/page-state:
 *         committed pages are charged "from the overall size of RAM and paging files"
 *   [WT]  Wine's conformance tests dlls/kernel32/tests/virtual.c, which pass on Windows:
 *         used only where the documentation is silent, as docs/vm.md does.
 *   [ROS] ReactOS ntoskrnl/mm/ARM3 (MiMakeProtectionMask), docs/vm.md's cross-check where
 *         Microsoft's pages are silent.
 *
 * Wine deviations (seen under Wine 8.0; the code is Wine's dlls/ntdll/unix/virtual.c): on
 * Wine these checks are reported "# SKIP"; everywhere else they must hold.
 *   W_MODIFIERS  get_vprot_flags ignores PAGE_NOCACHE and PAGE_WRITECOMBINE and accepts any
 *                combination of modifiers and bits above 0xff: [MPC] forbids them.
 *   W_RESET      allocate_virtual_memory checks neither MEM_RESET's exclusivity nor
 *                flProtect on MEM_RESET: [VA] MEM_RESET requires both.
 *   W_COMMIT     Wine has no commit limit (Linux memory overcommit decides; the errors are
 *                ERROR_ACCESS_DENIED or ERROR_NOT_ENOUGH_MEMORY): [PS], [ERR].
 *   W_WCQUERY    VirtualQuery does not report PAGE_WRITECOMBINE (get_win32_prot): [MBI]
 *                "Protect ... one of the values listed for the AllocationProtect member".
 */
#include "utest.h"

#include <string.h>

#define KIB ((SIZE_T)1024)
#define MIB (1024 * KIB)
#define GIB (1024 * MIB)
#define PAGE ((SIZE_T)0x1000)
#define GRANULE ((SIZE_T)0x10000)

static SYSTEM_INFO si;
static int on_wine;

/* The reason a check is skipped on Wine, or NULL where Wine follows the rule. */
#define W_MODIFIERS "Wine deviation: PAGE_NOCACHE/PAGE_WRITECOMBINE not validated [MPC]"
#define W_RESET "Wine deviation: MEM_RESET exclusivity and flProtect not validated [VA]"
#define W_COMMIT "Wine deviation: no commit limit [PS]"
#define W_WCQUERY "Wine deviation: PAGE_WRITECOMBINE not reported by VirtualQuery [MBI]"
#define ON_WINE(why) (on_wine ? (why) : NULL)

static char *at(char *base, SIZE_T offset)
{
    return base + offset;
}

static int query(const void *address, MEMORY_BASIC_INFORMATION *mbi)
{
    memset(mbi, 0xCC, sizeof(*mbi));
    return VirtualQuery(address, mbi, sizeof(*mbi)) == sizeof(*mbi);
}

/* A free, 64 KiB-aligned range of `size` bytes: reserved by the system, then released. */
static char *free_range(SIZE_T size)
{
    char *p = VirtualAlloc(NULL, size, MEM_RESERVE, PAGE_NOACCESS);
    if (p)
        VirtualFree(p, 0, MEM_RELEASE);
    return p;
}

/* Expects VirtualAlloc to fail with `error`; releases what it returned if it did not.
   `skip` (ON_WINE(...)) names a Wine deviation: then both checks are reported skipped. */
static void expect_alloc_failure(void *address, SIZE_T size, DWORD type, DWORD protect,
                                 DWORD error, const char *what, const char *skip)
{
    SetLastError(0xdeadbeef);
    void *p = VirtualAlloc(address, size, type, protect);
    if (skip) {
        UTEST_SKIP(skip, "%s: VirtualAlloc fails", what);
        UTEST_SKIP(skip, "%s: last error", what);
        if (p && !(type & MEM_RESET) && !address)
            VirtualFree(p, 0, MEM_RELEASE);
        return;
    }
    CHECK(p == NULL, "%s: VirtualAlloc(type 0x%lx, protect 0x%lx) fails", what,
          (unsigned long)type, (unsigned long)protect);
    CHECK_EQ_U64(GetLastError(), error, "%s: last error", what);
    if (p && !(type & MEM_RESET) && !address)
        VirtualFree(p, 0, MEM_RELEASE);
}

static void test_reserve_rounding(void)
{
    /* [VA] lpAddress: "If the memory is being reserved, the specified address is rounded
       down to the nearest multiple of the allocation granularity." dwSize: "the allocated
       region includes all pages that contain one or more bytes in the range from
       lpAddress to lpAddress+dwSize". Return value: "the base address of the allocated
       region of pages". */
    char *hole = free_range(3 * GRANULE);
    CHECK(hole != NULL, "reserve: a free 192 KiB range exists");
    if (!hole)
        return;
    char *asked = at(hole, GRANULE + 0x1234);
    char *p = VirtualAlloc(asked, 0x2000, MEM_RESERVE, PAGE_READWRITE);
    CHECK_EQ_U64((ULONG_PTR)p, (ULONG_PTR)at(hole, GRANULE),
                 "reserve at base+0x11234: returns the base rounded down to 64 KiB");
    MEMORY_BASIC_INFORMATION mbi;
    if (p && query(p, &mbi)) {
        CHECK_EQ_U64((ULONG_PTR)mbi.AllocationBase, (ULONG_PTR)p,
                     "reserve at an unaligned base: AllocationBase is the rounded base");
        /* [0x10000, end of the page holding byte 0x11234 + 0x2000 - 1 = 0x13233) */
        CHECK_EQ_U64(mbi.RegionSize, 0x4000,
                     "reserve at base+0x11234 for 0x2000: the region ends at the page "
                     "holding the last byte (0x4000 bytes)");
        CHECK_EQ_U64(mbi.State, MEM_RESERVE, "reserve at an unaligned base: MEM_RESERVE");
        CHECK_EQ_U64(mbi.AllocationProtect, PAGE_READWRITE,
                     "reserve: AllocationProtect is flProtect");
        CHECK_EQ_U64(mbi.Type, MEM_PRIVATE, "reserve: Type is MEM_PRIVATE");
    }
    if (p)
        CHECK(VirtualFree(p, 0, MEM_RELEASE), "release of the rounded reservation");

    /* The same with an address exactly on a granule: the base is that address. */
    p = VirtualAlloc(at(hole, 2 * GRANULE), GRANULE, MEM_RESERVE, PAGE_READWRITE);
    CHECK_EQ_U64((ULONG_PTR)p, (ULONG_PTR)at(hole, 2 * GRANULE),
                 "reserve at a 64 KiB-aligned address returns that address");
    if (p)
        VirtualFree(p, 0, MEM_RELEASE);
}

static void test_system_chosen_bases(void)
{
    /* [SI] dwAllocationGranularity: "The granularity for the starting address at which
       virtual memory can be allocated"; [VA] lpAddress NULL: "the system determines
       where to allocate the region". */
    static const SIZE_T sizes[] = { 1, 0x1000, 0x1234, 0xFFFC, 0x10000, 0x10001, 0x23456,
                                    3 * MIB + 5 };
    void *got[sizeof(sizes) / sizeof(sizes[0])];
    for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        got[i] = VirtualAlloc(NULL, sizes[i], MEM_RESERVE, PAGE_READWRITE);
        CHECK(got[i] != NULL && (ULONG_PTR)got[i] % GRANULE == 0,
              "reserve of 0x%llx bytes at a system-chosen base: %p is 64 KiB aligned",
              (unsigned long long)sizes[i], got[i]);
    }
    /* [VA] dwSize: "the size of the region, in bytes ... rounded up to the next page
       boundary"; [WT]: VirtualAlloc(NULL, 0xFFFC) reserves 0x10000 bytes. */
    MEMORY_BASIC_INFORMATION mbi;
    if (got[3] && query(got[3], &mbi))
        CHECK_EQ_U64(mbi.RegionSize, 0x10000, "reserve of 0xFFFC bytes: a 0x10000 region");
    if (got[2] && query(got[2], &mbi))
        CHECK_EQ_U64(mbi.RegionSize, 0x2000, "reserve of 0x1234 bytes: rounded up to pages");
    for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
        if (got[i])
            VirtualFree(got[i], 0, MEM_RELEASE);
}

static void test_top_down(void)
{
    /* [VA] MEM_TOP_DOWN: "Allocates memory at the highest possible address." */
    char *low = VirtualAlloc(NULL, GRANULE, MEM_RESERVE, PAGE_READWRITE);
    char *high = VirtualAlloc(NULL, GRANULE, MEM_RESERVE | MEM_TOP_DOWN, PAGE_READWRITE);
    CHECK(low && high && high > low,
          "MEM_TOP_DOWN reserves above a bottom-up reservation (%p > %p)", (void *)high,
          (void *)low);
    CHECK(high && (ULONG_PTR)high % GRANULE == 0, "MEM_TOP_DOWN base is 64 KiB aligned");
    CHECK(high && (ULONG_PTR)high + GRANULE - 1 <= (ULONG_PTR)si.lpMaximumApplicationAddress,
          "MEM_TOP_DOWN reservation lies below lpMaximumApplicationAddress");
    if (low)
        VirtualFree(low, 0, MEM_RELEASE);
    if (high)
        VirtualFree(high, 0, MEM_RELEASE);
}

static void test_commit_needs_a_reservation(void)
{
    /* [VA] MEM_COMMIT: "Attempting to commit a specific address range by specifying
       MEM_COMMIT without MEM_RESERVE and a non-NULL lpAddress fails unless the entire
       range has already been reserved. The resulting error code is
       ERROR_INVALID_ADDRESS." */
    char *hole = free_range(2 * GRANULE);
    if (!hole)
        return;
    expect_alloc_failure(hole, PAGE, MEM_COMMIT, PAGE_READWRITE, ERROR_INVALID_ADDRESS,
                         "commit of free memory", NULL);
    char *r = VirtualAlloc(hole, GRANULE, MEM_RESERVE, PAGE_NOACCESS);
    CHECK(r == hole, "reserve 64 KiB at a free range");
    if (!r)
        return;
    expect_alloc_failure(at(r, GRANULE - PAGE), 2 * PAGE, MEM_COMMIT, PAGE_READWRITE,
                         ERROR_INVALID_ADDRESS, "commit running past the reservation", NULL);
    MEMORY_BASIC_INFORMATION mbi;
    CHECK(query(at(r, GRANULE - PAGE), &mbi) && mbi.State == MEM_RESERVE,
          "a failed commit leaves the reservation's last page reserved");
    char *c = VirtualAlloc(at(r, PAGE), PAGE, MEM_COMMIT, PAGE_READWRITE);
    CHECK(c == at(r, PAGE), "commit inside the reservation returns the page's address");
    CHECK(query(at(r, PAGE), &mbi) && mbi.State == MEM_COMMIT && mbi.Protect == PAGE_READWRITE,
          "the page is committed read-write");
    VirtualFree(r, 0, MEM_RELEASE);

    /* MEM_COMMIT with lpAddress NULL reserves and commits (ReactOS's "blind commit";
       [WT]: VirtualAlloc(NULL, size, MEM_COMMIT, ...) succeeds on Windows). */
    char *blind = VirtualAlloc(NULL, 3 * PAGE, MEM_COMMIT, PAGE_READWRITE);
    CHECK(blind != NULL && query(blind, &mbi) && mbi.State == MEM_COMMIT &&
              mbi.AllocationBase == blind && mbi.RegionSize == 3 * PAGE,
          "MEM_COMMIT at NULL reserves and commits 3 pages");
    if (blind)
        VirtualFree(blind, 0, MEM_RELEASE);
}

static void test_recommit_keeps_contents(void)
{
    /* [VA] MEM_COMMIT: "An attempt to commit a page that is already committed does not
       cause the function to fail. This means that you can commit pages without first
       determining the current commitment state of each page." A committed page's data
       stays (committing only adds storage where there was none); [VA] return value:
       "Memory allocated by this function is automatically initialized to zero." */
    char *r = VirtualAlloc(NULL, GRANULE, MEM_RESERVE, PAGE_READWRITE);
    if (!r)
        return;
    char *p = VirtualAlloc(at(r, PAGE), PAGE, MEM_COMMIT, PAGE_READWRITE);
    CHECK(p == at(r, PAGE), "commit the second page");
    if (!p)
        return;
    memset(p, 0x5A, PAGE);
    char *q = VirtualAlloc(r, 3 * PAGE, MEM_COMMIT, PAGE_READWRITE);
    CHECK(q == r, "commit of pages 0-2 over a committed page 1 succeeds");
    int kept = 1, zero = 1;
    for (SIZE_T i = 0; i < PAGE; i++) {
        kept &= p[i] == 0x5A;
        zero &= r[i] == 0 && r[2 * PAGE + i] == 0;
    }
    CHECK(kept, "re-committed page 1 keeps its contents");
    CHECK(zero, "newly committed pages 0 and 2 read zero");
    CHECK(VirtualAlloc(at(r, PAGE + 17), 5, MEM_COMMIT, PAGE_READWRITE) == at(r, PAGE),
          "commit of an unaligned range in a committed page returns the page");
    CHECK(p[0] == 0x5A && p[PAGE - 1] == 0x5A, "... and keeps its contents again");
    VirtualFree(r, 0, MEM_RELEASE);
}

static void test_lazy_commit_reads_zero(void)
{
    /* [VA] return value: "Memory allocated by this function is automatically initialized
       to zero." [VA] MEM_COMMIT: "Actual physical pages are not allocated unless/until
       the virtual addresses are actually accessed." */
    SIZE_T size = 4 * MIB;
    unsigned char *p = VirtualAlloc(NULL, size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    CHECK(p != NULL, "reserve and commit 4 MiB");
    if (!p)
        return;
    int zero = 1;
    for (SIZE_T i = 0; i < size; i += 8)
        zero &= *(volatile uint64_t *)(p + i) == 0;
    CHECK(zero, "4 MiB of fresh committed memory reads zero");
    p[size - 1] = 1;
    CHECK(p[size - 1] == 1, "the last byte is writable");
    VirtualFree(p, 0, MEM_RELEASE);
}

static void test_mem_reset(void)
{
    /* [VA] MEM_RESET: "Indicates that data in the memory range specified by lpAddress and
       dwSize is no longer of interest ... the memory block will be used again later, so
       it should not be decommitted. This value cannot be used with any other value ...
       When you specify MEM_RESET, the VirtualAlloc function ignores the value of
       flProtect. However, you must still set flProtect to a valid protection value". */
    char *p = VirtualAlloc(NULL, 4 * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    if (!p)
        return;
    memset(p, 0x11, 4 * PAGE);
    char *r = VirtualAlloc(at(p, PAGE), 2 * PAGE, MEM_RESET, PAGE_NOACCESS);
    CHECK(r == at(p, PAGE), "MEM_RESET of pages 1-2 succeeds and returns lpAddress");
    MEMORY_BASIC_INFORMATION mbi;
    CHECK(query(at(p, PAGE), &mbi) && mbi.State == MEM_COMMIT, "reset pages stay committed");
    CHECK_EQ_U64(mbi.Protect, PAGE_READWRITE,
                 "MEM_RESET ignores flProtect: the pages stay PAGE_READWRITE");
    CHECK(p[0] == 0x11 && p[PAGE - 1] == 0x11 && p[3 * PAGE] == 0x11 &&
              p[4 * PAGE - 1] == 0x11,
          "pages outside the reset range keep their contents");
    p[PAGE] = 0x22;
    p[3 * PAGE - 1] = 0x33;
    CHECK(p[PAGE] == 0x22 && p[3 * PAGE - 1] == 0x33, "reset pages can be used again");
    expect_alloc_failure(p, PAGE, MEM_RESET | MEM_COMMIT, PAGE_READWRITE,
                         ERROR_INVALID_PARAMETER, "MEM_RESET with MEM_COMMIT", ON_WINE(W_RESET));
    expect_alloc_failure(p, PAGE, MEM_RESET | MEM_RESERVE, PAGE_READWRITE,
                         ERROR_INVALID_PARAMETER, "MEM_RESET with MEM_RESERVE",
                         ON_WINE(W_RESET));
    expect_alloc_failure(p, PAGE, MEM_RESET, 0, ERROR_INVALID_PARAMETER,
                         "MEM_RESET with flProtect 0", ON_WINE(W_RESET));
    VirtualFree(p, 0, MEM_RELEASE);
}

static void test_invalid_protections(void)
{
    /* [MPC]: exactly one base protection, and at most one modifier:
         PAGE_GUARD "cannot be used with PAGE_NOCACHE or PAGE_WRITECOMBINE";
         PAGE_NOCACHE "cannot be used with the PAGE_GUARD, PAGE_NOACCESS, or
           PAGE_WRITECOMBINE flags";
         PAGE_WRITECOMBINE "cannot be specified with the PAGE_NOACCESS, PAGE_GUARD, and
           PAGE_NOCACHE flags";
         PAGE_WRITECOPY, PAGE_EXECUTE_WRITECOPY: "not supported by the VirtualAlloc or
           VirtualAllocEx functions".
       Refused with ERROR_INVALID_PARAMETER ([VA]; STATUS_INVALID_PAGE_PROTECTION). */
    static const struct {
        DWORD protect;
        const char *what;
        int wine_deviates;      /* W_MODIFIERS */
    } bad[] = {
        { 0, "0 (no protection)", 0 },
        { PAGE_READONLY | PAGE_READWRITE, "two base protections", 0 },
        { PAGE_EXECUTE | PAGE_READWRITE, "PAGE_EXECUTE | PAGE_READWRITE", 0 },
        { PAGE_GUARD, "PAGE_GUARD alone", 0 },
        { PAGE_NOCACHE, "PAGE_NOCACHE alone", 0 },
        { PAGE_WRITECOMBINE, "PAGE_WRITECOMBINE alone", 0 },
        { PAGE_READWRITE | PAGE_GUARD | PAGE_NOCACHE, "PAGE_GUARD | PAGE_NOCACHE", 1 },
        { PAGE_READWRITE | PAGE_GUARD | PAGE_WRITECOMBINE, "PAGE_GUARD | PAGE_WRITECOMBINE",
          1 },
        { PAGE_READWRITE | PAGE_NOCACHE | PAGE_WRITECOMBINE,
          "PAGE_NOCACHE | PAGE_WRITECOMBINE", 1 },
        { PAGE_NOACCESS | PAGE_NOCACHE, "PAGE_NOACCESS | PAGE_NOCACHE", 1 },
        { PAGE_NOACCESS | PAGE_WRITECOMBINE, "PAGE_NOACCESS | PAGE_WRITECOMBINE", 1 },
        /* [MPC] is silent on PAGE_GUARD with PAGE_NOACCESS; [ROS] MiMakeProtectionMask
           refuses it ("not valid on no-access, nocache, or writecombine pages"). */
        { PAGE_NOACCESS | PAGE_GUARD, "PAGE_NOACCESS | PAGE_GUARD", 1 },
        /* Bits above PAGE_WRITECOMBINE: [ROS] "Protect >= (PAGE_WRITECOMBINE * 2)". */
        { PAGE_READWRITE | 0x800, "an unknown bit (0x800)", 1 },
        { PAGE_WRITECOPY, "PAGE_WRITECOPY", 0 },
        { PAGE_EXECUTE_WRITECOPY, "PAGE_EXECUTE_WRITECOPY", 0 },
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_alloc_failure(NULL, GRANULE, MEM_RESERVE | MEM_COMMIT, bad[i].protect,
                             ERROR_INVALID_PARAMETER, bad[i].what,
                             bad[i].wine_deviates ? ON_WINE(W_MODIFIERS) : NULL);

    /* The same on the commit path, inside an existing reservation; nothing changes. */
    static const struct {
        DWORD protect;
        const char *what;
        int wine_deviates;
    } bad_commit[] = {
        { PAGE_WRITECOPY, "commit with PAGE_WRITECOPY", 0 },
        { PAGE_EXECUTE_WRITECOPY, "commit with PAGE_EXECUTE_WRITECOPY", 0 },
        { 0, "commit with protection 0", 0 },
        { PAGE_READONLY | PAGE_EXECUTE, "commit with two base protections", 0 },
        { PAGE_READWRITE | PAGE_GUARD | PAGE_NOCACHE, "commit with PAGE_GUARD | PAGE_NOCACHE",
          1 },
    };
    for (unsigned i = 0; i < sizeof(bad_commit) / sizeof(bad_commit[0]); i++) {
        char *r = VirtualAlloc(NULL, GRANULE, MEM_RESERVE, PAGE_READWRITE);
        if (!r)
            continue;
        const char *skip = bad_commit[i].wine_deviates ? ON_WINE(W_MODIFIERS) : NULL;
        expect_alloc_failure(r, PAGE, MEM_COMMIT, bad_commit[i].protect,
                             ERROR_INVALID_PARAMETER, bad_commit[i].what, skip);
        MEMORY_BASIC_INFORMATION mbi;
        if (skip)
            UTEST_SKIP(skip, "%s: the reservation stays untouched", bad_commit[i].what);
        else
            CHECK(query(r, &mbi) && mbi.State == MEM_RESERVE && mbi.RegionSize == GRANULE,
                  "%s: the reservation stays untouched", bad_commit[i].what);
        VirtualFree(r, 0, MEM_RELEASE);
    }
    MEMORY_BASIC_INFORMATION mbi;

    /* And the valid modifiers are accepted ([MPC]). */
    static const DWORD good[] = { PAGE_NOACCESS, PAGE_READONLY, PAGE_READWRITE, PAGE_EXECUTE,
                                  PAGE_EXECUTE_READ, PAGE_EXECUTE_READWRITE,
                                  PAGE_READWRITE | PAGE_GUARD, PAGE_READONLY | PAGE_NOCACHE,
                                  PAGE_READWRITE | PAGE_WRITECOMBINE };
    for (unsigned i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        void *p = VirtualAlloc(NULL, PAGE, MEM_RESERVE | MEM_COMMIT, good[i]);
        CHECK(p != NULL, "protection 0x%lx is accepted", (unsigned long)good[i]);
        if (on_wine && (good[i] & PAGE_WRITECOMBINE))
            UTEST_SKIP(W_WCQUERY, "protection 0x%lx is reported by VirtualQuery",
                       (unsigned long)good[i]);
        else
            CHECK(p != NULL && query(p, &mbi) && mbi.Protect == good[i] &&
                      mbi.AllocationProtect == good[i],
                  "protection 0x%lx is reported by VirtualQuery", (unsigned long)good[i]);
        if (p)
            VirtualFree(p, 0, MEM_RELEASE);
    }
}

static void test_invalid_types_and_sizes(void)
{
    /* [VA] flAllocationType: "must contain one of the following values": MEM_COMMIT,
       MEM_RESERVE, MEM_RESET, MEM_RESET_UNDO; MEM_DECOMMIT and MEM_RELEASE are
       VirtualFree's. ERROR_INVALID_PARAMETER. */
    static const struct {
        DWORD type;
        const char *what;
    } bad[] = {
        { 0, "allocation type 0" },
        { MEM_TOP_DOWN, "MEM_TOP_DOWN alone" },
        { MEM_DECOMMIT, "MEM_DECOMMIT" },
        { MEM_RELEASE, "MEM_RELEASE" },
        { MEM_RELEASE | MEM_DECOMMIT, "MEM_RELEASE | MEM_DECOMMIT" },
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_alloc_failure(NULL, GRANULE, bad[i].type, PAGE_READWRITE,
                             ERROR_INVALID_PARAMETER, bad[i].what, NULL);

    /* Size 0 ([WT]: VirtualAlloc(0, 0, ...) fails with ERROR_INVALID_PARAMETER). */
    expect_alloc_failure(NULL, 0, MEM_RESERVE, PAGE_READWRITE, ERROR_INVALID_PARAMETER,
                         "reserve of 0 bytes", NULL);
    expect_alloc_failure(NULL, 0, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE,
                         ERROR_INVALID_PARAMETER, "reserve and commit of 0 bytes", NULL);
    char *r = VirtualAlloc(NULL, GRANULE, MEM_RESERVE, PAGE_READWRITE);
    if (r) {
        expect_alloc_failure(r, 0, MEM_COMMIT, PAGE_READWRITE, ERROR_INVALID_PARAMETER,
                             "commit of 0 bytes in a reservation", NULL);
        VirtualFree(r, 0, MEM_RELEASE);
    }
}

static void test_commitment_limit(void)
{
    /* [VA] MEM_RESERVE: "Reserves a range of the process's virtual address space without
       allocating any actual physical storage in memory or in the paging file on disk."
       So a 1 TiB reservation succeeds; committing it needs 1 TiB of commit charge, far
       past RAM plus paging file: ERROR_COMMITMENT_LIMIT ([ERR]; STATUS_COMMITMENT_LIMIT,
       what Windows returns when the commit limit is hit). */
    const SIZE_T huge = 1024 * GIB;
    char *r = VirtualAlloc(NULL, huge, MEM_RESERVE, PAGE_READWRITE);
    CHECK(r != NULL, "a 1 TiB reservation succeeds (reserving charges no commit)");
    if (r) {
        SetLastError(0xdeadbeef);
        void *c = VirtualAlloc(r, huge, MEM_COMMIT, PAGE_READWRITE);
        CHECK(c == NULL, "committing all of 1 TiB fails");
        if (on_wine)
            UTEST_SKIP(W_COMMIT, "committing 1 TiB: ERROR_COMMITMENT_LIMIT");
        else
            CHECK_EQ_U64(GetLastError(), ERROR_COMMITMENT_LIMIT,
                         "committing 1 TiB: ERROR_COMMITMENT_LIMIT");
        MEMORY_BASIC_INFORMATION mbi;
        CHECK(query(r, &mbi) && mbi.State == MEM_RESERVE && mbi.RegionSize == huge,
              "after the failed commit the 1 TiB region is still one reserved region");
        char *small = VirtualAlloc(at(r, huge / 2), PAGE, MEM_COMMIT, PAGE_READWRITE);
        CHECK(small == at(r, huge / 2), "one page in the middle of it can still be committed");
        if (small) {
            small[5] = 5;
            CHECK(small[5] == 5 && small[6] == 0, "... and used");
        }
        CHECK(VirtualFree(r, 0, MEM_RELEASE), "the 1 TiB reservation is released");
    }
    SetLastError(0xdeadbeef);
    void *both = VirtualAlloc(NULL, huge, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    CHECK(both == NULL, "reserve and commit of 1 TiB at once fails");
    if (on_wine)
        UTEST_SKIP(W_COMMIT, "reserve and commit of 1 TiB: ERROR_COMMITMENT_LIMIT");
    else
        CHECK_EQ_U64(GetLastError(), ERROR_COMMITMENT_LIMIT,
                     "reserve and commit of 1 TiB: ERROR_COMMITMENT_LIMIT");
    if (both)
        VirtualFree(both, 0, MEM_RELEASE);

    /* Memory is usable again afterwards: nothing stayed charged. */
    char *again = VirtualAlloc(NULL, 8 * MIB, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    CHECK(again != NULL, "8 MiB can be committed after the refused commits");
    if (again)
        VirtualFree(again, 0, MEM_RELEASE);
}

int main(void)
{
    GetSystemInfo(&si);
    on_wine = utest_on_wine();
    UTEST_NOTE("test_virtual_alloc on %s", utest_platform());
    test_reserve_rounding();
    test_system_chosen_bases();
    test_top_down();
    test_commit_needs_a_reservation();
    test_recommit_keeps_contents();
    test_lazy_commit_reads_zero();
    test_mem_reset();
    test_invalid_protections();
    test_invalid_types_and_sizes();
    test_commitment_limit();
    return utest_done();
}
