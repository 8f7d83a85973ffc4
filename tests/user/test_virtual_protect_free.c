/*
 * VirtualProtect and VirtualFree as Windows documents them. Runs on Reservoir
 * (tools/run-user-tests.sh) and unchanged on Wine (tools/check-wine.sh).
 *
 * Sources (docs/vm.md names each rule):
 *   [VP]  "VirtualProtect function (memoryapi.h)",
 *         https://learn.microsoft.com/windows/win32/api/memoryapi/nf-memoryapi-virtualprotect
 *   [VF]  "VirtualFree function (memoryapi.h)",
 *         https://learn.microsoft.com/windows/win32/api/memoryapi/nf-memoryapi-virtualfree
 *   [VA]  "VirtualAlloc function",
 *         https://learn.microsoft.com/windows/win32/api/memoryapi/nf-memoryapi-virtualalloc
 *   [MPC] "Memory Protection Constants",
 *         https://learn.microsoft.com/windows/win32/memory/memory-protection-constants
 *   [ZwF] "ZwFreeVirtualMemory function (ntifs.h)",
 *         https://learn.microsoft.com/windows-hardware/drivers/ddi/ntifs/nf-ntifs-zwfreevirtualmemory
 *   [ERR] "System Error Codes (0-499)" and "(500-999)": ERROR_INVALID_PARAMETER 87,
 *         ERROR_INVALID_ADDRESS 487, ERROR_NOACCESS 998 ("Invalid access to memory
 *         location"), https://learn.microsoft.com/windows/win32/debug/system-error-codes
 *   [WT]  Wine's conformance tests dlls/kernel32/tests/virtual.c (they pass on Windows),
 *         where the pages name no error code.
 *   [ROS] ReactOS ntoskrnl/mm/ARM3/virtual.c, docs/vm.md's cross-check.
 *   [MS-ERREF] "[MS-ERREF]: Windows Error Codes", 2.3.1 NTSTATUS Values,
 *         https://learn.microsoft.com/openspecs/windows_protocols/ms-erref/596a1078-e883-4972-9bbc-49e60bebca55
 *
 * Wine deviations, reported "# SKIP" on Wine and checked everywhere else:
 *   W_NOTALLOC  (Wine 8.0; later Wine's NtFreeVirtualMemory returns
 *               STATUS_MEMORY_NOT_ALLOCATED) freeing or decommitting an address with no
 *               allocation fails with ERROR_INVALID_PARAMETER, not ERROR_INVALID_ADDRESS.
 *   W_OLDPROT   with a non-NULL lpflOldProtect that cannot be written, VirtualProtect
 *               fails with ERROR_NOACCESS as [VP] says, but only after changing the pages
 *               (NtProtectVirtualMemory writes *old_prot last, unprobed).
 */
#include "utest.h"

#include <string.h>

#define PAGE ((SIZE_T)0x1000)
#define GRANULE ((SIZE_T)0x10000)

static int on_wine;

#define W_OLDPROT "Wine deviation: pages change before *lpflOldProtect is written [ROS]"
#define W_NOTALLOC "Wine deviation: not-allocated memory gives ERROR_INVALID_PARAMETER [MS-ERREF]"

static DWORD protect_of(const void *p)
{
    MEMORY_BASIC_INFORMATION mbi;
    if (VirtualQuery(p, &mbi, sizeof(mbi)) != sizeof(mbi))
        return 0xFFFFFFFF;
    return mbi.State == MEM_COMMIT ? mbi.Protect : 0xFFFF0000 | (mbi.State >> 12);
}

static DWORD state_of(const void *p)
{
    MEMORY_BASIC_INFORMATION mbi;
    if (VirtualQuery(p, &mbi, sizeof(mbi)) != sizeof(mbi))
        return 0;
    return mbi.State;
}

/* A free, 64 KiB-aligned range: reserved by the system, then released. */
static char *free_range(SIZE_T size)
{
    char *p = VirtualAlloc(NULL, size, MEM_RESERVE, PAGE_NOACCESS);
    if (p)
        VirtualFree(p, 0, MEM_RELEASE);
    return p;
}

static void expect_protect_failure(void *p, SIZE_T size, DWORD protect, PDWORD old,
                                   DWORD error, const char *what)
{
    SetLastError(0xdeadbeef);
    CHECK(!VirtualProtect(p, size, protect, old), "%s: VirtualProtect fails", what);
    CHECK_EQ_U64(GetLastError(), error, "%s: last error", what);
}

static void expect_free_failure(void *p, SIZE_T size, DWORD type, DWORD error,
                                const char *what)
{
    SetLastError(0xdeadbeef);
    CHECK(!VirtualFree(p, size, type), "%s: VirtualFree fails", what);
    CHECK_EQ_U64(GetLastError(), error, "%s: last error", what);
}

static void test_protect_old_protection(void)
{
    /* [VP] lpflOldProtect: "receives the previous access protection value of the first
       page in the specified region of pages"; lpAddress/dwSize: "all pages containing
       one or more bytes in the range from lpAddress to (lpAddress+dwSize)". */
    char *p = VirtualAlloc(NULL, 3 * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    CHECK(p != NULL, "reserve and commit 3 pages");
    if (!p)
        return;
    DWORD old = 0xdeadbeef;
    CHECK(VirtualProtect(p, 3 * PAGE, PAGE_READONLY, &old), "3 pages to PAGE_READONLY");
    CHECK_EQ_U64(old, PAGE_READWRITE, "old protection: PAGE_READWRITE");
    CHECK_EQ_U64(protect_of(p + 2 * PAGE), PAGE_READONLY, "page 2 is PAGE_READONLY");
    old = 0xdeadbeef;
    CHECK(VirtualProtect(p + PAGE, PAGE, PAGE_EXECUTE_READ, &old),
          "page 1 to PAGE_EXECUTE_READ");
    CHECK_EQ_U64(old, PAGE_READONLY, "old protection of page 1: PAGE_READONLY");
    /* Mixed protections: the first page's is returned. */
    old = 0xdeadbeef;
    CHECK(VirtualProtect(p + PAGE, 2 * PAGE, PAGE_READWRITE, &old),
          "pages 1-2 (execute-read, read-only) to PAGE_READWRITE");
    CHECK_EQ_U64(old, PAGE_EXECUTE_READ, "old protection is the first page's");
    /* PAGE_GUARD is part of the old protection ([VP]; [MPC] PAGE_GUARD). */
    CHECK(VirtualProtect(p + 2 * PAGE, 1, PAGE_READWRITE | PAGE_GUARD, &old),
          "page 2 to PAGE_READWRITE | PAGE_GUARD");
    old = 0xdeadbeef;
    CHECK(VirtualProtect(p + 2 * PAGE, PAGE, PAGE_READWRITE, &old), "page 2 back to read-write");
    CHECK_EQ_U64(old, PAGE_READWRITE | PAGE_GUARD, "old protection includes PAGE_GUARD");
    /* Two bytes straddling pages 0 and 1 change both pages, not page 2. */
    CHECK(VirtualProtect(p + PAGE - 1, 2, PAGE_READONLY, &old),
          "2 bytes straddling pages 0 and 1 to PAGE_READONLY");
    CHECK_EQ_U64(old, PAGE_READONLY, "old protection of page 0 (read-only since above)");
    CHECK(protect_of(p) == PAGE_READONLY && protect_of(p + PAGE) == PAGE_READONLY &&
              protect_of(p + 2 * PAGE) == PAGE_READWRITE,
          "both straddled pages changed, the third did not");
    /* Contents survive protection changes. */
    CHECK(VirtualProtect(p, 3 * PAGE, PAGE_READWRITE, &old), "all back to read-write");
    memset(p, 0x77, 3 * PAGE);
    CHECK(VirtualProtect(p, 3 * PAGE, PAGE_NOACCESS, &old) &&
              VirtualProtect(p, 3 * PAGE, PAGE_READONLY, &old),
          "through PAGE_NOACCESS to PAGE_READONLY");
    CHECK(p[0] == 0x77 && p[3 * PAGE - 1] == 0x77, "contents survive PAGE_NOACCESS");
    VirtualFree(p, 0, MEM_RELEASE);
}

static void test_protect_failures(void)
{
    char *r = VirtualAlloc(NULL, GRANULE, MEM_RESERVE, PAGE_READWRITE);
    if (!r)
        return;
    CHECK(VirtualAlloc(r, PAGE, MEM_COMMIT, PAGE_READWRITE) == r, "commit page 0 of 16");
    DWORD old = 0xdeadbeef;
    /* [VP] remarks: the pages must be committed; [WT]: ERROR_INVALID_ADDRESS on NT. */
    expect_protect_failure(r, 2 * PAGE, PAGE_READONLY, &old, ERROR_INVALID_ADDRESS,
                           "committed + reserved page");
    CHECK_EQ_U64(protect_of(r), PAGE_READWRITE, "the committed page kept its protection");
    expect_protect_failure(r + PAGE, PAGE, PAGE_READONLY, &old, ERROR_INVALID_ADDRESS,
                           "a reserved page");
    CHECK_EQ_U64(old, 0xdeadbeef, "a failed VirtualProtect leaves *lpflOldProtect alone");

    /* [VP] lpflOldProtect: "If this parameter is NULL or does not point to a valid
       variable, the function fails"; the probe fails with STATUS_ACCESS_VIOLATION,
       ERROR_NOACCESS ([ERR]), and nothing changes. */
    expect_protect_failure(r, PAGE, PAGE_READONLY, NULL, ERROR_NOACCESS,
                           "lpflOldProtect NULL");
    CHECK_EQ_U64(protect_of(r), PAGE_READWRITE, "lpflOldProtect NULL: nothing changed");
    /* A pointer that is not NULL but not writable either. That nothing changes is
       [ROS]'s order (ProbeForWriteUlong before any change), which kernel32's comment in
       userlib cites; Wine changes the pages first (W_OLDPROT). */
    expect_protect_failure(r, PAGE, PAGE_READONLY, (PDWORD)(ULONG_PTR)0xFFFF800000001000,
                           ERROR_NOACCESS, "lpflOldProtect in kernel space");
    if (on_wine) {
        UTEST_SKIP(W_OLDPROT, "lpflOldProtect in kernel space: nothing changed");
        VirtualProtect(r, PAGE, PAGE_READWRITE, &old);
    } else {
        CHECK_EQ_U64(protect_of(r), PAGE_READWRITE,
                     "lpflOldProtect in kernel space: nothing changed");
    }
    char *ro = VirtualAlloc(NULL, PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READONLY);
    if (ro) {
        expect_protect_failure(r, PAGE, PAGE_READONLY, (PDWORD)ro, ERROR_NOACCESS,
                               "lpflOldProtect in a read-only page");
        if (on_wine) {
            UTEST_SKIP(W_OLDPROT, "lpflOldProtect read-only: nothing changed");
            VirtualProtect(r, PAGE, PAGE_READWRITE, &old);
        } else {
            CHECK_EQ_U64(protect_of(r), PAGE_READWRITE,
                         "lpflOldProtect read-only: nothing changed");
        }
    }
    if (ro)
        VirtualFree(ro, 0, MEM_RELEASE);

    /* [MPC]: invalid protections are ERROR_INVALID_PARAMETER; PAGE_WRITECOPY is "not
       supported by the VirtualAlloc or VirtualAllocEx functions", so private memory
       cannot take it ([ROS]: STATUS_INVALID_PARAMETER_4, ERROR_INVALID_PARAMETER). */
    expect_protect_failure(r, PAGE, 0, &old, ERROR_INVALID_PARAMETER, "protection 0");
    expect_protect_failure(r, PAGE, PAGE_READONLY | PAGE_READWRITE, &old,
                           ERROR_INVALID_PARAMETER, "two base protections");
    expect_protect_failure(r, PAGE, PAGE_WRITECOPY, &old, ERROR_INVALID_PARAMETER,
                           "PAGE_WRITECOPY on private memory");
    expect_protect_failure(r, PAGE, PAGE_EXECUTE_WRITECOPY, &old, ERROR_INVALID_PARAMETER,
                           "PAGE_EXECUTE_WRITECOPY on private memory");
    CHECK_EQ_U64(protect_of(r), PAGE_READWRITE, "after the refusals page 0 is unchanged");

    /* [VP] lpAddress: the pages "cannot span adjacent reserved regions that were
       allocated by separate calls to VirtualAlloc"; free memory has no pages to change. */
    char *hole = free_range(2 * GRANULE);
    if (hole) {
        char *a = VirtualAlloc(hole, GRANULE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
        char *b = VirtualAlloc(hole + GRANULE, GRANULE, MEM_RESERVE | MEM_COMMIT,
                               PAGE_READWRITE);
        CHECK(a == hole && b == hole + GRANULE, "two adjacent committed reservations");
        if (a && b) {
            CHECK(!VirtualProtect(hole + GRANULE - PAGE, 2 * PAGE, PAGE_READONLY, &old),
                  "VirtualProtect across two reservations fails");
            CHECK(protect_of(hole + GRANULE - PAGE) == PAGE_READWRITE &&
                      protect_of(hole + GRANULE) == PAGE_READWRITE,
                  "... and changes neither");
        }
        if (a)
            VirtualFree(a, 0, MEM_RELEASE);
        if (b)
            VirtualFree(b, 0, MEM_RELEASE);
        CHECK(!VirtualProtect(hole, PAGE, PAGE_READONLY, &old),
              "VirtualProtect of free memory fails");
        UTEST_NOTE("VirtualProtect of free memory: error %lu", (unsigned long)GetLastError());
    }
    VirtualFree(r, 0, MEM_RELEASE);
}

static void test_release(void)
{
    char *p = VirtualAlloc(NULL, 4 * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    CHECK(p != NULL, "reserve and commit 4 pages");
    if (!p)
        return;
    p[0] = 1;
    /* [VF] dwSize: "If the dwFreeType parameter is MEM_RELEASE, this parameter must be
       0 (zero)"; [WT]: ERROR_INVALID_PARAMETER. */
    expect_free_failure(p, 4 * PAGE, MEM_RELEASE, ERROR_INVALID_PARAMETER,
                        "MEM_RELEASE with the region's size");
    expect_free_failure(p, 1, MEM_RELEASE, ERROR_INVALID_PARAMETER, "MEM_RELEASE with size 1");
    /* [VF] lpAddress: with MEM_RELEASE it "must be the base address returned by the
       VirtualAlloc function when the region is reserved"; [ZwF]:
       STATUS_FREE_VM_NOT_AT_BASE, ERROR_INVALID_ADDRESS. */
    expect_free_failure(p + PAGE, 0, MEM_RELEASE, ERROR_INVALID_ADDRESS,
                        "MEM_RELEASE of a non-base address");
    /* [VF] dwFreeType: MEM_DECOMMIT or MEM_RELEASE, not both, not neither ([WT]: type 0
       is ERROR_INVALID_PARAMETER). */
    expect_free_failure(p, 0, MEM_RELEASE | MEM_DECOMMIT, ERROR_INVALID_PARAMETER,
                        "MEM_RELEASE | MEM_DECOMMIT");
    expect_free_failure(p, PAGE, 0, ERROR_INVALID_PARAMETER, "dwFreeType 0");
    CHECK(state_of(p) == MEM_COMMIT && p[0] == 1, "after the refusals the region is intact");

    CHECK(VirtualFree(p, 0, MEM_RELEASE), "MEM_RELEASE at the base with size 0");
    CHECK_EQ_U64(state_of(p), MEM_FREE, "released region is MEM_FREE");
    CHECK_EQ_U64(state_of(p + 3 * PAGE), MEM_FREE, "all of it");
    /* Double release: no allocation there any more: [MS-ERREF] STATUS_MEMORY_NOT_ALLOCATED,
       "An attempt was made to free virtual memory that is not allocated", which Win32
       reports as ERROR_INVALID_ADDRESS ([WT]: Wine's ntdll tests expect that status for
       a freed address; W_NOTALLOC). */
    if (on_wine) {
        CHECK(!VirtualFree(p, 0, MEM_RELEASE), "second MEM_RELEASE: VirtualFree fails");
        UTEST_SKIP(W_NOTALLOC, "second MEM_RELEASE: last error");
        CHECK(!VirtualFree(p, PAGE, MEM_DECOMMIT), "MEM_DECOMMIT of free memory: VirtualFree fails");
        UTEST_SKIP(W_NOTALLOC, "MEM_DECOMMIT of free memory: last error");
    } else {
        expect_free_failure(p, 0, MEM_RELEASE, ERROR_INVALID_ADDRESS, "second MEM_RELEASE");
        expect_free_failure(p, PAGE, MEM_DECOMMIT, ERROR_INVALID_ADDRESS,
                            "MEM_DECOMMIT of free memory");
    }
}

static void test_decommit(void)
{
    char *r = VirtualAlloc(NULL, GRANULE, MEM_RESERVE, PAGE_READWRITE);
    if (!r)
        return;
    char *p = VirtualAlloc(r, 4 * PAGE, MEM_COMMIT, PAGE_READWRITE);
    CHECK(p == r, "commit 4 pages of a 64 KiB reservation");
    if (!p)
        return;
    memset(p, 0x42, 4 * PAGE);
    /* [VF] MEM_DECOMMIT: "Decommits the specified region of committed pages. After the
       operation, the pages are in the reserved state"; the pages holding a byte of the
       range. */
    CHECK(VirtualFree(p + PAGE - 1, 2, MEM_DECOMMIT), "decommit 2 bytes straddling pages 0-1");
    CHECK(state_of(p) == MEM_RESERVE && state_of(p + PAGE) == MEM_RESERVE,
          "both straddled pages are reserved");
    CHECK(state_of(p + 2 * PAGE) == MEM_COMMIT && p[2 * PAGE] == 0x42 &&
              p[4 * PAGE - 1] == 0x42,
          "pages 2-3 stay committed with their contents");
    /* [VA] MEM_RESET: "If you want the range to contain zeros, decommit the memory and
       then recommit it"; [VA]: committed memory is "initialized to zero". */
    CHECK(VirtualAlloc(p, 2 * PAGE, MEM_COMMIT, PAGE_READWRITE) == p, "recommit pages 0-1");
    int zero = 1;
    for (SIZE_T i = 0; i < 2 * PAGE; i++)
        zero &= p[i] == 0;
    CHECK(zero, "recommitted pages read zero");
    /* [VF]: "The function does not fail if you attempt to decommit an uncommitted page". */
    CHECK(VirtualFree(r + 8 * PAGE, 2 * PAGE, MEM_DECOMMIT),
          "decommit of reserved, never committed pages succeeds");
    CHECK(VirtualFree(r + 3 * PAGE, 2 * PAGE, MEM_DECOMMIT),
          "decommit of a committed and a reserved page succeeds");
    CHECK_EQ_U64(state_of(r + 3 * PAGE), MEM_RESERVE, "... and the committed one is reserved");
    /* A decommit range running past the reservation ([ROS] STATUS_UNABLE_TO_FREE_VM,
       ERROR_INVALID_PARAMETER); nothing changes. */
    expect_free_failure(r + GRANULE - PAGE, 2 * PAGE, MEM_DECOMMIT, ERROR_INVALID_PARAMETER,
                        "decommit running past the reservation");
    CHECK(state_of(p) == MEM_COMMIT && state_of(p + 2 * PAGE) == MEM_COMMIT,
          "a refused decommit changes nothing");
    /* [VF] dwSize: "If the lpAddress parameter is the base address returned by the
       VirtualAlloc function and dwSize is 0, the function decommits the entire region". */
    CHECK(VirtualFree(r, 0, MEM_DECOMMIT), "decommit at the base with size 0");
    MEMORY_BASIC_INFORMATION mbi;
    CHECK(VirtualQuery(r, &mbi, sizeof(mbi)) == sizeof(mbi) && mbi.State == MEM_RESERVE &&
              mbi.RegionSize == GRANULE,
          "the whole 64 KiB region is one reserved region");
    DWORD old;
    expect_protect_failure(r, PAGE, PAGE_READONLY, &old, ERROR_INVALID_ADDRESS,
                           "VirtualProtect after decommit");
    CHECK(VirtualFree(r, 0, MEM_RELEASE), "release the reservation");
}

int main(void)
{
    on_wine = utest_on_wine();
    UTEST_NOTE("test_virtual_protect_free on %s", utest_platform());
    test_protect_old_protection();
    test_protect_failures();
    test_release();
    test_decommit();
    return utest_done();
}
