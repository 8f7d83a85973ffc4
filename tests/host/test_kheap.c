/*
 * Host tests for mm/kheap.c: size classes and large blocks, zeroing, overlap, what the
 * heap gives back to the page allocator, running out of memory, and the panics kfree
 * raises for pointers it never returned.
 *
 * Each test boots a fresh simulated machine (16 MiB) with the real PFN database and page
 * allocator under the heap, and ends with kheap_check() == 0 unless it corrupts the heap
 * on purpose.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "mm/arch.h"
#include "mm/kheap.h"
#include "mm/page_alloc.h"
#include "mm/pfn.h"
#include "sim_mmu.h"
#include "test.h"

/* mm/kheap.c, host builds only: forget all heap state when the machine is replaced. */

#define MEM_BYTES (16ull << 20)
#define CLASS_COUNT 8

/* Objects per one-page slab, by class (a 48-byte header, then the objects). */
static const unsigned class_capacity[CLASS_COUNT] = { 253, 126, 63, 31, 15, 7, 3, 1 };

static struct boot_info bi;
static uint64_t base_kernel_frames;

static uint64_t kernel_frames(void)
{
    struct mm_stats st;
    mm_stats(&st);
    return st.by_state[PFN_KERNEL];
}

static struct kheap_stats heap_stats(void)
{
    struct kheap_stats st;
    kheap_stats(&st);
    return st;
}

/* A new machine: memory, PFN database, page allocator, an empty heap. */
static int machine_up(void)
{
    sim_init(MEM_BYTES);
    sim_boot_info(&bi);
    if (pfn_init(&bi, NULL, 0) != STATUS_SUCCESS)
        return 0;
    page_alloc_init();
    kheap_reset();
    base_kernel_frames = kernel_frames();
    test_console_clear();
    return 1;
}

static void machine_down(void)
{
    sim_free();
}

/* The heap holds nothing but cached empty slabs, and no frame beyond them. */
static int heap_is_idle(uint64_t cached_slabs)
{
    struct kheap_stats st = heap_stats();
    int ok = CHECK_EQ(st.live_objects, 0) & CHECK_EQ(st.live_bytes, 0) &
             CHECK_EQ(st.large_pages, 0) & CHECK_EQ(st.slab_pages, cached_slabs) &
             CHECK_EQ(kernel_frames(), base_kernel_frames + cached_slabs) &
             CHECK_EQ(kheap_check(), 0);
    return ok;
}

static size_t expected_usable(size_t size)
{
    if (size <= KHEAP_MAX_SMALL) {
        size_t c = 16;
        while (c < size)
            c *= 2;
        return c;
    }
    size_t pages = (size + PAGE_SIZE - 1) / PAGE_SIZE, block = 1;
    while (block < pages)
        block *= 2;
    return block * PAGE_SIZE;
}

/* ----------------------------------------------------------------------------------- */
/* Sizes                                                                                */
/* ----------------------------------------------------------------------------------- */

TEST(class_boundaries_are_aligned_and_big_enough)
{
    REQUIRE(machine_up());
    static const size_t sizes[] = {
        1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257, 511, 512, 513,
        1023, 1024, 1025, 2047, 2048, 2049, 4095, 4096, 4097, 8192, 12289, 1u << 20,
        (1u << 20) + 1, 4u << 20,
    };
    for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        size_t size = sizes[i];
        unsigned char *p = kmalloc(size);
        if (!CHECK(p != NULL)) {
            printf("#   size %zu\n", size);
            continue;
        }
        size_t usable = kmalloc_usable_size(p);
        if (!(CHECK_EQ((uintptr_t)p % 16, 0) & CHECK(usable >= size) &
              CHECK_EQ(usable, expected_usable(size))))
            printf("#   size %zu: %p usable %zu\n", size, (void *)p, usable);
        memset(p, 0x5a, usable);        /* all of it is the caller's */
        CHECK_EQ(kheap_check(), 0);
        kfree(p);
    }
    CHECK_EQ(kheap_check(), 0);
    machine_down();
}

TEST(zero_and_impossible_sizes_return_null)
{
    REQUIRE(machine_up());
    CHECK(kmalloc(0) == NULL);
    CHECK(kzalloc(0) == NULL);
    CHECK(kmalloc((4u << 20) + 1) == NULL);      /* past the largest block */
    CHECK(kmalloc(SIZE_MAX) == NULL);
    CHECK(kmalloc(SIZE_MAX - PAGE_SIZE + 2) == NULL);   /* would wrap when rounded */
    CHECK(kzalloc(SIZE_MAX / 2) == NULL);
    CHECK(heap_is_idle(0));
    machine_down();
}

TEST(kfree_null_does_nothing)
{
    REQUIRE(machine_up());
    kfree(NULL);
    void *p = kmalloc(40);
    kfree(NULL);
    CHECK_EQ(heap_stats().live_objects, 1);
    kfree(p);
    CHECK(heap_is_idle(1));
    machine_down();
}

/*
 * Defines the slab layout: how many objects one page holds, per class. Each class ends
 * with its one cached empty slab, so class c starts with c pages cached before it.
 */
TEST(one_slab_page_holds_capacity_objects)
{
    REQUIRE(machine_up());
    static void *objs[260];
    for (unsigned c = 0; c < CLASS_COUNT; c++) {
        size_t size = (size_t)16 << c;
        for (unsigned i = 0; i < class_capacity[c]; i++)
            REQUIRE((objs[i] = kmalloc(size)) != NULL);
        if (!CHECK_EQ(heap_stats().slab_pages, c + 1))
            printf("#   class %zu\n", size);
        /* Every object in that one page, after the 48-byte header. */
        uintptr_t page = (uintptr_t)objs[0] & ~(uintptr_t)(PAGE_SIZE - 1);
        for (unsigned i = 0; i < class_capacity[c]; i++)
            CHECK((uintptr_t)objs[i] >= page + 48 &&
                  (uintptr_t)objs[i] + size <= page + PAGE_SIZE);
        void *extra = kmalloc(size);
        CHECK_EQ(heap_stats().slab_pages, c + 2);
        CHECK_EQ(kheap_check(), 0);
        kfree(extra);
        for (unsigned i = 0; i < class_capacity[c]; i++)
            kfree(objs[i]);
        /* Both slabs emptied: one cached, the other back to the page allocator. */
        if (!CHECK(heap_is_idle(c + 1)))
            printf("#   class %zu\n", size);
    }
    machine_down();
}

/* ----------------------------------------------------------------------------------- */
/* Contents                                                                             */
/* ----------------------------------------------------------------------------------- */

static int all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

TEST(kzalloc_clears_reused_dirty_memory)
{
    REQUIRE(machine_up());
    for (unsigned c = 0; c < CLASS_COUNT; c++) {
        size_t size = (size_t)16 << c;
        unsigned char *keep = kmalloc(size);     /* the slab stays partial, not cached */
        unsigned char *p = kmalloc(size);
        REQUIRE(keep && p);
        memset(p, 0xa5, size);
        kfree(p);
        unsigned char *q = kzalloc(size - 1);
        REQUIRE(q == p);                /* the dirty object itself, reused */
        if (!CHECK(all_zero(q, kmalloc_usable_size(q))))
            printf("#   class %zu\n", size);
        kfree(q);
        kfree(keep);
    }
    /* Large blocks: dirty a block, free it, and ask for the same size zeroed. */
    for (unsigned round = 0; round < 4; round++) {
        unsigned char *p = kmalloc(3 * PAGE_SIZE);
        REQUIRE(p != NULL);
        memset(p, 0xa5, kmalloc_usable_size(p));
        kfree(p);
        unsigned char *q = kzalloc(3 * PAGE_SIZE);
        REQUIRE(q != NULL);
        CHECK(all_zero(q, kmalloc_usable_size(q)));
        kfree(q);
    }
    CHECK(heap_is_idle(CLASS_COUNT));
    machine_down();
}

struct live {
    uint64_t *p;
    size_t usable;
    uint64_t tag;
};

static void fill(const struct live *o)
{
    for (size_t i = 0; i < o->usable / 8; i++)
        o->p[i] = o->tag;
}

static int intact(const struct live *o)
{
    for (size_t i = 0; i < o->usable / 8; i++)
        if (o->p[i] != o->tag)
            return 0;
    return 1;
}

static int by_address(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const struct live *)a)->p;
    uintptr_t y = (uintptr_t)((const struct live *)b)->p;
    return x < y ? -1 : x > y;
}

/* Every object holds its own tag, and no two overlap (checked on addresses too). */
static int no_overlap(struct live *objs, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (!intact(&objs[i])) {
            printf("# object %p (tag %llu) was overwritten\n", (void *)objs[i].p,
                   (unsigned long long)objs[i].tag);
            return 0;
        }
    qsort(objs, n, sizeof(objs[0]), by_address);
    for (unsigned i = 1; i < n; i++)
        if ((uintptr_t)objs[i - 1].p + objs[i - 1].usable > (uintptr_t)objs[i].p) {
            printf("# %p+%zu overlaps %p\n", (void *)objs[i - 1].p, objs[i - 1].usable,
                   (void *)objs[i].p);
            return 0;
        }
    return 1;
}

static size_t mixed_size(unsigned i)
{
    if (i % 97 == 0)
        return 2049 + (i * 7919) % (6 * PAGE_SIZE);     /* large, one to eight pages */
    return 1 + (i * 2654435761u) % KHEAP_MAX_SMALL;
}

TEST(live_objects_never_overlap)
{
    REQUIRE(machine_up());
    enum { N = 3000 };
    static struct live objs[N];
    uint64_t tag = 1;
    for (unsigned i = 0; i < N; i++) {
        objs[i].p = kmalloc(mixed_size(i));
        REQUIRE(objs[i].p != NULL);
        objs[i].usable = kmalloc_usable_size(objs[i].p);
        objs[i].tag = tag++;
        fill(&objs[i]);
    }
    CHECK_EQ(kheap_check(), 0);
    REQUIRE(no_overlap(objs, N));

    /* Free every other one (by address, so slabs end up partial), refill the holes. */
    for (unsigned i = 0; i < N; i += 2)
        kfree(objs[i].p);
    for (unsigned i = 0; i < N; i += 2) {
        objs[i].p = kmalloc(mixed_size(i + N));
        REQUIRE(objs[i].p != NULL);
        objs[i].usable = kmalloc_usable_size(objs[i].p);
        objs[i].tag = tag++;
        fill(&objs[i]);
    }
    CHECK_EQ(kheap_check(), 0);
    REQUIRE(no_overlap(objs, N));

    for (unsigned i = 0; i < N; i++)
        kfree(objs[i].p);
    CHECK(heap_is_idle(CLASS_COUNT));
    machine_down();
}

/* ----------------------------------------------------------------------------------- */
/* Accounting and returning pages                                                       */
/* ----------------------------------------------------------------------------------- */

TEST(stats_count_objects_bytes_and_pages)
{
    REQUIRE(machine_up());
    void *a = kmalloc(10), *b = kmalloc(100), *c = kmalloc(5000), *d = kmalloc(1u << 20);
    REQUIRE(a && b && c && d);
    struct kheap_stats st = heap_stats();
    CHECK_EQ(st.live_objects, 4);
    CHECK_EQ(st.live_bytes, 16 + 128 + 8192 + (1u << 20));
    CHECK_EQ(st.slab_pages, 2);
    CHECK_EQ(st.large_pages, 2 + 256);
    CHECK_EQ(kernel_frames(), base_kernel_frames + 2 + 2 + 256);
    kfree(c);
    kfree(a);
    st = heap_stats();
    CHECK_EQ(st.live_objects, 2);
    CHECK_EQ(st.live_bytes, 128 + (1u << 20));
    CHECK_EQ(st.slab_pages, 2);         /* the 16-byte slab is the class's cached one */
    CHECK_EQ(st.large_pages, 256);
    kfree(b);
    kfree(d);
    CHECK(heap_is_idle(2));
    machine_down();
}

/*
 * What the heap keeps once everything is freed: exactly one empty slab for each class
 * used, however many slabs the class had. All other pages go back to the page allocator.
 */
TEST(freeing_everything_keeps_one_empty_slab_per_used_class)
{
    REQUIRE(machine_up());
    enum { PER_CLASS = 3 * 253 + 5 };       /* more than three slabs of every class */
    static void *objs[CLASS_COUNT][PER_CLASS];
    void *large[4];

    for (unsigned round = 0; round < 3; round++) {
        for (unsigned c = 0; c < CLASS_COUNT; c++) {
            unsigned n = 3 * class_capacity[c] + 1;
            for (unsigned i = 0; i < n; i++)
                REQUIRE((objs[c][i] = kmalloc(((size_t)16 << c) - 3)) != NULL);
        }
        for (unsigned i = 0; i < 4; i++)
            REQUIRE((large[i] = kmalloc(PAGE_SIZE << i)) != NULL);
        CHECK_EQ(heap_stats().slab_pages, 4 * CLASS_COUNT);
        CHECK_EQ(heap_stats().large_pages, 1 + 2 + 4 + 8);
        CHECK_EQ(kheap_check(), 0);

        for (unsigned i = 0; i < 4; i++)
            kfree(large[i]);
        for (unsigned c = 0; c < CLASS_COUNT; c++)
            for (unsigned i = 3 * class_capacity[c] + 1; i-- > 0;)
                kfree(objs[c][i]);
        /* Same after every round: the cache is reused, not grown. */
        if (!CHECK(heap_is_idle(CLASS_COUNT)))
            printf("#   round %u\n", round);
    }
    machine_down();
}

TEST(only_used_classes_keep_a_page)
{
    REQUIRE(machine_up());
    void *p = kmalloc(64), *q = kmalloc(3000);
    REQUIRE(p && q);
    kfree(p);
    kfree(q);
    CHECK(heap_is_idle(1));
    machine_down();
}

TEST(alternating_kmalloc_kfree_reuses_one_page)
{
    REQUIRE(machine_up());
    void *first = kmalloc(200);
    REQUIRE(first != NULL);
    kfree(first);
    for (int i = 0; i < 1000; i++) {
        void *p = kmalloc(200);
        if (!CHECK(p == first))
            break;
        CHECK_EQ(kernel_frames(), base_kernel_frames + 1);
        kfree(p);
    }
    CHECK(heap_is_idle(1));
    machine_down();
}

TEST(full_slab_returns_to_partial_list)
{
    REQUIRE(machine_up());
    void *a[3], *b;
    for (int i = 0; i < 3; i++)
        REQUIRE((a[i] = kmalloc(1000)) != NULL);        /* the 1024-byte slab is full */
    REQUIRE((b = kmalloc(1000)) != NULL);               /* a second slab */
    CHECK_EQ(heap_stats().slab_pages, 2);
    kfree(a[1]);                                        /* first slab: full -> partial */
    void *c = kmalloc(1000);
    CHECK(c == a[1]);           /* that slab went to the head of the partial list */
    CHECK_EQ(heap_stats().slab_pages, 2);               /* no third page */
    CHECK_EQ(kheap_check(), 0);
    kfree(a[0]);
    kfree(a[2]);
    kfree(c);
    kfree(b);
    CHECK(heap_is_idle(1));
    machine_down();
}

/* ----------------------------------------------------------------------------------- */
/* Out of memory                                                                        */
/* ----------------------------------------------------------------------------------- */

TEST(out_of_memory_returns_null_and_recovers)
{
    REQUIRE(machine_up());
    enum { MAX = (int)(MEM_BYTES / PAGE_SIZE) };
    static void *blocks[MAX];
    unsigned n = 0;

    /* Take every frame, biggest blocks first, so nothing is left in any order. */
    for (int order = PAGE_MAX_ORDER; order >= 0; order--) {
        void *p;
        while (n < MAX && (p = kmalloc(PAGE_SIZE << order)) != NULL)
            blocks[n++] = p;
    }
    REQUIRE(n > 0 && n < MAX);
    struct kheap_stats before = heap_stats();
    CHECK(kmalloc(16) == NULL);
    CHECK(kzalloc(100) == NULL);
    CHECK(kmalloc(2048) == NULL);
    CHECK(kmalloc(PAGE_SIZE) == NULL);
    struct kheap_stats after = heap_stats();
    CHECK_EQ(after.live_objects, before.live_objects);
    CHECK_EQ(after.slab_pages, 0);
    CHECK_EQ(after.large_pages, before.large_pages);
    CHECK_EQ(kheap_check(), 0);

    /*
     * Exactly one page back: free the last block, take its pages back one at a time,
     * and free one of those. It becomes a 16-byte slab; the 254th object fails again.
     */
    kfree(blocks[--n]);
    void *page;
    while (n < MAX && (page = kmalloc(PAGE_SIZE)) != NULL)
        blocks[n++] = page;
    kfree(blocks[--n]);
    static void *small[253];
    for (int i = 0; i < 253; i++)
        REQUIRE((small[i] = kmalloc(16)) != NULL);
    CHECK(kmalloc(16) == NULL);
    CHECK(kmalloc(32) == NULL);
    CHECK_EQ(kheap_check(), 0);

    for (int i = 0; i < 253; i++)
        kfree(small[i]);
    while (n > 0)
        kfree(blocks[--n]);
    CHECK(heap_is_idle(1));
    void *big = kmalloc(4u << 20);
    CHECK(big != NULL);
    kfree(big);
    CHECK(heap_is_idle(1));
    machine_down();
}

/* ----------------------------------------------------------------------------------- */
/* Bad pointers                                                                         */
/* ----------------------------------------------------------------------------------- */

static void call_kfree(void *p)
{
    kfree(p);
}

static void call_usable_size(void *p)
{
    (void)kmalloc_usable_size(p);
}

/* fn(p) panics with a report containing want; the heap is still usable afterwards. */
static int panics_with(void (*fn)(void *), void *p, const char *want)
{
    test_console_clear();
    int panicked = test_expect_panic(fn, p);
    int ok = CHECK(panicked) & CHECK(strstr(test_console(), want) != NULL);
    if (!ok)
        printf("#   wanted \"%s\"; console:\n%s\n", want, test_console());
    void *probe = kmalloc(24);
    ok &= CHECK(probe != NULL) & CHECK_EQ(kheap_check(), 0);
    kfree(probe);
    return ok;
}

static int kfree_panics_with(void *p, const char *want)
{
    return panics_with(call_kfree, p, want);
}

/* The standard report for a pointer into a frame that is not a heap frame. */
static const char *not_from_kmalloc(void *p, const char *state)
{
    static char message[160];
    snprintf(message, sizeof(message), "kfree: %p was not returned by kmalloc (frame %llu, "
             "state %s", p, (unsigned long long)(virt_to_phys(p) >> PAGE_SHIFT), state);
    return message;
}

TEST(double_free_panics)
{
    REQUIRE(machine_up());
    void *keep = kmalloc(32);
    void *p = kmalloc(32);
    REQUIRE(keep && p);
    kfree(p);
    char want[96];
    snprintf(want, sizeof(want), "kfree: %p is not allocated: double free", p);
    CHECK(kfree_panics_with(p, want));

    /* A large block's second kfree finds a free frame. */
    void *big = kmalloc(3 * PAGE_SIZE);
    REQUIRE(big != NULL);
    kfree(big);
    CHECK(kfree_panics_with(big, not_from_kmalloc(big, pfn_state_name(PFN_FREE))));

    /* Freeing the last object of a slab caches it: a second kfree still sees the slab. */
    kfree(keep);
    CHECK(kfree_panics_with(keep, "double free"));
    CHECK(heap_is_idle(1));
    machine_down();
}

TEST(interior_pointer_panics)
{
    REQUIRE(machine_up());
    char *p = kmalloc(64);
    char *big = kmalloc(3 * PAGE_SIZE);
    REQUIRE(p && big);
    CHECK(kfree_panics_with(p + 16, "is not the start of an object"));
    CHECK(kfree_panics_with(p + 1, "is not the start of an object"));
    CHECK(kfree_panics_with(p + 63, "in a slab of 64-byte objects"));
    uintptr_t page = (uintptr_t)p & ~(uintptr_t)(PAGE_SIZE - 1);
    CHECK(kfree_panics_with((void *)page, "is not the start of an object"));  /* header */
    CHECK(kfree_panics_with((void *)(page + PAGE_SIZE - 16), "not the start"));  /* slack */

    char want[96];
    snprintf(want, sizeof(want), "kfree: %p is inside the large block at %p", big + 16,
             (void *)big);
    CHECK(kfree_panics_with(big + 16, want));
    /* A tail page of a large block is not a heap page of its own. */
    CHECK(kfree_panics_with(big + PAGE_SIZE, not_from_kmalloc(big + PAGE_SIZE,
                                                              pfn_state_name(PFN_KERNEL))));
    CHECK(kfree_panics_with(big + PAGE_SIZE, "not a heap page"));

    /* The real objects were left alone. */
    CHECK_EQ(heap_stats().live_objects, 2);
    kfree(p);
    kfree(big);
    CHECK(heap_is_idle(2));     /* the 64-byte class and the probes' 32-byte class */
    machine_down();
}

TEST(pointer_into_a_non_heap_frame_panics)
{
    REQUIRE(machine_up());
    uint64_t private_pa, kernel_pa;
    REQUIRE(page_alloc_frame(0, PFN_PRIVATE, &private_pa) == STATUS_SUCCESS);
    REQUIRE(page_alloc_frame(0, PFN_KERNEL, &kernel_pa) == STATUS_SUCCESS);
    void *private_page = phys_to_virt(private_pa), *kernel_page = phys_to_virt(kernel_pa);

    CHECK(kfree_panics_with(private_page,
                            not_from_kmalloc(private_page, pfn_state_name(PFN_PRIVATE))));
    CHECK(kfree_panics_with((char *)private_page + 64,
                            not_from_kmalloc((char *)private_page + 64,
                                             pfn_state_name(PFN_PRIVATE))));
    CHECK(kfree_panics_with(kernel_page, "not a heap page"));
    void *reserved = phys_to_virt(0x8000);          /* the first MiB is reserved */
    CHECK(kfree_panics_with(reserved, not_from_kmalloc(reserved,
                                                       pfn_state_name(PFN_RESERVED))));
    page_free_frame(private_pa);
    CHECK(kfree_panics_with(private_page,
                            not_from_kmalloc(private_page, pfn_state_name(PFN_FREE))));
    page_free_frame(kernel_pa);
    CHECK(heap_is_idle(1));     /* the probe allocations' cached slab */
    machine_down();
}

static int a_global;

TEST(pointer_outside_the_direct_map_panics)
{
    REQUIRE(machine_up());
    int on_stack = 0;
    CHECK(kfree_panics_with(&on_stack, "not in the direct map"));
    CHECK(kfree_panics_with(&a_global, "not in the direct map"));
    CHECK(kfree_panics_with((char *)direct_map_base + MEM_BYTES, "not in the direct map"));
    CHECK(kfree_panics_with((void *)(direct_map_base - 16), "not in the direct map"));
    char want[96];
    snprintf(want, sizeof(want), "kfree: %p was not returned by kmalloc", (void *)&on_stack);
    CHECK(kfree_panics_with(&on_stack, want));
    CHECK(heap_is_idle(1));
    machine_down();
}

TEST(usable_size_of_a_bad_pointer_panics)
{
    REQUIRE(machine_up());
    void *keep = kmalloc(100);
    void *p = kmalloc(100);
    REQUIRE(keep && p);
    kfree(p);
    CHECK(panics_with(call_usable_size, p, "kmalloc_usable_size: "));
    CHECK(panics_with(call_usable_size, p, "double free or use after free"));
    CHECK(panics_with(call_usable_size, (char *)keep + 8, "not the start of an object"));
    kfree(keep);
    CHECK(heap_is_idle(2));
    machine_down();
}

/* ----------------------------------------------------------------------------------- */
/* Corruption                                                                           */
/* ----------------------------------------------------------------------------------- */

static void call_kmalloc(void *size)
{
    (void)kmalloc((size_t)(uintptr_t)size);
}

TEST(write_after_free_is_caught)
{
    REQUIRE(machine_up());
    /* A free object's link overwritten with garbage: kheap_check and kmalloc notice. */
    unsigned char *a = kmalloc(64), *b = kmalloc(64);
    REQUIRE(a && b);
    kfree(a);
    CHECK_EQ(kheap_check(), 0);
    a[0] = 0x01;                /* link := 0x??01: not an object offset */
    a[1] = 0x01;
    CHECK_EQ(kheap_check(), -1);
    CHECK(strstr(test_console(), "kheap_check: slab at frame") != NULL);
    CHECK(strstr(test_console(), "is not an object") != NULL);
    test_console_clear();
    CHECK(test_expect_panic(call_kmalloc, (void *)(uintptr_t)64));
    CHECK(strstr(test_console(), "written after kfree") != NULL);

    /* A link redirected to a live object: the free list would hand out b twice. */
    REQUIRE(machine_up());
    a = kmalloc(64);
    b = kmalloc(64);
    REQUIRE(a && b);
    kfree(a);
    uint16_t b_offset = (uint16_t)((uintptr_t)b & (PAGE_SIZE - 1));
    memcpy(a, &b_offset, sizeof(b_offset));
    test_console_clear();
    CHECK_EQ(kheap_check(), -1);
    CHECK(strstr(test_console(), "is on the free list and allocated") != NULL);
    CHECK(kmalloc(64) == a);    /* a itself is still a free object */
    CHECK(test_expect_panic(call_kmalloc, (void *)(uintptr_t)64));  /* b is not */
    CHECK(strstr(test_console(), "written after kfree") != NULL);
    machine_down();
}
