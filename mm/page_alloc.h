/*
 * The physical page allocator: a binary buddy allocator over the PFN database.
 *
 * Blocks of 2^order frames, order 0 (4 KiB) to PAGE_MAX_ORDER (4 MiB), naturally aligned,
 * so order 9 is a 2 MiB block fit for a large page. Single frames have a fast path: a
 * small front cache in front of the buddy lists, refilled and drained in batches, so
 * allocating and freeing one frame is O(1) amortised. A supply of frames zeroed ahead of
 * time serves PAGE_ALLOC_ZEROED requests without clearing a page on the spot.
 *
 * Freeing what is not allocated (twice, never allocated, reserved, wrong order or
 * misaligned) is a kernel bug: it panics with the frame number and its state.
 *
 * Locking: every function takes page_alloc's own lock; none may be called with it held.
 */
#ifndef RESERVOIR_MM_PAGE_ALLOC_H
#define RESERVOIR_MM_PAGE_ALLOC_H

#include <stdint.h>

#include "ntstatus.h"
#include "pfn.h"

#define PAGE_MAX_ORDER 10

enum page_alloc_flags {
    PAGE_ALLOC_ZEROED = 1u << 0,    /* the frames must read as zero */
};

/* Puts every FREE frame of the PFN database into the buddy lists. After pfn_init. */
void page_alloc_init(void);

/*
 * Allocates 2^order contiguous frames, aligned to their size, and gives each the state
 * owner (PFN_KERNEL, PFN_PAGETABLE, PFN_PRIVATE or PFN_SHARED) and a refcount of 0.
 * Returns STATUS_SUCCESS with the first frame's physical address in *pa,
 * STATUS_INVALID_PARAMETER (order > PAGE_MAX_ORDER, owner not an owned state, unknown
 * flags) or STATUS_NO_MEMORY. Before it reports STATUS_NO_MEMORY for a block it gives the
 * front cache and the zeroed supply back to the buddy lists, so it fails only when no
 * aligned run of 2^order free frames exists.
 */
ntstatus_t page_alloc(unsigned order, unsigned flags, enum pfn_state owner, uint64_t *pa);

/* Returns a block page_alloc gave out; order must be the order it was allocated with. */
void page_free(uint64_t pa, unsigned order);

static inline ntstatus_t page_alloc_frame(unsigned flags, enum pfn_state owner, uint64_t *pa)
{
    return page_alloc(0, flags, owner, pa);
}

static inline void page_free_frame(uint64_t pa)
{
    page_free(pa, 0);
}

/*
 * Zeroes up to max free frames into the zeroed supply (an idle-time job). Returns how
 * many it added.
 */
uint64_t page_alloc_zero_ahead(uint64_t max);

/* Frames in the zeroed supply now. */
uint64_t page_alloc_zeroed_available(void);

/*
 * Walks every list and recounts (slow, for tests): free lists hold only FREE block heads
 * of the list's order, no block overlaps another, buddies of equal order are never both
 * free, the cache and zeroed supply hold what their counts say, and the per-state counts
 * match the records. Returns 0, or -1 after logging the first broken invariant.
 */
int page_alloc_check(void);

#endif
