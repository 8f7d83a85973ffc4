/*
 * The kernel heap: kmalloc/kfree for kernel objects (VADs, processes, handles).
 *
 * Sizes up to KHEAP_MAX_SMALL come from size classes (16, 32, 64 ... 2048 bytes), each
 * served by slabs of one page carved into equal objects; larger sizes take whole blocks
 * from the page allocator. Every object is 16-byte aligned and lives in the direct map.
 * kfree of a pointer kmalloc never returned, or of one already freed, is a kernel bug and
 * panics with the address, its frame and that frame's state.
 *
 * Locking: kmalloc and kfree take the heap's lock.
 */
#ifndef RESERVOIR_MM_KHEAP_H
#define RESERVOIR_MM_KHEAP_H

#include <stddef.h>
#include <stdint.h>

#define KHEAP_MAX_SMALL 2048

/* Returns size bytes, 16-byte aligned, or NULL when out of memory or size is 0. */
void *kmalloc(size_t size);

/* kmalloc, zero-filled. */
void *kzalloc(size_t size);

/* Returns what kmalloc gave; NULL is ignored. */
void kfree(void *p);

/* The bytes usable at p (its size class or whole pages); p must be live. */
size_t kmalloc_usable_size(const void *p);

struct kheap_stats {
    uint64_t live_objects;      /* allocated and not freed */
    uint64_t live_bytes;        /* their usable sizes */
    uint64_t slab_pages;        /* pages held by slabs */
    uint64_t large_pages;       /* pages held by large allocations */
};

void kheap_stats(struct kheap_stats *out);

/*
 * Walks every slab (slow, for tests): free lists inside slabs, in-use bitmaps and counts
 * agree. Returns 0, or -1 after logging the first broken invariant.
 */
int kheap_check(void);

#ifdef RESERVOIR_HOST
/* Host tests replace the simulated machine between tests; this forgets every slab. */
void kheap_reset(void);
#endif

#endif
