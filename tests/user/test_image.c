/*
 * The program's own image as Windows shows it: VirtualQuery of its code, constants and
 * data reports MEM_IMAGE with the image base as AllocationBase and
 * PAGE_EXECUTE_WRITECOPY as AllocationProtect; code is PAGE_EXECUTE_READ, constants
 * PAGE_READONLY, data PAGE_WRITECOPY until written and PAGE_READWRITE after; VirtualFree
 * refuses image memory; VirtualProtect turns writable protections into copy-on-write
 * ones there. Runs on Reservoir (an ELF mapped as an image view) and unchanged on Wine
 * (a PE).
 *
 * Sources (docs/vm.md, "The program image"):
 *   [MBI] "MEMORY_BASIC_INFORMATION structure": Type MEM_IMAGE "within a view of an image
 *         section"; AllocationProtect "when the region was initially allocated".
 *   [MPC] "Memory Protection Constants": PAGE_WRITECOPY, PAGE_EXECUTE_WRITECOPY ("an
 *         attempt to write to committed copy-on-write memory results in a private copy
 *         of the page ... changed to PAGE_READWRITE").
 *   [LDR] Wine's dlls/kernel32/tests/loader.c test_VirtualProtect, which passes on
 *         Windows: an image's AllocationProtect is PAGE_EXECUTE_WRITECOPY, Type
 *         SEC_IMAGE (MEM_IMAGE); VirtualProtect(PAGE_READWRITE) reads back
 *         PAGE_WRITECOPY, PAGE_EXECUTE_READWRITE reads back PAGE_EXECUTE_WRITECOPY,
 *         bad combinations fail with ERROR_INVALID_PARAMETER.
 *   [WRK] Windows Research Kernel, NtFreeVirtualMemory (freevm.c): memory that is not
 *         private is STATUS_UNABLE_TO_DELETE_SECTION, which RtlNtStatusToDosError makes
 *         ERROR_INVALID_PARAMETER (generr.c); NtAllocateVirtualMemory (allocvm.c):
 *         committing in an image view is STATUS_ALREADY_COMMITTED, ERROR_ACCESS_DENIED.
 *
 * Wine deviation (Wine 8.0), "# SKIP" on Wine only: a copy-on-write page of the image
 * still reports PAGE_WRITECOPY after it was written, where [MPC] says the private copy
 * is PAGE_READWRITE (W_NOCOPY).
 */
#include "utest.h"

#include <string.h>

#define PAGE ((SIZE_T)0x1000)
#define W_NOCOPY "Wine deviation: a written copy-on-write page still reports PAGE_WRITECOPY [MPC]"

#if defined(_WIN32)
extern char __ImageBase[];              /* the PE's base, from the mingw-w64 linker */
#define IMAGE_BASE ((ULONG_PTR)__ImageBase)
#else
extern char __executable_start[];       /* the ELF's first byte, from GNU ld */
#define IMAGE_BASE ((ULONG_PTR)__executable_start)
#endif

/* Whole pages of initialized data nothing else shares or touches before the tests. */
static volatile char untouched[PAGE] __attribute__((aligned(4096))) = { 1 };
static volatile char to_protect[PAGE] __attribute__((aligned(4096))) = { 2 };
static volatile int written = 5;
static const char constant[64] = "a constant in read-only data";

static __attribute__((noinline)) int some_function(int x)
{
    return x * 3 + 1;
}

static int query(ULONG_PTR address, MEMORY_BASIC_INFORMATION *mbi)
{
    memset(mbi, 0xCC, sizeof(*mbi));
    return VirtualQuery((const void *)address, mbi, sizeof(*mbi)) == sizeof(*mbi);
}

static int on_wine;

/* The fields every page of the image shares, and its protection (a "# SKIP skip" when
   skip is not NULL). */
static void expect_image_or_skip(ULONG_PTR address, DWORD protect, const char *skip,
                                 const char *what)
{
    MEMORY_BASIC_INFORMATION mbi;
    CHECK(query(address, &mbi), "%s: VirtualQuery", what);
    CHECK_EQ_U64(mbi.Type, MEM_IMAGE, "%s: Type MEM_IMAGE [MBI]", what);
    CHECK_EQ_U64(mbi.State, MEM_COMMIT, "%s: State MEM_COMMIT", what);
    CHECK_EQ_U64((ULONG_PTR)mbi.AllocationBase, IMAGE_BASE,
                 "%s: AllocationBase is the image base [MBI]", what);
    CHECK_EQ_U64(mbi.AllocationProtect, PAGE_EXECUTE_WRITECOPY,
                 "%s: AllocationProtect PAGE_EXECUTE_WRITECOPY [LDR]", what);
    if (skip)
        UTEST_SKIP(skip, "%s: Protect", what);
    else
        CHECK_EQ_U64(mbi.Protect, protect, "%s: Protect", what);
}

static void expect_image(ULONG_PTR address, DWORD protect, const char *what)
{
    expect_image_or_skip(address, protect, NULL, what);
}

/* A copy-on-write page after a write: [MPC] "The private page is marked as
   PAGE_READWRITE". */
static void expect_written(ULONG_PTR address, const char *what)
{
    expect_image_or_skip(address, PAGE_READWRITE, on_wine ? W_NOCOPY : NULL, what);
}

static void test_query(void)
{
    CHECK_EQ_U64(IMAGE_BASE % 0x10000, 0, "the image base is 64 KiB-aligned");
    CHECK_EQ_U64(some_function(2), 7, "the function runs");
    expect_image(IMAGE_BASE, PAGE_READONLY, "the image's first page (headers)");
    expect_image((ULONG_PTR)&some_function, PAGE_EXECUTE_READ, "a function (code)");
    expect_image((ULONG_PTR)constant, PAGE_READONLY, "a constant (read-only data)");
    CHECK(constant[0] == 'a', "the constant reads");
    expect_image((ULONG_PTR)untouched, PAGE_WRITECOPY,
                 "an unwritten data page: PAGE_WRITECOPY [MPC]");
    CHECK_EQ_U64(untouched[0], 1, "the unwritten data page holds its initial value");
    untouched[100] = 9;
    expect_written((ULONG_PTR)untouched, "the data page after a write: PAGE_READWRITE [MPC]");
    CHECK(untouched[0] == 1 && untouched[100] == 9, "the written page kept its contents");
    written = 6;
    expect_written((ULONG_PTR)&written, "a written global: PAGE_READWRITE [MPC]");
}

static void test_free_and_commit(void)
{
    SetLastError(0xdeadbeef);
    CHECK(!VirtualFree((void *)IMAGE_BASE, 0, MEM_RELEASE),
          "VirtualFree(image base, 0, MEM_RELEASE) fails [WRK]");
    CHECK_EQ_U64(GetLastError(), ERROR_INVALID_PARAMETER,
                 "... with ERROR_INVALID_PARAMETER [WRK]");
    SetLastError(0xdeadbeef);
    CHECK(!VirtualFree((void *)&written, sizeof(written), MEM_DECOMMIT),
          "VirtualFree(a global, MEM_DECOMMIT) fails [WRK]");
    CHECK_EQ_U64(GetLastError(), ERROR_INVALID_PARAMETER,
                 "... with ERROR_INVALID_PARAMETER [WRK]");
    CHECK_EQ_U64(written, 6, "the global is still there");
    expect_image((ULONG_PTR)&some_function, PAGE_EXECUTE_READ, "code after the failed frees");

    SetLastError(0xdeadbeef);
    void *p = VirtualAlloc((void *)&written, sizeof(written), MEM_COMMIT, PAGE_READWRITE);
    CHECK(p == NULL, "VirtualAlloc(MEM_COMMIT) in the image fails [WRK]");
    CHECK_EQ_U64(GetLastError(), ERROR_ACCESS_DENIED,
                 "... with ERROR_ACCESS_DENIED (STATUS_ALREADY_COMMITTED) [WRK]");
}

static void test_protect(void)
{
    ULONG_PTR page = (ULONG_PTR)to_protect;
    DWORD old = 0;
    static const struct {
        DWORD set, get;
    } table[] = {
        { PAGE_READONLY, PAGE_READONLY },
        { PAGE_READWRITE, PAGE_WRITECOPY },
        { PAGE_EXECUTE_READ, PAGE_EXECUTE_READ },
        { PAGE_EXECUTE_READWRITE, PAGE_EXECUTE_WRITECOPY },
        { PAGE_EXECUTE_WRITECOPY, PAGE_EXECUTE_WRITECOPY },
        { PAGE_NOACCESS, PAGE_NOACCESS },
        { PAGE_WRITECOPY, PAGE_WRITECOPY },
    };
    DWORD previous = PAGE_WRITECOPY;
    for (unsigned i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        old = 0xdeadbeef;
        CHECK(VirtualProtect((void *)page, PAGE, table[i].set, &old),
              "VirtualProtect(image data, 0x%lx) succeeds [LDR]", (unsigned long)table[i].set);
        CHECK_EQ_U64(old, previous, "... and returns the previous protection");
        expect_image(page, table[i].get, "image data after VirtualProtect");
        previous = table[i].get;
    }
    static const DWORD bad[] = { PAGE_READONLY | PAGE_NOACCESS, PAGE_WRITECOPY | PAGE_READWRITE,
                                 PAGE_EXECUTE_READ | PAGE_EXECUTE, 0 };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        SetLastError(0xdeadbeef);
        CHECK(!VirtualProtect((void *)page, PAGE, bad[i], &old),
              "VirtualProtect(image data, 0x%lx) fails [LDR]", (unsigned long)bad[i]);
        CHECK_EQ_U64(GetLastError(), ERROR_INVALID_PARAMETER,
                     "... with ERROR_INVALID_PARAMETER [LDR]");
    }
    expect_image(page, PAGE_WRITECOPY, "image data unchanged by the refused calls");
    CHECK_EQ_U64(to_protect[0], 2, "the page kept its contents through it all");
    to_protect[1] = 3;
    expect_written(page, "a write through PAGE_WRITECOPY: PAGE_READWRITE [MPC]");
}

int main(void)
{
    on_wine = utest_on_wine();
    UTEST_NOTE("test_image on %s", utest_platform());
    test_query();
    test_free_and_commit();
    test_protect();
    return utest_done();
}
