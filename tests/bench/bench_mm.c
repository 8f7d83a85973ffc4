/*
 * Host benchmarks of the mm core (make bench): the portable sources built at -O2 without
 * sanitizers, over the simulated machine. Each line is "bench NAME cycles_per_op=X", the
 * median of several runs of TSC ticks per operation (the TSC counts at a fixed rate near
 * the CPU's nominal clock, so this approximates core cycles). Benchmarks print numbers;
 * they assert nothing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <x86intrin.h>

#include "mm/arch.h"
#include "mm/page_alloc.h"
#include "mm/pagetable.h"
#include "mm/pfn.h"
#include "sim_mmu.h"

#define RUNS 7
#define BENCH_VA 0x0000400000000000ull

typedef void (*bench_fn)(uint64_t iterations);

static struct page_table pt;

static void alloc_free_order0(uint64_t n)
{
    uint64_t pa;
    for (uint64_t i = 0; i < n; i++) {
        if (page_alloc_frame(0, PFN_KERNEL, &pa) != STATUS_SUCCESS)
            abort();
        page_free_frame(pa);
    }
}

static void alloc_free_order4(uint64_t n)
{
    uint64_t pa;
    for (uint64_t i = 0; i < n; i++) {
        if (page_alloc(4, 0, PFN_KERNEL, &pa) != STATUS_SUCCESS)
            abort();
        page_free(pa, 4);
    }
}

static uint64_t frame;

static void map_unmap_4k(uint64_t n)
{
    struct tlb_batch tlb;
    for (uint64_t i = 0; i < n; i++) {
        tlb_batch_init(&tlb);
        if (pt_map(&pt, BENCH_VA, frame, PTE_WRITABLE | PTE_NX, &tlb) != STATUS_SUCCESS)
            abort();
        if (pt_unmap(&pt, BENCH_VA, NULL, &tlb) != STATUS_SUCCESS)
            abort();
        tlb_batch_flush(&tlb, &pt);
    }
}

static void protect_64(uint64_t n)
{
    struct tlb_batch tlb;
    for (uint64_t i = 0; i < n; i++) {
        tlb_batch_init(&tlb);
        uint64_t flags = (i & 1) ? PTE_NX : PTE_WRITABLE | PTE_NX;
        if (pt_protect(&pt, BENCH_VA + PAGE_SIZE, 64, flags, &tlb) != STATUS_SUCCESS)
            abort();
        tlb_batch_flush(&tlb, &pt);
    }
}

static int compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void run(const char *name, bench_fn fn, uint64_t iterations)
{
    double per_op[RUNS];
    fn(iterations / 10);        /* warm caches and the allocator's front cache */
    for (int r = 0; r < RUNS; r++) {
        uint64_t start = __rdtsc();
        fn(iterations);
        per_op[r] = (double)(__rdtsc() - start) / (double)iterations;
    }
    qsort(per_op, RUNS, sizeof(per_op[0]), compare);
    printf("bench %s cycles_per_op=%.1f\n", name, per_op[RUNS / 2]);
}

int main(void)
{
    struct boot_info bi;
    sim_init(256ull << 20);
    sim_boot_info(&bi);
    if (pfn_init(&bi, NULL, 0) != STATUS_SUCCESS)
        abort();
    page_alloc_init();

    run("pmm_alloc_free_order0", alloc_free_order0, 2000000);
    run("pmm_alloc_free_order4", alloc_free_order4, 1000000);

    if (pt_create(&pt) != STATUS_SUCCESS || page_alloc_frame(0, PFN_PRIVATE, &frame))
        abort();
    arch_load_root(pt.root);
    /* Pages next to the benchmarked one keep its page table alive between iterations. */
    struct tlb_batch tlb;
    tlb_batch_init(&tlb);
    for (uint64_t i = 1; i <= 64; i++) {
        if (pt_map(&pt, BENCH_VA + i * PAGE_SIZE, frame, PTE_WRITABLE | PTE_NX, &tlb))
            abort();
    }
    tlb_batch_flush(&tlb, &pt);
    run("pt_map_unmap_4k", map_unmap_4k, 1000000);
    run("pt_protect_64", protect_64, 100000);
    sim_free();
    return 0;
}
