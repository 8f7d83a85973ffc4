/*
 * A randomized model test of mm/kheap.c. Tens of thousands of random kmalloc, kzalloc
 * and kfree calls run against a reference model: the array of live objects, each with its
 * size and a tag written over all its usable bytes. The test checks every answer of the
 * heap against the model: alignment, usable size, zeroing, no overlap with any live
 * object, tags intact when an object is freed, kheap_stats, and kheap_check() every few
 * hundred steps. At the end everything is freed and the heap must be back to its start,
 * less the one cached empty slab per class used.
 *
 * The seed is fixed unless SEED is set (SEED=123 build/host/test_kheap_model); every
 * test prints it in a "# seed" line, and a failure names the step and the replay command. STEPS scales the
 * number of steps.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm/arch.h"
#include "mm/kheap.h"
#include "mm/page_alloc.h"
#include "mm/pfn.h"
#include "sim_mmu.h"
#include "test.h"

/* mm/kheap.c, host builds only: forget all heap state when the machine is replaced. */

#define DEFAULT_SEED 0x6b68656170ull   /* "kheap" */
#define MAX_LIVE 4000
#define CHECK_EVERY 500

/* How one test draws its operations. */
struct profile {
    const char *name;
    unsigned steps;
    uint64_t mem_bytes;         /* the simulated machine */
    unsigned max_live;
    unsigned large_percent;     /* sizes above KHEAP_MAX_SMALL */
    size_t large_max;
    unsigned zero_percent;      /* kzalloc instead of kmalloc */
    int waves;                  /* 1: grow to max_live, shrink to 0, again; 0: steady */
    int may_run_out;            /* 1: NULL is a valid answer (the machine is small) */
};

struct object {
    uint64_t *p;
    size_t size;
    size_t usable;
    uint64_t tag;               /* written to every 8 bytes of the object */
};

/* The model, and where the run is. */
struct run {
    const struct profile *pr;
    uint64_t seed;
    unsigned step;
    int growing;
    struct object live[MAX_LIVE];
    unsigned count;
    uint64_t bytes;             /* sum of usable sizes */
    uint64_t large_pages;
    unsigned classes_used;      /* bit c: a class-c kmalloc succeeded */
    uint64_t next_tag;
    uint64_t base_kernel_frames;
    uint64_t allocs, frees, nulls;
};

static struct run run;

static unsigned steps_for(const struct profile *pr)
{
    const char *s = getenv("STEPS");
    unsigned percent = s && *s ? (unsigned)strtoul(s, NULL, 0) : 100;
    return (unsigned)((uint64_t)pr->steps * percent / 100);
}

/* Adds the replay information to a failed check; returns ok. */
static int expect(int ok)
{
    if (!ok)
        printf("#   %s, step %u (seed %llu)\n", run.pr->name, run.step,
               (unsigned long long)run.seed);
    return ok;
}

static uint64_t kernel_frames(void)
{
    struct mm_stats st;
    mm_stats(&st);
    return st.by_state[PFN_KERNEL];
}

static unsigned class_of(size_t size)
{
    unsigned c = 0;
    while (((size_t)16 << c) < size)
        c++;
    return c;
}

static size_t expected_usable(size_t size)
{
    if (size <= KHEAP_MAX_SMALL)
        return (size_t)16 << class_of(size);
    size_t pages = (size + PAGE_SIZE - 1) / PAGE_SIZE, block = 1;
    while (block < pages)
        block *= 2;
    return block * PAGE_SIZE;
}

/* Weighted small: mostly up to 128 bytes, some class boundaries, a few large blocks. */
static size_t random_size(void)
{
    if (test_rand_below(100) < run.pr->large_percent) {
        if (test_rand_below(4) != 0)
            return KHEAP_MAX_SMALL + 1 + test_rand_below(4 * PAGE_SIZE);
        return KHEAP_MAX_SMALL + 1 + test_rand_below(run.pr->large_max - KHEAP_MAX_SMALL);
    }
    if (test_rand_below(20) == 0) {                       /* 16 << c, one less, one more */
        size_t s = ((size_t)16 << test_rand_below(8)) + test_rand_below(3) - 1;
        return s;
    }
    if (test_rand_below(4) != 0)
        return 1 + test_rand_below(128);
    return 129 + test_rand_below(KHEAP_MAX_SMALL - 128);
}

static void fill(const struct object *o)
{
    for (size_t i = 0; i < o->usable / 8; i++)
        o->p[i] = o->tag;
}

static int intact(const struct object *o)
{
    for (size_t i = 0; i < o->usable / 8; i++)
        if (o->p[i] != o->tag) {
            printf("# object %p (size %zu, tag %llu) overwritten at byte %zu\n",
                   (void *)o->p, o->size, (unsigned long long)o->tag, i * 8);
            return 0;
        }
    return 1;
}

static int all_zero(const struct object *o)
{
    for (size_t i = 0; i < o->usable / 8; i++)
        if (o->p[i] != 0)
            return 0;
    return 1;
}

static int overlaps_live(const struct object *o)
{
    uintptr_t a = (uintptr_t)o->p, a_end = a + o->usable;
    for (unsigned i = 0; i < run.count; i++) {
        uintptr_t b = (uintptr_t)run.live[i].p, b_end = b + run.live[i].usable;
        if (a < b_end && b < a_end) {
            printf("# new %p+%zu overlaps live %p+%zu\n", (void *)a, o->usable, (void *)b,
                   run.live[i].usable);
            return 1;
        }
    }
    return 0;
}

/* kheap_stats agrees with the model. */
static int stats_match(void)
{
    struct kheap_stats st;
    kheap_stats(&st);
    return expect(CHECK_EQ(st.live_objects, run.count) & CHECK_EQ(st.live_bytes, run.bytes) &
                  CHECK_EQ(st.large_pages, run.large_pages));
}

static int step_alloc(void)
{
    struct object o = { .size = random_size() };
    int zero = test_rand_below(100) < run.pr->zero_percent;
    o.p = zero ? kzalloc(o.size) : kmalloc(o.size);
    if (!o.p) {
        run.nulls++;
        /* A failed kmalloc changes nothing. */
        return expect(CHECK(run.pr->may_run_out)) && stats_match();
    }
    o.usable = kmalloc_usable_size(o.p);
    o.tag = run.next_tag++;
    if (!expect(CHECK_EQ((uintptr_t)o.p % 16, 0) & CHECK_EQ(o.usable, expected_usable(o.size))))
        return 0;
    if (zero && !expect(CHECK(all_zero(&o))))
        return 0;
    if (!expect(CHECK(!overlaps_live(&o))))
        return 0;
    fill(&o);
    run.live[run.count++] = o;
    run.bytes += o.usable;
    if (o.size > KHEAP_MAX_SMALL)
        run.large_pages += o.usable / PAGE_SIZE;
    else
        run.classes_used |= 1u << class_of(o.size);
    run.allocs++;
    return 1;
}

static int free_at(unsigned i)
{
    struct object o = run.live[i];
    if (!expect(CHECK(intact(&o))))
        return 0;
    kfree(o.p);
    run.live[i] = run.live[--run.count];
    run.bytes -= o.usable;
    if (o.size > KHEAP_MAX_SMALL)
        run.large_pages -= o.usable / PAGE_SIZE;
    run.frees++;
    return 1;
}

/* Steady: allocate a little more often than free, up to max_live. Waves: ramp up, down. */
static int wants_alloc(void)
{
    if (run.count == 0)
        return 1;
    if (run.count >= run.pr->max_live)
        return 0;
    if (!run.pr->waves)
        return test_rand_below(100) < 55;
    if (run.growing && run.count + 1 >= run.pr->max_live)
        run.growing = 0;
    else if (!run.growing && run.count <= 1)
        run.growing = 1;
    return test_rand_below(100) < (run.growing ? 80u : 20u);
}

static int full_check(void)
{
    if (!expect(CHECK_EQ(kheap_check(), 0)))
        return 0;
    for (unsigned i = 0; i < run.count; i++)
        if (!expect(CHECK(intact(&run.live[i]))))
            return 0;
    return stats_match();
}

static void run_profile(const struct profile *pr)
{
    memset(&run, 0, sizeof(run));
    run.pr = pr;
    run.seed = test_rand_start(pr->name, DEFAULT_SEED);
    run.growing = 1;
    run.next_tag = 1;
    unsigned steps = steps_for(pr);

    struct boot_info bi;
    sim_init(pr->mem_bytes);
    sim_boot_info(&bi);
    REQUIRE(pfn_init(&bi, NULL, 0) == STATUS_SUCCESS);
    page_alloc_init();
    kheap_reset();
    run.base_kernel_frames = kernel_frames();

    for (run.step = 0; run.step < steps; run.step++) {
        int ok = wants_alloc() ? step_alloc() : free_at((unsigned)test_rand_below(run.count));
        if (!ok)
            return;
        if (run.step % CHECK_EVERY == 0 && !full_check())
            return;
    }
    if (!full_check())
        return;
    printf("# %llu allocations, %llu frees, %llu out of memory, %u live at the end\n",
           (unsigned long long)run.allocs, (unsigned long long)run.frees,
           (unsigned long long)run.nulls, run.count);
    if (pr->may_run_out)        /* the profile is meant to reach the limit, and pass it */
        expect(CHECK(run.nulls > 0 && run.allocs > run.nulls));

    while (run.count > 0)
        if (!free_at(run.count - 1))
            return;
    struct kheap_stats st;
    kheap_stats(&st);
    unsigned cached = (unsigned)__builtin_popcount(run.classes_used);
    expect(CHECK_EQ(st.live_objects, 0) & CHECK_EQ(st.live_bytes, 0) &
           CHECK_EQ(st.large_pages, 0) & CHECK_EQ(st.slab_pages, cached) &
           CHECK_EQ(kernel_frames(), run.base_kernel_frames + cached) &
           CHECK_EQ(kheap_check(), 0));
    sim_free();
}

TEST(mixed_sizes_match_the_model)
{
    static const struct profile pr = {
        .name = "mixed", .steps = 40000, .mem_bytes = 64ull << 20, .max_live = 2000,
        .large_percent = 3, .large_max = 256 * 1024, .zero_percent = 10,
    };
    run_profile(&pr);
}

/* Small objects only, in waves: slabs fill, drain, empty and go back, again and again. */
TEST(small_object_waves_match_the_model)
{
    static const struct profile pr = {
        .name = "small waves", .steps = 40000, .mem_bytes = 64ull << 20,
        .max_live = MAX_LIVE, .large_percent = 0, .zero_percent = 10, .waves = 1,
    };
    run_profile(&pr);
}

/* A small machine and big blocks: kmalloc runs out often and must leave no trace. */
TEST(running_out_matches_the_model)
{
    static const struct profile pr = {
        .name = "pressure", .steps = 20000, .mem_bytes = 8ull << 20, .max_live = 3000,
        .large_percent = 15, .large_max = 1u << 20, .zero_percent = 10, .waves = 1,
        .may_run_out = 1,
    };
    run_profile(&pr);
}
