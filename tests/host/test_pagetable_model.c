/*
 * Randomized model test of mm/pagetable.c: thousands of random pt_map, pt_map_large,
 * pt_unmap, pt_protect and pt_translate calls over a few small virtual windows, each
 * checked against a plain reference model (an array of pages and a list of large-page
 * slots). The windows straddle page-table, directory, PML4 and canonical boundaries, so
 * tables are shared, emptied and freed all the time; some maps run with the allocator
 * nearly empty, to check that STATUS_NO_MEMORY changes nothing.
 *
 * After every call the status must be the model's, and one random access through the
 * simulated MMU must agree with it. Every CHECK_EVERY steps every page of the model is
 * compared with pt_translate and with sim_access (each kind of access, user and kernel,
 * through the TLB: a missing invalidation fails), a sample of other addresses must fault,
 * the table invariants must hold and the number of PFN_PAGETABLE frames must be exactly
 * what the model's mappings need.
 *
 * The seed is fixed; SEED=n replays another, STEPS=n changes the length. Both are in the
 * "# seed" line and in every failure message.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/trap.h"
#include "mm/arch.h"
#include "mm/page_alloc.h"
#include "mm/pagetable.h"
#include "mm/pfn.h"
#include "sim_mmu.h"
#include "test.h"

#define M (1ull << 20)
#define G (1ull << 30)
#define DEFAULT_SEED 20240601ull
#define DEFAULT_STEPS 20000
#define CHECK_EVERY 64
#define RESET_EVERY 2500    /* large pages cannot be unmapped: start over now and then */
#define NON_CANONICAL 0x0000800000000000ull

/* ---- the model ---- */

struct window {
    uint64_t base;
    unsigned pages;
};

/* 4 KiB windows: each crosses a table boundary or ends at an edge of a canonical half. */
static const struct window windows[] = {
    { 0x00000000003f0000ull, 32 },      /* two page tables (the 4 MiB line) */
    { 0x0000007fffff0000ull, 32 },      /* two PML4 slots (the 512 GiB line) */
    { 0x00007ffffffe0000ull, 32 },      /* the last pages of the lower half */
    { 0x00000000401f0000ull, 32 },      /* two 2 MiB slots inside the 1 GiB slot at 1 GiB */
    { 0x00000000bfff0000ull, 32 },      /* across the 3 GiB line: half in a 1 GiB slot */
    { 0xffff8000001f0000ull, 32 },      /* upper half, across 2 MiB slots */
    { 0xfffffffffffe0000ull, 32 },      /* the last pages of the address space */
};
#define WINDOWS (sizeof(windows) / sizeof(windows[0]))
#define WINDOW_PAGES 32

/* Places where a large page may go; they overlap each other and the windows. */
static const struct {
    uint64_t va, size;
} large_slots[] = {
    { 0x0000000040000000ull, M * 2 },
    { 0x0000000040200000ull, M * 2 },
    { 0x0000000040400000ull, M * 2 },
    { 0x00000000bfe00000ull, M * 2 },
    { 0xffff800000000000ull, M * 2 },
    { 0xffff800000200000ull, M * 2 },
    { 0x0000000040000000ull, G },
    { 0x0000000080000000ull, G },
    { 0xffff800000000000ull, G },
    { 0xffffffffc0000000ull, G },
};
#define LARGE_SLOTS (sizeof(large_slots) / sizeof(large_slots[0]))

struct mapping {
    int mapped;
    uint64_t pa;
    uint64_t flags;
};

static struct mapping pages[WINDOWS][WINDOW_PAGES];
static struct mapping larges[LARGE_SLOTS];

/* The model's answer for one address. */
struct lookup {
    struct mapping *m;      /* the mapping covering va, or NULL */
    uint64_t base;          /* its first byte */
    uint64_t size;          /* its size: 4 KiB or a large size */
    int large;
};

/* The 4 KiB model page of va, or NULL when va is in no window. */
static struct mapping *page_of(uint64_t va)
{
    for (unsigned w = 0; w < WINDOWS; w++) {
        uint64_t off = va - windows[w].base;
        if (off < (uint64_t)windows[w].pages * PAGE_SIZE)
            return &pages[w][off / PAGE_SIZE];
    }
    return NULL;
}

static struct lookup model_lookup(uint64_t va)
{
    struct lookup r = { NULL, va & ~(PAGE_SIZE - 1), PAGE_SIZE, 0 };
    for (unsigned i = 0; i < LARGE_SLOTS; i++) {
        if (larges[i].mapped && va - large_slots[i].va < large_slots[i].size) {
            r = (struct lookup){ &larges[i], large_slots[i].va, large_slots[i].size, 1 };
            return r;
        }
    }
    struct mapping *p = page_of(va);
    if (p && p->mapped)
        r.m = p;
    return r;
}

/* Whether anything is mapped in [va, va + size) (offsets: the range may end at 2^64). */
static int model_any_in(uint64_t va, uint64_t size)
{
    for (unsigned i = 0; i < LARGE_SLOTS; i++)
        if (larges[i].mapped && (large_slots[i].va - va < size ||
                                 va - large_slots[i].va < large_slots[i].size))
            return 1;
    for (unsigned w = 0; w < WINDOWS; w++)
        for (unsigned p = 0; p < windows[w].pages; p++)
            if (pages[w][p].mapped && windows[w].base + p * PAGE_SIZE - va < size)
                return 1;
    return 0;
}

/* Paging structures below the root the model's mappings need (tables are never kept
   empty): a PT per 2 MiB with 4 KiB pages, a PD per 1 GiB with 4 KiB or 2 MiB pages, a
   PDPT per 512 GiB with anything. */
static uint64_t keys[3][WINDOWS * WINDOW_PAGES + LARGE_SLOTS];
static unsigned key_count[3];

static void add_key(int which, uint64_t key)
{
    for (unsigned i = 0; i < key_count[which]; i++)
        if (keys[which][i] == key)
            return;
    keys[which][key_count[which]++] = key;
}

static uint64_t model_tables(void)
{
    memset(key_count, 0, sizeof(key_count));
    for (unsigned w = 0; w < WINDOWS; w++) {
        for (unsigned p = 0; p < windows[w].pages; p++) {
            if (!pages[w][p].mapped)
                continue;
            uint64_t va = windows[w].base + p * PAGE_SIZE;
            add_key(0, va >> 21);
            add_key(1, va >> 30);
            add_key(2, va >> 39);
        }
    }
    for (unsigned i = 0; i < LARGE_SLOTS; i++) {
        if (!larges[i].mapped)
            continue;
        if (large_slots[i].size == 2 * M)
            add_key(1, large_slots[i].va >> 30);
        add_key(2, large_slots[i].va >> 39);
    }
    return key_count[0] + key_count[1] + key_count[2];
}

/* ---- the system under test ---- */

static struct boot_info bi;
static struct page_table pt;
static struct tlb_batch tlb;
static uint64_t tables_at_start;
static uint64_t seed, rng_state;
static unsigned long step;
static int failed;

static uint64_t rnd(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static uint64_t below(uint64_t n)
{
    return rnd() % n;
}

static uint64_t table_frames(void)
{
    struct mm_stats s;
    mm_stats(&s);
    return s.by_state[PFN_PAGETABLE];
}

/* Reports the first disagreement with the seed and step that reproduce it. */
__attribute__((format(printf, 1, 2))) static void fail(const char *fmt, ...);

static void fail(const char *fmt, ...)
{
    if (failed++)
        return;
    va_list ap;
    va_start(ap, fmt);
    printf("# FAIL seed %llu step %lu: ", (unsigned long long)seed, step);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

static void expect_status(ntstatus_t got, ntstatus_t want, const char *op, uint64_t va)
{
    if (got != want)
        fail("%s 0x%llx: status 0x%08x, model says 0x%08x", op, (unsigned long long)va,
             (unsigned)got, (unsigned)want);
}

/* Table invariants below table (see test_pagetable.c). Returns the count, or -1. */
static long check_tables(uint64_t table, int level)
{
    struct pfn *p = pfn_get(table >> PAGE_SHIFT);
    if (!p || p->state != PFN_PAGETABLE)
        return -1;
    const pte_t *e = phys_to_virt(table);
    long count = 1;
    uint32_t live = 0;
    for (unsigned i = 0; i < PT_ENTRIES; i++) {
        if (e[i] == 0)
            continue;
        live++;
        if (level == 1 || (level < 4 && (e[i] & PTE_LARGE)))
            continue;
        if ((e[i] & ~PTE_ADDR_MASK) != (PTE_PRESENT | PTE_WRITABLE | PTE_USER))
            return -1;
        long n = check_tables(pte_addr(e[i]), level - 1);
        if (n < 0)
            return -1;
        count += n;
    }
    if (live != p->refcount || (level < 4 && live == 0))
        return -1;
    return count;
}

/* ---- checks against the MMU ---- */

static const char *const access_names[] = { "read", "write", "exec" };

/* One access through the simulated MMU compared with the model. */
static void probe(uint64_t va, enum sim_access a, int user)
{
    struct lookup l = model_lookup(va);
    uint64_t bits = (a == SIM_WRITE ? PF_WRITE : 0) | (user ? PF_USER : 0) |
                    (a == SIM_EXEC ? PF_FETCH : 0);
    uint64_t pa = 0, ec = 0;
    int r = sim_access(va, a, user, &pa, &ec);
    if (!l.m) {
        if (r != -1 || ec != bits)
            fail("%s %s of unmapped 0x%llx: r=%d pa=0x%llx ec=0x%llx", user ? "user" : "kernel",
                 access_names[a], (unsigned long long)va, r, (unsigned long long)pa,
                 (unsigned long long)ec);
        return;
    }
    uint64_t f = l.m->flags;
    int ok = (!user || (f & PTE_USER)) && (a != SIM_WRITE || (f & PTE_WRITABLE)) &&
             (a != SIM_EXEC || !(f & PTE_NX));
    uint64_t want_pa = l.m->pa + (va - l.base);
    if (ok ? r != 0 || pa != want_pa : r != -1 || ec != (PF_PRESENT | bits))
        fail("%s %s of 0x%llx (flags 0x%llx, pa 0x%llx): r=%d pa=0x%llx ec=0x%llx",
             user ? "user" : "kernel", access_names[a], (unsigned long long)va,
             (unsigned long long)f, (unsigned long long)want_pa, r, (unsigned long long)pa,
             (unsigned long long)ec);
}

static void compare_translate(uint64_t va)
{
    struct lookup l = model_lookup(va);
    uint64_t pa = 0, flags = 0;
    ntstatus_t st = pt_translate(&pt, va, &pa, &flags);
    if (!l.m) {
        expect_status(st, STATUS_MEMORY_NOT_ALLOCATED, "translate", va);
        return;
    }
    expect_status(st, STATUS_SUCCESS, "translate", va);
    uint64_t want_flags = l.m->flags | (l.large ? PTE_LARGE : 0);
    if (st == STATUS_SUCCESS && (pa != l.m->pa + (va - l.base) || flags != want_flags))
        fail("translate 0x%llx: pa 0x%llx flags 0x%llx, model 0x%llx 0x%llx",
             (unsigned long long)va, (unsigned long long)pa, (unsigned long long)flags,
             (unsigned long long)(l.m->pa + (va - l.base)), (unsigned long long)want_flags);
}

static void compare_everything(void)
{
    for (unsigned w = 0; w < WINDOWS; w++) {
        for (unsigned p = 0; p < windows[w].pages; p++) {
            uint64_t va = windows[w].base + p * PAGE_SIZE + below(PAGE_SIZE);
            compare_translate(va);
            for (int a = SIM_READ; a <= SIM_EXEC; a++)
                for (int user = 0; user < 2; user++)
                    probe(va, a, user);
        }
    }
    for (unsigned i = 0; i < LARGE_SLOTS; i++) {
        if (!larges[i].mapped)
            continue;
        uint64_t offs[3] = { 0, below(large_slots[i].size), large_slots[i].size - 1 };
        for (int k = 0; k < 3; k++) {
            compare_translate(large_slots[i].va + offs[k]);
            probe(large_slots[i].va + offs[k], below(3), below(2));
        }
    }
    /* Elsewhere: nothing, unless a large page covers it. */
    for (int k = 0; k < 32; k++) {
        uint64_t va = rnd() & 0x00007fffffffffffull;
        if (k & 1)
            va |= 0xffff800000000000ull;
        if (k < 4)
            va = (va & 0x3fffffff) | large_slots[below(LARGE_SLOTS)].va;
        compare_translate(va);
        probe(va, below(3), below(2));
    }
    long n = check_tables(pt.root, 4);
    if (n < 0)
        fail("page-table invariants broken (refcount, empty table or table entry flags)");
    uint64_t want = 1 + model_tables();
    if (table_frames() - tables_at_start != want || (uint64_t)n != want)
        fail("%llu page-table frames (%ld reachable), model needs %llu",
             (unsigned long long)(table_frames() - tables_at_start), n,
             (unsigned long long)want);
    if (page_alloc_check() != 0)
        fail("page_alloc_check failed");
}

/* ---- random operations ---- */

static uint64_t random_flags(void)
{
    static const uint64_t choices[] = { PTE_WRITABLE, PTE_USER, PTE_NX, PTE_GLOBAL,
                                        PTE_PWT, PTE_PCD, 1ull << PTE_SOFT_SHIFT,
                                        4ull << PTE_SOFT_SHIFT };
    uint64_t f = 0;
    for (unsigned i = 0; i < sizeof(choices) / sizeof(choices[0]); i++)
        if (below(i < 3 ? 2 : 5) == 0)
            f |= choices[i];
    return f;
}

/* A page of a random window. */
static uint64_t random_window_va(void)
{
    const struct window *w = &windows[below(WINDOWS)];
    return w->base + below(w->pages) * PAGE_SIZE;
}

/* An argument that is wrong in one random way: misaligned or non-canonical. */
static uint64_t spoil_va(uint64_t va)
{
    return below(2) ? va + 8 * (1 + below(511)) : (va & 0x00007fffffffffffull) | NON_CANONICAL;
}

static void op_map(void)
{
    uint64_t va = random_window_va();
    uint64_t pa = below(1ull << 28) * PAGE_SIZE;    /* up to 2^40: frames need not exist */
    uint64_t flags = random_flags();
    ntstatus_t want;
    int spoil = below(20);
    if (spoil == 0) {
        va = spoil_va(va);
        want = STATUS_INVALID_PARAMETER;
    } else if (spoil == 1) {
        flags |= below(2) ? PTE_PRESENT : PTE_DIRTY;
        want = STATUS_INVALID_PARAMETER;
    } else {
        struct lookup l = model_lookup(va);
        want = l.m ? STATUS_CONFLICTING_ADDRESSES : STATUS_SUCCESS;
    }
    expect_status(pt_map(&pt, va, pa, flags, &tlb), want, "map", va);
    if (want == STATUS_SUCCESS)
        *page_of(va) = (struct mapping){ 1, pa, flags };
}

static void op_unmap(void)
{
    uint64_t va = random_window_va();
    if (below(10) == 0)
        va = spoil_va(va);
    ntstatus_t want;
    struct lookup l = model_lookup(va);
    if ((va & (PAGE_SIZE - 1)) || !va_is_canonical(va))
        want = STATUS_INVALID_PARAMETER;
    else if (!l.m)
        want = STATUS_MEMORY_NOT_ALLOCATED;
    else if (l.large)
        want = STATUS_CONFLICTING_ADDRESSES;
    else
        want = STATUS_SUCCESS;
    uint64_t pa = 0xbad;
    expect_status(pt_unmap(&pt, va, &pa, &tlb), want, "unmap", va);
    if (want != STATUS_SUCCESS)
        return;
    if (pa != l.m->pa)
        fail("unmap 0x%llx returned 0x%llx, model 0x%llx", (unsigned long long)va,
             (unsigned long long)pa, (unsigned long long)l.m->pa);
    l.m->mapped = 0;
}

/* Unmaps a run of pages into one batch, as unmapping a region would. */
static void op_unmap_run(void)
{
    uint64_t va = random_window_va();
    unsigned n = 1 + below(WINDOW_PAGES + 8);
    for (unsigned i = 0; i < n; i++, va += PAGE_SIZE) {
        struct lookup l = model_lookup(va);
        ntstatus_t want = !l.m ? STATUS_MEMORY_NOT_ALLOCATED
                        : l.large ? STATUS_CONFLICTING_ADDRESSES : STATUS_SUCCESS;
        if (!va_is_canonical(va))
            want = STATUS_INVALID_PARAMETER;
        expect_status(pt_unmap(&pt, va, NULL, &tlb), want, "unmap run", va);
        if (want == STATUS_SUCCESS)
            l.m->mapped = 0;
    }
}

static void op_protect(void)
{
    uint64_t va = random_window_va() - below(4) * PAGE_SIZE;
    uint64_t count = below(10) == 0 ? below(80) : 1 + below(40);
    if (below(2)) {
        /* Half the time a run of mapped pages, so that most of these succeed. */
        va = random_window_va();
        for (count = 0; count < 64; count++) {
            struct lookup l = model_lookup(va + count * PAGE_SIZE);
            if (!va_is_canonical(va + count * PAGE_SIZE) || !l.m || l.large)
                break;
        }
        count = count > 1 ? 1 + below(count) : count;
    }
    uint64_t flags = random_flags();
    if (below(30) == 0)
        flags |= PTE_LARGE;
    if (below(30) == 0)
        va = spoil_va(va);

    /* The model: arguments, then the first page that is not a mapped 4 KiB page. */
    ntstatus_t want = STATUS_SUCCESS;
    uint64_t last = va + (count ? count - 1 : 0) * PAGE_SIZE;
    if ((va & (PAGE_SIZE - 1)) || !va_is_canonical(va) || (flags & ~PTE_LEAF_FLAGS) ||
        (count && (last < va || !va_is_canonical(last) || (last >> 47) != (va >> 47))))
        want = STATUS_INVALID_PARAMETER;
    for (uint64_t i = 0; want == STATUS_SUCCESS && i < count; i++) {
        struct lookup l = model_lookup(va + i * PAGE_SIZE);
        if (!l.m)
            want = STATUS_MEMORY_NOT_ALLOCATED;
        else if (l.large)
            want = STATUS_CONFLICTING_ADDRESSES;
    }
    expect_status(pt_protect(&pt, va, count, flags, &tlb), want, "protect", va);
    if (want != STATUS_SUCCESS)
        return;
    for (uint64_t i = 0; i < count; i++)
        page_of(va + i * PAGE_SIZE)->flags = flags;
}

static void op_map_large(void)
{
    unsigned slot = below(LARGE_SLOTS);
    uint64_t va = large_slots[slot].va, size = large_slots[slot].size;
    uint64_t pa = below(64) * size;
    uint64_t flags = random_flags();
    if (size == G && below(4) == 0)
        sim_set_1g_pages(0);
    ntstatus_t want;
    if (size == G && !arch_has_1g_pages())
        want = STATUS_INVALID_PARAMETER;
    else if (model_any_in(va, size))
        want = STATUS_CONFLICTING_ADDRESSES;
    else
        want = STATUS_SUCCESS;
    expect_status(pt_map_large(&pt, va, pa, size, flags, &tlb), want, "map_large", va);
    sim_set_1g_pages(1);
    if (want == STATUS_SUCCESS)
        larges[slot] = (struct mapping){ 1, pa, flags };
}

static void op_translate(void)
{
    uint64_t va = random_window_va() + below(PAGE_SIZE);
    if (below(10) == 0) {
        va = (va & 0x00007fffffffffffull) | NON_CANONICAL;
        expect_status(pt_translate(&pt, va, NULL, NULL), STATUS_INVALID_PARAMETER,
                      "translate", va);
        return;
    }
    compare_translate(va);
}

/* ---- maps with the allocator almost empty ---- */

static uint64_t hog[16384];
static unsigned hog_count;

/*
 * Maps an unmapped window page with only `keep` frames left in the allocator, keep
 * chosen around the number of tables the map needs: it must succeed exactly when there
 * are enough, and change nothing when not.
 */
static void op_map_under_pressure(void)
{
    /* The unmapped page that needs the most tables, out of a few. */
    uint64_t va = 0;
    unsigned need = 0;
    int found = 0;
    for (int tries = 0; tries < 8; tries++) {
        uint64_t v = random_window_va();
        if (model_lookup(v).m)
            continue;
        unsigned n = !model_any_in(v & ~((1ull << 39) - 1), 1ull << 39) +
                     !model_any_in(v & ~(G - 1), G) + !model_any_in(v & ~(2 * M - 1), 2 * M);
        if (!found || n > need) {
            va = v;
            need = n;
            found = 1;
        }
    }
    if (!found)
        return;
    unsigned keep = below(need + 1);

    uint64_t pa;
    hog_count = 0;
    while (hog_count < sizeof(hog) / sizeof(hog[0]) &&
           page_alloc_frame(0, PFN_KERNEL, &pa) == STATUS_SUCCESS)
        hog[hog_count++] = pa;
    for (unsigned i = 0; i < keep && hog_count > 0; i++)
        page_free_frame(hog[--hog_count]);

    uint64_t before = table_frames();
    ntstatus_t want = keep >= need ? STATUS_SUCCESS : STATUS_NO_MEMORY;
    expect_status(pt_map(&pt, va, 5 * M, PTE_WRITABLE, &tlb), want, "map under pressure",
                  va);
    if (want == STATUS_SUCCESS)
        *page_of(va) = (struct mapping){ 1, 5 * M, PTE_WRITABLE };
    else if (table_frames() != before)
        fail("a map that ran out of memory left %lld tables behind",
             (long long)(table_frames() - before));
    while (hog_count > 0)
        page_free_frame(hog[--hog_count]);
}

/* ---- the runs ---- */

static uint64_t env_or(const char *name, uint64_t fallback)
{
    const char *s = getenv(name);
    return s && *s ? strtoull(s, NULL, 0) : fallback;
}

/* Destroys the full page table and starts again with an empty one. */
static void start_over(void)
{
    tlb_batch_flush(&tlb, &pt);
    arch_load_root(0);
    pt_destroy(&pt);
    if (table_frames() != tables_at_start)
        fail("pt_destroy left %lld tables", (long long)(table_frames() - tables_at_start));
    memset(pages, 0, sizeof(pages));
    memset(larges, 0, sizeof(larges));
    if (pt_create(&pt) != STATUS_SUCCESS)
        fail("pt_create failed");
    /* Global entries outlive the table that had them (the kernel's are shared by all). */
    arch_flush_tlb_all();
    arch_load_root(pt.root);
}

static void run(int with_large)
{
    seed = env_or("SEED", DEFAULT_SEED);
    unsigned long steps = env_or("STEPS", DEFAULT_STEPS);
    rng_state = seed * 2 + 1 + (uint64_t)with_large * 0x9e3779b97f4a7c15ull;
    printf("# seed %llu steps %lu%s\n", (unsigned long long)seed, steps,
           with_large ? " (with large pages)" : "");
    failed = 0;
    memset(pages, 0, sizeof(pages));
    memset(larges, 0, sizeof(larges));

    sim_init(64 * M);
    sim_boot_info(&bi);
    if (!CHECK_EQ(pfn_init(&bi, NULL, 0), STATUS_SUCCESS))
        return;
    page_alloc_init();
    tables_at_start = table_frames();
    if (!CHECK_EQ(pt_create(&pt), STATUS_SUCCESS))
        return;
    arch_load_root(pt.root);
    tlb_batch_init(&tlb);

    for (step = 0; step < steps && !failed; step++) {
        /* Phases that fill the windows and phases that drain them, so that tables
           fill up, empty and are freed again and again. */
        int filling = (step / 500) % 2 == 0;
        unsigned r = below(100);
        if (r < (filling ? 45 : 15))
            op_map();
        else if (r < 55)
            op_unmap();
        else if (r < 62)
            filling ? op_map() : op_unmap_run();
        else if (r < 80)
            op_protect();
        else if (r < 92)
            op_translate();
        else if (r < 98)
            with_large ? op_map_large() : op_map();
        else
            op_map_under_pressure();
        /*
         * Usually flush and probe one page through the MMU; sometimes let the next
         * operation add to the same batch first (the TLB may be stale meanwhile).
         */
        if (below(4) != 0 || (step + 1) % CHECK_EVERY == 0) {
            tlb_batch_flush(&tlb, &pt);
            probe(random_window_va() + below(PAGE_SIZE), below(3), below(2));
        }
        if ((step + 1) % CHECK_EVERY == 0)
            compare_everything();
        if ((step + 1) % RESET_EVERY == 0 && !failed)
            start_over();
    }
    if (!failed) {
        tlb_batch_flush(&tlb, &pt);
        compare_everything();
    }

    /* Unmap everything: only the root and the tables of large pages may remain. */
    for (unsigned w = 0; w < WINDOWS; w++) {
        for (unsigned p = 0; p < windows[w].pages; p++) {
            if (!pages[w][p].mapped)
                continue;
            uint64_t va = windows[w].base + p * PAGE_SIZE;
            expect_status(pt_unmap(&pt, va, NULL, &tlb), STATUS_SUCCESS, "final unmap", va);
            pages[w][p].mapped = 0;
        }
    }
    tlb_batch_flush(&tlb, &pt);
    if (!failed)
        compare_everything();
    if (!with_large)
        CHECK_EQ(table_frames() - tables_at_start, 1);
    arch_load_root(0);
    pt_destroy(&pt);
    CHECK_EQ(table_frames(), tables_at_start);
    CHECK_EQ(page_alloc_check(), 0);
    sim_free();
    if (!CHECK_EQ(failed, 0))
        printf("# replay: SEED=%llu STEPS=%lu\n", (unsigned long long)seed, step + 1);
}

TEST(random_ops_4k)
{
    run(0);
}

TEST(random_ops_with_large_pages)
{
    run(1);
}
