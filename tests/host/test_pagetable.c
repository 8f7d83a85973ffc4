/*
 * Host tests for mm/pagetable.c: every function and status of pagetable.h, on the
 * simulated machine. Mappings are checked twice: by pt_translate, and by the simulated
 * MMU (sim_access), which walks the tables as the CPU does and keeps a TLB, so wrong
 * permission bits and missing TLB invalidations both show.
 */
#include <stdio.h>
#include <string.h>

#include "arch/x86_64/trap.h"
#include "lib/panic.h"
#include "mm/arch.h"
#include "mm/page_alloc.h"
#include "mm/pagetable.h"
#include "mm/pfn.h"
#include "sim_mmu.h"
#include "test.h"

#define M (1ull << 20)
#define G (1ull << 30)
#define LOW_VA  0x0000000000400000ull
#define HIGH_VA 0xffff800000000000ull

static struct boot_info bi;
static struct page_table pt;
static struct tlb_batch tlb;
static uint64_t tables_at_start;

static uint64_t table_frames(void)
{
    struct mm_stats s;
    mm_stats(&s);
    return s.by_state[PFN_PAGETABLE];
}

/* A fresh machine and allocator; pt created and active unless active is 0. */
static int setup(int active)
{
    sim_init(64 * M);
    sim_boot_info(&bi);
    if (!CHECK_EQ(pfn_init(&bi, NULL, 0), STATUS_SUCCESS))
        return 0;
    page_alloc_init();
    tables_at_start = table_frames();
    tlb_batch_init(&tlb);
    if (!CHECK_EQ(pt_create(&pt), STATUS_SUCCESS))
        return 0;
    if (active)
        arch_load_root(pt.root);
    return 1;
}

/* Destroys pt (switching away from it first) and checks nothing leaked. */
static void teardown(void)
{
    if (arch_active_root() == pt.root)
        arch_load_root(0);
    pt_destroy(&pt);
    CHECK_EQ(table_frames(), tables_at_start);
    CHECK_EQ(page_alloc_check(), 0);
    sim_free();
}

/*
 * Checks the page-table invariants below table: each table is PFN_PAGETABLE, its
 * refcount is its number of non-zero entries, no table but the root is empty, and table
 * entries are exactly child | P | W | U. Returns the number of tables, or -1.
 */
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
        long below = check_tables(pte_addr(e[i]), level - 1);
        if (below < 0)
            return -1;
        count += below;
    }
    if (live != p->refcount || (level < 4 && live == 0))
        return -1;
    return count;
}

static int tables_ok(void)
{
    long n = check_tables(pt.root, 4);
    return n > 0 && (uint64_t)n == table_frames() - tables_at_start;
}

/* The entry for va at level, found by hand (NULL when a table on the way is missing). */
static pte_t *raw_entry(uint64_t va, int level)
{
    uint64_t table = pt.root;
    for (int l = 4; l > level; l--) {
        pte_t e = ((pte_t *)phys_to_virt(table))[pt_index(va, l)];
        if (!pte_present(e) || (e & PTE_LARGE))
            return NULL;
        table = pte_addr(e);
    }
    return (pte_t *)phys_to_virt(table) + pt_index(va, level);
}

static ntstatus_t map(uint64_t va, uint64_t pa, uint64_t flags)
{
    ntstatus_t st = pt_map(&pt, va, pa, flags, &tlb);
    tlb_batch_flush(&tlb, &pt);
    return st;
}

static ntstatus_t unmap(uint64_t va, uint64_t *pa)
{
    ntstatus_t st = pt_unmap(&pt, va, pa, &tlb);
    tlb_batch_flush(&tlb, &pt);
    return st;
}

static ntstatus_t protect(uint64_t va, uint64_t count, uint64_t flags)
{
    ntstatus_t st = pt_protect(&pt, va, count, flags, &tlb);
    tlb_batch_flush(&tlb, &pt);
    return st;
}

/* sim_access: 0 or the page-fault error code (| 1 << 32 to tell 0 from success). */
static uint64_t try_access(uint64_t va, enum sim_access a, int user)
{
    uint64_t pa, ec;
    if (sim_access(va, a, user, &pa, &ec) == 0)
        return 0;
    return ec | (1ull << 32);
}

#define FAULT(ec) ((1ull << 32) | (ec))

/* ---- holding memory, for STATUS_NO_MEMORY ---- */

static uint64_t hog[16384];
static unsigned hog_count;

/* Allocates every free frame, then gives back keep of them. */
static void hog_all_but(unsigned keep)
{
    uint64_t pa;
    hog_count = 0;
    while (hog_count < sizeof(hog) / sizeof(hog[0]) &&
           page_alloc_frame(0, PFN_KERNEL, &pa) == STATUS_SUCCESS)
        hog[hog_count++] = pa;
    for (; keep > 0 && hog_count > 0; keep--)
        page_free_frame(hog[--hog_count]);
}

static void hog_release(void)
{
    while (hog_count > 0)
        page_free_frame(hog[--hog_count]);
}

/* ------------------------------------------------------------------------------------ */

TEST(create_gives_an_empty_root)
{
    if (!setup(0))
        return;
    CHECK_EQ(table_frames(), tables_at_start + 1);
    struct pfn *p = pfn_get(pt.root >> PAGE_SHIFT);
    REQUIRE(p != NULL);
    CHECK_EQ(p->state, PFN_PAGETABLE);
    CHECK_EQ(p->refcount, 0);
    const pte_t *e = phys_to_virt(pt.root);
    int nonzero = 0;
    for (unsigned i = 0; i < PT_ENTRIES; i++)
        nonzero += e[i] != 0;
    CHECK_EQ(nonzero, 0);
    CHECK_EQ(pt_translate(&pt, LOW_VA, NULL, NULL), STATUS_MEMORY_NOT_ALLOCATED);
    CHECK_EQ(pt_translate(&pt, HIGH_VA, NULL, NULL), STATUS_MEMORY_NOT_ALLOCATED);

    struct page_table second;
    CHECK_EQ(pt_create(&second), STATUS_SUCCESS);
    CHECK(second.root != pt.root);
    pt_destroy(&second);
    CHECK_EQ(second.root, 0);
    teardown();
}

TEST(create_without_memory)
{
    if (!setup(0))
        return;
    hog_all_but(0);
    struct page_table second = { 0x1234 };
    CHECK_EQ(pt_create(&second), STATUS_NO_MEMORY);
    hog_release();
    teardown();
}

TEST(map_rejects_bad_arguments)
{
    if (!setup(1))
        return;
    uint64_t before = table_frames();
    static const struct {
        uint64_t va, pa, flags;
    } bad[] = {
        { LOW_VA + 1, 8 * M, 0 },                           /* misaligned va */
        { LOW_VA + 0x800, 8 * M, 0 },
        { LOW_VA, 8 * M + 4, 0 },                           /* misaligned pa */
        { 0x0000800000000000ull, 8 * M, 0 },                /* non-canonical */
        { 0xffff7ffffffff000ull, 8 * M, 0 },
        { LOW_VA, 1ull << 52, 0 },                          /* pa beyond 52 bits */
        { LOW_VA, 0x8000000000001000ull, 0 },
        { LOW_VA, 8 * M, PTE_PRESENT },                     /* not a leaf flag */
        { LOW_VA, 8 * M, PTE_LARGE },
        { LOW_VA, 8 * M, PTE_ACCESSED },
        { LOW_VA, 8 * M, PTE_DIRTY },
        { LOW_VA, 8 * M, 1ull << 12 },
        { LOW_VA, 8 * M, 1ull << 52 },
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (!CHECK_EQ(map(bad[i].va, bad[i].pa, bad[i].flags), STATUS_INVALID_PARAMETER))
            printf("#   case %u\n", i);
    CHECK_EQ(table_frames(), before);
    CHECK_EQ(pt_translate(&pt, LOW_VA, NULL, NULL), STATUS_MEMORY_NOT_ALLOCATED);

    /* The largest frame address is fine. */
    CHECK_EQ(map(LOW_VA, (1ull << 52) - PAGE_SIZE, 0), STATUS_SUCCESS);
    uint64_t pa;
    CHECK_EQ(pt_translate(&pt, LOW_VA + 5, &pa, NULL), STATUS_SUCCESS);
    CHECK_EQ(pa, (1ull << 52) - PAGE_SIZE + 5);
    CHECK_EQ(unmap(LOW_VA, NULL), STATUS_SUCCESS);
    teardown();
}

TEST(map_then_translate)
{
    if (!setup(1))
        return;
    uint64_t all = PTE_LEAF_FLAGS;
    CHECK_EQ(map(LOW_VA, 8 * M, all), STATUS_SUCCESS);
    CHECK_EQ(map(LOW_VA + PAGE_SIZE, 9 * M, 0), STATUS_SUCCESS);
    CHECK_EQ(map(HIGH_VA, 10 * M, PTE_WRITABLE | PTE_GLOBAL | PTE_NX), STATUS_SUCCESS);
    /* Three tables each for the low and the high mapping. */
    CHECK_EQ(table_frames(), tables_at_start + 1 + 3 + 3);
    CHECK(tables_ok());

    uint64_t pa = 0, flags = 0;
    CHECK_EQ(pt_translate(&pt, LOW_VA + 0xabc, &pa, &flags), STATUS_SUCCESS);
    CHECK_EQ(pa, 8 * M + 0xabc);
    CHECK_EQ(flags, all);
    CHECK_EQ(pt_translate(&pt, LOW_VA + PAGE_SIZE + 0xfff, &pa, &flags), STATUS_SUCCESS);
    CHECK_EQ(pa, 9 * M + 0xfff);
    CHECK_EQ(flags, 0);
    CHECK_EQ(pt_translate(&pt, HIGH_VA + 1, &pa, &flags), STATUS_SUCCESS);
    CHECK_EQ(pa, 10 * M + 1);
    CHECK_EQ(flags, PTE_WRITABLE | PTE_GLOBAL | PTE_NX);
    CHECK_EQ(pt_translate(&pt, HIGH_VA, NULL, NULL), STATUS_SUCCESS);     /* NULLs allowed */

    /* Neighbours are not mapped; a non-canonical address is a bad argument. */
    CHECK_EQ(pt_translate(&pt, LOW_VA + 2 * PAGE_SIZE, &pa, &flags),
             STATUS_MEMORY_NOT_ALLOCATED);
    CHECK_EQ(pt_translate(&pt, LOW_VA - 1, &pa, &flags), STATUS_MEMORY_NOT_ALLOCATED);
    CHECK_EQ(pt_translate(&pt, 0x0000800000000000ull, &pa, &flags), STATUS_INVALID_PARAMETER);

    /* The leaf is exactly pa | P | flags. */
    pte_t *e = raw_entry(LOW_VA, 1);
    REQUIRE(e != NULL);
    CHECK_EQ(*e, 8 * M | PTE_PRESENT | all);
    teardown();
}

TEST(map_over_a_mapping_conflicts)
{
    if (!setup(1))
        return;
    CHECK_EQ(map(LOW_VA, 8 * M, PTE_WRITABLE), STATUS_SUCCESS);
    CHECK_EQ(map(LOW_VA, 8 * M, PTE_WRITABLE), STATUS_CONFLICTING_ADDRESSES);
    CHECK_EQ(map(LOW_VA, 9 * M, 0), STATUS_CONFLICTING_ADDRESSES);
    uint64_t pa;
    CHECK_EQ(pt_translate(&pt, LOW_VA, &pa, NULL), STATUS_SUCCESS);
    CHECK_EQ(pa, 8 * M);

    /* A software PTE (non-zero, not present) is occupied too, and unmap leaves it. */
    pte_t *e = raw_entry(LOW_VA + PAGE_SIZE, 1);
    REQUIRE(e != NULL);
    *e = 0x5ull << PTE_SOFT_SHIFT | 0x1234000;
    struct pfn *ptp = pfn_get(pte_addr(*raw_entry(LOW_VA, 2)) >> PAGE_SHIFT);
    ptp->refcount++;
    CHECK_EQ(map(LOW_VA + PAGE_SIZE, 8 * M, 0), STATUS_CONFLICTING_ADDRESSES);
    CHECK_EQ(pt_translate(&pt, LOW_VA + PAGE_SIZE, NULL, NULL), STATUS_MEMORY_NOT_ALLOCATED);
    CHECK_EQ(unmap(LOW_VA + PAGE_SIZE, NULL), STATUS_MEMORY_NOT_ALLOCATED);
    CHECK_EQ(*e, 0x5ull << PTE_SOFT_SHIFT | 0x1234000);
    CHECK_EQ(protect(LOW_VA, 2, 0), STATUS_MEMORY_NOT_ALLOCATED);
    CHECK(tables_ok());
    *e = 0;
    ptp->refcount--;
    CHECK_EQ(unmap(LOW_VA, NULL), STATUS_SUCCESS);
    teardown();
}

TEST(map_is_all_or_nothing_without_memory)
{
    if (!setup(1))
        return;
    /* A first mapping elsewhere, so the root is not empty. */
    CHECK_EQ(map(HIGH_VA, 8 * M, 0), STATUS_SUCCESS);
    uint64_t before = table_frames();
    struct mm_stats s0, s1;
    mm_stats(&s0);

    /* LOW_VA needs three new tables: with 0, 1 or 2 frames free it must fail cleanly. */
    for (unsigned keep = 0; keep < 3; keep++) {
        hog_all_but(keep);
        if (!CHECK_EQ(map(LOW_VA, 9 * M, 0), STATUS_NO_MEMORY))
            printf("#   with %u frames free\n", keep);
        CHECK_EQ(table_frames(), before);
        CHECK_EQ(pt.root != 0 && raw_entry(LOW_VA, 3) == NULL, 1);
        CHECK(tables_ok());
        hog_release();
        mm_stats(&s1);
        CHECK_EQ(s1.by_state[PFN_FREE] + s1.by_state[PFN_ZEROED],
                 s0.by_state[PFN_FREE] + s0.by_state[PFN_ZEROED]);
        CHECK_EQ(page_alloc_check(), 0);
    }
    /* Exactly three: it works. */
    hog_all_but(3);
    CHECK_EQ(map(LOW_VA, 9 * M, 0), STATUS_SUCCESS);
    /* A neighbour in the same page table needs nothing. */
    CHECK_EQ(map(LOW_VA + PAGE_SIZE, 9 * M, 0), STATUS_SUCCESS);
    /* One in the same PD but another PT needs one table: none is left. */
    CHECK_EQ(map(LOW_VA + LARGE_PAGE_SIZE, 9 * M, 0), STATUS_NO_MEMORY);
    hog_release();
    CHECK(tables_ok());
    CHECK_EQ(unmap(LOW_VA, NULL), STATUS_SUCCESS);
    CHECK_EQ(unmap(LOW_VA + PAGE_SIZE, NULL), STATUS_SUCCESS);
    CHECK_EQ(unmap(HIGH_VA, NULL), STATUS_SUCCESS);
    teardown();
}

TEST(mappings_seen_by_the_mmu_with_their_permissions)
{
    if (!setup(1))
        return;
    int failures = 0;
    for (unsigned combo = 0; combo < 8; combo++) {
        uint64_t flags = ((combo & 1) ? PTE_WRITABLE : 0) | ((combo & 2) ? PTE_USER : 0) |
                         ((combo & 4) ? PTE_NX : 0);
        uint64_t va = LOW_VA + combo * PAGE_SIZE;
        CHECK_EQ(map(va, 8 * M + combo * PAGE_SIZE, flags), STATUS_SUCCESS);
        for (int a = SIM_READ; a <= SIM_EXEC; a++) {
            for (int user = 0; user < 2; user++) {
                int ok = (!user || (flags & PTE_USER)) &&
                         (a != SIM_WRITE || (flags & PTE_WRITABLE)) &&
                         (a != SIM_EXEC || !(flags & PTE_NX));
                uint64_t want = ok ? 0
                                   : FAULT(PF_PRESENT | (a == SIM_WRITE ? PF_WRITE : 0) |
                                           (user ? PF_USER : 0) |
                                           (a == SIM_EXEC ? PF_FETCH : 0));
                uint64_t got = try_access(va + 16, a, user);
                if (got != want) {
                    failures++;
                    printf("# combo %u access %d user %d: got 0x%llx want 0x%llx\n", combo, a,
                           user, (unsigned long long)got, (unsigned long long)want);
                }
            }
        }
        uint64_t pa, ec;
        CHECK_EQ(sim_access(va + 16, SIM_READ, 0, &pa, &ec), 0);
        CHECK_EQ(pa, 8 * M + combo * PAGE_SIZE + 16);
    }
    CHECK_EQ(failures, 0);
    CHECK_EQ(try_access(LOW_VA + 8 * PAGE_SIZE, SIM_READ, 0), FAULT(0));
    for (unsigned combo = 0; combo < 8; combo++)
        CHECK_EQ(unmap(LOW_VA + combo * PAGE_SIZE, NULL), STATUS_SUCCESS);
    teardown();
}

TEST(aliases_share_the_frame)
{
    if (!setup(1))
        return;
    uint64_t frame;
    REQUIRE(page_alloc_frame(PAGE_ALLOC_ZEROED, PFN_PRIVATE, &frame) == STATUS_SUCCESS);
    uint64_t a = LOW_VA, b = HIGH_VA + 0x7000;
    CHECK_EQ(map(a, frame, PTE_WRITABLE | PTE_USER), STATUS_SUCCESS);
    CHECK_EQ(map(b, frame, 0), STATUS_SUCCESS);

    /* Write through a (as the CPU would: translate, then store), read through b. */
    uint64_t pa_a, pa_b, ec;
    REQUIRE(sim_access(a + 0x10, SIM_WRITE, 1, &pa_a, &ec) == 0);
    memcpy(phys_to_virt(pa_a), "alias", 6);
    REQUIRE(sim_access(b + 0x10, SIM_READ, 0, &pa_b, &ec) == 0);
    CHECK_EQ(pa_a, pa_b);
    CHECK_STR_EQ((const char *)phys_to_virt(pa_b), "alias");
    /* b is read-only and supervisor. */
    CHECK_EQ(sim_access(b + 0x10, SIM_WRITE, 0, &pa_b, &ec), -1);
    CHECK_EQ(sim_access(b + 0x10, SIM_READ, 1, &pa_b, &ec), -1);

    uint64_t pa;
    CHECK_EQ(unmap(a, &pa), STATUS_SUCCESS);
    CHECK_EQ(pa, frame);
    CHECK_EQ(unmap(b, &pa), STATUS_SUCCESS);
    CHECK_EQ(pa, frame);
    /* The frame itself is untouched by the page-table code. */
    CHECK_EQ(pfn_get(frame >> PAGE_SHIFT)->state, PFN_PRIVATE);
    CHECK_STR_EQ((const char *)phys_to_virt(frame) + 0x10, "alias");
    page_free_frame(frame);
    teardown();
}

TEST(unmap_returns_the_frame_and_frees_empty_tables)
{
    if (!setup(1))
        return;
    uint64_t base = table_frames();         /* the root */
    CHECK_EQ(map(LOW_VA, 8 * M, PTE_WRITABLE), STATUS_SUCCESS);
    CHECK_EQ(map(LOW_VA + PAGE_SIZE, 9 * M, 0), STATUS_SUCCESS);          /* same PT */
    CHECK_EQ(map(LOW_VA + LARGE_PAGE_SIZE, 10 * M, 0), STATUS_SUCCESS);   /* same PD */
    CHECK_EQ(table_frames(), base + 4);
    CHECK(tables_ok());
    CHECK_EQ(pfn_get(pt.root >> PAGE_SHIFT)->refcount, 1);

    uint64_t pa = 0;
    CHECK_EQ(unmap(LOW_VA, &pa), STATUS_SUCCESS);
    CHECK_EQ(pa, 8 * M);
    CHECK_EQ(table_frames(), base + 4);     /* the PT still holds the neighbour */
    CHECK_EQ(unmap(LOW_VA, &pa), STATUS_MEMORY_NOT_ALLOCATED);
    CHECK_EQ(unmap(LOW_VA + PAGE_SIZE, NULL), STATUS_SUCCESS);            /* pa optional */
    CHECK_EQ(table_frames(), base + 3);     /* that PT is gone, the PD stays */
    CHECK(tables_ok());
    CHECK_EQ(unmap(LOW_VA + LARGE_PAGE_SIZE, &pa), STATUS_SUCCESS);
    CHECK_EQ(pa, 10 * M);
    CHECK_EQ(table_frames(), base);         /* back to the root alone */
    CHECK_EQ(pfn_get(pt.root >> PAGE_SHIFT)->refcount, 0);
    CHECK_EQ(page_alloc_check(), 0);

    /* Nothing there at any level; bad arguments. */
    CHECK_EQ(unmap(LOW_VA, &pa), STATUS_MEMORY_NOT_ALLOCATED);
    CHECK_EQ(unmap(HIGH_VA, &pa), STATUS_MEMORY_NOT_ALLOCATED);
    CHECK_EQ(unmap(LOW_VA + 8, &pa), STATUS_INVALID_PARAMETER);
    CHECK_EQ(unmap(0x0000800000000000ull, &pa), STATUS_INVALID_PARAMETER);
    CHECK_EQ(table_frames(), base);
    teardown();
}

TEST(unmap_makes_the_mmu_fault)
{
    if (!setup(1))
        return;
    CHECK_EQ(map(LOW_VA, 8 * M, PTE_WRITABLE | PTE_USER), STATUS_SUCCESS);
    CHECK_EQ(map(HIGH_VA, 9 * M, PTE_WRITABLE | PTE_GLOBAL), STATUS_SUCCESS);
    CHECK_EQ(try_access(LOW_VA, SIM_WRITE, 1), 0);      /* both in the TLB now */
    CHECK_EQ(try_access(HIGH_VA, SIM_WRITE, 0), 0);
    CHECK_EQ(unmap(LOW_VA, NULL), STATUS_SUCCESS);
    CHECK_EQ(unmap(HIGH_VA, NULL), STATUS_SUCCESS);
    CHECK_EQ(try_access(LOW_VA, SIM_READ, 1), FAULT(PF_USER));
    CHECK_EQ(try_access(HIGH_VA, SIM_READ, 0), FAULT(0));
    struct sim_counters c;
    sim_counters(&c);
    CHECK_EQ(c.invlpg, 2);
    teardown();
}

TEST(without_a_flush_the_tlb_is_stale)
{
    /* The simulator must catch a forgotten tlb_batch_flush: this is what it looks like. */
    if (!setup(1))
        return;
    CHECK_EQ(map(LOW_VA, 8 * M, PTE_WRITABLE), STATUS_SUCCESS);
    CHECK_EQ(try_access(LOW_VA, SIM_WRITE, 0), 0);
    CHECK_EQ(pt_protect(&pt, LOW_VA, 1, 0, &tlb), STATUS_SUCCESS);
    CHECK_EQ(try_access(LOW_VA, SIM_WRITE, 0), 0);      /* stale: still writable */
    tlb_batch_flush(&tlb, &pt);
    CHECK_EQ(try_access(LOW_VA, SIM_WRITE, 0), FAULT(PF_PRESENT | PF_WRITE));
    CHECK_EQ(try_access(LOW_VA, SIM_READ, 0), 0);
    CHECK_EQ(pt_unmap(&pt, LOW_VA, NULL, &tlb), STATUS_SUCCESS);
    CHECK_EQ(try_access(LOW_VA, SIM_READ, 0), 0);       /* stale: still mapped */
    tlb_batch_flush(&tlb, &pt);
    CHECK_EQ(try_access(LOW_VA, SIM_READ, 0), FAULT(0));
    teardown();
}

TEST(protect_changes_flags_and_keeps_the_frame)
{
    if (!setup(1))
        return;
    for (unsigned i = 0; i < 4; i++)
        CHECK_EQ(map(LOW_VA + i * PAGE_SIZE, 8 * M + i * PAGE_SIZE, PTE_WRITABLE | PTE_USER),
                 STATUS_SUCCESS);
    for (unsigned i = 0; i < 4; i++)
        CHECK_EQ(try_access(LOW_VA + i * PAGE_SIZE, SIM_WRITE, 1), 0);
    /* The CPU would have set A and D: protect keeps them (D is the page's dirtiness). */
    pte_t *e0 = raw_entry(LOW_VA, 1);
    REQUIRE(e0 != NULL);
    *e0 |= PTE_ACCESSED | PTE_DIRTY;

    uint64_t nf = PTE_USER | PTE_NX | (2ull << PTE_SOFT_SHIFT);
    CHECK_EQ(protect(LOW_VA, 3, nf), STATUS_SUCCESS);
    uint64_t pa, flags;
    for (unsigned i = 0; i < 4; i++) {
        CHECK_EQ(pt_translate(&pt, LOW_VA + i * PAGE_SIZE, &pa, &flags), STATUS_SUCCESS);
        CHECK_EQ(pa, 8 * M + i * PAGE_SIZE);
        CHECK_EQ(flags, i < 3 ? nf : PTE_WRITABLE | PTE_USER);
        uint64_t want = i < 3 ? FAULT(PF_PRESENT | PF_WRITE | PF_USER) : 0;
        CHECK_EQ(try_access(LOW_VA + i * PAGE_SIZE, SIM_WRITE, 1), want);
    }
    CHECK_EQ(*e0, 8 * M | PTE_PRESENT | nf | PTE_ACCESSED | PTE_DIRTY);
    CHECK_EQ(try_access(LOW_VA, SIM_EXEC, 1), FAULT(PF_PRESENT | PF_USER | PF_FETCH));
    CHECK_EQ(try_access(LOW_VA, SIM_READ, 1), 0);

    /* Back to writable, kernel-only. */
    CHECK_EQ(protect(LOW_VA, 4, PTE_WRITABLE), STATUS_SUCCESS);
    CHECK_EQ(try_access(LOW_VA + 3 * PAGE_SIZE, SIM_READ, 1), FAULT(PF_PRESENT | PF_USER));
    CHECK_EQ(try_access(LOW_VA + 3 * PAGE_SIZE, SIM_WRITE, 0), 0);
    CHECK_EQ(try_access(LOW_VA, SIM_EXEC, 0), 0);

    /* count 0 changes nothing and succeeds. */
    CHECK_EQ(protect(LOW_VA, 0, 0), STATUS_SUCCESS);
    CHECK_EQ(protect(LOW_VA + 100 * PAGE_SIZE, 0, 0), STATUS_SUCCESS);
    for (unsigned i = 0; i < 4; i++)
        CHECK_EQ(unmap(LOW_VA + i * PAGE_SIZE, NULL), STATUS_SUCCESS);
    teardown();
}

TEST(protect_over_a_hole_changes_nothing)
{
    if (!setup(1))
        return;
    /* Pages 0-3 and 5-9 mapped, 4 missing; and a range running into an absent PT. */
    for (unsigned i = 0; i < 10; i++)
        if (i != 4)
            CHECK_EQ(map(LOW_VA + i * PAGE_SIZE, 8 * M, PTE_WRITABLE), STATUS_SUCCESS);
    CHECK_EQ(map(LOW_VA + LARGE_PAGE_SIZE - PAGE_SIZE, 8 * M, PTE_WRITABLE), STATUS_SUCCESS);
    struct sim_counters c0, c1;
    sim_counters(&c0);

    CHECK_EQ(protect(LOW_VA, 10, 0), STATUS_MEMORY_NOT_ALLOCATED);
    CHECK_EQ(protect(LOW_VA + 5 * PAGE_SIZE, 6, 0), STATUS_MEMORY_NOT_ALLOCATED);
    CHECK_EQ(protect(LOW_VA + LARGE_PAGE_SIZE - PAGE_SIZE, 2, 0),
             STATUS_MEMORY_NOT_ALLOCATED);      /* the next PT does not exist */
    CHECK_EQ(protect(LOW_VA - PAGE_SIZE, 2, 0), STATUS_MEMORY_NOT_ALLOCATED);
    CHECK_EQ(protect(HIGH_VA, 1, 0), STATUS_MEMORY_NOT_ALLOCATED);
    uint64_t flags;
    for (unsigned i = 0; i < 10; i++) {
        if (i == 4)
            continue;
        CHECK_EQ(pt_translate(&pt, LOW_VA + i * PAGE_SIZE, NULL, &flags), STATUS_SUCCESS);
        CHECK_EQ(flags, PTE_WRITABLE);
    }
    CHECK_EQ(pt_translate(&pt, LOW_VA + LARGE_PAGE_SIZE - PAGE_SIZE, NULL, &flags),
             STATUS_SUCCESS);
    CHECK_EQ(flags, PTE_WRITABLE);
    sim_counters(&c1);
    CHECK_EQ(c1.invlpg + c1.flush + c1.flush_all, c0.invlpg + c0.flush + c0.flush_all);

    /* Good range: fine. */
    CHECK_EQ(protect(LOW_VA, 4, 0), STATUS_SUCCESS);
    for (unsigned i = 0; i < 10; i++)
        if (i != 4)
            CHECK_EQ(unmap(LOW_VA + i * PAGE_SIZE, NULL), STATUS_SUCCESS);
    CHECK_EQ(unmap(LOW_VA + LARGE_PAGE_SIZE - PAGE_SIZE, NULL), STATUS_SUCCESS);
    teardown();
}

TEST(protect_rejects_bad_arguments)
{
    if (!setup(1))
        return;
    /* The last 4 pages of each half mapped. */
    uint64_t low_top = 0x0000800000000000ull - 4 * PAGE_SIZE;
    uint64_t high_top = 0 - 4 * PAGE_SIZE;
    for (unsigned i = 0; i < 4; i++) {
        CHECK_EQ(map(low_top + i * PAGE_SIZE, 8 * M, 0), STATUS_SUCCESS);
        CHECK_EQ(map(high_top + i * PAGE_SIZE, 8 * M, 0), STATUS_SUCCESS);
    }
    CHECK_EQ(protect(low_top + 1, 1, 0), STATUS_INVALID_PARAMETER);
    CHECK_EQ(protect(low_top, 1, PTE_PRESENT), STATUS_INVALID_PARAMETER);
    CHECK_EQ(protect(low_top, 1, PTE_LARGE), STATUS_INVALID_PARAMETER);
    CHECK_EQ(protect(low_top, 1, PTE_DIRTY), STATUS_INVALID_PARAMETER);
    CHECK_EQ(protect(0x0000800000000000ull, 1, 0), STATUS_INVALID_PARAMETER);
    CHECK_EQ(protect(low_top, 5, 0), STATUS_INVALID_PARAMETER);   /* into the hole */
    CHECK_EQ(protect(high_top, 5, 0), STATUS_INVALID_PARAMETER);  /* wraps */
    CHECK_EQ(protect(high_top, UINT64_MAX, 0), STATUS_INVALID_PARAMETER);
    CHECK_EQ(protect(LOW_VA, 1ull << 52, 0), STATUS_INVALID_PARAMETER);
    CHECK_EQ(protect(low_top, 4, PTE_WRITABLE), STATUS_SUCCESS);
    CHECK_EQ(protect(high_top, 4, PTE_WRITABLE), STATUS_SUCCESS);
    for (unsigned i = 0; i < 4; i++) {
        CHECK_EQ(unmap(low_top + i * PAGE_SIZE, NULL), STATUS_SUCCESS);
        CHECK_EQ(unmap(high_top + i * PAGE_SIZE, NULL), STATUS_SUCCESS);
    }
    teardown();
}

/* Maps n pages from va with flags; returns 1 if all worked. */
static int map_run(uint64_t va, unsigned n, uint64_t flags)
{
    for (unsigned i = 0; i < n; i++)
        if (map(va + i * PAGE_SIZE, 8 * M + i * PAGE_SIZE, flags) != STATUS_SUCCESS)
            return 0;
    return 1;
}

static void unmap_run(uint64_t va, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        CHECK_EQ(unmap(va + i * PAGE_SIZE, NULL), STATUS_SUCCESS);
}

/* The TLB maintenance pt_protect(va, n, flags) + flush causes. */
static struct sim_counters protect_cost(uint64_t va, unsigned n, uint64_t flags)
{
    struct sim_counters c0, c1;
    sim_counters(&c0);
    CHECK_EQ(protect(va, n, flags), STATUS_SUCCESS);
    sim_counters(&c1);
    return (struct sim_counters){ c1.invlpg - c0.invlpg, c1.flush - c0.flush,
                                  c1.flush_all - c0.flush_all, 0 };
}

/* Unmaps n pages from va in one batch; returns the TLB maintenance it caused. */
static struct sim_counters unmap_batch(uint64_t va, unsigned n)
{
    struct sim_counters c0, c1;
    sim_counters(&c0);
    for (unsigned i = 0; i < n; i++)
        CHECK_EQ(pt_unmap(&pt, va + i * PAGE_SIZE, NULL, &tlb), STATUS_SUCCESS);
    tlb_batch_flush(&tlb, &pt);
    sim_counters(&c1);
    return (struct sim_counters){ c1.invlpg - c0.invlpg, c1.flush - c0.flush,
                                  c1.flush_all - c0.flush_all, 0 };
}

TEST(tlb_batching_on_the_active_table)
{
    if (!setup(1))
        return;
    /* 64 pages across a page-table boundary. */
    uint64_t va = LOW_VA + LARGE_PAGE_SIZE - 32 * PAGE_SIZE;
    REQUIRE(map_run(va, 64, PTE_WRITABLE));
    for (unsigned i = 0; i < 64; i++)
        CHECK_EQ(try_access(va + i * PAGE_SIZE, SIM_WRITE, 0), 0);

    struct sim_counters c = protect_cost(va, 64, 0);
    CHECK_EQ(c.flush, 1);
    CHECK_EQ(c.flush_all, 0);
    CHECK_EQ(c.invlpg, 0);
    for (unsigned i = 0; i < 64; i++)
        CHECK_EQ(try_access(va + i * PAGE_SIZE, SIM_WRITE, 0), FAULT(PF_PRESENT | PF_WRITE));

    c = protect_cost(va + 10 * PAGE_SIZE, 3, PTE_WRITABLE);
    CHECK_EQ(c.invlpg, 3);
    CHECK_EQ(c.flush + c.flush_all, 0);
    CHECK_EQ(try_access(va + 10 * PAGE_SIZE, SIM_WRITE, 0), 0);
    CHECK_EQ(try_access(va + 13 * PAGE_SIZE, SIM_WRITE, 0), FAULT(PF_PRESENT | PF_WRITE));

    /* Exactly TLB_BATCH_MAX changed pages: still one invlpg each (3 of these 35 pages
       already have the new flags and need nothing). */
    c = protect_cost(va + 8 * PAGE_SIZE, TLB_BATCH_MAX + 3, PTE_WRITABLE);
    CHECK_EQ(c.invlpg, TLB_BATCH_MAX);
    CHECK_EQ(c.flush + c.flush_all, 0);

    /* Same flags again: no change, no invalidation. */
    c = protect_cost(va, 64, PTE_WRITABLE);
    CHECK_EQ(c.invlpg, 8 + 21);     /* only the pages still read-only changed */
    c = protect_cost(va, 64, PTE_WRITABLE);
    CHECK_EQ(c.invlpg + c.flush + c.flush_all, 0);

    /* Unmaps batch the same way: 3 pages, 3 invlpg; 61 pages, one flush. */
    for (unsigned i = 0; i < 64; i++)
        CHECK_EQ(try_access(va + i * PAGE_SIZE, SIM_READ, 0), 0);
    c = unmap_batch(va, 3);
    CHECK_EQ(c.invlpg, 3);
    CHECK_EQ(c.flush + c.flush_all, 0);
    c = unmap_batch(va + 3 * PAGE_SIZE, 61);
    CHECK_EQ(c.flush, 1);
    CHECK_EQ(c.invlpg + c.flush_all, 0);
    for (unsigned i = 0; i < 64; i++)
        CHECK_EQ(try_access(va + i * PAGE_SIZE, SIM_READ, 0), FAULT(0));
    teardown();
}

TEST(tlb_batching_with_global_pages)
{
    if (!setup(1))
        return;
    REQUIRE(map_run(HIGH_VA, 64, PTE_WRITABLE | PTE_GLOBAL));
    for (unsigned i = 0; i < 64; i++)
        CHECK_EQ(try_access(HIGH_VA + i * PAGE_SIZE, SIM_WRITE, 0), 0);
    struct sim_counters c = protect_cost(HIGH_VA, 64, PTE_GLOBAL);
    CHECK_EQ(c.flush_all, 1);       /* a CR3 reload would keep the global entries */
    CHECK_EQ(c.flush + c.invlpg, 0);
    for (unsigned i = 0; i < 64; i++)
        CHECK_EQ(try_access(HIGH_VA + i * PAGE_SIZE, SIM_WRITE, 0),
                 FAULT(PF_PRESENT | PF_WRITE));
    c = protect_cost(HIGH_VA, 2, PTE_WRITABLE | PTE_GLOBAL);
    CHECK_EQ(c.invlpg, 2);
    CHECK_EQ(try_access(HIGH_VA, SIM_WRITE, 0), 0);
    for (unsigned i = 0; i < 64; i++)
        CHECK_EQ(try_access(HIGH_VA + i * PAGE_SIZE, SIM_READ, 0), 0);
    c = unmap_batch(HIGH_VA, 64);
    CHECK_EQ(c.flush_all, 1);
    CHECK_EQ(c.flush + c.invlpg, 0);
    for (unsigned i = 0; i < 64; i++)
        CHECK_EQ(try_access(HIGH_VA + i * PAGE_SIZE, SIM_READ, 0), FAULT(0));
    teardown();
}

TEST(inactive_table_changes_do_not_flush)
{
    if (!setup(0))
        return;
    struct page_table active;
    REQUIRE(pt_create(&active) == STATUS_SUCCESS);
    arch_load_root(active.root);
    REQUIRE(map_run(LOW_VA, 64, PTE_WRITABLE));
    struct sim_counters c = protect_cost(LOW_VA, 64, 0);
    CHECK_EQ(c.invlpg + c.flush + c.flush_all, 0);
    c = protect_cost(LOW_VA, 3, PTE_WRITABLE);
    CHECK_EQ(c.invlpg + c.flush + c.flush_all, 0);
    struct sim_counters c0, c1;
    sim_counters(&c0);
    unmap_run(LOW_VA, 64);
    sim_counters(&c1);
    CHECK_EQ(c1.invlpg + c1.flush + c1.flush_all, c0.invlpg + c0.flush + c0.flush_all);

    /*
     * Global entries are the exception: they outlive CR3 loads, so one cached while this
     * table was active (or shared by every table, as the kernel half is) must go.
     */
    arch_load_root(pt.root);
    REQUIRE(map_run(HIGH_VA, 2, PTE_GLOBAL));
    CHECK_EQ(try_access(HIGH_VA, SIM_READ, 0), 0);
    arch_load_root(active.root);
    CHECK_EQ(try_access(HIGH_VA, SIM_READ, 0), 0);      /* the global entry survived */
    c = protect_cost(HIGH_VA, 2, PTE_NX);
    CHECK_EQ(c.invlpg, 2);
    CHECK_EQ(try_access(HIGH_VA, SIM_READ, 0), FAULT(0));
    unmap_run(HIGH_VA, 2);

    arch_load_root(0);
    pt_destroy(&active);
    teardown();
}

TEST(tlb_batch_overflow)
{
    struct tlb_batch b;
    tlb_batch_init(&b);
    for (unsigned i = 0; i < TLB_BATCH_MAX; i++)
        tlb_batch_add(&b, 0x1000 * i + 0x123, 0);
    CHECK_EQ(b.count, TLB_BATCH_MAX);
    CHECK_EQ(b.overflow, 0);
    CHECK_EQ(b.pages[1], 0x1000);                   /* page-aligned */
    tlb_batch_add(&b, 0x999000, 1);
    CHECK_EQ(b.overflow, 1);
    CHECK_EQ(b.global, 1);
    tlb_batch_add(&b, 0x99a000, 0);
    CHECK_EQ(b.global, 1);

    sim_init(2 * M);
    struct page_table other = { 0x5000 };           /* not active: no flush */
    tlb_batch_flush(&b, &other);
    CHECK_EQ(b.count, 0);
    CHECK_EQ(b.overflow, 0);
    CHECK_EQ(b.global, 0);
    tlb_batch_add(&b, 0x1000, 0);
    tlb_batch_flush(&b, &other);
    struct sim_counters c;
    sim_counters(&c);
    CHECK_EQ(c.invlpg + c.flush + c.flush_all, 1);  /* only the global overflow flushed */
    CHECK_EQ(c.flush_all, 1);
    sim_free();
}

TEST(large_pages_translate_with_offsets)
{
    if (!setup(1))
        return;
    uint64_t va2 = 0x40000000 + 3 * LARGE_PAGE_SIZE, va1 = 0x80000000ull;
    CHECK_EQ(pt_map_large(&pt, va2, 4 * M, LARGE_PAGE_SIZE, PTE_WRITABLE | PTE_USER, &tlb),
             STATUS_SUCCESS);
    CHECK_EQ(pt_map_large(&pt, va1, 3 * G, HUGE_PAGE_SIZE, PTE_NX | PTE_GLOBAL, &tlb),
             STATUS_SUCCESS);
    tlb_batch_flush(&tlb, &pt);
    CHECK(tables_ok());

    uint64_t pa, flags;
    CHECK_EQ(pt_translate(&pt, va2 + 0x1fffff, &pa, &flags), STATUS_SUCCESS);
    CHECK_EQ(pa, 4 * M + 0x1fffff);
    CHECK_EQ(flags, PTE_WRITABLE | PTE_USER | PTE_LARGE);
    CHECK_EQ(pt_translate(&pt, va1 + 0x12345678, &pa, &flags), STATUS_SUCCESS);
    CHECK_EQ(pa, 3 * G + 0x12345678);
    CHECK_EQ(flags, PTE_NX | PTE_GLOBAL | PTE_LARGE);
    CHECK_EQ(pt_translate(&pt, va2 + LARGE_PAGE_SIZE, &pa, &flags),
             STATUS_MEMORY_NOT_ALLOCATED);

    uint64_t ec;
    CHECK_EQ(sim_access(va2 + 0x12345, SIM_WRITE, 1, &pa, &ec), 0);
    CHECK_EQ(pa, 4 * M + 0x12345);
    CHECK_EQ(sim_access(va1 + 0x3fffffff, SIM_READ, 0, &pa, &ec), 0);
    CHECK_EQ(pa, 3 * G + 0x3fffffff);
    CHECK_EQ(try_access(va1, SIM_EXEC, 0), FAULT(PF_PRESENT | PF_FETCH));
    CHECK_EQ(try_access(va1, SIM_WRITE, 0), FAULT(PF_PRESENT | PF_WRITE));

    /* The leaves are pa | P | PS | flags. */
    CHECK_EQ(*raw_entry(va2, 2), 4 * M | PTE_PRESENT | PTE_LARGE | PTE_WRITABLE | PTE_USER);
    CHECK_EQ(*raw_entry(va1, 3), 3 * G | PTE_PRESENT | PTE_LARGE | PTE_NX | PTE_GLOBAL);
    teardown();     /* pt_destroy frees tables holding large leaves */
}

TEST(large_page_conflicts)
{
    if (!setup(1))
        return;
    uint64_t va2 = 0x40000000, va1 = 0x80000000ull;
    CHECK_EQ(pt_map_large(&pt, va2, 4 * M, LARGE_PAGE_SIZE, 0, &tlb), STATUS_SUCCESS);
    CHECK_EQ(pt_map_large(&pt, va1, G, HUGE_PAGE_SIZE, 0, &tlb), STATUS_SUCCESS);
    uint64_t before = table_frames();

    /* 4 KiB inside a large page: map, unmap, protect. */
    CHECK_EQ(map(va2 + 5 * PAGE_SIZE, 8 * M, 0), STATUS_CONFLICTING_ADDRESSES);
    CHECK_EQ(map(va1 + 77 * LARGE_PAGE_SIZE, 8 * M, 0), STATUS_CONFLICTING_ADDRESSES);
    CHECK_EQ(unmap(va2, NULL), STATUS_CONFLICTING_ADDRESSES);
    CHECK_EQ(unmap(va1 + G - PAGE_SIZE, NULL), STATUS_CONFLICTING_ADDRESSES);
    CHECK_EQ(protect(va2, 1, PTE_WRITABLE), STATUS_CONFLICTING_ADDRESSES);
    CHECK_EQ(protect(va1 + PAGE_SIZE, 3, PTE_WRITABLE), STATUS_CONFLICTING_ADDRESSES);
    /* Large over large. */
    CHECK_EQ(pt_map_large(&pt, va2, 4 * M, LARGE_PAGE_SIZE, 0, &tlb),
             STATUS_CONFLICTING_ADDRESSES);
    CHECK_EQ(pt_map_large(&pt, va1 + LARGE_PAGE_SIZE, 4 * M, LARGE_PAGE_SIZE, 0, &tlb),
             STATUS_CONFLICTING_ADDRESSES);
    CHECK_EQ(pt_map_large(&pt, va2, 0, HUGE_PAGE_SIZE, 0, &tlb),
             STATUS_CONFLICTING_ADDRESSES);        /* its PD holds va2's leaf */
    CHECK_EQ(pt_map_large(&pt, va1, 0, HUGE_PAGE_SIZE, 0, &tlb),
             STATUS_CONFLICTING_ADDRESSES);
    CHECK_EQ(table_frames(), before);

    /* Large over a table: a 4 KiB page in the 2 MiB range, or in the 1 GiB range. */
    uint64_t va3 = 0xc0000000ull;
    CHECK_EQ(map(va3 + LARGE_PAGE_SIZE + PAGE_SIZE, 8 * M, 0), STATUS_SUCCESS);
    CHECK_EQ(pt_map_large(&pt, va3 + LARGE_PAGE_SIZE, 4 * M, LARGE_PAGE_SIZE, 0, &tlb),
             STATUS_CONFLICTING_ADDRESSES);
    CHECK_EQ(pt_map_large(&pt, va3, G, HUGE_PAGE_SIZE, 0, &tlb),
             STATUS_CONFLICTING_ADDRESSES);
    CHECK_EQ(pt_map_large(&pt, va3, 4 * M, LARGE_PAGE_SIZE, 0, &tlb), STATUS_SUCCESS);
    /* A software PTE at the PD level: only possible by hand, still occupied. */
    pte_t *pde = raw_entry(va3 + 2 * LARGE_PAGE_SIZE, 2);
    REQUIRE(pde != NULL);
    *pde = 3ull << PTE_SOFT_SHIFT;
    pfn_get(pte_addr(*raw_entry(va3, 3)) >> PAGE_SHIFT)->refcount++;
    CHECK_EQ(pt_map_large(&pt, va3 + 2 * LARGE_PAGE_SIZE, 4 * M, LARGE_PAGE_SIZE, 0, &tlb),
             STATUS_CONFLICTING_ADDRESSES);
    *pde = 0;
    pfn_get(pte_addr(*raw_entry(va3, 3)) >> PAGE_SHIFT)->refcount--;
    CHECK_EQ(unmap(va3 + LARGE_PAGE_SIZE + PAGE_SIZE, NULL), STATUS_SUCCESS);
    CHECK(tables_ok());
    teardown();
}

TEST(large_page_arguments)
{
    if (!setup(1))
        return;
    uint64_t before = table_frames();
    uint64_t va = 0x40000000;
    CHECK_EQ(pt_map_large(&pt, va, 4 * M, PAGE_SIZE, 0, &tlb), STATUS_INVALID_PARAMETER);
    CHECK_EQ(pt_map_large(&pt, va, 4 * M, 4 * M, 0, &tlb), STATUS_INVALID_PARAMETER);
    CHECK_EQ(pt_map_large(&pt, va, 4 * M, 0, 0, &tlb), STATUS_INVALID_PARAMETER);
    CHECK_EQ(pt_map_large(&pt, va + PAGE_SIZE, 4 * M, LARGE_PAGE_SIZE, 0, &tlb),
             STATUS_INVALID_PARAMETER);
    CHECK_EQ(pt_map_large(&pt, va, 4 * M + PAGE_SIZE, LARGE_PAGE_SIZE, 0, &tlb),
             STATUS_INVALID_PARAMETER);
    CHECK_EQ(pt_map_large(&pt, va + LARGE_PAGE_SIZE, G, HUGE_PAGE_SIZE, 0, &tlb),
             STATUS_INVALID_PARAMETER);
    CHECK_EQ(pt_map_large(&pt, va, G + LARGE_PAGE_SIZE, HUGE_PAGE_SIZE, 0, &tlb),
             STATUS_INVALID_PARAMETER);
    CHECK_EQ(pt_map_large(&pt, 0x0000800000000000ull, 0, LARGE_PAGE_SIZE, 0, &tlb),
             STATUS_INVALID_PARAMETER);
    CHECK_EQ(pt_map_large(&pt, va, 1ull << 52, LARGE_PAGE_SIZE, 0, &tlb),
             STATUS_INVALID_PARAMETER);
    CHECK_EQ(pt_map_large(&pt, va, 4 * M, LARGE_PAGE_SIZE, PTE_LARGE, &tlb),
             STATUS_INVALID_PARAMETER);
    CHECK_EQ(pt_map_large(&pt, va, 4 * M, LARGE_PAGE_SIZE, PTE_PRESENT, &tlb),
             STATUS_INVALID_PARAMETER);
    CHECK_EQ(table_frames(), before);

    /* No 1 GiB pages on this CPU: refused, 2 MiB still fine. */
    sim_set_1g_pages(0);
    CHECK_EQ(pt_map_large(&pt, va, G, HUGE_PAGE_SIZE, 0, &tlb), STATUS_INVALID_PARAMETER);
    CHECK_EQ(table_frames(), before);
    CHECK_EQ(pt_map_large(&pt, va, 4 * M, LARGE_PAGE_SIZE, 0, &tlb), STATUS_SUCCESS);
    sim_set_1g_pages(1);
    CHECK_EQ(pt_map_large(&pt, 2 * G, G, HUGE_PAGE_SIZE, 0, &tlb), STATUS_SUCCESS);
    teardown();
}

TEST(map_large_without_memory)
{
    if (!setup(1))
        return;
    uint64_t before = table_frames();
    for (unsigned keep = 0; keep < 2; keep++) {
        hog_all_but(keep);
        CHECK_EQ(pt_map_large(&pt, 0x40000000, 4 * M, LARGE_PAGE_SIZE, 0, &tlb),
                 STATUS_NO_MEMORY);
        hog_release();
        CHECK_EQ(table_frames(), before);
    }
    hog_all_but(0);
    CHECK_EQ(pt_map_large(&pt, 0x40000000, G, HUGE_PAGE_SIZE, 0, &tlb), STATUS_NO_MEMORY);
    hog_release();
    hog_all_but(1);
    CHECK_EQ(pt_map_large(&pt, 0x40000000, G, HUGE_PAGE_SIZE, 0, &tlb), STATUS_SUCCESS);
    hog_release();
    CHECK(tables_ok());
    teardown();
}

TEST(destroy_frees_every_table)
{
    if (!setup(0))
        return;
    /* Tables under several PML4 slots, large leaves, a few hundred pages. */
    for (unsigned i = 0; i < 300; i++)
        CHECK_EQ(map(LOW_VA + i * 7 * PAGE_SIZE, 8 * M, 0), STATUS_SUCCESS);
    CHECK_EQ(map(HIGH_VA, 8 * M, 0), STATUS_SUCCESS);
    CHECK_EQ(map(0x0000700000000000ull, 8 * M, 0), STATUS_SUCCESS);
    CHECK_EQ(pt_map_large(&pt, 0x40000000, 4 * M, LARGE_PAGE_SIZE, 0, &tlb), STATUS_SUCCESS);
    CHECK_EQ(pt_map_large(&pt, 0x80000000, G, HUGE_PAGE_SIZE, 0, &tlb), STATUS_SUCCESS);
    CHECK(tables_ok());
    CHECK(table_frames() > tables_at_start + 10);
    struct sim_counters c;
    sim_counters(&c);
    CHECK_EQ(c.invlpg + c.flush + c.flush_all, 0);
    teardown();
}

static void destroy_active(void *arg)
{
    pt_destroy(arg);
}

TEST(destroying_the_active_table_panics)
{
    if (!setup(1))
        return;
    CHECK_EQ(test_expect_panic(destroy_active, &pt), 1);
    CHECK(strstr(test_console(), "arch_active_root") != NULL);
    panic_reset();
    test_console_clear();
    teardown();
}

/* ---- Leaf spans ---- */

/* The refcount of the leaf table holding va's entry; UINT32_MAX when there is none. */
static uint32_t leaf_refcount(uint64_t va)
{
    pte_t *pde = raw_entry(va, 2);
    if (pde == NULL || !pte_present(*pde))
        return UINT32_MAX;
    return pfn_get(pte_addr(*pde) >> PAGE_SHIFT)->refcount;
}

/* A not-present leaf value with the software bits the memory manager uses. */
#define SOFT(n) ((pte_t)(n) << 52 | 1ull << 11)

TEST(span_rejects_bad_arguments)
{
    if (!setup(0))
        return;
    struct pt_span s;
    uint64_t before = table_frames();
    CHECK_EQ(pt_span_begin(&pt, LOW_VA + 1, LOW_VA + PAGE_SIZE, 1, &s),
             STATUS_INVALID_PARAMETER);
    CHECK_EQ(pt_span_begin(&pt, LOW_VA, LOW_VA + 100, 1, &s), STATUS_INVALID_PARAMETER);
    CHECK_EQ(pt_span_begin(&pt, LOW_VA, LOW_VA, 1, &s), STATUS_INVALID_PARAMETER);
    CHECK_EQ(pt_span_begin(&pt, LOW_VA, LOW_VA - PAGE_SIZE, 1, &s),
             STATUS_INVALID_PARAMETER);
    CHECK_EQ(pt_span_begin(&pt, 0x0000800000000000ull, 0x0000800000001000ull, 0, &s),
             STATUS_INVALID_PARAMETER);
    /* Across the canonical hole. */
    CHECK_EQ(pt_span_begin(&pt, 0x00007ffffffff000ull, HIGH_VA + PAGE_SIZE, 0, &s),
             STATUS_INVALID_PARAMETER);
    CHECK_EQ(table_frames(), before);

    /* Inside a large page: the 4 KiB entries do not exist. */
    REQUIRE(pt_map_large(&pt, 0x40000000, 4 * M, LARGE_PAGE_SIZE, 0, &tlb) ==
            STATUS_SUCCESS);
    CHECK_EQ(pt_span_begin(&pt, 0x40000000 + PAGE_SIZE, 0x40000000 + 2 * PAGE_SIZE, 0, &s),
             STATUS_CONFLICTING_ADDRESSES);
    CHECK_EQ(pt_span_begin(&pt, 0x40000000, 0x40000000 + PAGE_SIZE, 1, &s),
             STATUS_CONFLICTING_ADDRESSES);
    teardown();
}

TEST(span_without_a_table_covers_the_missing_entry_whole)
{
    if (!setup(0))
        return;
    struct pt_span s;
    /* Empty root: the PML4 entry is missing, so the whole range is one empty span. */
    CHECK_EQ(pt_span_begin(&pt, LOW_VA, LOW_VA + 3 * G, 0, &s), STATUS_SUCCESS);
    CHECK(s.entries == NULL);
    CHECK_EQ(s.va, LOW_VA);
    CHECK_EQ(s.end, LOW_VA + 3 * G);
    CHECK_EQ(pt_span_entry(&s, 5), 0);
    pt_span_end(&s);

    /* A page in the second GiB: the first GiB's PDPT entry is missing, so the span from
       LOW_VA ends at 1 GiB; from 1 GiB the span is one page table (2 MiB). */
    CHECK_EQ(map(G + 5 * PAGE_SIZE, 8 * M, 0), STATUS_SUCCESS);
    CHECK_EQ(pt_span_begin(&pt, LOW_VA, LOW_VA + 3 * G, 0, &s), STATUS_SUCCESS);
    CHECK(s.entries == NULL);
    CHECK_EQ(s.end, G);
    pt_span_end(&s);
    CHECK_EQ(pt_span_begin(&pt, G, LOW_VA + 3 * G, 0, &s), STATUS_SUCCESS);
    REQUIRE(s.entries != NULL);
    CHECK_EQ(s.end, G + LARGE_PAGE_SIZE);
    CHECK_EQ(pt_span_pages(&s), 512);
    CHECK_EQ(pt_span_entry(&s, 5), 8 * M | PTE_PRESENT);
    CHECK_EQ(pt_span_entry(&s, 4), 0);
    pt_span_end(&s);
    /* The next 2 MiB has no page table (its PD entry is missing): one empty span up to
       the end of that PD entry's reach. */
    CHECK_EQ(pt_span_begin(&pt, G + LARGE_PAGE_SIZE, 2 * G, 0, &s), STATUS_SUCCESS);
    CHECK(s.entries == NULL);
    CHECK_EQ(s.end, G + 2 * LARGE_PAGE_SIZE);
    pt_span_end(&s);
    CHECK(tables_ok());
    CHECK_EQ(unmap(G + 5 * PAGE_SIZE, NULL), STATUS_SUCCESS);
    teardown();
}

TEST(span_ends_at_the_range_end_or_the_next_2mib_boundary)
{
    if (!setup(0))
        return;
    uint64_t va = LOW_VA + LARGE_PAGE_SIZE - 2 * PAGE_SIZE, end = va + 5 * PAGE_SIZE;
    struct pt_span s;
    CHECK_EQ(pt_span_begin(&pt, va, end, 1, &s), STATUS_SUCCESS);
    CHECK_EQ(pt_span_pages(&s), 2);
    CHECK(s.entries == raw_entry(va, 1));
    for (uint64_t i = 0; i < 2; i++)
        pt_span_set(&s, i, SOFT(i + 1), &tlb);
    pt_span_end(&s);
    CHECK_EQ(pt_span_begin(&pt, s.end, end, 1, &s), STATUS_SUCCESS);
    CHECK_EQ(s.va, LOW_VA + LARGE_PAGE_SIZE);
    CHECK_EQ(s.end, end);
    CHECK_EQ(pt_span_pages(&s), 3);
    CHECK(s.entries == raw_entry(s.va, 1));
    for (uint64_t i = 0; i < 3; i++)
        pt_span_set(&s, i, SOFT(i + 3), &tlb);
    pt_span_end(&s);
    CHECK(tables_ok());
    for (uint64_t i = 0; i < 5; i++) {
        pte_t e;
        CHECK_EQ(pt_read_entry(&pt, va + i * PAGE_SIZE, &e), STATUS_SUCCESS);
        CHECK_EQ(e, SOFT(i + 1));
    }
    CHECK_EQ(leaf_refcount(va), 2);
    CHECK_EQ(leaf_refcount(end - PAGE_SIZE), 3);
    teardown();     /* tables with software entries are freed as well */
}

TEST(span_keeps_refcounts_and_prunes_emptied_tables)
{
    if (!setup(0))
        return;
    uint64_t start_tables = table_frames();
    struct pt_span s;

    /* Created and left unused: pt_span_end takes the three new tables back. */
    CHECK_EQ(pt_span_begin(&pt, LOW_VA, LOW_VA + 16 * PAGE_SIZE, 1, &s), STATUS_SUCCESS);
    REQUIRE(s.entries != NULL);
    CHECK_EQ(table_frames(), start_tables + 3);
    CHECK_EQ(pt_span_entry(&s, 0), 0);
    pt_span_end(&s);
    CHECK(s.entries == NULL);
    CHECK_EQ(table_frames(), start_tables);
    CHECK(raw_entry(LOW_VA, 3) == NULL);

    /* Refcount = non-zero entries, through fills, rewrites and clears. */
    CHECK_EQ(pt_span_begin(&pt, LOW_VA, LOW_VA + 16 * PAGE_SIZE, 1, &s), STATUS_SUCCESS);
    pt_span_set(&s, 0, SOFT(1), &tlb);
    pt_span_set(&s, 3, SOFT(2), &tlb);
    pt_span_set(&s, 15, SOFT(3), &tlb);
    CHECK_EQ(leaf_refcount(LOW_VA), 3);
    pt_span_set(&s, 3, SOFT(4), &tlb);         /* non-zero over non-zero */
    CHECK_EQ(leaf_refcount(LOW_VA), 3);
    pt_span_set(&s, 3, SOFT(4), &tlb);         /* the same value: nothing */
    CHECK_EQ(leaf_refcount(LOW_VA), 3);
    pt_span_set(&s, 7, 0, &tlb);               /* zero over zero: nothing */
    CHECK_EQ(leaf_refcount(LOW_VA), 3);
    pt_span_set(&s, 0, 0, &tlb);
    CHECK_EQ(leaf_refcount(LOW_VA), 2);
    pt_span_end(&s);
    CHECK(tables_ok());
    CHECK_EQ(table_frames(), start_tables + 3);

    /* Without create over existing tables: no new table; emptying it frees all three. */
    CHECK_EQ(pt_span_begin(&pt, LOW_VA, LOW_VA + 16 * PAGE_SIZE, 0, &s), STATUS_SUCCESS);
    REQUIRE(s.entries != NULL);
    CHECK_EQ(pt_span_entry(&s, 3), SOFT(4));
    pt_span_set(&s, 3, 0, &tlb);
    CHECK_EQ(table_frames(), start_tables + 3);    /* not before pt_span_end */
    pt_span_set(&s, 15, 0, &tlb);
    pt_span_end(&s);
    CHECK_EQ(table_frames(), start_tables);
    CHECK(raw_entry(LOW_VA, 3) == NULL);

    /* A table that still has an entry outside the span is kept. */
    CHECK_EQ(map(LOW_VA + 100 * PAGE_SIZE, 8 * M, 0), STATUS_SUCCESS);
    CHECK_EQ(pt_span_begin(&pt, LOW_VA, LOW_VA + 16 * PAGE_SIZE, 1, &s), STATUS_SUCCESS);
    CHECK_EQ(table_frames(), start_tables + 3);
    pt_span_set(&s, 1, SOFT(1), &tlb);
    pt_span_set(&s, 1, 0, &tlb);
    pt_span_end(&s);
    CHECK_EQ(table_frames(), start_tables + 3);
    CHECK_EQ(leaf_refcount(LOW_VA), 1);
    CHECK(tables_ok());
    CHECK_EQ(unmap(LOW_VA + 100 * PAGE_SIZE, NULL), STATUS_SUCCESS);
    CHECK_EQ(table_frames(), start_tables);
    CHECK_EQ(tlb.count, 0);     /* no present entry ever changed */
    teardown();
}

TEST(span_create_without_memory_changes_nothing)
{
    if (!setup(1))
        return;
    CHECK_EQ(map(HIGH_VA, 8 * M, 0), STATUS_SUCCESS);
    uint64_t before = table_frames();
    struct pt_span s;
    for (unsigned keep = 0; keep < 3; keep++) {
        hog_all_but(keep);
        CHECK_EQ(pt_span_begin(&pt, LOW_VA, LOW_VA + PAGE_SIZE, 1, &s), STATUS_NO_MEMORY);
        hog_release();
        CHECK_EQ(table_frames(), before);
        CHECK(raw_entry(LOW_VA, 3) == NULL);
        CHECK(tables_ok());
    }
    hog_all_but(3);
    CHECK_EQ(pt_span_begin(&pt, LOW_VA, LOW_VA + PAGE_SIZE, 1, &s), STATUS_SUCCESS);
    hog_release();
    pt_span_set(&s, 0, SOFT(1), &tlb);
    pt_span_end(&s);
    CHECK_EQ(table_frames(), before + 3);
    CHECK(tables_ok());
    teardown();
}

TEST(span_writes_reach_the_mmu_through_the_tlb_batch)
{
    if (!setup(1))
        return;
    /* 40 present, writable pages; the MMU caches them all. */
    uint64_t va = LOW_VA, end = va + 40 * PAGE_SIZE;
    pte_t rw = PTE_PRESENT | PTE_WRITABLE | PTE_USER | PTE_NX;
    struct pt_span s;
    CHECK_EQ(pt_span_begin(&pt, va, end, 1, &s), STATUS_SUCCESS);
    for (uint64_t i = 0; i < 40; i++)
        pt_span_set(&s, i, rw | (8 * M + i * PAGE_SIZE), &tlb);
    pt_span_end(&s);
    CHECK_EQ(tlb.count, 0);         /* empty entries filled: nothing cached to drop */
    for (uint64_t i = 0; i < 40; i++)
        CHECK_EQ(try_access(va + i * PAGE_SIZE, SIM_WRITE, 1), 0);

    /* Three made read-only: three invalidations, and the MMU sees the change. */
    struct sim_counters c0, c1;
    sim_counters(&c0);
    CHECK_EQ(pt_span_begin(&pt, va, end, 0, &s), STATUS_SUCCESS);
    for (uint64_t i = 0; i < 3; i++)
        pt_span_set(&s, i, (rw & ~PTE_WRITABLE) | (8 * M + i * PAGE_SIZE), &tlb);
    pt_span_set(&s, 3, rw | (8 * M + 3 * PAGE_SIZE), &tlb);    /* unchanged */
    pt_span_end(&s);
    CHECK_EQ(tlb.count, 3);
    tlb_batch_flush(&tlb, &pt);
    sim_counters(&c1);
    CHECK_EQ(c1.invlpg - c0.invlpg, 3);
    CHECK_EQ(c1.flush + c1.flush_all, c0.flush + c0.flush_all);
    CHECK_EQ(try_access(va, SIM_WRITE, 1), FAULT(PF_PRESENT | PF_WRITE | PF_USER));
    CHECK_EQ(try_access(va + 3 * PAGE_SIZE, SIM_WRITE, 1), 0);

    /* All 40 cleared: past TLB_BATCH_MAX, one flush; every page then faults. */
    sim_counters(&c0);
    CHECK_EQ(pt_span_begin(&pt, va, end, 0, &s), STATUS_SUCCESS);
    for (uint64_t i = 0; i < 40; i++)
        pt_span_set(&s, i, 0, &tlb);
    pt_span_end(&s);
    CHECK_EQ(tlb.overflow, 1);
    tlb_batch_flush(&tlb, &pt);
    sim_counters(&c1);
    CHECK_EQ(c1.flush - c0.flush, 1);
    CHECK_EQ(c1.invlpg + c1.flush_all, c0.invlpg + c0.flush_all);
    for (uint64_t i = 0; i < 40; i++)
        CHECK_EQ(try_access(va + i * PAGE_SIZE, SIM_READ, 1), FAULT(PF_USER));
    CHECK_EQ(table_frames(), tables_at_start + 1);     /* the root alone is left */

    /* Software entries written and cleared again (a release of untouched pages): nothing
       is queued, and the flush touches the TLB not at all. */
    sim_counters(&c0);
    CHECK_EQ(pt_span_begin(&pt, va, end, 1, &s), STATUS_SUCCESS);
    for (uint64_t i = 0; i < 40; i++)
        pt_span_set(&s, i, SOFT(4), &tlb);
    pt_span_end(&s);
    CHECK_EQ(pt_span_begin(&pt, va, end, 0, &s), STATUS_SUCCESS);
    for (uint64_t i = 0; i < 40; i++)
        pt_span_set(&s, i, 0, &tlb);
    pt_span_end(&s);
    CHECK_EQ(tlb.count + (uint64_t)tlb.overflow, 0);
    tlb_batch_flush(&tlb, &pt);
    sim_counters(&c1);
    CHECK_EQ(c1.invlpg + c1.flush + c1.flush_all + c1.root_loads,
             c0.invlpg + c0.flush + c0.flush_all + c0.root_loads);
    teardown();
}
