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
 * Frees every paging structure of pt, the root included (not the frames the leaves map),
 * except the kernel tables a user table borrows (PTE_BORROWED). The table must not be
 * active.
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

/* ---- User address spaces (added for mm/address_space.c) ---- */

/*
 * A PML4 entry of a user page table that points at one of the kernel's own tables
 * (pt_create_user): the table is shared, not owned, so pt_destroy leaves it alone. The CPU
 * ignores bit 9 of a PML4 entry (Intel SDM vol. 3A, table 4-15). Only PML4 entries carry
 * it; leaves use bit 9 for themselves (swpte.h).
 */
#define PTE_BORROWED (1ull << 9)

/* The first PML4 slot of the kernel half (0xffff800000000000). */
#define PT_KERNEL_FIRST_SLOT 256

/*
 * Creates a page table for a process: an empty user half and a kernel half that shares
 * kernel_pt's tables (its present PML4 entries 256-511 are copied, marked PTE_BORROWED).
 * Kernel PML4 entries created in kernel_pt later are not seen by tables made before, so
 * the kernel must populate its half's PML4 before it creates processes.
 * Returns STATUS_SUCCESS or STATUS_NO_MEMORY. Caller: whoever creates the address space.
 */
ntstatus_t pt_create_user(struct page_table *pt, const struct page_table *kernel_pt);

/*
 * Gives every kernel-half PML4 slot (256-511) of pt a PDPT and pins those PDPTs
 * (PFN_FLAG_PINNED): they are never freed, so entries user tables copy with
 * pt_create_user stay valid whatever the kernel maps or unmaps later. Costs 1 MiB.
 * Returns STATUS_SUCCESS or STATUS_NO_MEMORY. Caller: mm_init, before any process.
 */
ntstatus_t pt_prepare_kernel_half(struct page_table *pt);

/*
 * Reads the 4 KiB leaf entry for the page at va, whatever it holds (present, software or
 * zero; zero when the tables above it do not exist). Returns STATUS_SUCCESS;
 * STATUS_INVALID_PARAMETER for a misaligned or non-canonical va;
 * STATUS_CONFLICTING_ADDRESSES when va lies inside a large page.
 * Lock: the owner's (the address-space lock for a user table).
 */
ntstatus_t pt_read_entry(const struct page_table *pt, uint64_t va, pte_t *entry);

/*
 * Writes value, any leaf value (present or a software PTE; swpte.h), into the 4 KiB leaf
 * entry of the page at va. Creates the missing tables for a non-zero value; writing zero
 * where no table exists does nothing, and writing zero over the last non-zero entry of a
 * table frees it (and its emptied parents). A change to a present entry queues va in tlb.
 * On a CPU without NX, bit 63 is dropped from present values, as pt_map does.
 * Returns STATUS_SUCCESS; STATUS_INVALID_PARAMETER (misaligned or non-canonical va);
 * STATUS_CONFLICTING_ADDRESSES (va inside a large page); STATUS_NO_MEMORY when a table
 * cannot be allocated (nothing changes then). Writing over a non-zero entry cannot fail.
 * Lock: the owner's (the address-space lock for a user table).
 */
ntstatus_t pt_write_entry(struct page_table *pt, uint64_t va, pte_t value,
                          struct tlb_batch *tlb);

/*
 * Finds the first page in [va, end) whose leaf entry e does not satisfy
 * (e & mask) == value, reading a page table at a time: when value is 0, a missing table
 * (all of whose entries are zero) is skipped whole, at any level. Returns STATUS_SUCCESS
 * with the page in *found and its entry in *entry, or *found = end (and *entry = 0) when
 * every page matches; STATUS_INVALID_PARAMETER when va or end is misaligned or
 * non-canonical, end < va or the range crosses the canonical hole;
 * STATUS_CONFLICTING_ADDRESSES when a large page lies in the range before the answer.
 * Lock: the owner's.
 */
ntstatus_t pt_find_mismatch(const struct page_table *pt, uint64_t va, uint64_t end,
                            pte_t mask, pte_t value, uint64_t *found, pte_t *entry);

#endif
