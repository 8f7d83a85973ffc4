/*
 * In-kernel tests of the memory manager on real paging: the page tables, TLB handling and
 * page allocator as the CPU sees them, and the layout mm_init built.
 */
#include <stddef.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"
#include "lib/ktest.h"
#include "mm/arch.h"
#include "mm/mm.h"
#include "mm/page_alloc.h"
#include "mm/pagetable.h"
#include "mm/pfn.h"

/* A kernel-half window nothing else maps: below the direct map's 512 GiB. */
#define TEST_VA_A 0xffffc00000000000ull
#define TEST_VA_B 0xffffc00000200000ull

static struct {
    uint64_t vector, error_code, cr2;
    int count;
} fault;

/* Records a fault and resumes at the return address on the stack (the test calls the
 * faulting access through a function, so "return" is a clean way out). */
static int record_and_return(struct trap_frame *f)
{
    fault.vector = f->vector;
    fault.error_code = f->error_code;
    fault.cr2 = read_cr2();
    fault.count++;
    f->rip = *(uint64_t *)f->rsp;
    f->rsp += 8;
    return 1;
}

/*
 * A store with no stack frame of its own, so that when it faults the return address is
 * on top of the stack and record_and_return can resume the caller.
 */
void probe_write_u64(volatile uint64_t *p, uint64_t v);
__asm__(".text\n"
        ".type probe_write_u64, @function\n"
        "probe_write_u64:\n"
        "    movq %rsi, (%rdi)\n"
        "    ret\n"
        ".size probe_write_u64, . - probe_write_u64\n");

static ntstatus_t map_one(uint64_t va, uint64_t pa, uint64_t flags)
{
    struct tlb_batch tlb;
    tlb_batch_init(&tlb);
    ntstatus_t st = pt_map(&kernel_page_table, va, pa, flags, &tlb);
    tlb_batch_flush(&tlb, &kernel_page_table);
    return st;
}

static void unmap_one(uint64_t va)
{
    struct tlb_batch tlb;
    tlb_batch_init(&tlb);
    pt_unmap(&kernel_page_table, va, NULL, &tlb);
    tlb_batch_flush(&tlb, &kernel_page_table);
}

KTEST(mm, direct_map_and_image_are_active)
{
    KEXPECT_EQ(arch_active_root(), kernel_page_table.root);
    KEXPECT_EQ(direct_map_base, DIRECT_MAP_BASE);
    uint64_t pa, flags;
    /* The direct map is writable, not executable, global. */
    KASSERT(pt_translate(&kernel_page_table, DIRECT_MAP_BASE + 0x200000, &pa, &flags) ==
            STATUS_SUCCESS);
    KEXPECT_EQ(pa, 0x200000);
    KEXPECT(flags & PTE_WRITABLE);
    KEXPECT(flags & PTE_NX);
    KEXPECT(flags & PTE_GLOBAL);
    /* Kernel code is executable and read-only. */
    KASSERT(pt_translate(&kernel_page_table, (uint64_t)(uintptr_t)&map_one, &pa, &flags) ==
            STATUS_SUCCESS);
    KEXPECT(!(flags & PTE_WRITABLE));
    KEXPECT(!(flags & PTE_NX));
    /* The boot identity map is gone. */
    KEXPECT(pt_translate(&kernel_page_table, 0x100000, &pa, &flags) ==
            STATUS_MEMORY_NOT_ALLOCATED);
}

KTEST(mm, frame_mapped_twice_shares_writes)
{
    uint64_t pa;
    KASSERT(page_alloc_frame(PAGE_ALLOC_ZEROED, PFN_KERNEL, &pa) == STATUS_SUCCESS);
    KASSERT(map_one(TEST_VA_A, pa, PTE_WRITABLE | PTE_NX) == STATUS_SUCCESS);
    KASSERT(map_one(TEST_VA_B, pa, PTE_WRITABLE | PTE_NX) == STATUS_SUCCESS);
    volatile uint64_t *a = (volatile uint64_t *)TEST_VA_A;
    volatile uint64_t *b = (volatile uint64_t *)TEST_VA_B;
    a[7] = 0x1122334455667788ull;
    KEXPECT_EQ(b[7], 0x1122334455667788ull);
    b[100] = 42;
    KEXPECT_EQ(a[100], 42);
    KEXPECT_EQ(((volatile uint64_t *)phys_to_virt(pa))[100], 42);
    unmap_one(TEST_VA_A);
    unmap_one(TEST_VA_B);
    page_free_frame(pa);
}

KTEST(mm, read_only_page_faults_on_write)
{
    uint64_t pa;
    KASSERT(page_alloc_frame(PAGE_ALLOC_ZEROED, PFN_KERNEL, &pa) == STATUS_SUCCESS);
    KASSERT(map_one(TEST_VA_A, pa, PTE_WRITABLE | PTE_NX) == STATUS_SUCCESS);
    volatile uint64_t *p = (volatile uint64_t *)TEST_VA_A;
    probe_write_u64(p, 5);

    struct tlb_batch tlb;
    tlb_batch_init(&tlb);
    KASSERT(pt_protect(&kernel_page_table, TEST_VA_A, 1, PTE_NX, &tlb) == STATUS_SUCCESS);
    tlb_batch_flush(&tlb, &kernel_page_table);

    fault.count = 0;
    trap_set_test_hook(record_and_return);
    probe_write_u64(p, 6);
    trap_set_test_hook(NULL);
    KEXPECT_EQ(fault.count, 1);
    KEXPECT_EQ(fault.vector, VEC_PAGE_FAULT);
    KEXPECT_EQ(fault.error_code, PF_PRESENT | PF_WRITE);
    KEXPECT_EQ(fault.cr2, TEST_VA_A);
    KEXPECT_EQ(*p, 5);          /* the write did not happen; reading still works */

    unmap_one(TEST_VA_A);
    page_free_frame(pa);
}

KTEST(mm, no_execute_is_enforced)
{
    uint64_t pa;
    KASSERT(arch_has_nx());
    KASSERT(page_alloc_frame(PAGE_ALLOC_ZEROED, PFN_KERNEL, &pa) == STATUS_SUCCESS);
    KASSERT(map_one(TEST_VA_A, pa, PTE_WRITABLE) == STATUS_SUCCESS);
    *(volatile uint8_t *)TEST_VA_A = 0xc3;      /* ret */
    void (*fn)(void) = (void (*)(void))TEST_VA_A;

    fault.count = 0;
    trap_set_test_hook(record_and_return);
    fn();                                       /* executable: returns */
    KEXPECT_EQ(fault.count, 0);

    struct tlb_batch tlb;
    tlb_batch_init(&tlb);
    KASSERT(pt_protect(&kernel_page_table, TEST_VA_A, 1, PTE_WRITABLE | PTE_NX, &tlb) ==
            STATUS_SUCCESS);
    tlb_batch_flush(&tlb, &kernel_page_table);
    fn();                                       /* no-execute: faults */
    trap_set_test_hook(NULL);
    KEXPECT_EQ(fault.count, 1);
    KEXPECT_EQ(fault.vector, VEC_PAGE_FAULT);
    KEXPECT_EQ(fault.error_code, PF_PRESENT | PF_FETCH);
    KEXPECT_EQ(fault.cr2, TEST_VA_A);

    unmap_one(TEST_VA_A);
    page_free_frame(pa);
}

KTEST(mm, unmapped_page_faults_not_present)
{
    fault.count = 0;
    trap_set_test_hook(record_and_return);
    probe_write_u64((volatile uint64_t *)TEST_VA_A, 1);
    trap_set_test_hook(NULL);
    KEXPECT_EQ(fault.count, 1);
    KEXPECT_EQ(fault.error_code, PF_WRITE);
}

KTEST(mm, all_memory_allocates_and_returns_exactly)
{
    struct mm_stats before, after;
    mm_stats(&before);
    uint64_t free_before = before.by_state[PFN_FREE] + before.by_state[PFN_ZEROED];

    /* Chain every frame we get through its first word, so no other memory is needed. */
    uint64_t head = 0, count = 0, pa;
    while (page_alloc_frame(0, PFN_KERNEL, &pa) == STATUS_SUCCESS) {
        *(uint64_t *)phys_to_virt(pa) = head;
        head = pa;
        count++;
    }
    KEXPECT_EQ(count, free_before);
    struct mm_stats full;
    mm_stats(&full);
    KEXPECT_EQ(full.by_state[PFN_FREE] + full.by_state[PFN_ZEROED], 0);

    while (head) {
        uint64_t next = *(uint64_t *)phys_to_virt(head);
        page_free_frame(head);
        head = next;
    }
    mm_stats(&after);
    KEXPECT_EQ(after.by_state[PFN_FREE] + after.by_state[PFN_ZEROED], free_before);
    KEXPECT_EQ(after.by_state[PFN_KERNEL], before.by_state[PFN_KERNEL]);
    KEXPECT_EQ(page_alloc_check(), 0);
}

KTEST(mm, frame_accounting_adds_up)
{
    struct mm_stats s;
    mm_stats(&s);
    uint64_t sum = 0;
    for (int i = 0; i < PFN_STATE_COUNT; i++)
        sum += s.by_state[i];
    KEXPECT_EQ(sum, s.total);
    KEXPECT(s.by_state[PFN_FREE] + s.by_state[PFN_ZEROED] > 0);
    KEXPECT(s.by_state[PFN_KERNEL] > 0);        /* the image and the PFN array */
    KEXPECT(s.by_state[PFN_PAGETABLE] > 0);     /* the kernel page table */
    KEXPECT(s.by_state[PFN_RESERVED] >= 256);   /* at least the first MiB */
}

KTEST(mm, zeroed_supply_serves_zeroed_requests)
{
    uint64_t added = page_alloc_zero_ahead(8);
    KEXPECT(added > 0);
    uint64_t available = page_alloc_zeroed_available();
    KASSERT(available >= added);
    uint64_t pa;
    KASSERT(page_alloc_frame(PAGE_ALLOC_ZEROED, PFN_KERNEL, &pa) == STATUS_SUCCESS);
    KEXPECT_EQ(page_alloc_zeroed_available(), available - 1);
    const uint64_t *p = phys_to_virt(pa);
    uint64_t nonzero = 0;
    for (int i = 0; i < 512; i++)
        nonzero |= p[i];
    KEXPECT_EQ(nonzero, 0);
    page_free_frame(pa);
}
