/*
 * libFuzzer target over the mm core: the page allocator and the page tables driven by
 * the fuzzer's bytes on a small simulated machine, checked against a model after every
 * operation. Any broken invariant aborts, which libFuzzer reports as a finding.
 *
 *   make fuzz FUZZ_SECONDS=60
 *
 * Input format: a stream of 4-byte operations { op, a, b, c }:
 *   op % 6 == 0  allocate a block of order a % 5 (flags from b)
 *   op % 6 == 1  free live block a
 *   op % 6 == 2  map page a of the window to live block b's frame (flags from c)
 *   op % 6 == 3  unmap page a
 *   op % 6 == 4  protect pages a .. a + b % 8 (flags from c)
 *   op % 6 == 5  translate page a and compare with the model
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm/arch.h"
#include "mm/page_alloc.h"
#include "mm/pagetable.h"
#include "mm/pfn.h"
#include "sim_mmu.h"

#define SIM_BYTES   (8ull << 20)
#define MAX_BLOCKS  64
#define WINDOW_PAGES 64
/* Spans two page tables, so tables are created and freed as pages come and go. */
#define WINDOW_BASE (0x00007fffffe00000ull - (WINDOW_PAGES / 2) * PAGE_SIZE)

struct block {
    uint64_t pa;
    unsigned order;
    int live;
};

struct mapping {
    uint64_t pa;
    uint64_t flags;
    int mapped;
};

static struct block blocks[MAX_BLOCKS];
static struct mapping window[WINDOW_PAGES];
static struct page_table pt;

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_mm: %s\n", what);
    abort();
}

static uint64_t flags_from(uint8_t b)
{
    static const uint64_t choices[] = { PTE_WRITABLE, PTE_USER, PTE_NX, PTE_GLOBAL, PTE_PCD };
    uint64_t f = 0;
    for (unsigned i = 0; i < 5; i++) {
        if (b & (1u << i))
            f |= choices[i];
    }
    return f;
}

static int block_mapped(uint64_t pa, unsigned order)
{
    for (unsigned i = 0; i < WINDOW_PAGES; i++) {
        if (window[i].mapped && window[i].pa >= pa && window[i].pa < pa + (PAGE_SIZE << order))
            return 1;
    }
    return 0;
}

static void op_alloc(uint8_t a, uint8_t b)
{
    unsigned slot = a % MAX_BLOCKS;
    if (blocks[slot].live)
        return;
    unsigned order = a % 5;
    uint64_t pa;
    ntstatus_t st = page_alloc(order, (b & 1) ? PAGE_ALLOC_ZEROED : 0, PFN_PRIVATE, &pa);
    if (st == STATUS_NO_MEMORY)
        return;
    if (!nt_success(st))
        fail("page_alloc refused a valid request");
    if (pa & ((PAGE_SIZE << order) - 1))
        fail("block not aligned to its size");
    if (b & 1) {
        const uint8_t *p = phys_to_virt(pa);
        for (uint64_t i = 0; i < (PAGE_SIZE << order); i++) {
            if (p[i])
                fail("PAGE_ALLOC_ZEROED block is not zero");
        }
    }
    for (unsigned i = 0; i < MAX_BLOCKS; i++) {
        if (blocks[i].live && pa < blocks[i].pa + (PAGE_SIZE << blocks[i].order) &&
            blocks[i].pa < pa + (PAGE_SIZE << order))
            fail("two live blocks overlap");
    }
    memset(phys_to_virt(pa), 0xa5, PAGE_SIZE << order);
    blocks[slot] = (struct block){ pa, order, 1 };
}

static void op_free(uint8_t a)
{
    struct block *blk = &blocks[a % MAX_BLOCKS];
    if (!blk->live || block_mapped(blk->pa, blk->order))
        return;
    page_free(blk->pa, blk->order);
    blk->live = 0;
}

static void op_map(uint8_t a, uint8_t b, uint8_t c)
{
    struct mapping *m = &window[a % WINDOW_PAGES];
    struct block *blk = &blocks[b % MAX_BLOCKS];
    if (!blk->live)
        return;
    struct tlb_batch tlb;
    tlb_batch_init(&tlb);
    uint64_t va = WINDOW_BASE + (a % WINDOW_PAGES) * PAGE_SIZE, flags = flags_from(c);
    ntstatus_t st = pt_map(&pt, va, blk->pa, flags, &tlb);
    tlb_batch_flush(&tlb, &pt);
    if (m->mapped && st != STATUS_CONFLICTING_ADDRESSES)
        fail("mapping a mapped page did not conflict");
    if (!m->mapped) {
        if (st == STATUS_NO_MEMORY)
            return;
        if (st != STATUS_SUCCESS)
            fail("pt_map failed on a free page");
        *m = (struct mapping){ blk->pa, flags, 1 };
    }
}

static void op_unmap(uint8_t a)
{
    struct mapping *m = &window[a % WINDOW_PAGES];
    struct tlb_batch tlb;
    tlb_batch_init(&tlb);
    uint64_t pa = 0;
    ntstatus_t st = pt_unmap(&pt, WINDOW_BASE + (a % WINDOW_PAGES) * PAGE_SIZE, &pa, &tlb);
    tlb_batch_flush(&tlb, &pt);
    if (m->mapped != (st == STATUS_SUCCESS))
        fail("pt_unmap disagrees with the model");
    if (m->mapped && pa != m->pa)
        fail("pt_unmap returned the wrong frame");
    m->mapped = 0;
}

static void op_protect(uint8_t a, uint8_t b, uint8_t c)
{
    unsigned first = a % WINDOW_PAGES, count = 1 + b % 8;
    if (first + count > WINDOW_PAGES)
        count = WINDOW_PAGES - first;
    int all_mapped = 1;
    for (unsigned i = first; i < first + count; i++)
        all_mapped &= window[i].mapped;
    struct tlb_batch tlb;
    tlb_batch_init(&tlb);
    uint64_t flags = flags_from(c);
    ntstatus_t st = pt_protect(&pt, WINDOW_BASE + first * PAGE_SIZE, count, flags, &tlb);
    tlb_batch_flush(&tlb, &pt);
    if (all_mapped != (st == STATUS_SUCCESS))
        fail("pt_protect disagrees with the model");
    if (all_mapped) {
        for (unsigned i = first; i < first + count; i++)
            window[i].flags = flags;
    }
}

static void op_translate(uint8_t a)
{
    const struct mapping *m = &window[a % WINDOW_PAGES];
    uint64_t va = WINDOW_BASE + (a % WINDOW_PAGES) * PAGE_SIZE + (a & 0xff);
    uint64_t pa, flags, error;
    ntstatus_t st = pt_translate(&pt, va, &pa, &flags);
    if (m->mapped != (st == STATUS_SUCCESS))
        fail("pt_translate disagrees with the model");
    if (!m->mapped)
        return;
    if (pa != m->pa + (a & 0xff) || (flags & PTE_LEAF_FLAGS) != m->flags)
        fail("pt_translate returned the wrong frame or flags");
    /* The simulated CPU, TLB included, must agree: a write works only when writable. */
    int faulted = sim_access(va, SIM_WRITE, 0, &pa, &error) != 0;
    if (faulted == !!(m->flags & PTE_WRITABLE))
        fail("the MMU disagrees with the page table about a write");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct boot_info bi;
    sim_init(SIM_BYTES);
    sim_boot_info(&bi);
    if (!nt_success(pfn_init(&bi, NULL, 0)))
        fail("pfn_init");
    page_alloc_init();
    struct mm_stats before;
    mm_stats(&before);
    memset(blocks, 0, sizeof(blocks));
    memset(window, 0, sizeof(window));
    if (!nt_success(pt_create(&pt)))
        fail("pt_create");
    arch_load_root(pt.root);

    for (size_t i = 0; i + 4 <= size; i += 4) {
        const uint8_t *op = data + i;
        switch (op[0] % 6) {
        case 0: op_alloc(op[1], op[2]); break;
        case 1: op_free(op[1]); break;
        case 2: op_map(op[1], op[2], op[3]); break;
        case 3: op_unmap(op[1]); break;
        case 4: op_protect(op[1], op[2], op[3]); break;
        case 5: op_translate(op[1]); break;
        }
    }
    if (page_alloc_check() != 0)
        fail("page_alloc_check");

    /* Tear down and check every frame came back. */
    for (unsigned i = 0; i < WINDOW_PAGES; i++) {
        if (window[i].mapped)
            op_unmap((uint8_t)i);
    }
    for (unsigned i = 0; i < MAX_BLOCKS; i++)
        op_free((uint8_t)i);
    arch_load_root(0);
    pt_destroy(&pt);
    struct mm_stats after;
    mm_stats(&after);
    if (after.by_state[PFN_FREE] + after.by_state[PFN_ZEROED] !=
            before.by_state[PFN_FREE] + before.by_state[PFN_ZEROED] ||
        after.by_state[PFN_PAGETABLE] != 0 || after.by_state[PFN_PRIVATE] != 0)
        fail("frames leaked");
    return 0;
}
