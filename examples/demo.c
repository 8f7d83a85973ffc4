/*
 * demo.c: a tour of virtual memory and exceptions, written as any Windows program would
 * be. It builds for Reservoir (`make run`, or `make run PROG=examples/demo.c`) and, as
 * it is, for Windows or Wine:
 *
 *     x86_64-w64-mingw32-gcc -O2 -o demo.exe examples/demo.c && wine demo.exe
 *
 * What it does, step by step:
 *   1. reserves 1 MiB of address space: addresses only, no memory behind them yet;
 *   2. commits the first 64 KiB and writes to every page (the first touch of each page
 *      is when memory really gets used: a demand-zero fault the program never sees);
 *   3. makes one page read-only and one a guard page (VirtualProtect);
 *   4. touches the guard page: the first access raises STATUS_GUARD_PAGE_VIOLATION,
 *      which a vectored exception handler catches; the guard is gone afterwards;
 *   5. walks the whole address space with VirtualQuery, as a debugger's !address or
 *      !vad would, printing one line per region;
 *   6. decommits half of what it committed, then releases the reservation.
 *
 * Each VirtualQuery answer is a MEMORY_BASIC_INFORMATION: the region [BaseAddress,
 * BaseAddress + RegionSize) is a run of pages that share State, Protect and Type, and
 * AllocationBase is where the VirtualAlloc reservation containing them begins.
 */
#include <stdio.h>
#include <string.h>
#include <windows.h>

#define KIB ((SIZE_T)1024)
#define MIB (1024 * KIB)

/* ------------------------------------------------------------------------------------ */
/* Step 4's handler                                                                      */
/* ------------------------------------------------------------------------------------ */

static volatile LONG guard_hits;
static volatile ULONG_PTR guard_address;

/*
 * A vectored exception handler sees every exception in the process before anything
 * else does. This one takes only guard-page violations: the system has already removed
 * the guard, so EXCEPTION_CONTINUE_EXECUTION simply retries the access, which now
 * succeeds. Anything else it passes on with EXCEPTION_CONTINUE_SEARCH.
 */
static LONG CALLBACK guard_page_handler(EXCEPTION_POINTERS *info)
{
    EXCEPTION_RECORD *record = info->ExceptionRecord;
    if (record->ExceptionCode != STATUS_GUARD_PAGE_VIOLATION)
        return EXCEPTION_CONTINUE_SEARCH;
    guard_hits++;
    guard_address = record->ExceptionInformation[1];  /* [0] read/write, [1] the address */
    return EXCEPTION_CONTINUE_EXECUTION;
}

/* ------------------------------------------------------------------------------------ */
/* Printing MEMORY_BASIC_INFORMATION                                                     */
/* ------------------------------------------------------------------------------------ */

static const char *state_name(DWORD state)
{
    switch (state) {
    case MEM_COMMIT: return "commit";
    case MEM_RESERVE: return "reserve";
    case MEM_FREE: return "free";
    default: return "?";
    }
}

static const char *type_name(DWORD type)
{
    switch (type) {
    case MEM_PRIVATE: return "private";
    case MEM_MAPPED: return "mapped";
    case MEM_IMAGE: return "image";
    case 0: return "-";                 /* free regions have no type */
    default: return "?";
    }
}

/* "READWRITE", "READWRITE+GUARD", ... or "-" (reserved and free regions have none). */
static const char *protect_name(DWORD protect, char *buffer, size_t size)
{
    static const struct { DWORD bit; const char *name; } base[] = {
        { PAGE_NOACCESS, "NOACCESS" },
        { PAGE_READONLY, "READONLY" },
        { PAGE_READWRITE, "READWRITE" },
        { PAGE_WRITECOPY, "WRITECOPY" },
        { PAGE_EXECUTE, "EXECUTE" },
        { PAGE_EXECUTE_READ, "EXECUTE_READ" },
        { PAGE_EXECUTE_READWRITE, "EXECUTE_READWRITE" },
        { PAGE_EXECUTE_WRITECOPY, "EXECUTE_WRITECOPY" },
    };
    if (protect == 0)
        return "-";
    const char *name = "?";
    for (size_t i = 0; i < sizeof(base) / sizeof(base[0]); i++)
        if ((protect & 0xff) == base[i].bit)
            name = base[i].name;
    snprintf(buffer, size, "%s%s%s%s", name, (protect & PAGE_GUARD) ? "+GUARD" : "",
             (protect & PAGE_NOCACHE) ? "+NOCACHE" : "",
             (protect & PAGE_WRITECOMBINE) ? "+WRITECOMBINE" : "");
    return buffer;
}

/* Sizes as people read them: "64 KiB", "1 MiB"; "~127 TiB" when rounded down. */
static const char *size_name(ULONGLONG bytes, char *buffer, size_t size)
{
    static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
    unsigned unit = 0;
    int exact = 1;
    while (unit + 1 < sizeof(units) / sizeof(units[0]) &&
           (bytes >= 10240 || (bytes >= 1024 && bytes % 1024 == 0))) {
        if (bytes % 1024)
            exact = 0;
        bytes /= 1024;
        unit++;
    }
    snprintf(buffer, size, "%s%llu %s", exact ? "" : "~", bytes, units[unit]);
    return buffer;
}

static void print_header(void)
{
    printf("  %-18s %-18s %10s  %-7s  %-17s %-7s  %s\n", "BaseAddress", "End", "Size",
           "State", "Protect", "Type", "AllocationBase");
}

static void print_region(const MEMORY_BASIC_INFORMATION *mbi, const void *ours)
{
    char protect[48], size[24];
    ULONGLONG base = (ULONGLONG)(ULONG_PTR)mbi->BaseAddress;
    printf("  0x%016llx 0x%016llx %10s  %-7s  %-17s %-7s  ", base,
           base + mbi->RegionSize, size_name(mbi->RegionSize, size, sizeof(size)),
           state_name(mbi->State), protect_name(mbi->Protect, protect, sizeof(protect)),
           type_name(mbi->Type));
    if (mbi->State == MEM_FREE)
        printf("-");
    else
        printf("0x%016llx", (ULONGLONG)(ULONG_PTR)mbi->AllocationBase);
    printf("%s\n", mbi->AllocationBase == ours && mbi->State != MEM_FREE ? "  <- the demo's" : "");
}

/*
 * Every region from the lowest usable address up: ask about an address, print the
 * region that holds it, continue just past its end. VirtualQuery returns 0 once the
 * address is beyond the user part of the address space.
 */
static void print_address_space(const SYSTEM_INFO *si, const void *ours)
{
    MEMORY_BASIC_INFORMATION mbi;
    const char *address = (const char *)si->lpMinimumApplicationAddress;
    unsigned regions = 0;

    print_header();
    while (address <= (const char *)si->lpMaximumApplicationAddress &&
           VirtualQuery(address, &mbi, sizeof(mbi)) == sizeof(mbi)) {
        print_region(&mbi, ours);
        regions++;
        address = (const char *)mbi.BaseAddress + mbi.RegionSize;
    }
    printf("  %u regions\n", regions);
}

/* Only the regions of the reservation at base. */
static void print_reservation(char *base, SIZE_T size)
{
    MEMORY_BASIC_INFORMATION mbi;
    print_header();
    for (char *address = base; address < base + size; address += mbi.RegionSize) {
        if (VirtualQuery(address, &mbi, sizeof(mbi)) != sizeof(mbi))
            break;
        print_region(&mbi, base);
    }
}

static int fail(const char *what)
{
    printf("demo: %s failed: error %lu\n", what, (unsigned long)GetLastError());
    return 1;
}

int main(void)
{
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    const SIZE_T page = si.dwPageSize;
    printf("Page size %lu bytes, allocation granularity %lu KiB, user addresses "
           "0x%llx to 0x%llx\n\n", (unsigned long)si.dwPageSize,
           (unsigned long)(si.dwAllocationGranularity / 1024),
           (ULONGLONG)(ULONG_PTR)si.lpMinimumApplicationAddress,
           (ULONGLONG)(ULONG_PTR)si.lpMaximumApplicationAddress);

    /* 1. Reserve: the system picks the address, on a 64 KiB boundary. */
    const SIZE_T reserved = 1 * MIB;
    char *base = VirtualAlloc(NULL, reserved, MEM_RESERVE, PAGE_READWRITE);
    if (!base)
        return fail("VirtualAlloc(MEM_RESERVE)");
    printf("1. Reserved 1 MiB at 0x%llx\n", (ULONGLONG)(ULONG_PTR)base);

    /* 2. Commit the first 64 KiB inside the reservation, then touch every page. */
    const SIZE_T committed = 64 * KIB;
    if (!VirtualAlloc(base, committed, MEM_COMMIT, PAGE_READWRITE))
        return fail("VirtualAlloc(MEM_COMMIT)");
    for (SIZE_T offset = 0; offset < committed; offset += page)
        memset(base + offset, (int)(offset / page) + 1, page);
    printf("2. Committed 64 KiB (%lu pages) and wrote to each; page 3 starts with %d\n",
           (unsigned long)(committed / page), base[3 * page]);

    /* 3. Page 4 read-only, page 5 a guard page. VirtualProtect reports the old value. */
    char *readonly_page = base + 4 * page;
    char *guard_page = base + 5 * page;
    DWORD old;
    if (!VirtualProtect(readonly_page, page, PAGE_READONLY, &old))
        return fail("VirtualProtect(PAGE_READONLY)");
    if (!VirtualProtect(guard_page, page, PAGE_READWRITE | PAGE_GUARD, &old))
        return fail("VirtualProtect(PAGE_GUARD)");
    printf("3. Page 4 (0x%llx) is now read-only, page 5 (0x%llx) a guard page\n",
           (ULONGLONG)(ULONG_PTR)readonly_page, (ULONGLONG)(ULONG_PTR)guard_page);

    /* 4. Touch the guard page twice: only the first access raises the exception. */
    PVOID handler = AddVectoredExceptionHandler(1, guard_page_handler);
    if (!handler)
        return fail("AddVectoredExceptionHandler");
    volatile char *touch = guard_page + 100;
    char first = *touch;
    char second = *touch;
    printf("4. Read the guard page twice (got %d and %d): the handler ran %ld time(s), for "
           "address 0x%llx\n", first, second, (long)guard_hits, (ULONGLONG)guard_address);
    RemoveVectoredExceptionHandler(handler);

    /* 5. The whole address space, region by region. */
    printf("\n5. The address space, as VirtualQuery sees it:\n");
    print_address_space(&si, base);

    /* 6. Decommit pages 8-15 (the second half of what was committed), then release. */
    if (!VirtualFree(base + 8 * page, 8 * page, MEM_DECOMMIT))
        return fail("VirtualFree(MEM_DECOMMIT)");
    printf("\n6. Decommitted pages 8-15; the reservation now:\n");
    print_reservation(base, reserved);

    if (!VirtualFree(base, 0, MEM_RELEASE))
        return fail("VirtualFree(MEM_RELEASE)");
    MEMORY_BASIC_INFORMATION mbi;
    if (VirtualQuery(base, &mbi, sizeof(mbi)) != sizeof(mbi))
        return fail("VirtualQuery");
    printf("   Released: 0x%llx is %s again\n", (ULONGLONG)(ULONG_PTR)base,
           state_name(mbi.State));
    return guard_hits == 1 && mbi.State == MEM_FREE ? 0 : 1;
}
