/*
 * The thread stack as Windows lays it out and grows it: one reservation, the committed
 * top, one PAGE_GUARD page below it and reserved space below that; a touch of the guard
 * page grows the stack without any exception reaching the program, and StackLimit in the
 * TEB follows; at the end of the reservation STATUS_STACK_OVERFLOW is raised once. Runs
 * on Reservoir (tools/run-user-tests.sh) and unchanged on Wine (tools/check-wine.sh).
 *
 * Sources (docs/vm.md, "The user stack", names each rule):
 *   [TSS] "Thread Stack Size", https://learn.microsoft.com/windows/win32/procthread/thread-stack-size:
 *         reserved and initially committed memory; "The system commits additional pages
 *         from the reserved stack memory as they are needed, until either the stack
 *         reaches the reserved size minus one page (which is used as a guard page to
 *         prevent stack overflow)".
 *   [CGP] "Creating Guard Pages", https://learn.microsoft.com/windows/win32/memory/creating-guard-pages:
 *         guard pages "implement automatic stack checking".
 *   [STK] "/STACK (Stack allocations)", https://learn.microsoft.com/cpp/build/reference/stack-stack-allocations:
 *         1 MB reserved by default on x64.
 *   [TIB] winnt.h NT_TIB: StackBase (TEB 0x08), StackLimit (0x10); the x64 TEB's
 *         DeallocationStack (0x1478) is the reservation's base.
 *   [WRK] the Windows Research Kernel's MiCheckForUserStackOverflow (acceschk.c): the
 *         guard moves down one page per touch and StackLimit becomes the touched page;
 *         at the end the page above the last one is committed without a guard,
 *         StackLimit becomes it, and STATUS_STACK_OVERFLOW is raised; the last page
 *         stays reserved. RtlpCreateStack (rtlexec.c): StackLimit is the page above the
 *         guard.
 *   [EXC] "EXCEPTION_RECORD structure": a memory fault has NumberParameters 2 and the
 *         address in ExceptionInformation[1].
 *
 * Wine deviations (Wine 8.0, dlls/ntdll/unix/virtual.c), "# SKIP" on Wine only: the stack
 * is committed in full with its guard page at the bottom (W_COMMITTED), so nothing below
 * the guard is reserved, StackLimit does not move while the stack grows, and the
 * reservation's last page is committed PAGE_NOACCESS.
 */
#include "utest.h"

#include <string.h>

#define KIB ((SIZE_T)1024)
#define PAGE ((SIZE_T)0x1000)
#define W_COMMITTED "Wine deviation: the whole stack is committed, the guard at its bottom [TSS]"

static int on_wine;

static NT_TIB *tib(void)
{
    return (NT_TIB *)NtCurrentTeb();
}

/* [TIB] the x64 TEB's DeallocationStack. */
static ULONG_PTR deallocation_stack(void)
{
    return *(ULONG_PTR *)((char *)NtCurrentTeb() + 0x1478);
}

static ULONG_PTR stack_limit(void)
{
    return (ULONG_PTR)((volatile NT_TIB *)tib())->StackLimit;
}

static ULONG_PTR stack_base(void)
{
    return (ULONG_PTR)tib()->StackBase;
}

/* Counts every exception; growth must not show one ([WRK]: no exception for growth). */
static volatile LONG g_exceptions;
static volatile DWORD g_last_code;

static LONG CALLBACK counter(EXCEPTION_POINTERS *ep)
{
    g_exceptions++;
    g_last_code = ep->ExceptionRecord->ExceptionCode;
    return EXCEPTION_CONTINUE_SEARCH;
}

static int query(ULONG_PTR address, MEMORY_BASIC_INFORMATION *mbi)
{
    memset(mbi, 0xCC, sizeof(*mbi));
    return VirtualQuery((const void *)address, mbi, sizeof(*mbi)) == sizeof(*mbi);
}

/* ------------------------------------------------------------------------------------ */
/* The layout                                                                            */
/* ------------------------------------------------------------------------------------ */

static void test_layout(void)
{
    MEMORY_BASIC_INFORMATION mbi;
    volatile char here = 1;
    ULONG_PTR limit = stack_limit(), base = stack_base(), dealloc = deallocation_stack();
    ULONG_PTR local = (ULONG_PTR)&here;

    CHECK(limit <= local && local < base, "a local lies in [StackLimit, StackBase) [TIB]");
    CHECK(limit % PAGE == 0 && base % PAGE == 0, "StackLimit and StackBase are page-aligned");
    CHECK(query(local, &mbi), "VirtualQuery of a local");
    CHECK_EQ_U64((ULONG_PTR)mbi.AllocationBase, dealloc,
                 "the stack's AllocationBase is the TEB's DeallocationStack [TIB]");
    if (!on_wine)
        CHECK_EQ_U64(base - dealloc, 1024 * KIB,
                     "the reservation is 1 MiB, the PE default [STK] (Reservoir's choice)");

    /* Three regions, all of one allocation [TSS] [WRK]: committed from StackLimit up to
       StackBase; the guard page just below; reserved below it down to the base. Nothing
       here may grow the stack between the reads: the deep calls ran before. */
    CHECK(query(limit, &mbi) && mbi.State == MEM_COMMIT && mbi.Protect == PAGE_READWRITE &&
              mbi.Type == MEM_PRIVATE && (ULONG_PTR)mbi.BaseAddress == limit &&
              (ULONG_PTR)mbi.BaseAddress + mbi.RegionSize == base &&
              (ULONG_PTR)mbi.AllocationBase == dealloc &&
              mbi.AllocationProtect == PAGE_READWRITE,
          "committed region: [StackLimit, StackBase), PAGE_READWRITE, MEM_PRIVATE");
    CHECK(query(limit - 1, &mbi) && mbi.State == MEM_COMMIT &&
              mbi.Protect == (PAGE_READWRITE | PAGE_GUARD) &&
              (ULONG_PTR)mbi.BaseAddress + mbi.RegionSize == limit &&
              (ULONG_PTR)mbi.AllocationBase == dealloc && mbi.Type == MEM_PRIVATE,
          "guard region just below StackLimit: PAGE_READWRITE | PAGE_GUARD [CGP]");
    ULONG_PTR guard = (ULONG_PTR)mbi.BaseAddress;
    /* [WRK] gives one page for a thread without a stack guarantee (SetThreadStackGuarantee
       makes it larger); Windows' own threads may have one, so only Reservoir checks. */
    if (!on_wine)
        CHECK_EQ_U64(mbi.RegionSize, PAGE, "the guard region is one page [WRK] (Reservoir)");
    if (on_wine) {
        UTEST_SKIP(W_COMMITTED, "reserved region from DeallocationStack up to the guard");
    } else {
        CHECK(query(dealloc, &mbi) && mbi.State == MEM_RESERVE && mbi.Protect == 0 &&
                  (ULONG_PTR)mbi.BaseAddress == dealloc &&
                  (ULONG_PTR)mbi.BaseAddress + mbi.RegionSize == guard &&
                  (ULONG_PTR)mbi.AllocationBase == dealloc && mbi.Type == MEM_PRIVATE,
              "reserved region from DeallocationStack up to the guard [TSS]");
    }
}

/* ------------------------------------------------------------------------------------ */
/* Growth                                                                                */
/* ------------------------------------------------------------------------------------ */

#define FRAME_BYTES 1000
static ULONG_PTR g_deepest;

/* About a kilobyte a frame, each touched; records the deepest local. */
static __attribute__((noinline)) unsigned recurse(unsigned depth)
{
    volatile char frame[FRAME_BYTES];
    frame[0] = (char)depth;
    frame[FRAME_BYTES - 1] = (char)depth;
    if ((ULONG_PTR)frame < g_deepest)
        g_deepest = (ULONG_PTR)frame;
    if (depth == 0)
        return frame[0];
    return recurse(depth - 1) + frame[FRAME_BYTES - 1];
}

static void test_deep_recursion(void)
{
    ULONG_PTR limit_before = stack_limit();
    g_deepest = (ULONG_PTR)-1;
    g_exceptions = 0;
    recurse(400);       /* ~400 KiB, below the big frame's pages: ~50 more guard pages */
    ULONG_PTR limit_after = stack_limit();
    CHECK_EQ_U64(g_exceptions, 0,
                 "400 KiB of recursion: no exception reaches the program [WRK] [CGP]");
    if (on_wine) {
        UTEST_SKIP(W_COMMITTED, "StackLimit moved down to the deepest frame's page");
    } else {
        CHECK(limit_after < limit_before && limit_after <= g_deepest &&
                  g_deepest - limit_after < 2 * PAGE,
              "StackLimit moved down to the deepest frame's page [WRK]");
    }
    MEMORY_BASIC_INFORMATION mbi;
    CHECK(query(g_deepest, &mbi) && mbi.State == MEM_COMMIT && mbi.Protect == PAGE_READWRITE,
          "the deepest frame's page is committed PAGE_READWRITE");
}

/* A frame bigger than many pages: -fstack-clash-protection (MSVC and mingw: __chkstk)
   probes each page from the top, so each guard page is met in turn. */
static __attribute__((noinline)) unsigned big_frame(void)
{
    volatile char array[200 * 1024];
    array[0] = 1;                       /* the lowest byte first: every page above probed */
    array[sizeof(array) - 1] = 2;
    array[sizeof(array) / 2] = 3;
    if ((ULONG_PTR)array < g_deepest)
        g_deepest = (ULONG_PTR)array;
    return array[0] + array[sizeof(array) - 1] + array[sizeof(array) / 2];
}

static void test_big_frame(void)
{
    g_deepest = (ULONG_PTR)-1;
    g_exceptions = 0;
    unsigned sum = big_frame();
    CHECK_EQ_U64(sum, 6, "a 200 KiB local array is written and read back");
    CHECK_EQ_U64(g_exceptions, 0, "a 200 KiB frame: no exception reaches the program");
    if (!on_wine)
        CHECK(stack_limit() <= g_deepest, "StackLimit is at or below the big frame [WRK]");
}

/* ------------------------------------------------------------------------------------ */
/* Overflow                                                                              */
/* ------------------------------------------------------------------------------------ */

static CONTEXT g_saved;                 /* RtlCaptureContext's, in test_overflow */
static volatile LONG g_overflows;
static volatile LONG g_resumed;
static volatile DWORD g_code, g_params;
static volatile ULONG_PTR g_info0, g_info1;

/* Runs on a nearly exhausted stack: copies and a few stores only. */
static LONG CALLBACK overflow_handler(EXCEPTION_POINTERS *ep)
{
    DWORD code = ep->ExceptionRecord->ExceptionCode;
    if (code != STATUS_STACK_OVERFLOW || g_overflows)
        return EXCEPTION_CONTINUE_SEARCH;
    g_overflows++;
    g_code = code;
    g_params = ep->ExceptionRecord->NumberParameters;
    g_info0 = ep->ExceptionRecord->ExceptionInformation[0];
    g_info1 = ep->ExceptionRecord->ExceptionInformation[1];
    *ep->ContextRecord = g_saved;       /* back to where RtlCaptureContext returned */
    return EXCEPTION_CONTINUE_EXECUTION;
}

static __attribute__((noinline)) unsigned forever(unsigned depth)
{
    volatile char frame[256];
    frame[0] = (char)depth;
    if (depth == 0xFFFFFFFFu)           /* never: keeps the recursion from being infinite */
        return 0;
    return forever(depth + 1) + frame[0];
}

static void test_overflow(void)
{
    PVOID h = AddVectoredExceptionHandler(1, overflow_handler);
    CHECK(h != NULL, "overflow: AddVectoredExceptionHandler");
    g_resumed = 0;
    g_overflows = 0;
    RtlCaptureContext(&g_saved);        /* returns here twice */
    if (!g_resumed) {
        g_resumed = 1;
        forever(0);
        CHECK(0, "infinite recursion returned");
    }
    RemoveVectoredExceptionHandler(h);

    ULONG_PTR dealloc = deallocation_stack(), base = stack_base();
    CHECK_EQ_U64(g_overflows, 1, "infinite recursion raises one exception the handler takes");
    CHECK_EQ_U64(g_code, STATUS_STACK_OVERFLOW, "it is STATUS_STACK_OVERFLOW 0xC00000FD [TSS]");
    CHECK(g_params == 2 && g_info1 >= dealloc && g_info1 < base,
          "NumberParameters 2; ExceptionInformation[1] is an address in the stack [EXC]");
    CHECK_EQ_U64(g_info0, EXCEPTION_WRITE_FAULT,
                 "ExceptionInformation[0]: a write (the recursion's stores and calls) [EXC]");
    CHECK_EQ_U64(stack_limit(), dealloc + PAGE,
                 "after the overflow StackLimit is the page above the last one [WRK]");
    MEMORY_BASIC_INFORMATION mbi;
    CHECK(query(dealloc + PAGE, &mbi) && mbi.State == MEM_COMMIT &&
              mbi.Protect == PAGE_READWRITE && (ULONG_PTR)mbi.AllocationBase == dealloc,
          "the page above the last one is committed PAGE_READWRITE, no guard [WRK]");
    if (on_wine)
        UTEST_SKIP(W_COMMITTED, "the last page of the reservation stays reserved");
    else
        CHECK(query(dealloc, &mbi) && mbi.State == MEM_RESERVE && mbi.RegionSize == PAGE,
              "the last page of the reservation stays reserved [TSS] [WRK]");
}

int main(void)
{
    on_wine = utest_on_wine();
    UTEST_NOTE("test_stack on %s", utest_platform());
    PVOID h = AddVectoredExceptionHandler(1, counter);
    CHECK(h != NULL, "AddVectoredExceptionHandler(counter)");
    test_big_frame();       /* first, while only the top of the stack is committed */
    test_deep_recursion();
    RemoveVectoredExceptionHandler(h);
    test_layout();
    test_overflow();        /* last: afterwards the stack has no guard page left */
    return utest_done();
}
