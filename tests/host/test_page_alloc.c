/*
 * Host tests for mm/page_alloc.c on a 64 MiB simulated machine: every order, the owners,
 * alignment, zeroed allocations and the zeroed supply, exhaustion and coalescing, the
 * order in which addresses are handed out, bad parameters, and every bad free (each must
 * panic with the frame number and its state).
 *
 * The simulated map is the first MiB reserved and the rest usable; pfn_init puts the
 * array (64 frames) at 1 MiB, so the free frames are 0x140-0x3fff: an order-6 block at
 * 0x140, order 7 at 0x180, order 9 at 0x200, and fifteen order-10 blocks from 0x400.
 */
#include <stdio.h>
#include <string.h>

#include "mm/arch.h"
#include "mm/page_alloc.h"
#include "mm/pfn.h"
#include "sim_mmu.h"
#include "test.h"

#define SIM_BYTES (64ull << 20)
#define FIRST_FREE_FRAME 0x140
#define MAX_ORDER_BLOCKS 15

static struct mm_stats start;
static uint64_t pas[SIM_BYTES / PAGE_SIZE];

static int setup(void)
{
    struct boot_info bi;
    sim_init(SIM_BYTES);
    sim_boot_info(&bi);
    if (pfn_init(&bi, NULL, 0) != STATUS_SUCCESS)
        return 0;
    page_alloc_init();
    mm_stats(&start);
    return 1;
}

static const struct pfn *record(uint64_t pa)
{
    return pfn_get(pa / PAGE_SIZE);
}

static int stats_equal_start(void)
{
    struct mm_stats now;
    mm_stats(&now);
    int same = memcmp(&now, &start, sizeof(now)) == 0;
    if (!same) {
        for (unsigned s = 0; s < PFN_STATE_COUNT; s++)
            printf("#   %-10s start %llu now %llu\n", pfn_state_name((enum pfn_state)s),
                   (unsigned long long)start.by_state[s], (unsigned long long)now.by_state[s]);
    }
    return same;
}

static int all_bytes_are(uint64_t pa, uint64_t size, uint8_t value)
{
    const uint8_t *p = phys_to_virt(pa);
    for (uint64_t i = 0; i < size; i++) {
        if (p[i] != value)
            return 0;
    }
    return 1;
}

/* Allocates order-0 frames until none is left; returns how many (their addresses in pas). */
static uint64_t alloc_all_frames(void)
{
    uint64_t n = 0, pa;
    while (page_alloc_frame(0, PFN_KERNEL, &pa) == STATUS_SUCCESS)
        pas[n++] = pa;
    return n;
}

static void free_frames(uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        page_free_frame(pas[i]);
}

/* How many blocks of PAGE_MAX_ORDER can be allocated at once; frees them again. */
static uint64_t count_max_order_blocks(void)
{
    uint64_t n = 0, pa;
    while (page_alloc(PAGE_MAX_ORDER, 0, PFN_KERNEL, &pa) == STATUS_SUCCESS)
        pas[n++] = pa;
    for (uint64_t i = 0; i < n; i++)
        page_free(pas[i], PAGE_MAX_ORDER);
    return n;
}

TEST(init_lists_every_free_frame)
{
    REQUIRE(setup());
    CHECK_EQ(start.by_state[PFN_FREE], 0x4000 - FIRST_FREE_FRAME);
    CHECK_EQ(start.by_state[PFN_KERNEL], 64);
    CHECK_EQ(page_alloc_check(), 0);
    CHECK_EQ(page_alloc_zeroed_available(), 0);
    CHECK_EQ(count_max_order_blocks(), MAX_ORDER_BLOCKS);
    CHECK_EQ(page_alloc_check(), 0);
    sim_free();
}

TEST(alloc_and_free_each_order)
{
    REQUIRE(setup());
    for (unsigned order = 0; order <= PAGE_MAX_ORDER; order++) {
        uint64_t pa;
        REQUIRE(page_alloc(order, 0, PFN_KERNEL, &pa) == STATUS_SUCCESS);
        CHECK_EQ(pa % (PAGE_SIZE << order), 0);
        const struct pfn *head = record(pa);
        CHECK(head->flags & PFN_FLAG_BLOCK_HEAD);
        CHECK_EQ(head->order, order);
        for (uint64_t i = 0; i < (1ull << order); i++) {
            const struct pfn *p = record(pa + i * PAGE_SIZE);
            CHECK_EQ(p->state, PFN_KERNEL);
            CHECK_EQ(p->refcount, 0);
        }
        struct mm_stats now;
        mm_stats(&now);
        CHECK_EQ(now.by_state[PFN_KERNEL], start.by_state[PFN_KERNEL] + (1ull << order));
        CHECK_EQ(page_alloc_check(), 0);
        page_free(pa, order);
        CHECK_EQ(page_alloc_check(), 0);
        CHECK(stats_equal_start());
    }
    sim_free();
}

TEST(each_owner_state_is_given)
{
    REQUIRE(setup());
    const enum pfn_state owners[] = { PFN_KERNEL, PFN_PAGETABLE, PFN_PRIVATE, PFN_SHARED };
    for (unsigned i = 0; i < 4; i++) {
        uint64_t pa;
        REQUIRE(page_alloc(2, 0, owners[i], &pa) == STATUS_SUCCESS);
        for (uint64_t f = 0; f < 4; f++)
            CHECK_EQ(record(pa + f * PAGE_SIZE)->state, owners[i]);
        page_free(pa, 2);
    }
    CHECK(stats_equal_start());
    sim_free();
}

TEST(refcount_starts_at_zero_and_owner_flags_are_dropped)
{
    REQUIRE(setup());
    uint64_t pa, again;
    REQUIRE(page_alloc_frame(0, PFN_PAGETABLE, &pa) == STATUS_SUCCESS);
    struct pfn *p = pfn_get(pa / PAGE_SIZE);
    p->refcount = 7;
    p->flags |= PFN_FLAG_SLAB;      /* an owner's own flag, as kheap sets */
    page_free_frame(pa);
    REQUIRE(page_alloc_frame(0, PFN_PRIVATE, &again) == STATUS_SUCCESS);
    CHECK_EQ(again, pa);            /* the cache hands back the frame just freed */
    CHECK_EQ(p->refcount, 0);
    CHECK_EQ(p->flags, PFN_FLAG_BLOCK_HEAD);
    page_free_frame(again);
    sim_free();
}

TEST(low_addresses_first_after_init)
{
    /*
     * Each order's first block is the lowest free block of the smallest order that fits.
     * Freeing it merges it back into the block it was split from, at the head of its list,
     * so the next order starts from the same lists.
     */
    static const uint64_t first_frame[PAGE_MAX_ORDER + 1] = {
        0x140, 0x140, 0x140, 0x140, 0x140, 0x140, 0x140, 0x180, 0x200, 0x200, 0x400,
    };
    REQUIRE(setup());
    for (int order = PAGE_MAX_ORDER; order >= 0; order--) {
        uint64_t pa;
        REQUIRE(page_alloc((unsigned)order, 0, PFN_KERNEL, &pa) == STATUS_SUCCESS);
        CHECK_EQ(pa / PAGE_SIZE, first_frame[order]);
        page_free(pa, (unsigned)order);
    }
    sim_free();

    /* Single frames come out in ascending order, through cache refills. */
    REQUIRE(setup());
    uint64_t prev = 0;
    int ascending = 1;
    for (unsigned i = 0; i < 1000; i++) {
        uint64_t pa;
        REQUIRE(page_alloc_frame(0, PFN_KERNEL, &pa) == STATUS_SUCCESS);
        ascending &= i == 0 ? pa == FIRST_FREE_FRAME * PAGE_SIZE : pa == prev + PAGE_SIZE;
        prev = pa;
    }
    CHECK(ascending);
    CHECK_EQ(page_alloc_check(), 0);
    sim_free();
}

TEST(zeroed_allocations_read_as_zero)
{
    REQUIRE(setup());
    /* Dirty every free frame, then give them all back. */
    uint64_t n = alloc_all_frames();
    for (uint64_t i = 0; i < n; i++)
        memset(phys_to_virt(pas[i]), 0xab, PAGE_SIZE);
    free_frames(n);
    CHECK_EQ(page_alloc_check(), 0);

    for (unsigned order = 0; order <= PAGE_MAX_ORDER; order++) {
        uint64_t pa;
        REQUIRE(page_alloc(order, PAGE_ALLOC_ZEROED, PFN_PRIVATE, &pa) == STATUS_SUCCESS);
        CHECK(all_bytes_are(pa, PAGE_SIZE << order, 0));
        memset(phys_to_virt(pa), 0xcd, PAGE_SIZE << order);
        page_free(pa, order);
    }
    /* And a plain allocation does not pay for zeroing: it sees the old contents. */
    uint64_t pa;
    REQUIRE(page_alloc_frame(0, PFN_PRIVATE, &pa) == STATUS_SUCCESS);
    CHECK(all_bytes_are(pa, PAGE_SIZE, 0xcd));
    page_free_frame(pa);
    CHECK(stats_equal_start());
    sim_free();
}

TEST(zero_ahead_fills_the_zeroed_supply)
{
    REQUIRE(setup());
    uint64_t n = alloc_all_frames();
    for (uint64_t i = 0; i < n; i++)
        memset(phys_to_virt(pas[i]), 0xab, PAGE_SIZE);
    free_frames(n);

    CHECK_EQ(page_alloc_zero_ahead(100), 100);
    CHECK_EQ(page_alloc_zeroed_available(), 100);
    struct mm_stats now;
    mm_stats(&now);
    CHECK_EQ(now.by_state[PFN_ZEROED], 100);
    CHECK_EQ(now.by_state[PFN_FREE], start.by_state[PFN_FREE] - 100);
    CHECK_EQ(page_alloc_check(), 0);

    /*
     * Mark every zeroed frame behind the allocator's back: a zeroed request that takes
     * from the supply trusts it and does not clear the frame again, so the mark survives.
     */
    for (uint64_t f = 0; f < pfn_count; f++) {
        if (pfn_array[f].state == PFN_ZEROED) {
            CHECK(all_bytes_are(f * PAGE_SIZE, PAGE_SIZE, 0));
            *(uint8_t *)phys_to_virt(f * PAGE_SIZE) = 0x5a;
        }
    }
    uint64_t pa;
    REQUIRE(page_alloc_frame(PAGE_ALLOC_ZEROED, PFN_PRIVATE, &pa) == STATUS_SUCCESS);
    CHECK_EQ(page_alloc_zeroed_available(), 99);
    CHECK_EQ(*(uint8_t *)phys_to_virt(pa), 0x5a);
    CHECK_EQ(record(pa)->state, PFN_PRIVATE);
    page_free_frame(pa);

    /* A plain request leaves the supply alone while other frames are free. */
    REQUIRE(page_alloc_frame(0, PFN_PRIVATE, &pa) == STATUS_SUCCESS);
    CHECK_EQ(page_alloc_zeroed_available(), 99);
    page_free_frame(pa);
    CHECK_EQ(page_alloc_check(), 0);
    sim_free();
}

TEST(zero_ahead_stops_when_nothing_is_free)
{
    REQUIRE(setup());
    uint64_t free_frames_now = start.by_state[PFN_FREE];
    CHECK_EQ(page_alloc_zero_ahead(UINT64_MAX), free_frames_now);
    CHECK_EQ(page_alloc_zeroed_available(), free_frames_now);
    CHECK_EQ(page_alloc_zero_ahead(10), 0);
    CHECK_EQ(page_alloc_check(), 0);

    /* Everything is zeroed: single frames of both kinds come from the supply... */
    uint64_t pa;
    REQUIRE(page_alloc_frame(0, PFN_KERNEL, &pa) == STATUS_SUCCESS);
    CHECK_EQ(page_alloc_zeroed_available(), free_frames_now - 1);
    page_free_frame(pa);
    /* ...and a large block is still there: the supply goes back to the buddy lists. */
    CHECK_EQ(count_max_order_blocks(), MAX_ORDER_BLOCKS);
    CHECK_EQ(page_alloc_zeroed_available(), 0);
    CHECK_EQ(page_alloc_check(), 0);
    CHECK(stats_equal_start());
    sim_free();
}

TEST(exhaustion_and_freeing_everything_restores_the_start)
{
    REQUIRE(setup());
    CHECK_EQ(page_alloc_zero_ahead(300), 300);
    uint64_t n = alloc_all_frames();
    /* The zeroed frames were allocatable too: every free frame was handed out. */
    CHECK_EQ(n, start.by_state[PFN_FREE]);
    CHECK_EQ(page_alloc_zeroed_available(), 0);
    for (unsigned order = 0; order <= PAGE_MAX_ORDER; order++) {
        uint64_t pa = 0x1234;
        CHECK_EQ(page_alloc(order, 0, PFN_KERNEL, &pa), STATUS_NO_MEMORY);
        CHECK_EQ(page_alloc(order, PAGE_ALLOC_ZEROED, PFN_KERNEL, &pa), STATUS_NO_MEMORY);
        CHECK_EQ(pa, 0x1234);
    }
    CHECK_EQ(page_alloc_zero_ahead(5), 0);
    CHECK_EQ(page_alloc_check(), 0);

    /* No two frames alike, none outside the free range. */
    static uint8_t seen[SIM_BYTES / PAGE_SIZE];
    memset(seen, 0, sizeof(seen));
    int unique = 1;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t f = pas[i] / PAGE_SIZE;
        unique &= f >= FIRST_FREE_FRAME && f < pfn_count && !seen[f];
        seen[f] = 1;
    }
    CHECK(unique);

    free_frames(n);
    CHECK_EQ(page_alloc_check(), 0);
    CHECK(stats_equal_start());
    /* Coalescing put every max-order block back together. */
    CHECK_EQ(count_max_order_blocks(), MAX_ORDER_BLOCKS);
    CHECK(stats_equal_start());
    sim_free();
}

TEST(coalescing_restores_max_order_blocks_from_any_free_order)
{
    REQUIRE(setup());
    /* Carve all memory into blocks of mixed orders, then free them in a scrambled order. */
    static uint64_t order_of[SIM_BYTES / PAGE_SIZE];
    uint64_t n = 0, pa;
    for (unsigned round = 0;; round++) {
        unsigned order = (round * 7) % 6;
        if (page_alloc(order, 0, PFN_SHARED, &pa) == STATUS_SUCCESS) {
            pas[n] = pa;
            order_of[n++] = order;
        } else if (page_alloc_frame(0, PFN_SHARED, &pa) == STATUS_SUCCESS) {
            pas[n] = pa;
            order_of[n++] = 0;
        } else {
            break;
        }
    }
    struct mm_stats now;
    mm_stats(&now);
    CHECK_EQ(now.by_state[PFN_FREE] + now.by_state[PFN_ZEROED], 0);
    CHECK_EQ(page_alloc_check(), 0);
    for (uint64_t step = 0; step < n; step++) {
        uint64_t i = (step * 7919) % n;     /* 7919 is prime and n is not a multiple of it */
        page_free(pas[i], (unsigned)order_of[i]);
    }
    CHECK_EQ(n % 7919 != 0, 1);
    CHECK_EQ(page_alloc_check(), 0);
    CHECK(stats_equal_start());
    CHECK_EQ(count_max_order_blocks(), MAX_ORDER_BLOCKS);
    sim_free();
}

TEST(bad_parameters_are_refused)
{
    REQUIRE(setup());
    uint64_t pa = 0x1234;
    CHECK_EQ(page_alloc(PAGE_MAX_ORDER + 1, 0, PFN_KERNEL, &pa), STATUS_INVALID_PARAMETER);
    CHECK_EQ(page_alloc(64, 0, PFN_KERNEL, &pa), STATUS_INVALID_PARAMETER);
    CHECK_EQ(page_alloc(~0u, 0, PFN_KERNEL, &pa), STATUS_INVALID_PARAMETER);
    CHECK_EQ(page_alloc(0, 1u << 1, PFN_KERNEL, &pa), STATUS_INVALID_PARAMETER);
    CHECK_EQ(page_alloc(0, ~0u, PFN_KERNEL, &pa), STATUS_INVALID_PARAMETER);
    const enum pfn_state not_owners[] = { PFN_FREE, PFN_ZEROED, PFN_TRANSITION, PFN_RESERVED,
                                          PFN_BAD, PFN_STATE_COUNT, (enum pfn_state)99 };
    for (unsigned i = 0; i < sizeof(not_owners) / sizeof(not_owners[0]); i++)
        CHECK_EQ(page_alloc(0, 0, not_owners[i], &pa), STATUS_INVALID_PARAMETER);
    CHECK_EQ(pa, 0x1234);
    CHECK(stats_equal_start());
    CHECK_EQ(page_alloc_check(), 0);
    sim_free();
}

/* ---- Bad frees ---- */

struct bad_free {
    uint64_t pa;
    unsigned order;
};

static void call_page_free(void *arg)
{
    const struct bad_free *b = arg;
    page_free(b->pa, b->order);
}

/*
 * page_free(pa, order) must panic, the report must contain each of the given texts, and
 * the allocator must be intact (and unlocked) afterwards.
 */
static void expect_free_panics(uint64_t pa, unsigned order, const char *text1,
                               const char *text2)
{
    struct bad_free b = { pa, order };
    test_console_clear();
    if (!CHECK(test_expect_panic(call_page_free, &b))) {
        printf("#   page_free(0x%llx, %u) returned\n", (unsigned long long)pa, order);
        return;
    }
    const char *log = test_console();
    if (!CHECK(strstr(log, text1) != NULL) || !CHECK(strstr(log, text2) != NULL))
        printf("#   wanted \"%s\" and \"%s\" in:\n%s\n", text1, text2, log);
    CHECK_EQ(page_alloc_check(), 0);
    uint64_t probe;
    CHECK_EQ(page_alloc_frame(0, PFN_KERNEL, &probe), STATUS_SUCCESS);
    page_free_frame(probe);
}

static const char *frame_text(uint64_t pa)
{
    static char buf[64];
    snprintf(buf, sizeof(buf), "frame %llu (pa 0x%llx)", (unsigned long long)(pa / PAGE_SIZE),
             (unsigned long long)pa);
    return buf;
}

TEST(double_free_of_a_cached_frame_panics)
{
    REQUIRE(setup());
    uint64_t pa;
    REQUIRE(page_alloc_frame(0, PFN_KERNEL, &pa) == STATUS_SUCCESS);
    page_free_frame(pa);
    CHECK_EQ(record(pa)->flags, PFN_FLAG_CACHED);
    expect_free_panics(pa, 0, frame_text(pa), "is free (in the order-0 cache)");
    sim_free();
}

TEST(double_free_of_order_0_after_it_left_the_cache_panics)
{
    REQUIRE(setup());
    /* Free the victim first, then enough frames after it that the cache drains it. */
    uint64_t n = 0, pa;
    for (; n < 100; n++)
        REQUIRE(page_alloc_frame(0, PFN_KERNEL, &pas[n]) == STATUS_SUCCESS);
    free_frames(n);
    pa = pas[0];
    CHECK(!(record(pa)->flags & PFN_FLAG_CACHED));
    expect_free_panics(pa, 0, frame_text(pa), "is free, ");
    CHECK(strstr(test_console(), "double free") != NULL);
    CHECK(stats_equal_start());
    sim_free();
}

TEST(double_free_of_order_3_panics)
{
    REQUIRE(setup());
    uint64_t pa;
    REQUIRE(page_alloc(3, 0, PFN_PRIVATE, &pa) == STATUS_SUCCESS);
    page_free(pa, 3);
    expect_free_panics(pa, 3, frame_text(pa), "is free");
    CHECK(stats_equal_start());
    sim_free();
}

TEST(freeing_what_was_never_allocated_panics)
{
    REQUIRE(setup());
    uint64_t top = (pfn_count - 1) * PAGE_SIZE;    /* free, in the buddy lists */
    expect_free_panics(top, 0, frame_text(top), "is free");
    expect_free_panics(0x1000, 0, frame_text(0x1000), "is reserved");
    expect_free_panics(0, 8, frame_text(0), "is reserved");
    /* The PFN array's frames are KERNEL, but no block of page_alloc's. */
    uint64_t array = virt_to_phys(pfn_array);
    expect_free_panics(array, 0, frame_text(array), "first frame of an allocated block");
    CHECK(strstr(test_console(), "is kernel") != NULL);
    CHECK(stats_equal_start());
    sim_free();
}

TEST(freeing_with_the_wrong_order_or_address_panics)
{
    REQUIRE(setup());
    uint64_t pa;
    REQUIRE(page_alloc(3, 0, PFN_KERNEL, &pa) == STATUS_SUCCESS);
    expect_free_panics(pa, 2, frame_text(pa), "allocated with this order");
    CHECK(strstr(test_console(), "is kernel, flags 0x1, order 3") != NULL);
    expect_free_panics(pa, 4, frame_text(pa), "allocated with this order");
    expect_free_panics(pa, 0, frame_text(pa), "allocated with this order");
    /* A frame inside the block, freed as a block of its own. */
    expect_free_panics(pa + PAGE_SIZE, 0, frame_text(pa + PAGE_SIZE),
                       "first frame of an allocated block");
    /* Misaligned: inside a page, and not on a boundary of the block size. */
    expect_free_panics(pa + 0x10, 0, frame_text(pa), "aligned to the block size");
    expect_free_panics(pa + 4 * PAGE_SIZE, 3, frame_text(pa + 4 * PAGE_SIZE),
                       "aligned to the block size");
    /* An order past the maximum. */
    expect_free_panics(pa, PAGE_MAX_ORDER + 1, frame_text(pa), "order of at most");
    /* A larger order would swallow the neighbour's block: its head gives it away. */
    uint64_t a, b;
    REQUIRE(page_alloc_frame(0, PFN_KERNEL, &a) == STATUS_SUCCESS);
    REQUIRE(page_alloc_frame(0, PFN_KERNEL, &b) == STATUS_SUCCESS);
    CHECK_EQ(b, a + PAGE_SIZE);
    if (a % (2 * PAGE_SIZE) == 0)
        expect_free_panics(a, 1, frame_text(a), "allocated with this order");
    page_free_frame(a);
    page_free_frame(b);

    /* Records an owner damaged: a head flag, or a state, on a frame inside the block. */
    struct pfn *inner = pfn_get(pa / PAGE_SIZE + 5);
    inner->flags |= PFN_FLAG_BLOCK_HEAD;
    expect_free_panics(pa, 3, frame_text(pa + 5 * PAGE_SIZE), "not the head of another block");
    inner->flags &= (uint16_t)~PFN_FLAG_BLOCK_HEAD;
    pfn_set_state(inner, PFN_TRANSITION);
    expect_free_panics(pa, 3, frame_text(pa + 5 * PAGE_SIZE), "is transition");
    pfn_set_state(inner, PFN_KERNEL);

    page_free(pa, 3);
    CHECK(stats_equal_start());
    sim_free();
}

TEST(freeing_past_the_end_of_memory_panics)
{
    REQUIRE(setup());
    uint64_t end = pfn_count * PAGE_SIZE;
    expect_free_panics(end, 0, frame_text(end), "beyond the PFN database");
    expect_free_panics(1ull << 50, 0, frame_text(1ull << 50), "beyond the PFN database");
    expect_free_panics(UINT64_MAX & ~(PAGE_SIZE - 1), 0, "beyond the PFN database",
                       "page_free(0xfffffffffffff000, order 0)");
    CHECK(stats_equal_start());
    sim_free();
}

/* ---- page_alloc_check notices corruption ---- */

TEST(check_reports_broken_invariants)
{
    REQUIRE(setup());
    struct pfn *p = pfn_get(0x400);     /* the head of a free order-10 block */
    REQUIRE(p->state == PFN_FREE && p->flags == PFN_FLAG_BLOCK_HEAD && p->order == 10);

    p->order = 9;
    test_console_clear();
    CHECK_EQ(page_alloc_check(), -1);
    CHECK(strstr(test_console(), "[error] page_alloc_check:") != NULL);
    p->order = 10;
    CHECK_EQ(page_alloc_check(), 0);

    /* A state changed without pfn_set_state: the counts no longer match. */
    pfn_get(0x401)->state = PFN_KERNEL;
    CHECK_EQ(page_alloc_check(), -1);
    pfn_get(0x401)->state = PFN_FREE;

    /* A broken back link. */
    uint32_t saved = p->prev;
    p->prev = 0x123;
    CHECK_EQ(page_alloc_check(), -1);
    p->prev = saved;

    /* A free frame that belongs to no block. */
    pfn_get(0x800)->flags = 0;
    CHECK_EQ(page_alloc_check(), -1);
    pfn_get(0x800)->flags = PFN_FLAG_BLOCK_HEAD;

    CHECK_EQ(page_alloc_check(), 0);
    sim_free();
}
