/*
 * The page allocator (page_alloc.h): a binary buddy allocator over the PFN database, an
 * order-0 front cache, and a supply of frames zeroed ahead of time.
 *
 * Where a free frame lives, and what its record says:
 *
 *   buddy list of order k   head frame: FREE, BLOCK_HEAD, order k, linked through
 *                           next/prev; the other 2^k - 1 frames: FREE, no flags
 *   front cache (cache[])   FREE, CACHED, order 0, not linked
 *   zeroed supply           ZEROED, no flags, order 0, linked through next only
 *
 * An allocated block of order k: every frame in the owner's state; the head frame has
 * BLOCK_HEAD and order k, which is how page_free checks what it is given. Owners may set
 * their own flags (kheap's SLAB, LARGE) but must leave BLOCK_HEAD and order alone.
 *
 * Invariant, relied on by mm_init: until the first page_free, an allocation returns the
 * lowest free block of the smallest order that fits. page_alloc_init lists each order's
 * blocks in ascending address order; allocation takes a list's head; a split hands out
 * the lower half and lists the upper halves (alone in their lists, since every smaller
 * list was empty); a cache refill is handed out lowest frame first. mm_init needs this
 * because it allocates page tables while only the boot identity map of low memory exists.
 * Two limits: the smallest order beats the address (a small fragment at the top of RAM
 * is taken before a larger low block is split), and freed blocks go to the head of their
 * list, warm in the CPU cache, so after frees the order is last-freed-first. Early boot
 * frees only what it allocated, so what it gets back is as low as what it had.
 *
 * Locking: page_lock guards all of the above and the PFN records of free frames. Public
 * functions take it; helpers named *_locked expect it. It is never held while a page is
 * zeroed, nor when page_free panics (so the report, or a host test, can go on).
 */
#include "page_alloc.h"

#include <stddef.h>

#include "arch.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "lib/spinlock.h"

#define CACHE_SIZE  64u     /* order-0 frames kept in front of the buddy lists */
#define CACHE_BATCH 32u     /* frames moved per refill or drain */

static struct spinlock page_lock = SPINLOCK_INIT("page_alloc");

struct free_list {
    uint32_t head;          /* PFN_NONE when empty */
    uint32_t tail;
    uint64_t blocks;
};

static struct free_list free_lists[PAGE_MAX_ORDER + 1];

/* A stack: cache[cache_count - 1] is handed out next. */
static uint32_t cache[CACHE_SIZE];
static unsigned cache_count;

static uint32_t zeroed_head = PFN_NONE;
static uint64_t zeroed_count;

static inline uint64_t frame_pa(uint64_t frame)
{
    return frame << PAGE_SHIFT;
}

static inline uint64_t block_frames(unsigned order)
{
    return 1ull << order;
}

static inline int is_owner_state(unsigned state)
{
    return state == PFN_KERNEL || state == PFN_PAGETABLE || state == PFN_PRIVATE ||
           state == PFN_SHARED;
}

/* ---- Buddy lists ---- */

static void list_push_head_locked(unsigned order, uint32_t frame)
{
    ASSERT(spin_held(&page_lock));
    struct free_list *l = &free_lists[order];
    struct pfn *p = &pfn_array[frame];
    p->prev = PFN_NONE;
    p->next = l->head;
    if (l->head != PFN_NONE)
        pfn_array[l->head].prev = frame;
    else
        l->tail = frame;
    l->head = frame;
    l->blocks++;
}

/* Only page_alloc_init adds at the tail: it walks frames upwards, so lists come out sorted. */
static void list_push_tail_locked(unsigned order, uint32_t frame)
{
    ASSERT(spin_held(&page_lock));
    struct free_list *l = &free_lists[order];
    struct pfn *p = &pfn_array[frame];
    p->next = PFN_NONE;
    p->prev = l->tail;
    if (l->tail != PFN_NONE)
        pfn_array[l->tail].next = frame;
    else
        l->head = frame;
    l->tail = frame;
    l->blocks++;
}

static void list_remove_locked(unsigned order, uint32_t frame)
{
    ASSERT(spin_held(&page_lock));
    struct free_list *l = &free_lists[order];
    struct pfn *p = &pfn_array[frame];
    if (p->prev != PFN_NONE)
        pfn_array[p->prev].next = p->next;
    else
        l->head = p->next;
    if (p->next != PFN_NONE)
        pfn_array[p->next].prev = p->prev;
    else
        l->tail = p->prev;
    p->next = PFN_NONE;
    p->prev = PFN_NONE;
    l->blocks--;
}

/* Makes frame the head of a free block of this order; its frames are already FREE. */
static void add_free_block_locked(uint64_t frame, unsigned order)
{
    ASSERT(spin_held(&page_lock));
    struct pfn *p = &pfn_array[frame];
    p->flags = PFN_FLAG_BLOCK_HEAD;
    p->order = (uint8_t)order;
    list_push_head_locked(order, (uint32_t)frame);
}

/*
 * Takes a free block of exactly this order out of the lists, splitting the lowest block of
 * the smallest larger order if need be (the upper halves go back to the lists). Returns
 * its head frame, still FREE, or PFN_NONE.
 */
static uint32_t take_block_locked(unsigned order)
{
    ASSERT(spin_held(&page_lock));
    unsigned k = order;
    while (k <= PAGE_MAX_ORDER && free_lists[k].head == PFN_NONE)
        k++;
    if (k > PAGE_MAX_ORDER)
        return PFN_NONE;

    uint32_t frame = free_lists[k].head;
    list_remove_locked(k, frame);
    while (k > order) {
        k--;
        add_free_block_locked(frame + block_frames(k), k);
    }
    pfn_array[frame].flags = 0;
    return frame;
}

static int is_free_buddy_locked(uint64_t buddy, unsigned order)
{
    ASSERT(spin_held(&page_lock));
    if (buddy >= pfn_count)
        return 0;
    const struct pfn *b = &pfn_array[buddy];
    return b->state == PFN_FREE && (b->flags & PFN_FLAG_BLOCK_HEAD) &&
           !(b->flags & PFN_FLAG_CACHED) && b->order == order;
}

/*
 * Returns a block whose frames are all FREE with no flags to the lists, merged with its
 * buddy for as long as the buddy is a free block of the same order.
 */
static void free_block_locked(uint64_t frame, unsigned order)
{
    ASSERT(spin_held(&page_lock));
    while (order < PAGE_MAX_ORDER) {
        uint64_t buddy = frame ^ block_frames(order);
        if (!is_free_buddy_locked(buddy, order))
            break;
        list_remove_locked(order, (uint32_t)buddy);
        pfn_array[buddy].flags = 0;
        pfn_array[buddy].order = 0;
        frame &= ~block_frames(order);
        order++;
    }
    add_free_block_locked(frame, order);
}

/* ---- The order-0 front cache ---- */

/* Moves up to CACHE_BATCH frames from the buddy lists into the cache, lowest on top. */
static void cache_refill_locked(void)
{
    ASSERT(spin_held(&page_lock));
    uint32_t taken[CACHE_BATCH];
    unsigned n = 0;
    while (n < CACHE_BATCH && cache_count + n < CACHE_SIZE) {
        uint32_t frame = take_block_locked(0);
        if (frame == PFN_NONE)
            break;
        pfn_array[frame].flags = PFN_FLAG_CACHED;
        taken[n++] = frame;
    }
    while (n > 0)
        cache[cache_count++] = taken[--n];
}

/* Returns the oldest count frames of the cache (the bottom of the stack) to the lists. */
static void cache_drain_locked(unsigned count)
{
    ASSERT(spin_held(&page_lock));
    ASSERT(count <= cache_count);
    for (unsigned i = 0; i < count; i++) {
        pfn_array[cache[i]].flags = 0;
        free_block_locked(cache[i], 0);
    }
    for (unsigned i = count; i < cache_count; i++)
        cache[i - count] = cache[i];
    cache_count -= count;
}

/* A FREE frame out of the cache (refilled if empty), still FREE; or PFN_NONE. */
static uint32_t take_cached_frame_locked(void)
{
    ASSERT(spin_held(&page_lock));
    if (cache_count == 0)
        cache_refill_locked();
    if (cache_count == 0)
        return PFN_NONE;
    uint32_t frame = cache[--cache_count];
    pfn_array[frame].flags = 0;
    return frame;
}

/* ---- The zeroed supply ---- */

static uint32_t take_zeroed_frame_locked(void)
{
    ASSERT(spin_held(&page_lock));
    uint32_t frame = zeroed_head;
    if (frame == PFN_NONE)
        return PFN_NONE;
    zeroed_head = pfn_array[frame].next;
    pfn_array[frame].next = PFN_NONE;
    zeroed_count--;
    return frame;
}

static void add_zeroed_frame_locked(uint32_t frame)
{
    ASSERT(spin_held(&page_lock));
    struct pfn *p = &pfn_array[frame];
    pfn_set_state(p, PFN_ZEROED);
    p->flags = 0;
    p->order = 0;
    p->prev = PFN_NONE;
    p->next = zeroed_head;
    zeroed_head = frame;
    zeroed_count++;
}

/*
 * Gives every frame of the cache and the zeroed supply back to the buddy lists, so that a
 * large block they fragment can form again. Zeroed frames lose their zeroing: this runs
 * only when a block allocation would fail otherwise.
 */
static void reclaim_locked(void)
{
    ASSERT(spin_held(&page_lock));
    cache_drain_locked(cache_count);
    uint32_t frame;
    while ((frame = take_zeroed_frame_locked()) != PFN_NONE) {
        pfn_set_state(&pfn_array[frame], PFN_FREE);
        free_block_locked(frame, 0);
    }
}

/* ---- Allocation ---- */

/* Hands a free block (all frames FREE or ZEROED, out of every list) to owner. */
static void claim_block_locked(uint64_t frame, unsigned order, enum pfn_state owner)
{
    ASSERT(spin_held(&page_lock));
    for (uint64_t f = frame; f < frame + block_frames(order); f++) {
        struct pfn *p = &pfn_array[f];
        pfn_set_state(p, owner);
        p->refcount = 0;
        p->flags = 0;
        p->order = 0;
    }
    pfn_array[frame].flags = PFN_FLAG_BLOCK_HEAD;
    pfn_array[frame].order = (uint8_t)order;
}

/* A block of this order from the lists; failing that, after reclaim_locked. */
static uint32_t take_any_block_locked(unsigned order)
{
    ASSERT(spin_held(&page_lock));
    uint32_t frame = take_block_locked(order);
    if (frame != PFN_NONE)
        return frame;
    reclaim_locked();
    return take_block_locked(order);
}

/*
 * One frame. A zeroed request prefers the zeroed supply; any other prefers the cache and
 * the lists, and uses the zeroed supply only when they are empty. *is_zero says whether
 * the frame is known to read as zero.
 */
static uint32_t take_frame_locked(int want_zero, int *is_zero)
{
    ASSERT(spin_held(&page_lock));
    uint32_t frame = PFN_NONE;
    if (want_zero)
        frame = take_zeroed_frame_locked();
    if (frame != PFN_NONE) {
        *is_zero = 1;
        return frame;
    }
    frame = take_cached_frame_locked();
    if (frame != PFN_NONE) {
        *is_zero = 0;
        return frame;
    }
    *is_zero = 1;
    return take_zeroed_frame_locked();
}

static void zero_block(uint64_t frame, unsigned order)
{
    for (uint64_t f = frame; f < frame + block_frames(order); f++)
        arch_zero_page(phys_to_virt(frame_pa(f)));
}

ntstatus_t page_alloc(unsigned order, unsigned flags, enum pfn_state owner, uint64_t *pa)
{
    if (order > PAGE_MAX_ORDER || (flags & ~(unsigned)PAGE_ALLOC_ZEROED) ||
        !is_owner_state(owner))
        return STATUS_INVALID_PARAMETER;

    int want_zero = (flags & PAGE_ALLOC_ZEROED) != 0, is_zero = 0;
    spin_lock(&page_lock);
    uint32_t frame = order == 0 ? take_frame_locked(want_zero, &is_zero)
                                : take_any_block_locked(order);
    if (frame == PFN_NONE) {
        spin_unlock(&page_lock);
        return STATUS_NO_MEMORY;
    }
    claim_block_locked(frame, order, owner);
    spin_unlock(&page_lock);

    /* The block is the caller's now: clear it without the lock. */
    if (want_zero && !is_zero)
        zero_block(frame, order);
    *pa = frame_pa(frame);
    return STATUS_SUCCESS;
}

/* ---- Freeing ---- */

/*
 * What page_free expects of the block at pa, or NULL when it is a block page_alloc gave
 * out with this order. *bad is the frame that is not as expected.
 */
static const char *check_free_locked(uint64_t pa, unsigned order, uint64_t *bad)
{
    ASSERT(spin_held(&page_lock));
    uint64_t frame = pa >> PAGE_SHIFT;
    *bad = frame;
    if (order > PAGE_MAX_ORDER)
        return "an order of at most PAGE_MAX_ORDER";
    if (pa & ((PAGE_SIZE << order) - 1))
        return "an address aligned to the block size";
    if (frame >= pfn_count || block_frames(order) > pfn_count - frame)
        return "a block inside the PFN database";

    const struct pfn *head = &pfn_array[frame];
    if (!is_owner_state(head->state))
        return "an allocated frame (kernel, pagetable, private or shared): double free?";
    if (!(head->flags & PFN_FLAG_BLOCK_HEAD))
        return "the first frame of an allocated block";
    if (head->order != order)
        return "a block allocated with this order";
    for (uint64_t f = frame + 1; f < frame + block_frames(order); f++) {
        *bad = f;
        if (!is_owner_state(pfn_array[f].state))
            return "an allocated frame (kernel, pagetable, private or shared)";
        if (pfn_array[f].flags & PFN_FLAG_BLOCK_HEAD)
            return "a frame inside the block, not the head of another block";
    }
    return NULL;
}

/* The panic report: the call, the frame at fault with its record, and what was expected. */
__attribute__((noreturn)) static void free_panic(uint64_t pa, unsigned order, uint64_t bad,
                                                  const struct pfn *record,
                                                  const char *expected)
{
    if (!record)
        panic("page_free(0x%llx, order %u): frame %llu (pa 0x%llx) is beyond the PFN database "
              "(%llu frames); expected %s", (unsigned long long)pa, order,
              (unsigned long long)bad, (unsigned long long)frame_pa(bad),
              (unsigned long long)pfn_count, expected);
    panic("page_free(0x%llx, order %u): frame %llu (pa 0x%llx) is %s%s, flags 0x%x, order %u; "
          "expected %s", (unsigned long long)pa, order, (unsigned long long)bad,
          (unsigned long long)frame_pa(bad), pfn_state_name((enum pfn_state)record->state),
          (record->flags & PFN_FLAG_CACHED) ? " (in the order-0 cache)" : "",
          (unsigned)record->flags, (unsigned)record->order, expected);
}

static void release_block_locked(uint64_t frame, unsigned order)
{
    ASSERT(spin_held(&page_lock));
    for (uint64_t f = frame; f < frame + block_frames(order); f++) {
        struct pfn *p = &pfn_array[f];
        pfn_set_state(p, PFN_FREE);
        p->refcount = 0;
        p->flags = 0;
        p->order = 0;
        p->next = PFN_NONE;
        p->prev = PFN_NONE;
    }
    if (order > 0) {
        free_block_locked(frame, order);
        return;
    }
    if (cache_count == CACHE_SIZE)
        cache_drain_locked(CACHE_BATCH);
    pfn_array[frame].flags = PFN_FLAG_CACHED;
    cache[cache_count++] = (uint32_t)frame;
}

void page_free(uint64_t pa, unsigned order)
{
    uint64_t bad;
    spin_lock(&page_lock);
    const char *expected = check_free_locked(pa, order, &bad);
    if (expected) {
        /* A copy of the record, read under the lock; the report is made without it. */
        int known = bad < pfn_count;
        struct pfn record = known ? pfn_array[bad] : (struct pfn){ 0 };
        spin_unlock(&page_lock);
        free_panic(pa, order, bad, known ? &record : NULL, expected);
    }
    release_block_locked(pa >> PAGE_SHIFT, order);
    spin_unlock(&page_lock);
}

/* ---- Zeroing ahead ---- */

uint64_t page_alloc_zero_ahead(uint64_t max)
{
    uint64_t added = 0;
    while (added < max) {
        /*
         * While it is being zeroed, without the lock, the frame is the zeroer's: KERNEL,
         * in no list, so the counts and page_alloc_check hold throughout.
         */
        spin_lock(&page_lock);
        uint32_t frame = take_cached_frame_locked();
        if (frame != PFN_NONE)
            claim_block_locked(frame, 0, PFN_KERNEL);
        spin_unlock(&page_lock);
        if (frame == PFN_NONE)
            break;

        arch_zero_page(phys_to_virt(frame_pa(frame)));

        spin_lock(&page_lock);
        add_zeroed_frame_locked(frame);
        spin_unlock(&page_lock);
        added++;
    }
    return added;
}

uint64_t page_alloc_zeroed_available(void)
{
    spin_lock(&page_lock);
    uint64_t n = zeroed_count;
    spin_unlock(&page_lock);
    return n;
}

/* ---- Setting up ---- */

/* The largest order of a block that starts at frame, is aligned to its size and ends by end. */
static unsigned largest_order(uint64_t frame, uint64_t end)
{
    unsigned order = PAGE_MAX_ORDER;
    while (order > 0 &&
           ((frame & (block_frames(order) - 1)) || frame + block_frames(order) > end))
        order--;
    return order;
}

void page_alloc_init(void)
{
    ASSERT(pfn_count <= PFN_NONE);
    spin_lock(&page_lock);
    for (unsigned k = 0; k <= PAGE_MAX_ORDER; k++)
        free_lists[k] = (struct free_list){ PFN_NONE, PFN_NONE, 0 };
    cache_count = 0;
    zeroed_head = PFN_NONE;
    zeroed_count = 0;

    /* Each run of FREE frames is cut into maximal aligned blocks, lowest first. */
    uint64_t frame = 0;
    while (frame < pfn_count) {
        if (pfn_array[frame].state != PFN_FREE) {
            frame++;
            continue;
        }
        uint64_t end = frame;
        while (end < pfn_count && pfn_array[end].state == PFN_FREE)
            end++;
        while (frame < end) {
            unsigned order = largest_order(frame, end);
            struct pfn *head = &pfn_array[frame];
            head->flags = PFN_FLAG_BLOCK_HEAD;
            head->order = (uint8_t)order;
            list_push_tail_locked(order, (uint32_t)frame);
            frame += block_frames(order);
        }
    }
    spin_unlock(&page_lock);
}

/* ---- Checking (tests) ---- */

/* frame is UINT64_MAX when the broken invariant is not about one frame. */
static int check_fail(const char *what, uint64_t frame)
{
    if (frame == UINT64_MAX) {
        log_error("page_alloc_check: %s", what);
        return -1;
    }
    log_error("page_alloc_check: %s (frame %llu, %s)", what, (unsigned long long)frame,
              frame < pfn_count ? pfn_state_name(pfn_array[frame].state) : "out of range");
    return -1;
}

/* Tallies what a walk of the database finds. */
struct tally {
    uint64_t by_state[PFN_STATE_COUNT];
    uint64_t heads[PAGE_MAX_ORDER + 1];     /* free block heads by order */
    uint64_t cached;
};

/*
 * One pass over every record: each FREE frame is either cached or inside exactly one free
 * block (a head with BLOCK_HEAD, then frames without flags), so free blocks cannot overlap.
 */
static int check_records_locked(struct tally *t)
{
    ASSERT(spin_held(&page_lock));
    uint64_t frame = 0;
    while (frame < pfn_count) {
        const struct pfn *p = &pfn_array[frame];
        if (p->state >= PFN_STATE_COUNT)
            return check_fail("state out of range", frame);
        t->by_state[p->state]++;
        if (p->state == PFN_ZEROED && p->flags != 0)
            return check_fail("zeroed frame with flags", frame);
        if (p->state != PFN_FREE) {
            frame++;
            continue;
        }
        if (p->flags == PFN_FLAG_CACHED) {
            t->cached++;
            frame++;
            continue;
        }
        if (p->flags != PFN_FLAG_BLOCK_HEAD)
            return check_fail("free frame neither cached nor the head of a free block", frame);
        if (p->order > PAGE_MAX_ORDER || (frame & (block_frames(p->order) - 1)) ||
            block_frames(p->order) > pfn_count - frame)
            return check_fail("free block misaligned, too large or past the end", frame);
        uint64_t buddy = frame ^ block_frames(p->order);
        if (p->order < PAGE_MAX_ORDER && is_free_buddy_locked(buddy, p->order))
            return check_fail("free block and its buddy both free and unmerged", frame);
        t->heads[p->order]++;
        for (uint64_t f = frame + 1; f < frame + block_frames(p->order); f++) {
            if (pfn_array[f].state != PFN_FREE || pfn_array[f].flags != 0)
                return check_fail("free block holds a frame that is not free, or flagged", f);
            t->by_state[PFN_FREE]++;
        }
        frame += block_frames(p->order);
    }
    return 0;
}

/* Each list holds exactly the free heads of its order that the record walk found. */
static int check_lists_locked(const struct tally *t)
{
    ASSERT(spin_held(&page_lock));
    for (unsigned k = 0; k <= PAGE_MAX_ORDER; k++) {
        const struct free_list *l = &free_lists[k];
        uint64_t n = 0;
        uint32_t prev = PFN_NONE;
        for (uint32_t f = l->head; f != PFN_NONE; prev = f, f = pfn_array[f].next) {
            if (f >= pfn_count)
                return check_fail("free list links past the end", f);
            const struct pfn *p = &pfn_array[f];
            if (p->state != PFN_FREE || p->flags != PFN_FLAG_BLOCK_HEAD || p->order != k)
                return check_fail("free list holds what is not a free head of its order", f);
            if (p->prev != prev)
                return check_fail("free list back link broken", f);
            if (++n > t->heads[k])
                return check_fail("free list longer than the free blocks of its order", f);
        }
        if (l->tail != prev)
            return check_fail("free list tail is not its last block", l->tail);
        if (n != t->heads[k] || n != l->blocks)
            return check_fail("free list misses blocks, or miscounts them", l->head);
    }
    return 0;
}

static int check_cache_and_zeroed_locked(const struct tally *t)
{
    ASSERT(spin_held(&page_lock));
    if (cache_count > CACHE_SIZE || cache_count != t->cached)
        return check_fail("cache count differs from the cached frames", UINT64_MAX);
    for (unsigned i = 0; i < cache_count; i++) {
        if (cache[i] >= pfn_count || pfn_array[cache[i]].flags != PFN_FLAG_CACHED ||
            pfn_array[cache[i]].state != PFN_FREE)
            return check_fail("cache holds a frame that is not free and cached", cache[i]);
        for (unsigned j = 0; j < i; j++) {
            if (cache[j] == cache[i])
                return check_fail("cache holds a frame twice", cache[i]);
        }
    }
    uint64_t n = 0;
    for (uint32_t f = zeroed_head; f != PFN_NONE; f = pfn_array[f].next) {
        if (f >= pfn_count || pfn_array[f].state != PFN_ZEROED)
            return check_fail("zeroed supply holds a frame that is not zeroed", f);
        if (++n > t->by_state[PFN_ZEROED])
            return check_fail("zeroed supply longer than the zeroed frames", f);
    }
    if (n != zeroed_count || n != t->by_state[PFN_ZEROED])
        return check_fail("zeroed supply misses frames, or miscounts them", zeroed_head);
    return 0;
}

static int check_counts_locked(const struct tally *t)
{
    ASSERT(spin_held(&page_lock));
    struct mm_stats stats;
    mm_stats(&stats);
    uint64_t sum = 0;
    for (unsigned s = 0; s < PFN_STATE_COUNT; s++) {
        sum += stats.by_state[s];
        if (stats.by_state[s] != t->by_state[s]) {
            log_error("page_alloc_check: %llu %s frames counted, %llu in the records",
                      (unsigned long long)stats.by_state[s], pfn_state_name((enum pfn_state)s),
                      (unsigned long long)t->by_state[s]);
            return -1;
        }
    }
    if (sum != stats.total) {
        log_error("page_alloc_check: state counts sum to %llu, not %llu frames",
                  (unsigned long long)sum, (unsigned long long)stats.total);
        return -1;
    }
    return 0;
}

int page_alloc_check(void)
{
    struct tally t = { 0 };
    spin_lock(&page_lock);
    int result = check_records_locked(&t);
    if (result == 0)
        result = check_lists_locked(&t);
    if (result == 0)
        result = check_cache_and_zeroed_locked(&t);
    if (result == 0)
        result = check_counts_locked(&t);
    spin_unlock(&page_lock);
    return result;
}
