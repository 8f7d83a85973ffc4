/*
 * A randomized model test of mm/page_alloc.c: thousands of random allocations (any order,
 * flags and owner), frees and zero-ahead runs on a 64 MiB simulated machine, checked
 * against a reference model that is nothing but the owner of each frame.
 *
 * After every operation: blocks are aligned, never overlap a live block, and a zeroed
 * block reads as zero; an allocation fails exactly when the model has no aligned run of
 * free frames of that order (page_alloc gives the cache and the zeroed supply back to the
 * buddy lists before it gives up, and the buddy lists merge completely). Every CHECK_EVERY
 * steps, and at the end, every frame's state is compared with the model and
 * page_alloc_check() must pass. Each live block carries a pattern (two words per frame)
 * that is verified when it is freed, so a block handed out twice shows up even between
 * the full checks.
 *
 *   build/host/test_page_alloc_model                 fixed seed
 *   SEED=n build/host/test_page_alloc_model          replays seed n
 */
#include <stdio.h>
#include <string.h>

#include "mm/arch.h"
#include "mm/page_alloc.h"
#include "mm/pfn.h"
#include "sim_mmu.h"
#include "test.h"

#define SIM_BYTES    (64ull << 20)
#define FRAMES       (SIM_BYTES / PAGE_SIZE)
#define STEPS        20000
#define CHECK_EVERY  100
#define DEFAULT_SEED 20261122

struct block {
    uint64_t pa;
    unsigned order;
    enum pfn_state owner;
    uint64_t tag;           /* what the pattern is made from */
};

static struct block live[FRAMES];
static uint64_t live_count;

static uint8_t model_owner[FRAMES];     /* 0: not allocated; else the owner state + 1 */
static uint8_t start_state[FRAMES];     /* every frame's state right after page_alloc_init */
static struct mm_stats start;
static uint64_t step;
static uint64_t no_memory;              /* allocations that found nothing, as they should */

static const enum pfn_state owners[] = { PFN_KERNEL, PFN_PAGETABLE, PFN_PRIVATE, PFN_SHARED };

static uint64_t block_frames(unsigned order)
{
    return 1ull << order;
}

/* Reports a failure with the step it happened at; the framework adds the replay line. */
static int fail_at(const char *what, uint64_t frame)
{
    printf("# step %llu: %s (frame 0x%llx)\n", (unsigned long long)step, what,
           (unsigned long long)frame);
    return CHECK(0);
}

/* ---- Pattern ---- */

static uint64_t *frame_words(uint64_t frame)
{
    return phys_to_virt(frame * PAGE_SIZE);
}

static uint64_t pattern(uint64_t tag, uint64_t frame, unsigned which)
{
    return (tag * 0x9e3779b97f4a7c15ull) ^ (frame << 1) ^ which ^ 0x8000000000000000ull;
}

static void write_pattern(const struct block *b)
{
    uint64_t first = b->pa / PAGE_SIZE;
    for (uint64_t f = first; f < first + block_frames(b->order); f++) {
        frame_words(f)[0] = pattern(b->tag, f, 0);
        frame_words(f)[PAGE_SIZE / 8 - 1] = pattern(b->tag, f, 1);
    }
}

static int pattern_intact(const struct block *b)
{
    uint64_t first = b->pa / PAGE_SIZE;
    for (uint64_t f = first; f < first + block_frames(b->order); f++) {
        if (frame_words(f)[0] != pattern(b->tag, f, 0) ||
            frame_words(f)[PAGE_SIZE / 8 - 1] != pattern(b->tag, f, 1))
            return fail_at("a live block's pattern was overwritten", f);
    }
    return 1;
}

static int reads_as_zero(uint64_t frame, uint64_t count)
{
    static const uint8_t zero[PAGE_SIZE];
    for (uint64_t f = frame; f < frame + count; f++) {
        if (memcmp(phys_to_virt(f * PAGE_SIZE), zero, PAGE_SIZE) != 0)
            return fail_at("a frame that should read as zero does not", f);
    }
    return 1;
}

/* ---- The model ---- */

/* Whether the model has an aligned run of free frames of this order: page_alloc finds one. */
static int model_can_fit(unsigned order)
{
    for (uint64_t first = 0; first < pfn_count; first += block_frames(order)) {
        uint64_t f = first;
        while (f < first + block_frames(order) && f < pfn_count && !model_owner[f] &&
               (start_state[f] == PFN_FREE))
            f++;
        if (f == first + block_frames(order))
            return 1;
    }
    return 0;
}

static int model_range_free(uint64_t first, unsigned order)
{
    for (uint64_t f = first; f < first + block_frames(order); f++) {
        if (f >= pfn_count || start_state[f] != PFN_FREE)
            return fail_at("a block outside the memory that was free at init", f);
        if (model_owner[f])
            return fail_at("a block overlapping a live block", f);
    }
    return 1;
}

static void model_set(uint64_t first, unsigned order, uint8_t value)
{
    for (uint64_t f = first; f < first + block_frames(order); f++)
        model_owner[f] = value;
}

/* Every record against the model, the checker, and the zeroed supply's contents. */
static int full_check(void)
{
    for (uint64_t f = 0; f < pfn_count; f++) {
        unsigned state = pfn_array[f].state;
        if (model_owner[f]) {
            if (state != model_owner[f] - 1u)
                return fail_at("an allocated frame's state differs from its owner", f);
        } else if (start_state[f] == PFN_FREE) {
            if (state != PFN_FREE && state != PFN_ZEROED)
                return fail_at("a frame the model has free is not free", f);
            if (state == PFN_ZEROED && !reads_as_zero(f, 1))
                return 0;
        } else if (state != start_state[f]) {
            return fail_at("a frame that was never free changed state", f);
        }
    }
    for (uint64_t i = 0; i < live_count; i++) {
        const struct pfn *head = pfn_get(live[i].pa / PAGE_SIZE);
        if (!(head->flags & PFN_FLAG_BLOCK_HEAD) || head->order != live[i].order)
            return fail_at("a live block's head lost its flag or order",
                           live[i].pa / PAGE_SIZE);
    }
    struct mm_stats now;
    mm_stats(&now);
    if (now.by_state[PFN_ZEROED] != page_alloc_zeroed_available())
        return fail_at("zeroed supply count differs from the zeroed frames", 0);
    if (page_alloc_check() != 0)
        return fail_at("page_alloc_check failed", 0);
    return 1;
}

/* ---- Operations ---- */

static int op_alloc(void)
{
    /* Half the time any order, half the time a small one: the cache and splits get busy. */
    unsigned order = (unsigned)test_rand_below(test_rand_below(2) ? PAGE_MAX_ORDER + 1 : 3);
    unsigned flags = test_rand_below(2) ? PAGE_ALLOC_ZEROED : 0;
    enum pfn_state owner = owners[test_rand_below(4)];
    int fits = model_can_fit(order);
    uint64_t pa;
    ntstatus_t status = page_alloc(order, flags, owner, &pa);
    if (status == STATUS_NO_MEMORY) {
        no_memory++;
        return fits ? fail_at("STATUS_NO_MEMORY while an aligned free run exists", order) : 1;
    }
    if (!fits)
        return fail_at("an allocation succeeded where the model has no room", order);
    if (status != STATUS_SUCCESS)
        return fail_at("page_alloc refused a valid request", order);
    if (pa % (PAGE_SIZE << order))
        return fail_at("a block not aligned to its size", pa / PAGE_SIZE);
    uint64_t first = pa / PAGE_SIZE;
    if (!model_range_free(first, order))
        return 0;
    if ((flags & PAGE_ALLOC_ZEROED) && !reads_as_zero(first, block_frames(order)))
        return 0;
    struct block b = { pa, order, owner, test_rand() };
    write_pattern(&b);
    live[live_count++] = b;
    model_set(first, order, (uint8_t)(owner + 1));
    return 1;
}

static int op_free(void)
{
    if (live_count == 0)
        return 1;
    uint64_t i = test_rand_below(live_count);
    struct block b = live[i];
    if (!pattern_intact(&b))
        return 0;
    page_free(b.pa, b.order);
    live[i] = live[--live_count];
    model_set(b.pa / PAGE_SIZE, b.order, 0);
    return 1;
}

static int op_zero_ahead(void)
{
    uint64_t want = test_rand_below(65);
    struct mm_stats before, after;
    mm_stats(&before);
    uint64_t added = page_alloc_zero_ahead(want);
    mm_stats(&after);
    uint64_t expected = want < before.by_state[PFN_FREE] ? want : before.by_state[PFN_FREE];
    if (added != expected)
        return fail_at("zero_ahead added a different number of frames", added);
    if (after.by_state[PFN_ZEROED] != before.by_state[PFN_ZEROED] + added)
        return fail_at("zero_ahead's frames are not all zeroed", added);
    return 1;
}

static int run_step(void)
{
    uint64_t r = test_rand_below(100);
    if (r < 48)
        return op_alloc();
    if (r < 92)
        return op_free();
    return op_zero_ahead();
}

TEST(random_operations_match_the_model)
{
    struct boot_info bi;
    test_rand_start("page_alloc model", DEFAULT_SEED);
    sim_init(SIM_BYTES);
    sim_boot_info(&bi);
    REQUIRE(pfn_init(&bi, NULL, 0) == STATUS_SUCCESS);
    page_alloc_init();
    mm_stats(&start);
    REQUIRE(pfn_count <= FRAMES);
    for (uint64_t f = 0; f < pfn_count; f++)
        start_state[f] = pfn_array[f].state;
    memset(model_owner, 0, sizeof(model_owner));
    live_count = 0;

    uint64_t allocations = 0;
    no_memory = 0;
    for (step = 0; step < STEPS; step++) {
        uint64_t before = live_count;
        REQUIRE(run_step());
        allocations += live_count > before;
        if (step % CHECK_EVERY == CHECK_EVERY - 1)
            REQUIRE(full_check());
    }
    REQUIRE(full_check());
    printf("# %llu allocations, %llu refused for want of memory, %llu blocks live at the end\n",
           (unsigned long long)allocations, (unsigned long long)no_memory,
           (unsigned long long)live_count);

    /* Free everything: every frame comes back, and whole max-order blocks form again. */
    while (live_count)
        REQUIRE(op_free());
    REQUIRE(full_check());
    struct mm_stats now;
    mm_stats(&now);
    CHECK_EQ(now.by_state[PFN_FREE] + now.by_state[PFN_ZEROED], start.by_state[PFN_FREE]);
    REQUIRE(model_can_fit(PAGE_MAX_ORDER));
    uint64_t pa;
    uint64_t blocks = 0;
    static uint64_t big[FRAMES >> PAGE_MAX_ORDER];
    while (page_alloc(PAGE_MAX_ORDER, 0, PFN_KERNEL, &pa) == STATUS_SUCCESS)
        big[blocks++] = pa;
    CHECK_EQ(blocks, start.by_state[PFN_FREE] >> PAGE_MAX_ORDER);
    for (uint64_t i = 0; i < blocks; i++)
        page_free(big[i], PAGE_MAX_ORDER);
    /* The big allocations took the zeroed supply back: the counts are the start's. */
    mm_stats(&now);
    CHECK_EQ(memcmp(&now, &start, sizeof(now)), 0);
    CHECK_EQ(page_alloc_check(), 0);
    sim_free();
}
