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

#include "arch.h"
#include "lib/panic.h"
#include "ntstatus.h"
#include "pfn.h"
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

/* ---- Leaf spans: page loops a page table at a time ---- */

/*
 * A span is the stretch of a range [va, end) that one page table covers: the 4 KiB leaf
 * entries of pages that share a leaf table (at most 512, up to the next 2 MiB boundary),
 * or, when no table exists there, everything under the missing entry (all zero; up to
 * 512 GiB at once). A page loop goes a span at a time, so it walks from the root once per
 * table rather than once per page:
 *
 *     struct pt_span span;
 *     for (uint64_t va = start; va < end; va = span.end) {
 *         status = pt_span_begin(pt, va, end, create, &span);     (check it)
 *         for (uint64_t i = 0; i < pt_span_pages(&span); i++)
 *             ... pt_span_entry(&span, i) ... pt_span_set(&span, i, value, tlb) ...
 *         pt_span_end(&span);
 *     }
 *
 * pt_span_set keeps the bookkeeping pt_write_entry keeps: the table's refcount (its
 * non-zero entries) and the TLB batch (a changed present entry is queued; nothing else
 * is, since the CPU caches present entries only). pt_span_end frees the table, and the
 * parents it leaves empty, when the span emptied it, or when pt_span_begin created it
 * and nothing was written. Between pt_span_begin and pt_span_end nothing else may change
 * pt. Lock: the owner's, held from pt_span_begin to pt_span_end.
 */
struct pt_span {
    uint64_t va;                    /* the span's first page */
    uint64_t end;                   /* one past its last page */
    pte_t *entries;                 /* entries[i] is page va + i pages; NULL: no table */
    /* pagetable.c's own: */
    struct pfn *table_pfn;          /* the leaf table's record: refcount = live entries */
    uint64_t path[PT_LEVELS + 1];   /* path[level]: the table at level, root down */
    pte_t nx;                       /* PTE_NX, or 0 on a CPU without NX */
};

/*
 * Starts the span of [va, end) that begins at va: span->end is end, the next 2 MiB
 * boundary, or (without a table and without create) the end of the missing table's
 * reach, whichever comes first. With create the leaf table is made if missing, so
 * span->entries is never NULL; without create, NULL means every entry of the span is
 * zero and it may not be written. Returns STATUS_SUCCESS; STATUS_INVALID_PARAMETER when va
 * or end is misaligned or non-canonical, end <= va or the range crosses the canonical
 * hole; STATUS_CONFLICTING_ADDRESSES when a large page covers va; STATUS_NO_MEMORY (with
 * create) when a table cannot be allocated: nothing changed then, and no span is open.
 * Lock: the owner's.
 */
ntstatus_t pt_span_begin(struct page_table *pt, uint64_t va, uint64_t end, int create,
                         struct pt_span *span);

/* Ends the span: frees its table (and emptied parents) if no entry of it is non-zero. */
void pt_span_end(struct pt_span *span);

/* The number of pages in the span. */
static inline uint64_t pt_span_pages(const struct pt_span *span)
{
    return (span->end - span->va) >> PAGE_SHIFT;
}

/* The leaf entry of page i of the span (zero where there is no table). */
static inline pte_t pt_span_entry(const struct pt_span *span, uint64_t i)
{
    return span->entries ? span->entries[i] : 0;
}

/*
 * Writes value (any leaf value, as for pt_write_entry; bit 63 is dropped from present
 * values on a CPU without NX) into the entry of page i, which needs a table
 * (span->entries != NULL), keeping the table's refcount, and queues the page in tlb if
 * the old entry was present and changed. Cannot fail. Inline: page loops call it for
 * every page, and a call per page is what spans are there to save.
 */
static inline void pt_span_set(struct pt_span *span, uint64_t i, pte_t value,
                               struct tlb_batch *tlb)
{
    ASSERT(span->entries != 0 && i < pt_span_pages(span));
    if (pte_present(value))
        value = (value & ~PTE_NX) | (value & span->nx);
    pte_t old = span->entries[i];
    if (old == value)
        return;
    span->entries[i] = value;
    if (old == 0)
        span->table_pfn->refcount++;
    else if (value == 0)
        span->table_pfn->refcount--;
    if (pte_present(old))
        tlb_batch_add(tlb, span->va + i * PAGE_SIZE, (old & PTE_GLOBAL) != 0);
}

#endif
