/*
 * The PFN database: one 16-byte record per physical frame, indexed by frame number
 * (physical address >> 12), from frame 0 to the end of the highest RAM range.
 *
 * Every frame is in exactly one state at all times, and the database keeps a count per
 * state, so mm_stats() is O(1) and "free + owned + reserved = total" can be checked at
 * any moment. How a frame moves between states is drawn in docs/mm.md:
 *
 *   RESERVED/BAD ── never change (firmware, MMIO holes, the low 1 MiB, boot data)
 *   FREE ⇄ ZEROED            (page_alloc zeroes ahead)
 *   FREE/ZEROED → KERNEL | PAGETABLE | PRIVATE | SHARED   (page_alloc)
 *   KERNEL | PAGETABLE | PRIVATE | SHARED → FREE           (page_free)
 *   PRIVATE | SHARED ⇄ TRANSITION                          (paging out: not used yet)
 *
 * Locking: the database is owned by the page allocator. The owner of an allocated frame
 * (the heap, the page tables) may use its record's links, refcount and its own flags
 * (PFN_FLAG_SLAB, PFN_FLAG_LARGE); the state and PFN_FLAG_BLOCK_HEAD/CACHED belong to
 * mm/page_alloc.c.
 */
#ifndef RESERVOIR_MM_PFN_H
#define RESERVOIR_MM_PFN_H

#include <stdint.h>

#include "boot_info.h"
#include "ntstatus.h"

enum pfn_state {
    PFN_FREE = 0,       /* in the page allocator, contents unknown */
    PFN_ZEROED,         /* in the page allocator's zeroed supply, all zero */
    PFN_KERNEL,         /* kernel data: heap slabs, the PFN array, kernel image */
    PFN_PAGETABLE,      /* a paging structure */
    PFN_PRIVATE,        /* a process's private page */
    PFN_SHARED,         /* a section (shared memory) page */
    PFN_TRANSITION,     /* being paged in or out */
    PFN_RESERVED,       /* not for allocation: firmware, holes, boot structures */
    PFN_BAD,            /* RAM that failed the firmware's test */
    PFN_STATE_COUNT
};

#define PFN_NONE UINT32_MAX     /* end of a list */

/* Record flags. */
#define PFN_FLAG_BLOCK_HEAD (1u << 0)  /* page_alloc: first frame of a free or allocated block */
#define PFN_FLAG_CACHED     (1u << 1)  /* page_alloc: in the order-0 front cache */
#define PFN_FLAG_SLAB       (1u << 2)  /* kheap: a slab page */
#define PFN_FLAG_LARGE      (1u << 3)  /* kheap: first frame of a large allocation */
#define PFN_FLAG_PINNED     (1u << 4)  /* pagetable: a kernel-half table every address
                                          space shares; never freed when it empties */

struct pfn {
    uint32_t next;          /* list links (frame numbers), PFN_NONE at the ends */
    uint32_t prev;
    uint32_t refcount;      /* page tables: live entries; other owners: references */
    uint8_t state;          /* enum pfn_state */
    uint8_t order;          /* block order, valid on a block head */
    uint16_t flags;         /* PFN_FLAG_* */
};

_Static_assert(sizeof(struct pfn) == 16, "a PFN record is 16 bytes");

/* A physical range handed to pfn_init that must never be allocated. */
struct mm_phys_range {
    uint64_t base;
    uint64_t size;
    enum pfn_state state;   /* PFN_KERNEL or PFN_RESERVED */
    const char *what;       /* for messages: "kernel image", "initrd", ... */
};

extern struct pfn *pfn_array;
extern uint64_t pfn_count;

/*
 * Builds the database from a normalized memory map (bootinfo_normalize_mmap). USABLE and
 * RECLAIMABLE frames become FREE, except those in keep[] (which take the range's state),
 * the first 1 MiB and the frames of the array itself (KERNEL). BAD frames are BAD and
 * everything else RESERVED. The array is placed in free RAM below 4 GiB, which the boot
 * page tables map, at phys_to_virt() of its address.
 *
 * Returns STATUS_SUCCESS, STATUS_INVALID_PARAMETER (no usable RAM, more than 2^32 frames,
 * a keep range that wraps or whose state is neither KERNEL nor RESERVED), or
 * STATUS_NO_MEMORY (no room for the array below 4 GiB).
 * A keep range overlapping firmware-reserved memory is logged as a warning.
 * Caller: single-threaded boot, before page_alloc_init().
 */
ntstatus_t pfn_init(const struct boot_info *bi, const struct mm_phys_range *keep,
                    unsigned keep_count);

/* Recomputes pfn_array after direct_map_base changed (mm_init's switch). */
void pfn_relocate(void);

/* The record of frame, or NULL when frame is past the end of the database. */
static inline struct pfn *pfn_get(uint64_t frame)
{
    return frame < pfn_count ? &pfn_array[frame] : (struct pfn *)0;
}

static inline uint64_t pfn_frame(const struct pfn *p)
{
    return (uint64_t)(p - pfn_array);
}

/* Moves a frame to a new state, keeping the per-state counts. */
void pfn_set_state(struct pfn *p, enum pfn_state state);

const char *pfn_state_name(enum pfn_state state);

struct mm_stats {
    uint64_t total;                         /* frames in the database */
    uint64_t by_state[PFN_STATE_COUNT];
};

/* Frames by state; sums to total. */
void mm_stats(struct mm_stats *out);

#endif
