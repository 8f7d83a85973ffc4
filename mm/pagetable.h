/*
 * Four-level x86-64 page tables: map, unmap, protect and translate, portable C over the
 * PTE layout in pte.h and the CPU interface in arch.h.
 *
 * Invariants:
 *   - every paging structure below the root is a PFN_PAGETABLE frame whose refcount is the
 *     number of non-zero entries in it; when an unmap brings it to 0 the table is freed
 *     and its parent's entry cleared (the root is never freed this way);
 *   - a table entry pointing to a lower table is present, writable and user, so that the
 *     leaf entry alone decides the access (the CPU ANDs the bits along the walk);
 *   - 2 MiB and 1 GiB leaves (PTE_LARGE) are never split: mapping or unmapping a 4 KiB
 *     page inside one fails with STATUS_CONFLICTING_ADDRESSES.
 *
 * TLB: operations that change or remove a present entry queue the address in a
 * struct tlb_batch; tlb_batch_flush() then invalidates each queued page, or flushes the
 * whole TLB once when more than TLB_BATCH_MAX pages changed, and only when the table is
 * the active one. A range operation therefore never flushes per page needlessly.
 *
 * Locking: the caller serialises operations on one page table (the address space lock,
 * later); the page allocator takes its own lock.
 */
#ifndef RESERVOIR_MM_PAGETABLE_H
#define RESERVOIR_MM_PAGETABLE_H

#include <stdint.h>

#include "ntstatus.h"
#include "pte.h"

#define TLB_BATCH_MAX 32

struct tlb_batch {
    uint64_t pages[TLB_BATCH_MAX];
    unsigned count;
    int overflow;           /* more than TLB_BATCH_MAX: flush everything */
    int global;             /* a global entry changed: a CR3 reload is not enough */
};

struct page_table {
    uint64_t root;          /* physical address of the PML4 */
};

static inline void tlb_batch_init(struct tlb_batch *b)
{
    b->count = 0;
    b->overflow = 0;
    b->global = 0;
}

/* Queues va (a page whose present entry changed) for invalidation. */
void tlb_batch_add(struct tlb_batch *b, uint64_t va, int global);

/* Invalidates what b queued if pt is the active page table, then empties b. */
void tlb_batch_flush(struct tlb_batch *b, const struct page_table *pt);

/*
 * Creates an empty page table (a zeroed PML4). Returns STATUS_SUCCESS or STATUS_NO_MEMORY.
 */
ntstatus_t pt_create(struct page_table *pt);

/*
 * Frees every paging structure of pt, the root included (not the frames the leaves map).
 * The table must not be active.
 */
void pt_destroy(struct page_table *pt);

/*
 * Maps the 4 KiB page at va to the frame at pa with flags (PTE_LEAF_FLAGS; PTE_PRESENT is
 * implied). Returns STATUS_SUCCESS; STATUS_INVALID_PARAMETER when va or pa is not
 * page-aligned, va is not canonical, pa is beyond 52 bits or flags has other bits;
 * STATUS_CONFLICTING_ADDRESSES when va is already mapped (by a 4 KiB or a large page);
 * STATUS_NO_MEMORY when a paging structure cannot be allocated (nothing changes then).
 */
ntstatus_t pt_map(struct page_table *pt, uint64_t va, uint64_t pa, uint64_t flags,
                  struct tlb_batch *tlb);

/*
 * Maps a 2 MiB (size LARGE_PAGE_SIZE) or 1 GiB (HUGE_PAGE_SIZE, only when the CPU has
 * 1 GiB pages) page. Same statuses as pt_map; va and pa must be aligned to size.
 */
ntstatus_t pt_map_large(struct page_table *pt, uint64_t va, uint64_t pa, uint64_t size,
                        uint64_t flags, struct tlb_batch *tlb);

/*
 * Unmaps the 4 KiB page at va and returns the frame it mapped in *pa (may be NULL).
 * Frees paging structures that become empty. Returns STATUS_SUCCESS;
 * STATUS_INVALID_PARAMETER (misaligned or non-canonical va);
 * STATUS_MEMORY_NOT_ALLOCATED (nothing mapped there);
 * STATUS_CONFLICTING_ADDRESSES (va lies inside a large page).
 */
ntstatus_t pt_unmap(struct page_table *pt, uint64_t va, uint64_t *pa, struct tlb_batch *tlb);

/*
 * Sets the flags (as for pt_map) of the count 4 KiB pages from va. All of them must be
 * mapped by 4 KiB entries; otherwise nothing changes and the result is
 * STATUS_MEMORY_NOT_ALLOCATED (or STATUS_CONFLICTING_ADDRESSES for a large page, or
 * STATUS_INVALID_PARAMETER for bad arguments).
 */
ntstatus_t pt_protect(struct page_table *pt, uint64_t va, uint64_t count, uint64_t flags,
                      struct tlb_batch *tlb);

/*
 * Looks va up. Returns STATUS_SUCCESS with the physical address va maps to (including the
 * offset within the page) in *pa and the leaf's flags (PTE_LEAF_FLAGS | PTE_LARGE) in
 * *flags (either may be NULL); STATUS_MEMORY_NOT_ALLOCATED when nothing is mapped;
 * STATUS_INVALID_PARAMETER for a non-canonical va.
 */
ntstatus_t pt_translate(const struct page_table *pt, uint64_t va, uint64_t *pa,
                        uint64_t *flags);

#endif
