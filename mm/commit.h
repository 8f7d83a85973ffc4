/*
 * Commit charge: the system-wide promise that every committed page can be backed.
 *
 * As in NT, committing private memory charges the pages against a global commit limit
 * before any frame exists: a frame arrives only on first touch (fault.c), but the charge
 * guarantees that the touch finds one. Reservoir has no paging file, so the limit is a
 * number of frames: the kernel passes the usable frames minus a reserve for its own
 * structures (page tables, heap), which are not charged. Charging beyond the limit fails
 * with STATUS_COMMITMENT_LIMIT and changes nothing.
 *
 * The global charge lives here; each address space keeps its own share
 * (struct address_space.commit_pages), so that releasing it returns exactly what it took.
 *
 * Locking: commit.c's own spinlock, taken inside the address-space lock (order: address
 * space, commit, heap, page allocator).
 *
 * Source: Windows Internals, 7th ed., part 1, ch. 5, "Commit charge and the system commit
 * limit"; Microsoft Learn, "VirtualAlloc function" (MEM_COMMIT: "Allocates memory charges
 * ... Actual physical pages are not allocated unless/until the virtual addresses are
 * actually accessed").
 */
#ifndef RESERVOIR_MM_COMMIT_H
#define RESERVOIR_MM_COMMIT_H

#include <stdint.h>

#include "ntstatus.h"

/*
 * Sets the commit limit to limit_pages and the charge to zero. Caller: mm bring-up (or a
 * test), before any address space exists. Lock: none held.
 */
void commit_init(uint64_t limit_pages);

/*
 * Charges pages against the limit. Returns STATUS_SUCCESS, or STATUS_COMMITMENT_LIMIT
 * when the charge would exceed the limit (nothing is charged then). Charging 0 pages
 * succeeds. Lock: takes the commit lock; the caller may hold an address-space lock.
 */
ntstatus_t commit_charge(uint64_t pages);

/*
 * Returns pages of charge. Returning more than is charged is a kernel bug (panics).
 * Lock: takes the commit lock; the caller may hold an address-space lock.
 */
void commit_uncharge(uint64_t pages);

struct commit_stats {
    uint64_t limit;         /* pages */
    uint64_t charged;       /* pages charged now, by every address space */
    uint64_t peak;          /* the highest charge since commit_init */
};

/* A snapshot of the counters. Lock: takes the commit lock. */
void commit_stats(struct commit_stats *out);

#endif
