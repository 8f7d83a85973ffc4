/*
 * Deliberately broken tests that prove the test harness notices each way a run can go
 * wrong: a failed check, a panic, a CPU fault in the kernel, a hang, and a double free
 * that the page allocator must catch. They are
 * KTEST_EXPLICIT_ONLY, so `test` alone never runs them; tools/run-tests.sh runs each by
 * name and passes only when tools/qemu-run.sh reports the failure it should.
 */
#include "arch/x86_64/cpu.h"
#include "lib/ktest.h"
#include "lib/panic.h"
#include "mm/page_alloc.h"

/* Mapped by nothing: the boot page tables cover the first 4 GiB and the kernel image. */
#define UNMAPPED_ADDRESS 0xffff900000000000ull

KTEST_EXPLICIT_ONLY(selftest, deliberate_failure)
{
    KEXPECT_EQ(1 + 1, 3);
}

KTEST_EXPLICIT_ONLY(selftest, deliberate_panic)
{
    panic("deliberate panic requested by ktest_panic");
}

KTEST_EXPLICIT_ONLY(selftest, deliberate_page_fault)
{
    *(volatile uint64_t *)UNMAPPED_ADDRESS = 1;
}

KTEST_EXPLICIT_ONLY(selftest, deliberate_hang)
{
    cli();
    for (;;)
        halt();
}

/* Frees one frame twice: the page allocator must stop the kernel and name the frame. */
KTEST_EXPLICIT_ONLY(selftest, deliberate_double_free)
{
    uint64_t pa;
    KASSERT(page_alloc_frame(0, PFN_KERNEL, &pa) == STATUS_SUCCESS);
    page_free_frame(pa);
    page_free_frame(pa);
}
