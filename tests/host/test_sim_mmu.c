/*
 * Host tests for the simulated MMU (tests/host/sim_mmu.c): page tables built by hand in
 * simulated memory, walked by sim_walk and sim_access and compared with what an x86-64
 * CPU does (Intel SDM vol. 3A 4.5-4.7, 4.10). The page-table code's tests trust this
 * simulator, so it gets its own.
 */
#include <stdio.h>
#include <string.h>

#include "arch/x86_64/trap.h"
#include "mm/arch.h"
#include "mm/pte.h"
#include "sim_mmu.h"
#include "test.h"

#define M (1ull << 20)
#define G (1ull << 30)
#define GP_FAULT UINT64_MAX     /* sim_mmu.c's marker for a non-canonical address */

/* Table frames come from a bump pointer above 1 MiB; data frames from 8 MiB up. */
static uint64_t next_table;

static void setup(void)
{
    sim_init(16 * M);
    next_table = 1 * M;
}

static uint64_t new_table(void)
{
    uint64_t pa = next_table;
    next_table += PAGE_SIZE;
    return pa;
}

static pte_t *entry(uint64_t table_pa, unsigned index)
{
    return (pte_t *)phys_to_virt(table_pa) + index;
}

/*
 * Builds root → PDPT → PD → PT for va with the given intermediate flags (PRESENT added)
 * and returns the physical address of the table at stop_level (4 = root ... 1 = PT),
 * creating only what is missing.
 */
static uint64_t table_for(uint64_t root, uint64_t va, int stop_level, uint64_t upper_flags)
{
    uint64_t table = root;
    for (int level = 4; level > stop_level; level--) {
        pte_t *e = entry(table, pt_index(va, level));
        if (!pte_present(*e))
            *e = new_table() | PTE_PRESENT | upper_flags;
        table = pte_addr(*e);
    }
    return table;
}

static pte_t *leaf_4k(uint64_t root, uint64_t va)
{
    return entry(table_for(root, va, 1, PTE_WRITABLE | PTE_USER), pt_index(va, 1));
}

static int walk(uint64_t va, enum sim_access a, int user, uint64_t *pa, uint64_t *ec)
{
    *pa = 0xdead;
    *ec = 0xdead;
    return sim_walk(va, a, user, pa, ec);
}

static int tlb_access(uint64_t va, enum sim_access a, int user, uint64_t *pa, uint64_t *ec)
{
    *pa = 0xdead;
    *ec = 0xdead;
    return sim_access(va, a, user, pa, ec);
}

/* The error-code bits of the access itself. */
static uint64_t bits_of(enum sim_access a, int user)
{
    return (a == SIM_WRITE ? PF_WRITE : 0) | (user ? PF_USER : 0) |
           (a == SIM_EXEC ? PF_FETCH : 0);
}

static const char *access_name(enum sim_access a)
{
    return a == SIM_READ ? "read" : a == SIM_WRITE ? "write" : "exec";
}

TEST(not_present_at_every_level)
{
    setup();
    uint64_t root = new_table();
    arch_load_root(root);
    uint64_t va = 0x0000123456789000ull, pa, ec;

    /* Empty root: not present at level 4, for each kind of access. */
    for (int a = SIM_READ; a <= SIM_EXEC; a++) {
        for (int user = 0; user < 2; user++) {
            CHECK_EQ(walk(va, a, user, &pa, &ec), -1);
            CHECK_EQ(ec, bits_of(a, user));     /* P = 0 */
            CHECK_EQ(tlb_access(va, a, user, &pa, &ec), -1);
            CHECK_EQ(ec, bits_of(a, user));
        }
    }
    /* Missing at level 3, 2, 1 in turn. */
    for (int stop = 3; stop >= 1; stop--) {
        table_for(root, va, stop, PTE_WRITABLE | PTE_USER);
        CHECK_EQ(walk(va, SIM_WRITE, 1, &pa, &ec), -1);
        CHECK_EQ(ec, PF_WRITE | PF_USER);
    }
    *leaf_4k(root, va) = (7 * M) | PTE_PRESENT;
    CHECK_EQ(walk(va + 0x123, SIM_READ, 0, &pa, &ec), 0);
    CHECK_EQ(pa, 7 * M + 0x123);
    sim_free();
}

TEST(leaf_permissions_every_combination)
{
    setup();
    uint64_t root = new_table();
    arch_load_root(root);
    int failures = 0;
    for (unsigned combo = 0; combo < 8; combo++) {
        uint64_t flags = ((combo & 1) ? PTE_WRITABLE : 0) | ((combo & 2) ? PTE_USER : 0) |
                         ((combo & 4) ? PTE_NX : 0);
        uint64_t va = 0x400000 + combo * PAGE_SIZE;
        *leaf_4k(root, va) = (8 * M + combo * PAGE_SIZE) | PTE_PRESENT | flags;
        for (int a = SIM_READ; a <= SIM_EXEC; a++) {
            for (int user = 0; user < 2; user++) {
                int ok = (!user || (flags & PTE_USER)) &&
                         (a != SIM_WRITE || (flags & PTE_WRITABLE)) &&
                         (a != SIM_EXEC || !(flags & PTE_NX));
                uint64_t pa, ec;
                for (int tlb = 0; tlb < 2; tlb++) {
                    int r = tlb ? tlb_access(va + 8, a, user, &pa, &ec)
                                : walk(va + 8, a, user, &pa, &ec);
                    int good = ok ? r == 0 && pa == 8 * M + combo * PAGE_SIZE + 8
                                  : r == -1 && ec == (PF_PRESENT | bits_of(a, user));
                    if (!good) {
                        failures++;
                        printf("# flags W=%d U=%d NX=%d, %s %s via %s: r=%d ec=0x%llx\n",
                               !!(combo & 1), !!(combo & 2), !!(combo & 4),
                               user ? "user" : "kernel", access_name(a),
                               tlb ? "sim_access" : "sim_walk", r, (unsigned long long)ec);
                    }
                }
            }
        }
    }
    CHECK_EQ(failures, 0);
    sim_free();
}

TEST(permissions_are_anded_along_the_walk)
{
    /* The leaf allows everything; one upper level at a time takes one right away. */
    static const struct {
        uint64_t upper;         /* flags of the intermediate entries at `level` */
        int level;
    } cases[] = {
        { PTE_USER, 4 }, { PTE_USER, 3 }, { PTE_USER, 2 },                  /* no W */
        { PTE_WRITABLE, 4 }, { PTE_WRITABLE, 3 }, { PTE_WRITABLE, 2 },      /* no U */
        { PTE_WRITABLE | PTE_USER | PTE_NX, 4 }, { PTE_WRITABLE | PTE_USER | PTE_NX, 3 },
        { PTE_WRITABLE | PTE_USER | PTE_NX, 2 },                            /* NX */
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        setup();
        uint64_t root = new_table();
        arch_load_root(root);
        uint64_t va = 0x7f0000200000ull;
        *leaf_4k(root, va) = (9 * M) | PTE_PRESENT | PTE_WRITABLE | PTE_USER;
        /* The entry at `level` is the one in the table of that level. */
        uint64_t table = table_for(root, va, cases[i].level, 0);
        pte_t *e = entry(table, pt_index(va, cases[i].level));
        *e = pte_addr(*e) | PTE_PRESENT | cases[i].upper;

        uint64_t up = cases[i].upper, pa, ec;
        for (int a = SIM_READ; a <= SIM_EXEC; a++) {
            for (int user = 0; user < 2; user++) {
                int ok = (!user || (up & PTE_USER)) &&
                         (a != SIM_WRITE || (up & PTE_WRITABLE)) &&
                         (a != SIM_EXEC || !(up & PTE_NX));
                int r = tlb_access(va, a, user, &pa, &ec);
                if (!CHECK_EQ(r, ok ? 0 : -1) ||
                    (!ok && !CHECK_EQ(ec, PF_PRESENT | bits_of(a, user))))
                    printf("# case %u (level %d), %s %s\n", i, cases[i].level,
                           user ? "user" : "kernel", access_name(a));
            }
        }
        sim_free();
    }
}

TEST(supervisor_write_to_read_only_faults_with_wp)
{
    setup();
    uint64_t root = new_table();
    arch_load_root(root);
    *leaf_4k(root, 0x1000000) = (8 * M) | PTE_PRESENT;     /* supervisor, read-only */
    uint64_t pa, ec;
    CHECK_EQ(tlb_access(0x1000000, SIM_READ, 0, &pa, &ec), 0);
    CHECK_EQ(tlb_access(0x1000000, SIM_WRITE, 0, &pa, &ec), -1);
    CHECK_EQ(ec, PF_PRESENT | PF_WRITE);
    CHECK_EQ(tlb_access(0x1000000, SIM_READ, 1, &pa, &ec), -1);
    CHECK_EQ(ec, PF_PRESENT | PF_USER);
    /* No SMEP: the kernel may execute a user page (the kernel never maps one so). */
    *leaf_4k(root, 0x1001000) = (8 * M) | PTE_PRESENT | PTE_USER;
    CHECK_EQ(tlb_access(0x1001000, SIM_EXEC, 0, &pa, &ec), 0);
    sim_free();
}

TEST(large_pages_translate_with_their_offset)
{
    setup();
    uint64_t root = new_table();
    arch_load_root(root);
    uint64_t pa, ec;

    /* 2 MiB at 0x40000000 → 4 MiB. */
    uint64_t pd = table_for(root, 0x40000000, 2, PTE_WRITABLE | PTE_USER);
    *entry(pd, pt_index(0x40000000, 2)) = (4 * M) | PTE_PRESENT | PTE_LARGE | PTE_WRITABLE;
    CHECK_EQ(walk(0x40000000 + 0x1abcde, SIM_WRITE, 0, &pa, &ec), 0);
    CHECK_EQ(pa, 4 * M + 0x1abcde);
    CHECK_EQ(tlb_access(0x40000000 + 0x1abcde, SIM_READ, 0, &pa, &ec), 0);
    CHECK_EQ(pa, 4 * M + 0x1abcde);
    CHECK_EQ(walk(0x40000000 + 0x1abcde, SIM_READ, 1, &pa, &ec), -1);
    CHECK_EQ(ec, PF_PRESENT | PF_USER);

    /* 1 GiB at 0x8000000000 (PML4 slot 1) → 1 GiB: the frame need not exist to
       translate. */
    uint64_t pdpt = table_for(root, 0x8000000000ull, 3, PTE_WRITABLE | PTE_USER);
    *entry(pdpt, pt_index(0x8000000000ull, 3)) =
        G | PTE_PRESENT | PTE_LARGE | PTE_USER | PTE_NX;
    CHECK_EQ(tlb_access(0x8000000000ull + 0x3fedcba9, SIM_READ, 1, &pa, &ec), 0);
    CHECK_EQ(pa, G + 0x3fedcba9);
    CHECK_EQ(tlb_access(0x8000000000ull + 0x3fedcba9, SIM_EXEC, 1, &pa, &ec), -1);
    CHECK_EQ(ec, PF_PRESENT | PF_USER | PF_FETCH);
    CHECK_EQ(walk(0x8000000000ull + 5, SIM_WRITE, 1, &pa, &ec), -1);
    CHECK_EQ(ec, PF_PRESENT | PF_USER | PF_WRITE);

    /* PAT (bit 12) in a large leaf is not an address bit and not reserved. */
    *entry(pd, pt_index(0x40000000, 2)) = (4 * M) | PTE_PRESENT | PTE_LARGE | (1ull << 12);
    CHECK_EQ(walk(0x40000000 + 0x10, SIM_READ, 0, &pa, &ec), 0);
    CHECK_EQ(pa, 4 * M + 0x10);
    sim_free();
}

TEST(reserved_bits_fault_with_rsvd)
{
    setup();
    uint64_t root = new_table();
    arch_load_root(root);
    uint64_t pa, ec;
    uint64_t va2m = 0x40000000, va1g = 0x8000000000ull, va4k = 0x1000;

    uint64_t pd = table_for(root, va2m, 2, PTE_WRITABLE | PTE_USER);
    uint64_t pdpt = table_for(root, va1g, 3, PTE_WRITABLE | PTE_USER);
    *leaf_4k(root, va4k) = (8 * M) | PTE_PRESENT;

    /* 2 MiB leaf with bit 13 or bit 20 set; bit 21 is an address bit. */
    for (int bit = 13; bit <= 20; bit++) {
        *entry(pd, pt_index(va2m, 2)) = (4 * M) | PTE_PRESENT | PTE_LARGE | (1ull << bit);
        if (!CHECK_EQ(walk(va2m, SIM_READ, 1, &pa, &ec), -1) ||
            !CHECK_EQ(ec, PF_PRESENT | PF_RESERVED | PF_USER))
            printf("# 2 MiB leaf, bit %d\n", bit);
    }
    /* 1 GiB leaf with bits 13-29. */
    for (int bit = 13; bit <= 29; bit++) {
        *entry(pdpt, pt_index(va1g, 3)) = G | PTE_PRESENT | PTE_LARGE | (1ull << bit);
        if (!CHECK_EQ(tlb_access(va1g, SIM_EXEC, 0, &pa, &ec), -1) ||
            !CHECK_EQ(ec, PF_PRESENT | PF_RESERVED | PF_FETCH))
            printf("# 1 GiB leaf, bit %d\n", bit);
    }
    /* The reserved-bit fault wins over a not-present entry further down. */
    pte_t *pml4e = entry(root, pt_index(va4k, 4));
    pte_t saved = *pml4e;
    *pml4e = saved | PTE_LARGE;
    CHECK_EQ(tlb_access(va4k, SIM_WRITE, 0, &pa, &ec), -1);
    CHECK_EQ(ec, PF_PRESENT | PF_RESERVED | PF_WRITE);
    /* A not-present entry's other bits are never looked at. */
    *pml4e = PTE_LARGE | PTE_WRITABLE;
    CHECK_EQ(walk(va4k, SIM_READ, 0, &pa, &ec), -1);
    CHECK_EQ(ec, 0);
    *pml4e = saved;
    CHECK_EQ(walk(va4k, SIM_READ, 0, &pa, &ec), 0);

    /* Ignored bits (software bits 9-11 and 52-58) change nothing. */
    *leaf_4k(root, va4k) = (8 * M) | PTE_PRESENT | PTE_SOFT_MASK | (0x7full << 52);
    CHECK_EQ(walk(va4k + 1, SIM_READ, 0, &pa, &ec), 0);
    CHECK_EQ(pa, 8 * M + 1);
    sim_free();
}

TEST(non_canonical_is_a_gp_not_a_page_fault)
{
    setup();
    uint64_t root = new_table();
    arch_load_root(root);
    *leaf_4k(root, 0xffff800000001000ull) = (8 * M) | PTE_PRESENT;
    uint64_t pa, ec;
    static const uint64_t bad[] = { 0x0000800000000000ull, 0xffff7fffffffffffull,
                                    0x8000000000000000ull, 0x00ff800000001000ull };
    for (unsigned i = 0; i < 4; i++) {
        CHECK_EQ(walk(bad[i], SIM_READ, 0, &pa, &ec), -1);
        CHECK_EQ(ec, GP_FAULT);
        CHECK_EQ(tlb_access(bad[i], SIM_WRITE, 1, &pa, &ec), -1);
        CHECK_EQ(ec, GP_FAULT);
    }
    /* The upper half is canonical and walks normally. */
    CHECK_EQ(tlb_access(0xffff800000001004ull, SIM_READ, 0, &pa, &ec), 0);
    CHECK_EQ(pa, 8 * M + 4);
    CHECK_EQ(tlb_access(0x00007ffffffff000ull, SIM_READ, 0, &pa, &ec), -1);
    CHECK_EQ(ec, 0);
    sim_free();
}

TEST(tlb_keeps_a_stale_translation_until_invlpg)
{
    setup();
    uint64_t root = new_table();
    arch_load_root(root);
    uint64_t va = 0x600000, pa, ec;
    pte_t *pte = leaf_4k(root, va);
    *pte = (8 * M) | PTE_PRESENT | PTE_WRITABLE;
    CHECK_EQ(tlb_access(va, SIM_WRITE, 0, &pa, &ec), 0);

    /* Unmapped in memory: the walk sees it, the TLB does not. */
    *pte = 0;
    CHECK_EQ(walk(va, SIM_READ, 0, &pa, &ec), -1);
    CHECK_EQ(tlb_access(va, SIM_WRITE, 0, &pa, &ec), 0);
    CHECK_EQ(pa, 8 * M);
    arch_invalidate_page(va + 0x800);       /* any address in the page */
    CHECK_EQ(tlb_access(va, SIM_READ, 0, &pa, &ec), -1);
    CHECK_EQ(ec, 0);

    /* Remapped elsewhere and read-only: the stale entry still writes the old frame. */
    *pte = (8 * M) | PTE_PRESENT | PTE_WRITABLE;
    CHECK_EQ(tlb_access(va, SIM_READ, 0, &pa, &ec), 0);     /* a fault was not cached */
    *pte = (9 * M) | PTE_PRESENT;
    CHECK_EQ(tlb_access(va, SIM_WRITE, 0, &pa, &ec), 0);
    CHECK_EQ(pa, 8 * M);
    arch_invalidate_page(va);
    CHECK_EQ(tlb_access(va, SIM_WRITE, 0, &pa, &ec), -1);
    CHECK_EQ(ec, PF_PRESENT | PF_WRITE);
    CHECK_EQ(tlb_access(va, SIM_READ, 0, &pa, &ec), 0);
    CHECK_EQ(pa, 9 * M);

    /* Another page in the same TLB slot (64 pages apart) evicts it: then it walks. */
    *leaf_4k(root, va + 64 * PAGE_SIZE) = (10 * M) | PTE_PRESENT;
    *pte = 0;
    CHECK_EQ(tlb_access(va + 64 * PAGE_SIZE, SIM_READ, 0, &pa, &ec), 0);
    CHECK_EQ(tlb_access(va, SIM_READ, 0, &pa, &ec), -1);

    struct sim_counters c;
    sim_counters(&c);
    CHECK_EQ(c.invlpg, 2);
    CHECK_EQ(c.flush, 0);
    CHECK_EQ(c.flush_all, 0);
    CHECK_EQ(c.root_loads, 1);
    sim_free();
}

TEST(fault_on_a_stale_entry_drops_it)
{
    /* Made writable without an invalidation: the first write faults on the stale
       read-only entry (a "spurious" fault), and the fault drops it, as the CPU does. */
    setup();
    uint64_t root = new_table();
    arch_load_root(root);
    uint64_t va = 0x600000, pa, ec;
    pte_t *pte = leaf_4k(root, va);
    *pte = (8 * M) | PTE_PRESENT;
    CHECK_EQ(tlb_access(va, SIM_READ, 0, &pa, &ec), 0);
    *pte |= PTE_WRITABLE;
    CHECK_EQ(tlb_access(va, SIM_WRITE, 0, &pa, &ec), -1);
    CHECK_EQ(ec, PF_PRESENT | PF_WRITE);
    CHECK_EQ(tlb_access(va, SIM_WRITE, 0, &pa, &ec), 0);
    sim_free();
}

TEST(flush_keeps_global_entries_flush_all_does_not)
{
    setup();
    uint64_t root = new_table();
    arch_load_root(root);
    uint64_t g = 0xffff800000000000ull, ng = 0x1000, pa, ec;
    pte_t *pg = leaf_4k(root, g), *png = leaf_4k(root, ng);

    *pg = (8 * M) | PTE_PRESENT | PTE_GLOBAL;
    *png = (9 * M) | PTE_PRESENT;
    CHECK_EQ(tlb_access(g, SIM_READ, 0, &pa, &ec), 0);
    CHECK_EQ(tlb_access(ng, SIM_READ, 0, &pa, &ec), 0);
    *pg = 0;
    *png = 0;

    arch_flush_tlb();           /* CR3 reload: the global entry survives */
    CHECK_EQ(tlb_access(g, SIM_READ, 0, &pa, &ec), 0);
    CHECK_EQ(pa, 8 * M);
    CHECK_EQ(tlb_access(ng, SIM_READ, 0, &pa, &ec), -1);

    arch_load_root(root);       /* so does a root load */
    CHECK_EQ(tlb_access(g, SIM_READ, 0, &pa, &ec), 0);

    arch_flush_tlb_all();
    CHECK_EQ(tlb_access(g, SIM_READ, 0, &pa, &ec), -1);

    /* INVLPG drops a global entry too. */
    *pg = (8 * M) | PTE_PRESENT | PTE_GLOBAL;
    CHECK_EQ(tlb_access(g, SIM_READ, 0, &pa, &ec), 0);
    *pg = 0;
    arch_invalidate_page(g);
    CHECK_EQ(tlb_access(g, SIM_READ, 0, &pa, &ec), -1);

    struct sim_counters c;
    sim_counters(&c);
    CHECK_EQ(c.flush, 1);
    CHECK_EQ(c.flush_all, 1);
    CHECK_EQ(c.invlpg, 1);
    CHECK_EQ(c.root_loads, 2);
    sim_free();
}

TEST(switching_roots_uses_the_new_tables)
{
    setup();
    uint64_t a = new_table(), b = new_table(), pa, ec;
    *leaf_4k(a, 0x2000) = (8 * M) | PTE_PRESENT;
    *leaf_4k(b, 0x2000) = (9 * M) | PTE_PRESENT;
    arch_load_root(a);
    CHECK_EQ(tlb_access(0x2000, SIM_READ, 0, &pa, &ec), 0);
    CHECK_EQ(pa, 8 * M);
    arch_load_root(b);
    CHECK_EQ(tlb_access(0x2000, SIM_READ, 0, &pa, &ec), 0);
    CHECK_EQ(pa, 9 * M);
    CHECK_EQ(arch_active_root(), b);
    sim_free();
}

TEST(invlpg_inside_a_large_page_drops_all_of_it)
{
    setup();
    uint64_t root = new_table();
    arch_load_root(root);
    uint64_t va = 0x40000000, pa, ec;
    pte_t *pde = entry(table_for(root, va, 2, PTE_WRITABLE | PTE_USER), pt_index(va, 2));
    *pde = (4 * M) | PTE_PRESENT | PTE_LARGE;
    /* Two 4 KiB pages of it land in two TLB slots. */
    CHECK_EQ(tlb_access(va + 0x1000, SIM_READ, 0, &pa, &ec), 0);
    CHECK_EQ(tlb_access(va + 0x1ff000, SIM_READ, 0, &pa, &ec), 0);
    *pde = 0;
    CHECK_EQ(tlb_access(va + 0x1000, SIM_READ, 0, &pa, &ec), 0);
    CHECK_EQ(tlb_access(va + 0x1ff000, SIM_READ, 0, &pa, &ec), 0);
    CHECK_EQ(pa, 4 * M + 0x1ff000);
    arch_invalidate_page(va + 0x123456);
    CHECK_EQ(tlb_access(va + 0x1000, SIM_READ, 0, &pa, &ec), -1);
    CHECK_EQ(tlb_access(va + 0x1ff000, SIM_READ, 0, &pa, &ec), -1);
    sim_free();
}

TEST(sim_init_resets_state)
{
    setup();
    uint64_t root = new_table();
    arch_load_root(root);
    arch_flush_tlb();
    sim_set_1g_pages(0);
    CHECK_EQ(arch_has_1g_pages(), 0);
    CHECK_EQ(arch_has_nx(), 1);
    setup();
    struct sim_counters c;
    sim_counters(&c);
    CHECK_EQ(c.root_loads + c.flush + c.flush_all + c.invlpg, 0);
    CHECK_EQ(arch_active_root(), 0);
    CHECK_EQ(arch_has_1g_pages(), 1);
    CHECK_EQ(sim_mem_size(), 16 * M);
    sim_free();
}
