/*
 * Host tests for mm/fault.c: each rule of as_handle_fault (fault.h) alone, by calling it
 * the way the trap handler would after the simulated MMU faulted, and checking the PTE it
 * leaves, bit by bit, against the x86-64 encoding the protection calls for (Intel SDM vol.
 * 3A, 4.5; "Memory Protection Constants"; "Creating Guard Pages").
 */
#include <string.h>

#include "mm/address_space.h"
#include "mm/arch.h"
#include "mm/commit.h"
#include "mm/fault.h"
#include "mm/kheap.h"
#include "mm/page_alloc.h"
#include "mm/pagetable.h"
#include "mm/pfn.h"
#include "mm/swpte.h"
#include "sim_mmu.h"
#include "test.h"

#define MEM_BYTES (32ull << 20)
#define PG PAGE_SIZE
#define X 0x0000000020000000ull
#define PROT(p) ((uint64_t)(p) << 52)

static struct boot_info bi;
static struct page_table kpt;
static struct address_space as;
static uint64_t private_at_start;

static uint64_t private_frames(void)
{
    struct mm_stats s;
    mm_stats(&s);
    return s.by_state[PFN_PRIVATE];
}

static int setup(void)
{
    sim_init(MEM_BYTES);
    sim_boot_info(&bi);
    if (!CHECK_EQ(pfn_init(&bi, NULL, 0), STATUS_SUCCESS))
        return 0;
    page_alloc_init();
    kheap_reset();
    commit_init(1 << 20);
    if (!CHECK_EQ(pt_create(&kpt), STATUS_SUCCESS) ||
        !CHECK_EQ(as_create(&as, &kpt), STATUS_SUCCESS))
        return 0;
    arch_load_root(as.pt.root);
    private_at_start = private_frames();
    return 1;
}

static void teardown(void)
{
    CHECK_EQ(as_check(&as), 0);
    arch_load_root(kpt.root);
    as_destroy(&as);
    arch_load_root(0);
    pt_destroy(&kpt);
    CHECK_EQ(private_frames(), private_at_start);
    CHECK_EQ(page_alloc_check(), 0);
    sim_free();
}

/* Reserves 64 KiB at X and commits page i of it with prot. */
static void commit_page(unsigned i, uint32_t prot)
{
    struct memory_basic_information m;
    CHECK_EQ(as_query(&as, X, &m), STATUS_SUCCESS);
    uint64_t base = X, size = 0x10000;
    if (m.state == MEM_FREE)
        CHECK_EQ(as_allocate(&as, &base, &size, MEM_RESERVE, PAGE_NOACCESS),
                 STATUS_SUCCESS);
    base = X + i * PG;
    size = PG;
    CHECK_EQ(as_allocate(&as, &base, &size, MEM_COMMIT, prot), STATUS_SUCCESS);
}

static pte_t entry(uint64_t va)
{
    pte_t e = 0;
    CHECK_EQ(pt_read_entry(&as.pt, va, &e), STATUS_SUCCESS);
    return e;
}

static int mmu(uint64_t va, enum sim_access a)
{
    uint64_t pa, error;
    return sim_access(va, a, 1, &pa, &error) == 0;
}

/* Rule 4: the first touch supplies a zeroed frame, even when free frames are dirty. */
TEST(demand_zero_gets_a_zeroed_frame_and_the_protections_bits)
{
    if (!setup())
        return;
    /* Dirty every free frame we can, so a frame that is not zeroed would show. */
    static uint64_t dirty[4096];
    unsigned n = 0;
    while (n < 4096 && page_alloc_frame(0, PFN_KERNEL, &dirty[n]) == STATUS_SUCCESS)
        memset(phys_to_virt(dirty[n++]), 0xaa, PG);
    while (n > 0)
        page_free_frame(dirty[--n]);

    commit_page(0, PAGE_READONLY);
    CHECK(!mmu(X, SIM_READ));
    CHECK_EQ(as_handle_fault(&as, X + 100, FAULT_READ, 1), STATUS_SUCCESS);
    pte_t e = entry(X);
    uint64_t frame = pte_addr(e);
    CHECK_EQ(pfn_get(frame >> PAGE_SHIFT)->state, PFN_PRIVATE);
    CHECK_EQ(e, frame | PTE_PRESENT | PTE_USER | PTE_NX | SWPTE_COMMITTED |
                    PROT(PAGE_READONLY));
    const uint8_t *p = phys_to_virt(frame);
    for (uint64_t i = 0; i < PG; i++)
        if (p[i] != 0) {
            CHECK(!"the new page is not zero");
            break;
        }
    CHECK(mmu(X, SIM_READ));
    CHECK(!mmu(X, SIM_WRITE));
    CHECK_EQ(private_frames(), private_at_start + 1);
    teardown();
}

TEST(demand_zero_pages_get_their_hardware_bits)
{
    if (!setup())
        return;
    static const struct {
        uint32_t prot;
        enum fault_access access;
        pte_t bits;
    } cases[] = {
        { PAGE_READWRITE, FAULT_WRITE, PTE_WRITABLE | PTE_NX },
        { PAGE_EXECUTE, FAULT_EXECUTE, 0 },
        { PAGE_EXECUTE, FAULT_READ, 0 },        /* x86 cannot do execute-only */
        { PAGE_EXECUTE_READ, FAULT_READ, 0 },
        { PAGE_EXECUTE_READWRITE, FAULT_EXECUTE, PTE_WRITABLE },
        { PAGE_READWRITE | PAGE_NOCACHE, FAULT_READ, PTE_WRITABLE | PTE_NX | PTE_PCD |
                                                     PTE_PWT },
        { PAGE_READONLY | PAGE_WRITECOMBINE, FAULT_READ, PTE_NX | PTE_PCD },
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        commit_page(i, cases[i].prot);
        CHECK_EQ(as_handle_fault(&as, X + i * PG, cases[i].access, 1), STATUS_SUCCESS);
        pte_t e = entry(X + i * PG);
        CHECK_EQ(e & ~PTE_ADDR_MASK, PTE_PRESENT | PTE_USER | cases[i].bits |
                                         SWPTE_COMMITTED | PROT(cases[i].prot));
    }
    CHECK(mmu(X + PG, SIM_EXEC));
    CHECK(mmu(X + 4 * PG, SIM_WRITE));
    teardown();
}

/* Rule 1: free and reserved pages. */
TEST(uncommitted_pages_are_access_violations)
{
    if (!setup())
        return;
    commit_page(1, PAGE_READWRITE);
    for (int kind = FAULT_READ; kind <= FAULT_EXECUTE; kind++) {
        CHECK_EQ(as_handle_fault(&as, X, kind, 1),
                 STATUS_ACCESS_VIOLATION);   /* reserved */
        CHECK_EQ(as_handle_fault(&as, X + 0x10000, kind, 1), STATUS_ACCESS_VIOLATION);
        CHECK_EQ(as_handle_fault(&as, 0, kind, 1), STATUS_ACCESS_VIOLATION);
    }
    CHECK_EQ(entry(X), 0);
    CHECK_EQ(private_frames(), private_at_start);
    teardown();
}

/* Rule 2: the protection forbids the access; nothing is allocated or changed. */
TEST(forbidden_accesses_are_access_violations)
{
    if (!setup())
        return;
    commit_page(0, PAGE_NOACCESS);
    commit_page(1, PAGE_READONLY);
    commit_page(2, PAGE_READWRITE);
    commit_page(3, PAGE_EXECUTE);
    commit_page(4, PAGE_EXECUTE_READ);
    static const struct {
        unsigned page;
        enum fault_access access;
    } bad[] = {
        { 0, FAULT_READ }, { 0, FAULT_WRITE }, { 0, FAULT_EXECUTE },
        { 1, FAULT_WRITE }, { 1, FAULT_EXECUTE },
        { 2, FAULT_EXECUTE },
        { 3, FAULT_WRITE },
        { 4, FAULT_WRITE },
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        pte_t before = entry(X + bad[i].page * PG);
        CHECK_EQ(as_handle_fault(&as, X + bad[i].page * PG, bad[i].access, 1),
                 STATUS_ACCESS_VIOLATION);
        CHECK_EQ(entry(X + bad[i].page * PG), before);
    }
    CHECK_EQ(private_frames(), private_at_start);
    teardown();
}

/* Rule 3: the guard goes, the base protection stays, STATUS_GUARD_PAGE_VIOLATION. */
TEST(guard_page_fault_clears_the_guard_without_mapping)
{
    if (!setup())
        return;
    commit_page(0, PAGE_READWRITE | PAGE_GUARD);
    CHECK_EQ(entry(X), SWPTE_COMMITTED | PROT(PAGE_READWRITE | PAGE_GUARD));
    CHECK_EQ(as_handle_fault(&as, X + 5, FAULT_READ, 1), STATUS_GUARD_PAGE_VIOLATION);
    CHECK_EQ(entry(X), SWPTE_COMMITTED | PROT(PAGE_READWRITE));    /* still demand-zero */
    CHECK_EQ(private_frames(), private_at_start);
    CHECK(!mmu(X, SIM_READ));                   /* the access was not retried for it */
    CHECK_EQ(as_handle_fault(&as, X, FAULT_WRITE, 1), STATUS_SUCCESS);
    CHECK(mmu(X, SIM_WRITE));
    teardown();
}

TEST(guard_page_with_contents_becomes_present_again)
{
    if (!setup())
        return;
    commit_page(0, PAGE_READWRITE);
    CHECK_EQ(as_handle_fault(&as, X, FAULT_WRITE, 1), STATUS_SUCCESS);
    uint64_t frame = pte_addr(entry(X));
    memset(phys_to_virt(frame), 0x3c, PG);
    uint64_t base = X, size = PG;
    uint32_t old;
    CHECK_EQ(as_protect(&as, &base, &size, PAGE_EXECUTE_READ | PAGE_GUARD, &old),
             STATUS_SUCCESS);
    /* Parked: not present, the frame kept. */
    CHECK_EQ(entry(X), frame | SWPTE_PARKED | SWPTE_COMMITTED |
                           PROT(PAGE_EXECUTE_READ | PAGE_GUARD));
    CHECK(!mmu(X, SIM_READ));
    CHECK_EQ(as_handle_fault(&as, X, FAULT_EXECUTE, 1), STATUS_GUARD_PAGE_VIOLATION);
    CHECK_EQ(entry(X), frame | PTE_PRESENT | PTE_USER | SWPTE_COMMITTED |
                           PROT(PAGE_EXECUTE_READ));
    CHECK(mmu(X, SIM_EXEC));
    CHECK_EQ(*(uint8_t *)phys_to_virt(frame + 77), 0x3c);
    teardown();
}

/* Rule 2 before rule 3 (ReactOS MiAccessCheck): a forbidden access keeps the guard. */
TEST(forbidden_access_to_a_guard_page_keeps_the_guard)
{
    if (!setup())
        return;
    commit_page(0, PAGE_READONLY | PAGE_GUARD);
    CHECK_EQ(as_handle_fault(&as, X, FAULT_WRITE, 1), STATUS_ACCESS_VIOLATION);
    CHECK_EQ(entry(X), SWPTE_COMMITTED | PROT(PAGE_READONLY | PAGE_GUARD));
    CHECK_EQ(as_handle_fault(&as, X, FAULT_READ, 1), STATUS_GUARD_PAGE_VIOLATION);
    teardown();
}

/* Rule 5: a present page with the rights asked for: the TLB was stale; drop it. */
TEST(stale_tlb_entry_is_invalidated)
{
    if (!setup())
        return;
    commit_page(0, PAGE_READONLY);
    CHECK_EQ(as_handle_fault(&as, X, FAULT_READ, 1), STATUS_SUCCESS);
    CHECK(mmu(X, SIM_READ));                    /* cached read-only */
    /* Upgrade the PTE behind the TLB's back, as a lazy kernel could. */
    struct tlb_batch tlb;
    tlb_batch_init(&tlb);
    pte_t e = entry(X);
    CHECK_EQ(pt_write_entry(&as.pt, X, swpte_with_protection(e, PAGE_READWRITE), &tlb),
             STATUS_SUCCESS);
    struct sim_counters before, after;
    sim_counters(&before);
    CHECK_EQ(as_handle_fault(&as, X, FAULT_WRITE, 1), STATUS_SUCCESS);
    sim_counters(&after);
    CHECK_EQ(after.invlpg, before.invlpg + 1);
    CHECK(mmu(X, SIM_WRITE));
    CHECK_EQ(private_frames(), private_at_start + 1);   /* no second frame */
    teardown();
}

/* Addresses that are not user memory are never resolved, from user mode or kernel. */
TEST(addresses_outside_user_space_are_violations)
{
    if (!setup())
        return;
    static const uint64_t bad[] = {
        USER_MAX_ADDRESS + 1, 0x0000800000000000ull, 0xffff800000000000ull, ~0ull,
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        for (int user = 0; user < 2; user++)
            CHECK_EQ(as_handle_fault(&as, bad[i], FAULT_READ, user),
                     STATUS_ACCESS_VIOLATION);
    teardown();
}

/* The kernel touching user memory is judged by the same protection. */
TEST(kernel_mode_accesses_follow_the_same_rules)
{
    if (!setup())
        return;
    commit_page(0, PAGE_READWRITE | PAGE_GUARD);
    commit_page(1, PAGE_READONLY);
    CHECK_EQ(as_handle_fault(&as, X, FAULT_WRITE, 0), STATUS_GUARD_PAGE_VIOLATION);
    CHECK_EQ(as_handle_fault(&as, X, FAULT_WRITE, 0), STATUS_SUCCESS);
    CHECK_EQ(as_handle_fault(&as, X + PG, FAULT_WRITE, 0), STATUS_ACCESS_VIOLATION);
    CHECK_EQ(as_handle_fault(&as, X + 2 * PG, FAULT_READ, 0), STATUS_ACCESS_VIOLATION);
    teardown();
}

/* No frame left: STATUS_NO_MEMORY, the page stays demand-zero. */
TEST(no_frame_for_a_demand_zero_page)
{
    if (!setup())
        return;
    commit_page(0, PAGE_READWRITE);
    static uint64_t hog[16384];
    unsigned n = 0;
    while (n < 16384 && page_alloc_frame(0, PFN_KERNEL, &hog[n]) == STATUS_SUCCESS)
        n++;
    CHECK_EQ(as_handle_fault(&as, X, FAULT_WRITE, 1), STATUS_NO_MEMORY);
    CHECK_EQ(entry(X), SWPTE_COMMITTED | PROT(PAGE_READWRITE));
    while (n > 0)
        page_free_frame(hog[--n]);
    CHECK_EQ(as_handle_fault(&as, X, FAULT_WRITE, 1), STATUS_SUCCESS);
    teardown();
}

/* Rule 4a: a write to a copy-on-write image page takes the written protection. */
TEST(write_to_a_copy_on_write_page_makes_it_writable)
{
    if (!setup())
        return;
    REQUIRE(as_reserve_image(&as, X, 2 * PG) == STATUS_SUCCESS);
    uint64_t base = X, size = 2 * PG;
    uint32_t old;
    REQUIRE(as_protect(&as, &base, &size, PAGE_READWRITE, &old) == STATUS_SUCCESS);
    /* Demand-zero, PAGE_WRITECOPY: a read brings a read-only frame. */
    CHECK_EQ(entry(X), SWPTE_COMMITTED | PROT(PAGE_WRITECOPY));
    CHECK_EQ(as_handle_fault(&as, X, FAULT_READ, 1), STATUS_SUCCESS);
    uint64_t frame = pte_addr(entry(X));
    CHECK_EQ(entry(X), frame | PTE_PRESENT | PTE_USER | PTE_NX | SWPTE_COMMITTED |
                           PROT(PAGE_WRITECOPY));
    CHECK(!mmu(X, SIM_WRITE));
    /* The write: same frame, now read-write. */
    CHECK_EQ(as_handle_fault(&as, X, FAULT_WRITE, 1), STATUS_SUCCESS);
    CHECK_EQ(entry(X), frame | PTE_PRESENT | PTE_USER | PTE_WRITABLE | PTE_NX |
                           SWPTE_COMMITTED | PROT(PAGE_READWRITE));
    CHECK(mmu(X, SIM_WRITE));
    /* A first write to a demand-zero copy-on-write page: a zeroed frame, read-write. */
    CHECK_EQ(as_handle_fault(&as, X + PG, FAULT_WRITE, 1), STATUS_SUCCESS);
    CHECK_EQ(swpte_protection(entry(X + PG)), PAGE_READWRITE);
    CHECK(mmu(X + PG, SIM_WRITE));
    /* PAGE_EXECUTE_WRITECOPY keeps execute. */
    base = X;
    size = PG;
    REQUIRE(as_protect(&as, &base, &size, PAGE_EXECUTE_WRITECOPY | PAGE_GUARD, &old) ==
            STATUS_SUCCESS);
    CHECK_EQ(as_handle_fault(&as, X, FAULT_WRITE, 1), STATUS_GUARD_PAGE_VIOLATION);
    CHECK_EQ(swpte_protection(entry(X)), PAGE_EXECUTE_WRITECOPY);
    CHECK_EQ(as_handle_fault(&as, X, FAULT_WRITE, 1), STATUS_SUCCESS);
    CHECK_EQ(entry(X), frame | PTE_PRESENT | PTE_USER | PTE_WRITABLE | SWPTE_COMMITTED |
                           PROT(PAGE_EXECUTE_READWRITE));
    CHECK(mmu(X, SIM_EXEC));
    teardown();
}
