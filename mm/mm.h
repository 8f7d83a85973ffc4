/*
 * Bringing up the memory manager, and its fixed layout.
 *
 * mm_init() takes the normalized memory map and the kernel's description of itself and
 * builds, in order: the PFN database (pfn_init), the page allocator (page_alloc_init),
 * and the kernel page table (the direct map of all RAM at DIRECT_MAP_BASE with the largest
 * pages the CPU has, non-executable and global; the kernel image with per-section
 * permissions), then switches to it. The boot identity map is gone afterwards.
 */
#ifndef RESERVOIR_MM_MM_H
#define RESERVOIR_MM_MM_H

#include <stdint.h>

#include "boot_info.h"
#include "ntstatus.h"
#include "pagetable.h"
#include "pfn.h"

#define DIRECT_MAP_BASE 0xffff800000000000ull   /* all physical memory, 512 GiB at most */
#define DIRECT_MAP_SIZE (512ull << 30)
#define KERNEL_IMAGE_BASE 0xffffffff80000000ull

/* One range of the kernel image and how to map it. */
struct mm_kernel_mapping {
    uint64_t va;            /* page-aligned */
    uint64_t pa;            /* page-aligned */
    uint64_t size;          /* bytes, rounded up to pages */
    uint64_t flags;         /* PTE_WRITABLE, PTE_NX, PTE_GLOBAL ... */
    const char *what;
};

struct mm_layout {
    const struct mm_phys_range *keep;       /* never allocated: image, initrd, ... */
    unsigned keep_count;
    const struct mm_kernel_mapping *maps;   /* the kernel image's sections */
    unsigned map_count;
    uint64_t direct_map_base;               /* where the direct map goes */
    uint64_t boot_table_limit;              /* the boot identity map's end: paging
                                               structures built before the switch must
                                               lie below it (0: no limit) */
};

/* The kernel's page table: the direct map and the image; the upper half of every process. */
extern struct page_table kernel_page_table;

/*
 * Returns STATUS_SUCCESS; the first failure of pfn_init or pt_map; or
 * STATUS_INSUFFICIENT_RESOURCES when RAM lies beyond the direct map or a paging structure
 * landed above boot_table_limit. The system cannot run after a failure.
 * Caller: boot, once, single-threaded, on the boot page tables.
 */
ntstatus_t mm_init(const struct boot_info *bi, const struct mm_layout *layout);

#endif
