/*
 * Host tests for mm/address_space.c (and the page-table functions it added to
 * mm/pagetable.c): one or more checks for every rule docs/vm.md lists, on the simulated
 * machine with the address space's page table active, so that every access goes through
 * the simulated MMU and TLB exactly as the CPU would make it.
 *
 * Expected values are Windows' (the rule and its source are named at each test), never
 * read back from the code under test. A "touch" is what a user program's access does: the
 * MMU walks the tables; on a fault the kernel calls as_handle_fault and, on success, the
 * access runs again.
 */
#include <stdio.h>
#include <string.h>

#include "lib/spinlock.h"
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

#define MEM_BYTES (64ull << 20)
#define K64 0x10000ull
#define PG PAGE_SIZE
#define USER_END (USER_MAX_ADDRESS + 1)
#define X 0x0000000010000000ull             /* a 64 KiB-aligned place for fixed bases */
#define KERNEL_VA 0xffff800000200000ull     /* a kernel page the user table must share */
#define BIG_LIMIT (1ull << 30)

static struct boot_info bi;
static struct page_table kpt;
static struct address_space as;
static uint64_t kernel_frame;
static struct mm_stats before;              /* frames by state before as_create */
static struct kheap_stats heap_before;

static uint64_t frames(enum pfn_state state)
{
    struct mm_stats s;
    mm_stats(&s);
    return s.by_state[state];
}

static uint64_t charged(void)
{
    struct commit_stats s;
    commit_stats(&s);
    return s.charged;
}

/* A machine, a kernel page table with one mapping, and an active address space. */
static int setup(void)
{
    sim_init(MEM_BYTES);
    sim_boot_info(&bi);
    if (!CHECK_EQ(pfn_init(&bi, NULL, 0), STATUS_SUCCESS))
        return 0;
    page_alloc_init();
    kheap_reset();
    commit_init(BIG_LIMIT);
    struct tlb_batch tlb;
    tlb_batch_init(&tlb);
    if (!CHECK_EQ(pt_create(&kpt), STATUS_SUCCESS) ||
        !CHECK_EQ(page_alloc_frame(PAGE_ALLOC_ZEROED, PFN_KERNEL, &kernel_frame),
                  STATUS_SUCCESS) ||
        !CHECK_EQ(pt_map(&kpt, KERNEL_VA, kernel_frame, PTE_WRITABLE | PTE_NX, &tlb),
                  STATUS_SUCCESS))
        return 0;
    mm_stats(&before);
    kheap_stats(&heap_before);
    if (!CHECK_EQ(as_create(&as, &kpt), STATUS_SUCCESS))
        return 0;
    arch_load_root(as.pt.root);
    return 1;
}

/* Destroys the address space and checks that everything came back. */
static void teardown(void)
{
    CHECK_EQ(as_check(&as), 0);
    arch_load_root(kpt.root);
    as_destroy(&as);
    CHECK_EQ(frames(PFN_PRIVATE), before.by_state[PFN_PRIVATE]);
    CHECK_EQ(frames(PFN_PAGETABLE), before.by_state[PFN_PAGETABLE]);
    struct kheap_stats heap;
    kheap_stats(&heap);
    CHECK_EQ(heap.live_objects, heap_before.live_objects);
    CHECK_EQ(charged(), 0);
    CHECK_EQ(page_alloc_check(), 0);
    sim_free();
}

/* ---- calls with results ---- */

struct range {
    uint64_t base, size;
};

static ntstatus_t allocate(uint64_t base, uint64_t size, uint32_t type, uint32_t prot,
                           struct range *out)
{
    uint64_t b = base, s = size;
    ntstatus_t status = as_allocate(&as, &b, &s, type, prot);
    if (out)
        *out = (struct range){ b, s };
    if (status != STATUS_SUCCESS) {
        CHECK_EQ(b, base);      /* failures write nothing back */
        CHECK_EQ(s, size);
    }
    return status;
}

static ntstatus_t release(uint64_t base, uint64_t size, uint32_t type, struct range *out)
{
    uint64_t b = base, s = size;
    ntstatus_t status = as_free(&as, &b, &s, type);
    if (out)
        *out = (struct range){ b, s };
    if (status != STATUS_SUCCESS) {
        CHECK_EQ(b, base);
        CHECK_EQ(s, size);
    }
    return status;
}

static ntstatus_t protect(uint64_t base, uint64_t size, uint32_t prot, uint32_t *old)
{
    uint32_t ignored;
    return as_protect(&as, &base, &size, prot, old ? old : &ignored);
}

static struct memory_basic_information query(uint64_t va)
{
    struct memory_basic_information m;
    memset(&m, 0xcc, sizeof(m));
    CHECK_EQ(as_query(&as, va, &m), STATUS_SUCCESS);
    return m;
}

/* Compares a query result with the expected one, field by field. */
#define CHECK_MBI(m, base, abase, aprot, size, st, prot, type_)  \
    do {                                                          \
        CHECK_EQ((m).base_address, (base));                       \
        CHECK_EQ((m).allocation_base, (abase));                   \
        CHECK_EQ((m).allocation_protect, (aprot));                \
        CHECK_EQ((m).region_size, (size));                       \
        CHECK_EQ((m).state, (st));                                \
        CHECK_EQ((m).protect, (prot));                            \
        CHECK_EQ((m).type, (type_));                              \
        CHECK_EQ((m).partition_id, 0);                            \
    } while (0)

static enum fault_access fault_kind(enum sim_access a)
{
    return a == SIM_WRITE ? FAULT_WRITE : a == SIM_EXEC ? FAULT_EXECUTE : FAULT_READ;
}

/* A user access at va: the MMU, then the fault handler and a retry, as the CPU would. */
static ntstatus_t touch(uint64_t va, enum sim_access a, uint64_t *pa)
{
    uint64_t ignored;
    for (int attempt = 0; attempt < 3; attempt++) {
        uint64_t error;
        if (sim_access(va, a, 1, pa ? pa : &ignored, &error) == 0)
            return STATUS_SUCCESS;
        ntstatus_t status = as_handle_fault(&as, va, fault_kind(a), 1);
        if (status != STATUS_SUCCESS)
            return status;
    }
    CHECK(!"the access still faults after a successful fault");
    return STATUS_ACCESS_VIOLATION;
}

/* Writes value over the whole page holding va; returns the touch's status. */
static ntstatus_t fill(uint64_t va, uint8_t value)
{
    uint64_t pa;
    ntstatus_t status = touch(va, SIM_WRITE, &pa);
    if (status == STATUS_SUCCESS)
        memset(phys_to_virt(pa & ~(PG - 1)), value, PG);
    return status;
}

/* Whether every byte of the page holding va reads value (a read touch). */
static int reads(uint64_t va, uint8_t value)
{
    uint64_t pa;
    if (touch(va, SIM_READ, &pa) != STATUS_SUCCESS)
        return 0;
    const uint8_t *p = phys_to_virt(pa & ~(PG - 1));
    for (uint64_t i = 0; i < PG; i++)
        if (p[i] != value)
            return 0;
    return 1;
}

/* ---- holding memory, for STATUS_NO_MEMORY ---- */

static uint64_t hog[16384];
static unsigned hog_count;

static void hog_all(void)
{
    uint64_t pa;
    hog_count = 0;
    while (hog_count < sizeof(hog) / sizeof(hog[0]) &&
           page_alloc_frame(0, PFN_KERNEL, &pa) == STATUS_SUCCESS)
        hog[hog_count++] = pa;
}

static void hog_release(void)
{
    while (hog_count > 0)
        page_free_frame(hog[--hog_count]);
}

/* =========================== pagetable.c additions =========================== */

TEST(pt_create_user_shares_the_kernel_half)
{
    if (!setup())
        return;
    /* The kernel page is reachable through the user table, from the kernel only. */
    uint64_t pa, error;
    CHECK_EQ(sim_access(KERNEL_VA + 8, SIM_WRITE, 0, &pa, &error), 0);
    CHECK_EQ(pa, kernel_frame + 8);
    CHECK(sim_access(KERNEL_VA, SIM_READ, 1, &pa, &error) != 0);
    /* The PML4 entry is the kernel's, marked borrowed; the user half is empty. */
    const pte_t *user = phys_to_virt(as.pt.root), *kernel = phys_to_virt(kpt.root);
    unsigned slot = pt_index(KERNEL_VA, 4);
    CHECK_EQ(user[slot], kernel[slot] | PTE_BORROWED);
    for (unsigned i = 0; i < PT_KERNEL_FIRST_SLOT; i++)
        CHECK_EQ(user[i], 0);
    /* Only the root is new. */
    CHECK_EQ(frames(PFN_PAGETABLE), before.by_state[PFN_PAGETABLE] + 1);
    teardown();
}

TEST(pt_destroy_of_a_user_table_keeps_the_kernel_tables)
{
    if (!setup())
        return;
    struct page_table second;
    REQUIRE(pt_create_user(&second, &kpt) == STATUS_SUCCESS);
    pt_destroy(&second);
    uint64_t pa;
    CHECK_EQ(pt_translate(&kpt, KERNEL_VA + 1, &pa, NULL), STATUS_SUCCESS);
    CHECK_EQ(pa, kernel_frame + 1);
    teardown();
}

TEST(pt_write_entry_creates_and_frees_tables)
{
    if (!setup())
        return;
    struct tlb_batch tlb;
    tlb_batch_init(&tlb);
    uint64_t tables = frames(PFN_PAGETABLE);
    pte_t e = 1;
    /* Zero over nothing: nothing to do, nothing allocated. */
    CHECK_EQ(pt_write_entry(&as.pt, X, 0, &tlb), STATUS_SUCCESS);
    CHECK_EQ(frames(PFN_PAGETABLE), tables);
    CHECK_EQ(pt_read_entry(&as.pt, X, &e), STATUS_SUCCESS);
    CHECK_EQ(e, 0);
    /* A software PTE needs a PDPT, a PD and a PT. */
    pte_t soft = SWPTE_COMMITTED | 0x1234000ull;
    CHECK_EQ(pt_write_entry(&as.pt, X, soft, &tlb), STATUS_SUCCESS);
    CHECK_EQ(frames(PFN_PAGETABLE), tables + 3);
    CHECK_EQ(pt_read_entry(&as.pt, X, &e), STATUS_SUCCESS);
    CHECK_EQ(e, soft);
    CHECK_EQ(tlb.count, 0);                     /* nothing present changed */
    /* A neighbour shares the table; removing one keeps it, removing both frees all. */
    CHECK_EQ(pt_write_entry(&as.pt, X + PG, soft, &tlb), STATUS_SUCCESS);
    CHECK_EQ(frames(PFN_PAGETABLE), tables + 3);
    CHECK_EQ(pt_write_entry(&as.pt, X, 0, &tlb), STATUS_SUCCESS);
    CHECK_EQ(frames(PFN_PAGETABLE), tables + 3);
    CHECK_EQ(pt_write_entry(&as.pt, X + PG, 0, &tlb), STATUS_SUCCESS);
    CHECK_EQ(frames(PFN_PAGETABLE), tables);
    teardown();
}

TEST(pt_write_entry_invalidates_changed_present_entries)
{
    if (!setup())
        return;
    struct tlb_batch tlb;
    tlb_batch_init(&tlb);
    uint64_t frame, pa, error;
    REQUIRE(page_alloc_frame(PAGE_ALLOC_ZEROED, PFN_KERNEL, &frame) == STATUS_SUCCESS);
    pte_t rw = frame | PTE_PRESENT | PTE_USER | PTE_WRITABLE;
    CHECK_EQ(pt_write_entry(&as.pt, X, rw, &tlb), STATUS_SUCCESS);
    CHECK_EQ(tlb.count, 0);             /* not present before: nothing cached */
    CHECK_EQ(sim_access(X, SIM_WRITE, 1, &pa, &error), 0);     /* now in the TLB */
    CHECK_EQ(pt_write_entry(&as.pt, X, rw & ~PTE_WRITABLE, &tlb), STATUS_SUCCESS);
    CHECK_EQ(tlb.count, 1);
    tlb_batch_flush(&tlb, &as.pt);
    CHECK(sim_access(X, SIM_WRITE, 1, &pa, &error) != 0);     /* the TLB was told */
    CHECK_EQ(pt_write_entry(&as.pt, X, 0, &tlb), STATUS_SUCCESS);
    CHECK_EQ(tlb.count, 1);
    tlb_batch_flush(&tlb, &as.pt);
    CHECK(sim_access(X, SIM_READ, 1, &pa, &error) != 0);
    page_free_frame(frame);
    teardown();
}

TEST(pt_write_entry_rejects_bad_arguments_and_keeps_state_without_memory)
{
    if (!setup())
        return;
    struct tlb_batch tlb;
    tlb_batch_init(&tlb);
    pte_t e;
    CHECK_EQ(pt_write_entry(&as.pt, X + 1, SWPTE_COMMITTED, &tlb),
             STATUS_INVALID_PARAMETER);
    CHECK_EQ(pt_write_entry(&as.pt, 0x0000800000000000ull, SWPTE_COMMITTED, &tlb),
             STATUS_INVALID_PARAMETER);
    CHECK_EQ(pt_read_entry(&as.pt, X + 8, &e), STATUS_INVALID_PARAMETER);
    CHECK_EQ(pt_read_entry(&as.pt, 0xffff000000000000ull, &e), STATUS_INVALID_PARAMETER);
    /* Inside a 2 MiB page (of another table: a user half never has large pages). */
    struct page_table other;
    REQUIRE(pt_create(&other) == STATUS_SUCCESS);
    uint64_t big = 0x40000000ull, found;
    CHECK_EQ(pt_map_large(&other, big, 0, LARGE_PAGE_SIZE, 0, &tlb), STATUS_SUCCESS);
    CHECK_EQ(pt_write_entry(&other, big + PG, SWPTE_COMMITTED, &tlb),
             STATUS_CONFLICTING_ADDRESSES);
    CHECK_EQ(pt_read_entry(&other, big + PG, &e), STATUS_CONFLICTING_ADDRESSES);
    CHECK_EQ(pt_find_mismatch(&other, big - PG, big + PG, ~0ull, 0, &found, &e),
             STATUS_CONFLICTING_ADDRESSES);
    pt_destroy(&other);
    /* No frame for a table: STATUS_NO_MEMORY and nothing changed. */
    uint64_t tables = frames(PFN_PAGETABLE);
    hog_all();
    CHECK_EQ(pt_write_entry(&as.pt, X, SWPTE_COMMITTED, &tlb), STATUS_NO_MEMORY);
    hog_release();
    CHECK_EQ(frames(PFN_PAGETABLE), tables);
    CHECK_EQ(pt_read_entry(&as.pt, X, &e), STATUS_SUCCESS);
    CHECK_EQ(e, 0);
    teardown();
}

TEST(pt_find_mismatch_skips_missing_tables_and_stops_where_asked)
{
    if (!setup())
        return;
    struct tlb_batch tlb;
    tlb_batch_init(&tlb);
    /* Three entries far apart: different PTs, PDs and PML4 slots. */
    const uint64_t at[3] = { 0x10000ull, 0x7f0012345000ull, 0x7ffffffef000ull };
    for (int i = 0; i < 3; i++)
        CHECK_EQ(pt_write_entry(&as.pt, at[i], SWPTE_COMMITTED | (uint64_t)(i + 1) << 52,
                                &tlb),
                 STATUS_SUCCESS);
    uint64_t found, va = 0;
    pte_t e;
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(pt_find_mismatch(&as.pt, va, USER_END, ~0ull, 0, &found, &e),
                 STATUS_SUCCESS);
        CHECK_EQ(found, at[i]);
        CHECK_EQ(e, SWPTE_COMMITTED | (uint64_t)(i + 1) << 52);
        va = found + PG;
    }
    CHECK_EQ(pt_find_mismatch(&as.pt, va, USER_END, ~0ull, 0, &found, &e), STATUS_SUCCESS);
    CHECK_EQ(found, USER_END);
    CHECK_EQ(e, 0);
    /* A non-zero value: the run of matching entries ends at the first mismatch. */
    CHECK_EQ(pt_write_entry(&as.pt, at[0] + PG, SWPTE_COMMITTED | 1ull << 52, &tlb),
             STATUS_SUCCESS);
    CHECK_EQ(pt_find_mismatch(&as.pt, at[0], USER_END, SWPTE_COMMITTED, SWPTE_COMMITTED,
                              &found, &e),
             STATUS_SUCCESS);
    CHECK_EQ(found, at[0] + 2 * PG);
    CHECK_EQ(e, 0);
    /* Under a missing table, a non-zero value mismatches at once. */
    CHECK_EQ(pt_find_mismatch(&as.pt, 0x200000000ull, USER_END, SWPTE_COMMITTED,
                              SWPTE_COMMITTED, &found, &e),
             STATUS_SUCCESS);
    CHECK_EQ(found, 0x200000000ull);
    /* Empty ranges and bad ones. */
    CHECK_EQ(pt_find_mismatch(&as.pt, at[0], at[0], ~0ull, 0, &found, &e), STATUS_SUCCESS);
    CHECK_EQ(found, at[0]);
    CHECK_EQ(pt_find_mismatch(&as.pt, at[0] + 1, USER_END, ~0ull, 0, &found, &e),
             STATUS_INVALID_PARAMETER);
    CHECK_EQ(pt_find_mismatch(&as.pt, at[0], at[0] - PG, ~0ull, 0, &found, &e),
             STATUS_INVALID_PARAMETER);
    CHECK_EQ(pt_find_mismatch(&as.pt, 0x7ffffffff000ull, 0xffff800000001000ull, ~0ull, 0,
                              &found, &e),
             STATUS_INVALID_PARAMETER);
    for (int i = 0; i < 3; i++)
        CHECK_EQ(pt_write_entry(&as.pt, at[i], 0, &tlb), STATUS_SUCCESS);
    CHECK_EQ(pt_write_entry(&as.pt, at[0] + PG, 0, &tlb), STATUS_SUCCESS);
    teardown();
}

/* ============================ NtAllocateVirtualMemory ============================ */

/* "VirtualAlloc function", lpAddress and dwSize; NT rounds the region the same way. */
TEST(reserve_rounds_the_base_down_to_64k_and_the_end_up_to_a_page)
{
    if (!setup())
        return;
    struct range r;
    CHECK_EQ(allocate(X + 0x5678, 0x10, MEM_RESERVE, PAGE_READWRITE, &r), STATUS_SUCCESS);
    CHECK_EQ(r.base, X);
    CHECK_EQ(r.size, 0x6000);
    struct memory_basic_information m = query(X + 0x5000);
    CHECK_MBI(m, X + 0x5000, X, PAGE_READWRITE, 0x1000, MEM_RESERVE, 0, MEM_PRIVATE);
    /* A 2-byte range straddling a page boundary includes both pages. */
    CHECK_EQ(allocate(X + K64 + 0xfff, 2, MEM_RESERVE, PAGE_NOACCESS, &r), STATUS_SUCCESS);
    CHECK_EQ(r.base, X + K64);
    CHECK_EQ(r.size, 0x2000);
    teardown();
}

/* "VirtualAlloc": "If this parameter is NULL, the system determines where ...". */
TEST(reserve_without_a_base_picks_64k_aligned_places)
{
    if (!setup())
        return;
    struct range r[4];
    for (int i = 0; i < 4; i++) {
        CHECK_EQ(allocate(0, 0x1001, MEM_RESERVE, PAGE_READWRITE, &r[i]), STATUS_SUCCESS);
        CHECK_EQ(r[i].base % K64, 0);
        CHECK_EQ(r[i].size, 0x2000);            /* rounded up to pages, not to 64 KiB */
        CHECK(r[i].base >= USER_MIN_ADDRESS);
        for (int j = 0; j < i; j++)
            CHECK(r[i].base != r[j].base);
    }
    /* Bottom-up: the first one takes the lowest place, the next ones follow. */
    CHECK_EQ(r[0].base, USER_MIN_ADDRESS);
    CHECK_EQ(r[1].base, USER_MIN_ADDRESS + K64);
    /* The rest of each 64 KiB granule is free, and reported so. */
    struct memory_basic_information m = query(r[0].base + 0x2000);
    CHECK_MBI(m, r[0].base + 0x2000, 0, 0, K64 - 0x2000, MEM_FREE, PAGE_NOACCESS, 0);
    teardown();
}

/* "VirtualAlloc", MEM_TOP_DOWN: "Allocates memory at the highest possible address". */
TEST(top_down_reserves_at_the_highest_possible_address)
{
    if (!setup())
        return;
    struct range r, s;
    CHECK_EQ(allocate(0, 0x3000, MEM_RESERVE | MEM_TOP_DOWN, PAGE_READWRITE, &r),
             STATUS_SUCCESS);
    /* The highest 64 KiB-aligned base whose 3 pages end at or below USER_MAX_ADDRESS. */
    CHECK_EQ(r.base, (USER_END - 0x3000) & ~(K64 - 1));
    CHECK_EQ(r.size, 0x3000);
    CHECK_EQ(allocate(0, 0x3000, MEM_RESERVE | MEM_TOP_DOWN, PAGE_READWRITE, &s),
             STATUS_SUCCESS);
    CHECK_EQ(s.base, r.base - K64);
    teardown();
}

/* "VirtualAlloc" remarks: "VirtualAlloc cannot reserve a reserved page." */
TEST(reserving_over_a_reservation_conflicts)
{
    if (!setup())
        return;
    CHECK_EQ(allocate(X, 4 * K64, MEM_RESERVE, PAGE_READWRITE, NULL), STATUS_SUCCESS);
    CHECK_EQ(allocate(X + 3 * K64, K64 * 2, MEM_RESERVE, PAGE_READWRITE, NULL),
             STATUS_CONFLICTING_ADDRESSES);
    /* The Wine test run on Windows: reserve|commit in a reservation's second page. */
    CHECK_EQ(allocate(X + 0x1000, 0x1000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE, NULL),
             STATUS_CONFLICTING_ADDRESSES);
    CHECK_EQ(allocate(X - K64, K64, MEM_RESERVE, PAGE_READWRITE, NULL), STATUS_SUCCESS);
    CHECK_EQ(allocate(X + 4 * K64, K64, MEM_RESERVE, PAGE_READWRITE, NULL), STATUS_SUCCESS);
    teardown();
}

/* NtAllocateVirtualMemory: size 0 and ranges beyond user space are invalid parameters. */
TEST(allocate_rejects_empty_and_out_of_range_requests)
{
    if (!setup())
        return;
    CHECK_EQ(allocate(0, 0, MEM_RESERVE, PAGE_READWRITE, NULL), STATUS_INVALID_PARAMETER);
    CHECK_EQ(allocate(X, 0, MEM_COMMIT, PAGE_READWRITE, NULL), STATUS_INVALID_PARAMETER);
    CHECK_EQ(allocate(USER_END, PG, MEM_RESERVE, PAGE_READWRITE, NULL),
             STATUS_INVALID_PARAMETER);
    CHECK_EQ(allocate(USER_END - K64, K64 + 1, MEM_RESERVE, PAGE_READWRITE, NULL),
             STATUS_INVALID_PARAMETER);
    CHECK_EQ(allocate(X, UINT64_MAX, MEM_RESERVE, PAGE_READWRITE, NULL),
             STATUS_INVALID_PARAMETER);
    CHECK_EQ(allocate(0, USER_END + PG, MEM_RESERVE, PAGE_READWRITE, NULL),
             STATUS_INVALID_PARAMETER);
    CHECK_EQ(allocate(0xffff800000000000ull, PG, MEM_RESERVE, PAGE_READWRITE, NULL),
             STATUS_INVALID_PARAMETER);
    /* The first 64 KiB are never allocated. */
    CHECK_EQ(allocate(0x1000, PG, MEM_RESERVE, PAGE_READWRITE, NULL),
             STATUS_INVALID_PARAMETER);
    /* The last 64 KiB of user space can be. */
    struct range r;
    CHECK_EQ(allocate(USER_END - K64, K64, MEM_RESERVE, PAGE_READWRITE, &r),
             STATUS_SUCCESS);
    CHECK_EQ(r.base + r.size, USER_END);
    /* Nothing is free: the whole space cannot fit in what is left. */
    CHECK_EQ(allocate(0, USER_END - USER_MIN_ADDRESS, MEM_RESERVE, PAGE_READWRITE, NULL),
             STATUS_NO_MEMORY);
    teardown();
}

/* "VirtualAlloc" flAllocationType; NtAllocateVirtualMemory's type checks. */
TEST(allocate_validates_the_allocation_type)
{
    if (!setup())
        return;
    static const uint32_t bad[] = {
        0,                                      /* none of commit, reserve, reset */
        MEM_TOP_DOWN,
        MEM_RESET | MEM_COMMIT,                 /* MEM_RESET stands alone */
        MEM_RESET | MEM_TOP_DOWN,
        MEM_RESET_UNDO,                         /* not supported (as before Windows 8) */
        MEM_WRITE_WATCH | MEM_RESERVE,          /* not supported */
        MEM_PHYSICAL | MEM_RESERVE,
        MEM_LARGE_PAGES | MEM_RESERVE | MEM_COMMIT,
        MEM_DECOMMIT,                           /* a free type */
        MEM_RELEASE | MEM_RESERVE,
        MEM_RESERVE | 0x1,                      /* unknown bit */
        MEM_COMMIT | 0x80000000u,
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (!CHECK_EQ(allocate(X, K64, bad[i], PAGE_READWRITE, NULL),
                      STATUS_INVALID_PARAMETER))
            printf("#   type 0x%x\n", bad[i]);
    CHECK_EQ(query(X).state, MEM_FREE);
    teardown();
}

/* "Memory Protection Constants": one base value; the modifiers' exclusions. */
TEST(allocate_and_protect_validate_the_protection)
{
    if (!setup())
        return;
    static const uint32_t bad[] = {
        0,
        PAGE_READONLY | PAGE_READWRITE,         /* two base values */
        PAGE_GUARD,                             /* a modifier alone */
        PAGE_NOACCESS | PAGE_GUARD,             /* "cannot be used with PAGE_NOACCESS" */
        PAGE_NOACCESS | PAGE_NOCACHE,
        PAGE_NOACCESS | PAGE_WRITECOMBINE,
        PAGE_READWRITE | PAGE_NOCACHE | PAGE_WRITECOMBINE,
        PAGE_READWRITE | PAGE_GUARD | PAGE_NOCACHE,
        PAGE_READWRITE | PAGE_GUARD | PAGE_WRITECOMBINE,
        PAGE_READWRITE | 0x800,                 /* unknown */
        PAGE_EXECUTE_READ | 0x40000000u,        /* PAGE_TARGETS_INVALID: not supported */
    };
    struct range r;
    REQUIRE(allocate(X, 4 * PG, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE, &r) ==
            STATUS_SUCCESS);
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CHECK_EQ(allocate(X + K64, K64, MEM_RESERVE, bad[i], NULL),
                 STATUS_INVALID_PAGE_PROTECTION);
        CHECK_EQ(allocate(X, PG, MEM_COMMIT, bad[i], NULL), STATUS_INVALID_PAGE_PROTECTION);
        CHECK_EQ(allocate(X, PG, MEM_RESET, bad[i], NULL), STATUS_INVALID_PAGE_PROTECTION);
        CHECK_EQ(protect(X, PG, bad[i], NULL), STATUS_INVALID_PAGE_PROTECTION);
    }
    /* Copy-on-write is for views of sections: "not supported by the VirtualAlloc". */
    static const uint32_t cow[] = { PAGE_WRITECOPY, PAGE_EXECUTE_WRITECOPY };
    for (unsigned i = 0; i < 2; i++) {
        CHECK_EQ(allocate(X + K64, K64, MEM_RESERVE, cow[i], NULL),
                 STATUS_INVALID_PAGE_PROTECTION);
        CHECK_EQ(allocate(0, K64, MEM_COMMIT, cow[i], NULL),
                 STATUS_INVALID_PAGE_PROTECTION);
        CHECK_EQ(allocate(X, PG, MEM_COMMIT, cow[i], NULL), STATUS_INVALID_PAGE_PROTECTION);
        CHECK_EQ(protect(X, PG, cow[i], NULL), STATUS_INVALID_PAGE_PROTECTION);
    }
    CHECK_EQ(query(X).protect, PAGE_READWRITE);
    CHECK_EQ(query(X + K64).state, MEM_FREE);
    /* The valid ones: each base value, and each modifier with an accessible base. */
    static const uint32_t good[] = {
        PAGE_NOACCESS, PAGE_READONLY, PAGE_READWRITE, PAGE_EXECUTE, PAGE_EXECUTE_READ,
        PAGE_EXECUTE_READWRITE, PAGE_READWRITE | PAGE_GUARD, PAGE_READONLY | PAGE_NOCACHE,
        PAGE_EXECUTE_READWRITE | PAGE_WRITECOMBINE,
    };
    for (unsigned i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        uint32_t old;
        CHECK_EQ(protect(X + PG, PG, good[i], &old), STATUS_SUCCESS);
        CHECK_EQ(query(X + PG).protect, good[i]);
        CHECK_EQ(allocate(X + 2 * PG, PG, MEM_COMMIT, good[i], NULL), STATUS_SUCCESS);
        CHECK_EQ(query(X + 2 * PG).protect, good[i]);
    }
    teardown();
}

/*
 * "VirtualAlloc", MEM_COMMIT: committing without MEM_RESERVE "fails unless the entire
 * range has already been reserved. The resulting error code is ERROR_INVALID_ADDRESS"
 * (NT: STATUS_CONFLICTING_ADDRESSES); VirtualProtect: the pages "cannot span adjacent
 * reserved regions".
 */
TEST(commit_must_lie_inside_one_reservation)
{
    if (!setup())
        return;
    CHECK_EQ(allocate(X, K64, MEM_RESERVE, PAGE_READWRITE, NULL), STATUS_SUCCESS);
    CHECK_EQ(allocate(X + K64, K64, MEM_RESERVE, PAGE_READWRITE, NULL), STATUS_SUCCESS);
    /* Across the two, past the end, in free space, below the first 64 KiB. */
    CHECK_EQ(allocate(X + K64 - PG, 2 * PG, MEM_COMMIT, PAGE_READWRITE, NULL),
             STATUS_CONFLICTING_ADDRESSES);
    CHECK_EQ(allocate(X + K64 + PG, K64, MEM_COMMIT, PAGE_READWRITE, NULL),
             STATUS_CONFLICTING_ADDRESSES);
    CHECK_EQ(allocate(X + 4 * K64, PG, MEM_COMMIT, PAGE_READWRITE, NULL),
             STATUS_CONFLICTING_ADDRESSES);
    CHECK_EQ(allocate(0x1000, PG, MEM_COMMIT, PAGE_READWRITE, NULL),
             STATUS_CONFLICTING_ADDRESSES);
    CHECK_EQ(allocate(X - PG, 2 * PG, MEM_COMMIT, PAGE_READWRITE, NULL),
             STATUS_CONFLICTING_ADDRESSES);
    /* Nothing was committed by the failures. */
    CHECK_EQ(query(X).region_size, K64);
    CHECK_EQ(query(X).state, MEM_RESERVE);
    CHECK_EQ(query(X + K64).state, MEM_RESERVE);
    CHECK_EQ(charged(), 0);
    /* Each one alone is fine. */
    CHECK_EQ(allocate(X + K64 - PG, PG, MEM_COMMIT, PAGE_READWRITE, NULL), STATUS_SUCCESS);
    CHECK_EQ(allocate(X + K64, PG, MEM_COMMIT, PAGE_READWRITE, NULL), STATUS_SUCCESS);
    teardown();
}

/* "VirtualAlloc": committed "address is rounded down to the next page boundary". */
TEST(commit_covers_the_pages_holding_the_range_and_reports_them)
{
    if (!setup())
        return;
    struct range r;
    CHECK_EQ(allocate(X, K64, MEM_RESERVE, PAGE_NOACCESS, NULL), STATUS_SUCCESS);
    CHECK_EQ(allocate(X + 0x2fff, 2, MEM_COMMIT, PAGE_READONLY, &r), STATUS_SUCCESS);
    CHECK_EQ(r.base, X + 0x2000);
    CHECK_EQ(r.size, 0x2000);
    struct memory_basic_information m = query(X + 0x2000);
    CHECK_MBI(m, X + 0x2000, X, PAGE_NOACCESS, 0x2000, MEM_COMMIT, PAGE_READONLY,
              MEM_PRIVATE);
    teardown();
}

/*
 * "VirtualAlloc": "An attempt to commit a page that is already committed does not cause
 * the function to fail"; the contents stay. The protection becomes the new one: NT's
 * NtAllocateVirtualMemory then calls MiProtectVirtualMemory over the range (ReactOS, Wine's
 * set_protection do the same).
 */
TEST(recommitting_keeps_contents_and_applies_the_new_protection)
{
    if (!setup())
        return;
    CHECK_EQ(allocate(X, K64, MEM_RESERVE, PAGE_READWRITE, NULL), STATUS_SUCCESS);
    CHECK_EQ(allocate(X, 2 * PG, MEM_COMMIT, PAGE_READWRITE, NULL), STATUS_SUCCESS);
    CHECK_EQ(fill(X, 0x5a), STATUS_SUCCESS);
    CHECK_EQ(fill(X + PG, 0xa5), STATUS_SUCCESS);
    uint64_t charge = charged();
    CHECK_EQ(allocate(X, 3 * PG, MEM_COMMIT, PAGE_READONLY, NULL), STATUS_SUCCESS);
    CHECK_EQ(charged(), charge + 1);            /* only the third page is new */
    CHECK(reads(X, 0x5a));
    CHECK(reads(X + PG, 0xa5));
    CHECK(reads(X + 2 * PG, 0));
    CHECK_EQ(touch(X, SIM_WRITE, NULL), STATUS_ACCESS_VIOLATION);
    struct memory_basic_information m = query(X);
    CHECK_MBI(m, X, X, PAGE_READWRITE, 3 * PG, MEM_COMMIT, PAGE_READONLY, MEM_PRIVATE);
    teardown();
}

/*
 * "VirtualAlloc" MEM_COMMIT: "guarantees that when the caller later initially accesses
 * the memory, the contents will be zero"; VirtualFree: decommitted pages become reserved
 * and "Any information that may have been in that memory is gone forever".
 */
TEST(decommit_then_recommit_reads_zero)
{
    if (!setup())
        return;
    struct range r;
    CHECK_EQ(allocate(0, 4 * PG, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE, &r),
             STATUS_SUCCESS);
    for (int i = 0; i < 4; i++)
        CHECK_EQ(fill(r.base + i * PG, (uint8_t)(0x11 * (i + 1))), STATUS_SUCCESS);
    uint64_t private_frames = frames(PFN_PRIVATE);
    CHECK_EQ(release(r.base + PG, 2 * PG, MEM_DECOMMIT, NULL), STATUS_SUCCESS);
    CHECK_EQ(frames(PFN_PRIVATE), private_frames - 2);
    CHECK_EQ(query(r.base + PG).state, MEM_RESERVE);
    CHECK_EQ(touch(r.base + PG, SIM_READ, NULL), STATUS_ACCESS_VIOLATION);
    CHECK_EQ(allocate(r.base + PG, 2 * PG, MEM_COMMIT, PAGE_READWRITE, NULL),
             STATUS_SUCCESS);
    CHECK(reads(r.base, 0x11));
    CHECK(reads(r.base + PG, 0));
    CHECK(reads(r.base + 2 * PG, 0));
    CHECK(reads(r.base + 3 * PG, 0x44));
    teardown();
}

/* "VirtualAlloc" MEM_COMMIT: "Actual physical pages are not allocated unless/until the
 * virtual addresses are actually accessed." */
TEST(commit_is_lazy_frames_come_on_first_touch)
{
    if (!setup())
        return;
    uint64_t private_frames = frames(PFN_PRIVATE);
    struct range r;
    CHECK_EQ(allocate(0, 64 * PG, MEM_COMMIT, PAGE_READWRITE, &r), STATUS_SUCCESS);
    CHECK_EQ(frames(PFN_PRIVATE), private_frames);
    CHECK_EQ(charged(), 64);
    CHECK(reads(r.base + 5 * PG + 17, 0));
    CHECK_EQ(frames(PFN_PRIVATE), private_frames + 1);
    CHECK_EQ(fill(r.base + 63 * PG, 1), STATUS_SUCCESS);
    CHECK_EQ(frames(PFN_PRIVATE), private_frames + 2);
    CHECK(reads(r.base + 5 * PG, 0));          /* no new frame for a second touch */
    CHECK_EQ(frames(PFN_PRIVATE), private_frames + 2);
    teardown();
}

/* NtAllocateVirtualMemory: MEM_COMMIT with a NULL base reserves and commits. */
TEST(commit_without_a_base_reserves_and_commits)
{
    if (!setup())
        return;
    struct range r;
    CHECK_EQ(allocate(0, 3 * PG - 5, MEM_COMMIT, PAGE_EXECUTE_READ, &r), STATUS_SUCCESS);
    CHECK_EQ(r.base % K64, 0);
    CHECK_EQ(r.size, 3 * PG);
    struct memory_basic_information m = query(r.base + PG);
    CHECK_MBI(m, r.base + PG, r.base, PAGE_EXECUTE_READ, 2 * PG, MEM_COMMIT,
              PAGE_EXECUTE_READ, MEM_PRIVATE);
    teardown();
}

/* Reserve and commit at an unaligned base: the whole rounded region is committed. */
TEST(reserve_and_commit_at_an_unaligned_base_commits_the_whole_region)
{
    if (!setup())
        return;
    struct range r;
    CHECK_EQ(allocate(X + 0x1234, 0x2000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE, &r),
             STATUS_SUCCESS);
    CHECK_EQ(r.base, X);
    CHECK_EQ(r.size, 0x4000);
    struct memory_basic_information m = query(X);
    CHECK_MBI(m, X, X, PAGE_READWRITE, 0x4000, MEM_COMMIT, PAGE_READWRITE, MEM_PRIVATE);
    CHECK_EQ(charged(), 4);
    teardown();
}

/* ============================== NtFreeVirtualMemory ============================== */

/*
 * "VirtualFree" MEM_RELEASE: "dwSize must be 0 (zero), and lpAddress must point to the
 * base address returned by the VirtualAlloc function"; NT compares pages (Wine's
 * NtFreeVirtualMemory tests on Windows: base + 0xfff releases, base + 0x1001 is
 * STATUS_FREE_VM_NOT_AT_BASE) and returns the region released.
 */
TEST(release_needs_size_zero_and_the_allocation_base)
{
    if (!setup())
        return;
    struct range r, out;
    CHECK_EQ(allocate(X, K64, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE, &r),
             STATUS_SUCCESS);
    CHECK_EQ(fill(X + PG, 7), STATUS_SUCCESS);
    CHECK_EQ(release(X, 1, MEM_RELEASE, NULL), STATUS_INVALID_PARAMETER);
    CHECK_EQ(release(X, K64, MEM_RELEASE, NULL), STATUS_INVALID_PARAMETER);
    CHECK_EQ(release(X + 0x1001, 0, MEM_RELEASE, NULL), STATUS_FREE_VM_NOT_AT_BASE);
    CHECK_EQ(query(X).state, MEM_COMMIT);
    uint64_t private_frames = frames(PFN_PRIVATE);
    CHECK_EQ(release(X + 0xfff, 0, MEM_RELEASE, &out), STATUS_SUCCESS);
    CHECK_EQ(out.base, X);
    CHECK_EQ(out.size, K64);
    CHECK_EQ(frames(PFN_PRIVATE), private_frames - 1);
    CHECK_EQ(charged(), 0);
    CHECK_EQ(query(X).state, MEM_FREE);
    CHECK_EQ(touch(X + PG, SIM_READ, NULL), STATUS_ACCESS_VIOLATION);
    /* Released space is free again, and can be reserved again. */
    CHECK_EQ(release(X, 0, MEM_RELEASE, NULL), STATUS_MEMORY_NOT_ALLOCATED);
    CHECK_EQ(allocate(X, K64, MEM_RESERVE, PAGE_READWRITE, NULL), STATUS_SUCCESS);
    teardown();
}

/* NtFreeVirtualMemory's statuses, in its order. */
TEST(free_reports_each_error)
{
    if (!setup())
        return;
    CHECK_EQ(allocate(X, 2 * PG, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE, NULL),
             STATUS_SUCCESS);
    /* "Do not use this value with MEM_RELEASE" / exactly one free type. */
    CHECK_EQ(release(X, 0, 0, NULL), STATUS_INVALID_PARAMETER);
    CHECK_EQ(release(X, 0, MEM_DECOMMIT | MEM_RELEASE, NULL), STATUS_INVALID_PARAMETER);
    CHECK_EQ(release(X, 0, MEM_RESERVE, NULL), STATUS_INVALID_PARAMETER);
    /* Beyond user space. */
    CHECK_EQ(release(USER_END, 0, MEM_DECOMMIT, NULL), STATUS_INVALID_PARAMETER);
    CHECK_EQ(release(X, UINT64_MAX - PG, MEM_DECOMMIT, NULL), STATUS_INVALID_PARAMETER);
    /* Not allocated: free space (ERROR_INVALID_ADDRESS in Win32). */
    CHECK_EQ(release(X + K64, PG, MEM_DECOMMIT, NULL), STATUS_MEMORY_NOT_ALLOCATED);
    CHECK_EQ(release(X + 2 * PG, 0, MEM_RELEASE, NULL), STATUS_MEMORY_NOT_ALLOCATED);
    CHECK_EQ(release(0, 0, MEM_RELEASE, NULL), STATUS_MEMORY_NOT_ALLOCATED);
    /* Past the end of the reservation. */
    CHECK_EQ(release(X + PG, 2 * PG, MEM_DECOMMIT, NULL), STATUS_UNABLE_TO_FREE_VM);
    /* Size 0 away from the base. */
    CHECK_EQ(release(X + PG, 0, MEM_DECOMMIT, NULL), STATUS_FREE_VM_NOT_AT_BASE);
    CHECK_EQ(query(X).region_size, 2 * PG);
    CHECK_EQ(query(X).state, MEM_COMMIT);
    teardown();
}

/*
 * "VirtualFree" MEM_DECOMMIT: all pages holding a byte of the range; size 0 at the base
 * decommits the whole region. The values written back are those of the Wine test run on
 * Windows: the page range, or for size 0 the region base with the size left 0.
 */
TEST(decommit_rounds_to_pages_and_size_zero_takes_the_whole_region)
{
    if (!setup())
        return;
    struct range out;
    CHECK_EQ(allocate(X, K64, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE, NULL),
             STATUS_SUCCESS);
    CHECK_EQ(release(X + 0x1fff, 2, MEM_DECOMMIT, &out), STATUS_SUCCESS);
    CHECK_EQ(out.base, X + 0x1000);
    CHECK_EQ(out.size, 0x2000);
    CHECK_EQ(charged(), 14);
    struct memory_basic_information m = query(X + 0x1000);
    CHECK_MBI(m, X + 0x1000, X, PAGE_READWRITE, 0x2000, MEM_RESERVE, 0, MEM_PRIVATE);
    /* Decommitting uncommitted pages is fine ("does not fail"). */
    CHECK_EQ(release(X + 0x1000, 0x2000, MEM_DECOMMIT, NULL), STATUS_SUCCESS);
    CHECK_EQ(release(X + 0xffe, 0, MEM_DECOMMIT, &out), STATUS_SUCCESS);
    CHECK_EQ(out.base, X);
    CHECK_EQ(out.size, 0);
    m = query(X);
    CHECK_MBI(m, X, X, PAGE_READWRITE, K64, MEM_RESERVE, 0, MEM_PRIVATE);
    CHECK_EQ(charged(), 0);
    teardown();
}

/* ============================= NtProtectVirtualMemory ============================= */

/*
 * "VirtualProtect": "If the state of any page in the specified region is not committed,
 * the function fails and returns without modifying the access protection of any pages"
 * (STATUS_NOT_COMMITTED); outside one reservation: STATUS_CONFLICTING_ADDRESSES (NT,
 * ReactOS MiProtectVirtualMemory); both are ERROR_INVALID_ADDRESS in Win32.
 */
TEST(protect_needs_committed_pages_of_one_reservation)
{
    if (!setup())
        return;
    CHECK_EQ(allocate(X, K64, MEM_RESERVE, PAGE_READWRITE, NULL), STATUS_SUCCESS);
    CHECK_EQ(allocate(X + K64, K64, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE, NULL),
             STATUS_SUCCESS);
    CHECK_EQ(protect(X, PG, PAGE_READONLY, NULL), STATUS_NOT_COMMITTED);
    CHECK_EQ(allocate(X, 2 * PG, MEM_COMMIT, PAGE_READWRITE, NULL), STATUS_SUCCESS);
    CHECK_EQ(protect(X, 3 * PG, PAGE_READONLY, NULL), STATUS_NOT_COMMITTED);
    CHECK_EQ(protect(X + K64 - PG, 2 * PG, PAGE_READONLY, NULL),
             STATUS_CONFLICTING_ADDRESSES);
    CHECK_EQ(protect(X + 2 * K64, PG, PAGE_READONLY, NULL), STATUS_CONFLICTING_ADDRESSES);
    CHECK_EQ(protect(X, 0, PAGE_READONLY, NULL), STATUS_INVALID_PARAMETER);
    CHECK_EQ(protect(USER_END, PG, PAGE_READONLY, NULL), STATUS_INVALID_PARAMETER);
    /* Nothing changed. */
    CHECK_EQ(query(X).protect, PAGE_READWRITE);
    CHECK_EQ(query(X).region_size, 2 * PG);
    CHECK_EQ(query(X + K64).protect, PAGE_READWRITE);
    CHECK_EQ(query(X + K64).region_size, K64);
    teardown();
}

/* "VirtualProtect" lpflOldProtect: "the previous access protection value of the first
 * page in the specified region". */
TEST(protect_returns_the_first_pages_old_protection)
{
    if (!setup())
        return;
    CHECK_EQ(allocate(X, K64, MEM_RESERVE, PAGE_NOACCESS, NULL), STATUS_SUCCESS);
    CHECK_EQ(allocate(X, PG, MEM_COMMIT, PAGE_EXECUTE_READ, NULL), STATUS_SUCCESS);
    CHECK_EQ(allocate(X + PG, 2 * PG, MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD, NULL),
             STATUS_SUCCESS);
    uint32_t old = 0;
    uint64_t base = X + 0x10, size = 3 * PG - 0x10;
    CHECK_EQ(as_protect(&as, &base, &size, PAGE_READONLY, &old), STATUS_SUCCESS);
    CHECK_EQ(old, PAGE_EXECUTE_READ);
    CHECK_EQ(base, X);
    CHECK_EQ(size, 3 * PG);
    CHECK_EQ(protect(X + PG, PG, PAGE_NOACCESS, &old), STATUS_SUCCESS);
    CHECK_EQ(old, PAGE_READONLY);
    struct memory_basic_information m = query(X);
    CHECK_MBI(m, X, X, PAGE_NOACCESS, PG, MEM_COMMIT, PAGE_READONLY, MEM_PRIVATE);
    teardown();
}

/* Protection changes reach the TLB at once: a cached writable translation is dropped. */
TEST(protect_invalidates_cached_translations)
{
    if (!setup())
        return;
    struct range r;
    CHECK_EQ(allocate(0, 40 * PG, MEM_COMMIT, PAGE_READWRITE, &r), STATUS_SUCCESS);
    for (int i = 0; i < 40; i++)
        CHECK_EQ(fill(r.base + i * PG, 3), STATUS_SUCCESS);    /* 40 cached entries */
    CHECK_EQ(protect(r.base, 40 * PG, PAGE_READONLY, NULL), STATUS_SUCCESS);
    uint64_t pa, error;
    for (int i = 0; i < 40; i++)
        CHECK(sim_access(r.base + i * PG, SIM_WRITE, 1, &pa, &error) != 0);
    CHECK(reads(r.base + 39 * PG, 3));
    teardown();
}

/* "Memory Protection Constants", PAGE_NOACCESS: access violation; contents are kept. */
TEST(noaccess_pages_keep_their_contents)
{
    if (!setup())
        return;
    struct range r;
    CHECK_EQ(allocate(0, PG, MEM_COMMIT, PAGE_READWRITE, &r), STATUS_SUCCESS);
    CHECK_EQ(fill(r.base, 0x77), STATUS_SUCCESS);
    CHECK_EQ(protect(r.base, PG, PAGE_NOACCESS, NULL), STATUS_SUCCESS);
    CHECK_EQ(touch(r.base, SIM_READ, NULL), STATUS_ACCESS_VIOLATION);
    CHECK_EQ(query(r.base).protect, PAGE_NOACCESS);
    CHECK_EQ(protect(r.base, PG, PAGE_READWRITE, NULL), STATUS_SUCCESS);
    CHECK(reads(r.base, 0x77));
    teardown();
}

/* ============================== NtQueryVirtualMemory ============================== */

/*
 * "VirtualQuery" remarks: a region is the run of pages with the same state, the same
 * allocation and the same access; "MEMORY_BASIC_INFORMATION structure"; the values of
 * reserved (protect 0) and free (PAGE_NOACCESS, zero allocation) pages are Windows'
 * (Wine's tests run on Windows: "NT reports Protect == 0 for a not committed memory").
 */
TEST(query_splits_a_reservation_with_a_committed_middle_into_three)
{
    if (!setup())
        return;
    CHECK_EQ(allocate(X, 16 * PG, MEM_RESERVE, PAGE_EXECUTE_READWRITE, NULL),
             STATUS_SUCCESS);
    CHECK_EQ(allocate(X + 4 * PG, 4 * PG, MEM_COMMIT, PAGE_READWRITE, NULL),
             STATUS_SUCCESS);
    struct memory_basic_information m = query(X + 123);
    CHECK_MBI(m, X, X, PAGE_EXECUTE_READWRITE, 4 * PG, MEM_RESERVE, 0, MEM_PRIVATE);
    m = query(X + 5 * PG + 1);
    CHECK_MBI(m, X + 5 * PG, X, PAGE_EXECUTE_READWRITE, 3 * PG, MEM_COMMIT, PAGE_READWRITE,
              MEM_PRIVATE);
    m = query(X + 4 * PG);
    CHECK_EQ(m.region_size, 4 * PG);
    m = query(X + 8 * PG);
    CHECK_MBI(m, X + 8 * PG, X, PAGE_EXECUTE_READWRITE, 8 * PG, MEM_RESERVE, 0,
              MEM_PRIVATE);
    teardown();
}

TEST(query_splits_on_protection_and_guard)
{
    if (!setup())
        return;
    struct range r;
    CHECK_EQ(allocate(0, 4 * PG, MEM_COMMIT, PAGE_READWRITE, &r), STATUS_SUCCESS);
    CHECK_EQ(protect(r.base + 2 * PG, PG, PAGE_READONLY, NULL), STATUS_SUCCESS);
    CHECK_EQ(protect(r.base + 3 * PG, PG, PAGE_READWRITE | PAGE_GUARD, NULL),
             STATUS_SUCCESS);
    CHECK_EQ(query(r.base).region_size, 2 * PG);
    CHECK_EQ(query(r.base + 2 * PG).region_size, PG);
    CHECK_EQ(query(r.base + 2 * PG).protect, PAGE_READONLY);
    struct memory_basic_information m = query(r.base + 3 * PG);
    CHECK_MBI(m, r.base + 3 * PG, r.base, PAGE_READWRITE, PG, MEM_COMMIT,
              PAGE_READWRITE | PAGE_GUARD, MEM_PRIVATE);
    /* A touched and an untouched page of equal protection are one region. */
    CHECK_EQ(fill(r.base, 1), STATUS_SUCCESS);
    CHECK_EQ(query(r.base).region_size, 2 * PG);
    teardown();
}

/*
 * "VirtualQuery": for free memory the region runs to the next allocation ("a 40 MB region
 * of free memory ... 10 MB into the region ... a size of 30 MB"); above the highest user
 * address the call fails with ERROR_INVALID_PARAMETER.
 */
TEST(query_sizes_free_regions_to_the_next_allocation)
{
    if (!setup())
        return;
    CHECK_EQ(allocate(X, K64, MEM_RESERVE, PAGE_READONLY, NULL), STATUS_SUCCESS);
    CHECK_EQ(allocate(X + 40 * K64, K64, MEM_RESERVE, PAGE_READONLY, NULL), STATUS_SUCCESS);
    struct memory_basic_information m = query(X + 10 * K64 + 5);
    CHECK_MBI(m, X + 10 * K64, 0, 0, 30 * K64, MEM_FREE, PAGE_NOACCESS, 0);
    m = query(X - 1);
    CHECK_MBI(m, X - PG, 0, 0, PG, MEM_FREE, PAGE_NOACCESS, 0);
    m = query(0);
    CHECK_MBI(m, 0, 0, 0, X, MEM_FREE, PAGE_NOACCESS, 0);
    m = query(X + 41 * K64);
    CHECK_MBI(m, X + 41 * K64, 0, 0, USER_END - (X + 41 * K64), MEM_FREE, PAGE_NOACCESS, 0);
    m = query(USER_MAX_ADDRESS);
    CHECK_MBI(m, USER_END - PG, 0, 0, PG, MEM_FREE, PAGE_NOACCESS, 0);
    struct memory_basic_information out;
    CHECK_EQ(as_query(&as, USER_END, &out), STATUS_INVALID_PARAMETER);
    CHECK_EQ(as_query(&as, 0xffff800000000000ull, &out), STATUS_INVALID_PARAMETER);
    teardown();
}

/* "VirtualQuery": "all pages in the region are part of the same initial allocation". */
TEST(query_stops_at_the_end_of_the_allocation)
{
    if (!setup())
        return;
    CHECK_EQ(allocate(X, K64, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE, NULL),
             STATUS_SUCCESS);
    CHECK_EQ(allocate(X + K64, K64, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE, NULL),
             STATUS_SUCCESS);
    struct memory_basic_information m = query(X + PG);
    CHECK_MBI(m, X + PG, X, PAGE_READWRITE, K64 - PG, MEM_COMMIT, PAGE_READWRITE,
              MEM_PRIVATE);
    m = query(X + K64);
    CHECK_EQ(m.allocation_base, X + K64);
    CHECK_EQ(m.region_size, K64);
    teardown();
}

/* A large reservation is queried a table at a time, not a page at a time. */
TEST(query_of_a_huge_reservation_skips_empty_tables)
{
    if (!setup())
        return;
    uint64_t size = 1ull << 40;                 /* 1 TiB: 268 million pages */
    struct range r;
    CHECK_EQ(allocate(0, size, MEM_RESERVE, PAGE_READWRITE, &r), STATUS_SUCCESS);
    CHECK_EQ(allocate(r.base + size - PG, PG, MEM_COMMIT, PAGE_READWRITE, NULL),
             STATUS_SUCCESS);
    struct memory_basic_information m = query(r.base);
    CHECK_MBI(m, r.base, r.base, PAGE_READWRITE, size - PG, MEM_RESERVE, 0, MEM_PRIVATE);
    m = query(r.base + size - PG);
    CHECK_EQ(m.state, MEM_COMMIT);
    CHECK_EQ(m.region_size, PG);
    CHECK_EQ(release(r.base, 0, MEM_RELEASE, NULL), STATUS_SUCCESS);
    teardown();
}

/* ================================= Commit charge ================================= */

/*
 * Commit charge: committing charges the pages not yet committed, against the limit
 * (STATUS_COMMITMENT_LIMIT past it, nothing changed); re-committing is free; decommit
 * and release give it back.
 */
TEST(commit_charge_and_the_commitment_limit)
{
    if (!setup())
        return;
    commit_init(32);
    CHECK_EQ(allocate(X, 4 * K64, MEM_RESERVE, PAGE_READWRITE, NULL), STATUS_SUCCESS);
    CHECK_EQ(charged(), 0);                     /* reserving charges nothing */
    CHECK_EQ(allocate(X, 20 * PG, MEM_COMMIT, PAGE_READWRITE, NULL), STATUS_SUCCESS);
    CHECK_EQ(charged(), 20);
    CHECK_EQ(as.commit_pages, 20);
    CHECK_EQ(allocate(X + 10 * PG, 20 * PG, MEM_COMMIT, PAGE_READWRITE, NULL),
             STATUS_SUCCESS);                   /* 10 already committed, 10 new */
    CHECK_EQ(charged(), 30);
    CHECK_EQ(allocate(X + 30 * PG, 2 * PG, MEM_COMMIT, PAGE_READONLY, NULL),
             STATUS_SUCCESS);
    CHECK_EQ(charged(), 32);
    CHECK_EQ(allocate(X + 32 * PG, PG, MEM_COMMIT, PAGE_READWRITE, NULL),
             STATUS_COMMITMENT_LIMIT);
    CHECK_EQ(query(X + 32 * PG).state, MEM_RESERVE);
    CHECK_EQ(allocate(X, 32 * PG, MEM_COMMIT, PAGE_READWRITE, NULL), STATUS_SUCCESS);
    CHECK_EQ(charged(), 32);
    /* A new reservation that would commit too much leaves nothing behind. */
    CHECK_EQ(allocate(0, PG, MEM_COMMIT, PAGE_READWRITE, NULL), STATUS_COMMITMENT_LIMIT);
    CHECK_EQ(as.vads.count, 1);
    CHECK_EQ(release(X, 8 * PG, MEM_DECOMMIT, NULL), STATUS_SUCCESS);
    CHECK_EQ(charged(), 24);
    CHECK_EQ(as.commit_pages, 24);
    CHECK_EQ(allocate(0, 8 * PG, MEM_COMMIT, PAGE_READWRITE, NULL), STATUS_SUCCESS);
    CHECK_EQ(charged(), 32);
    CHECK_EQ(release(X, 0, MEM_RELEASE, NULL), STATUS_SUCCESS);
    CHECK_EQ(charged(), 8);
    struct commit_stats s;
    commit_stats(&s);
    CHECK_EQ(s.limit, 32);
    CHECK_EQ(s.peak, 32);
    teardown();
}

/* A page table that cannot be allocated fails the commit with nothing changed. */
TEST(commit_without_memory_for_tables_changes_nothing)
{
    if (!setup())
        return;
    CHECK_EQ(allocate(X, 1ull << 30, MEM_RESERVE, PAGE_READWRITE, NULL), STATUS_SUCCESS);
    CHECK_EQ(allocate(X + 4 * PG, PG, MEM_COMMIT, PAGE_READONLY, NULL), STATUS_SUCCESS);
    uint64_t tables = frames(PFN_PAGETABLE);
    hog_all();
    /* 4 MiB: the pages of the first page table get written, the second table fails. */
    CHECK_EQ(allocate(X, 4ull << 20, MEM_COMMIT, PAGE_READWRITE, NULL), STATUS_NO_MEMORY);
    hog_release();
    CHECK_EQ(frames(PFN_PAGETABLE), tables);
    CHECK_EQ(charged(), 1);
    struct memory_basic_information m = query(X);
    CHECK_MBI(m, X, X, PAGE_READWRITE, 4 * PG, MEM_RESERVE, 0, MEM_PRIVATE);
    CHECK_EQ(query(X + 4 * PG).protect, PAGE_READONLY);
    CHECK_EQ(query(X + 5 * PG).region_size, (1ull << 30) - 5 * PG);
    teardown();
}

/* ================================ Faults and guards ================================ */

/* "Creating Guard Pages": a one-time alarm; the access raises STATUS_GUARD_PAGE_VIOLATION
 * and "The system also clears the PAGE_GUARD modifier". */
TEST(guard_pages_fire_once)
{
    if (!setup())
        return;
    struct range r;
    CHECK_EQ(allocate(0, 2 * PG, MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD, &r),
             STATUS_SUCCESS);
    CHECK_EQ(query(r.base).protect, PAGE_READWRITE | PAGE_GUARD);
    CHECK_EQ(touch(r.base + 8, SIM_WRITE, NULL), STATUS_GUARD_PAGE_VIOLATION);
    CHECK_EQ(query(r.base).protect, PAGE_READWRITE);
    CHECK_EQ(query(r.base).region_size, PG);
    CHECK_EQ(fill(r.base, 9), STATUS_SUCCESS);
    CHECK(reads(r.base, 9));
    /* A page with contents made a guard page keeps them past the alarm. */
    CHECK_EQ(protect(r.base, PG, PAGE_READONLY | PAGE_GUARD, NULL), STATUS_SUCCESS);
    CHECK_EQ(touch(r.base, SIM_READ, NULL), STATUS_GUARD_PAGE_VIOLATION);
    CHECK(reads(r.base, 9));
    CHECK_EQ(query(r.base).protect, PAGE_READONLY);
    teardown();
}

/* Access violations of every kind (fault.h rules 1 and 2). */
TEST(access_violations_of_each_kind)
{
    if (!setup())
        return;
    CHECK_EQ(allocate(X, K64, MEM_RESERVE, PAGE_READWRITE, NULL), STATUS_SUCCESS);
    CHECK_EQ(allocate(X, PG, MEM_COMMIT, PAGE_NOACCESS, NULL), STATUS_SUCCESS);
    CHECK_EQ(allocate(X + PG, PG, MEM_COMMIT, PAGE_READONLY, NULL), STATUS_SUCCESS);
    CHECK_EQ(allocate(X + 2 * PG, PG, MEM_COMMIT, PAGE_READWRITE, NULL), STATUS_SUCCESS);
    CHECK_EQ(allocate(X + 3 * PG, PG, MEM_COMMIT, PAGE_EXECUTE, NULL), STATUS_SUCCESS);
    CHECK_EQ(allocate(X + 4 * PG, PG, MEM_COMMIT, PAGE_READONLY | PAGE_GUARD, NULL),
             STATUS_SUCCESS);
    uint64_t private_frames = frames(PFN_PRIVATE);
    CHECK_EQ(touch(X + 2 * K64, SIM_READ, NULL), STATUS_ACCESS_VIOLATION);     /* free */
    CHECK_EQ(touch(X + 8 * PG, SIM_READ, NULL),
             STATUS_ACCESS_VIOLATION);      /* reserved */
    CHECK_EQ(touch(X, SIM_READ, NULL),
             STATUS_ACCESS_VIOLATION);               /* noaccess */
    CHECK_EQ(touch(X, SIM_WRITE, NULL), STATUS_ACCESS_VIOLATION);
    CHECK_EQ(touch(X, SIM_EXEC, NULL), STATUS_ACCESS_VIOLATION);
    CHECK_EQ(touch(X + PG, SIM_WRITE, NULL),
             STATUS_ACCESS_VIOLATION);         /* read-only */
    CHECK_EQ(touch(X + PG, SIM_EXEC, NULL), STATUS_ACCESS_VIOLATION);          /* DEP */
    CHECK_EQ(touch(X + 2 * PG, SIM_EXEC, NULL), STATUS_ACCESS_VIOLATION);
    CHECK_EQ(touch(X + 3 * PG, SIM_WRITE, NULL), STATUS_ACCESS_VIOLATION);     /* execute */
    /* A write to a read-only guard page is a violation; the guard stays. */
    CHECK_EQ(touch(X + 4 * PG, SIM_WRITE, NULL), STATUS_ACCESS_VIOLATION);
    CHECK_EQ(query(X + 4 * PG).protect, PAGE_READONLY | PAGE_GUARD);
    CHECK_EQ(frames(PFN_PRIVATE), private_frames);      /* no frame for any of them */
    /* And what is allowed is allowed. */
    CHECK(reads(X + PG, 0));
    CHECK_EQ(touch(X + 2 * PG, SIM_WRITE, NULL), STATUS_SUCCESS);
    CHECK_EQ(touch(X + 3 * PG, SIM_EXEC, NULL), STATUS_SUCCESS);
    CHECK_EQ(touch(X + 3 * PG, SIM_READ, NULL), STATUS_SUCCESS);    /* no execute-only */
    teardown();
}

/* ==================================== MEM_RESET ==================================== */

/*
 * "VirtualAlloc" MEM_RESET: the data "is no longer of interest", the pages stay
 * committed; "does not guarantee that the range ... will contain zeros" (Reservoir frees
 * the frames at once, so they do); flProtect is ignored but must be valid.
 */
TEST(mem_reset_discards_contents_and_keeps_pages_committed)
{
    if (!setup())
        return;
    struct range r, out;
    CHECK_EQ(allocate(X, K64, MEM_RESERVE, PAGE_READWRITE, NULL), STATUS_SUCCESS);
    CHECK_EQ(allocate(X, 4 * PG, MEM_COMMIT, PAGE_READWRITE, &r), STATUS_SUCCESS);
    CHECK_EQ(protect(X + 3 * PG, PG, PAGE_NOACCESS, NULL), STATUS_SUCCESS);
    CHECK_EQ(fill(X, 1), STATUS_SUCCESS);
    CHECK_EQ(fill(X + PG, 2), STATUS_SUCCESS);
    uint64_t private_frames = frames(PFN_PRIVATE), charge = charged();
    CHECK_EQ(allocate(X + 0x800, PG, MEM_RESET, PAGE_NOACCESS, &out), STATUS_SUCCESS);
    CHECK_EQ(out.base, X);
    CHECK_EQ(out.size, 2 * PG);
    CHECK_EQ(frames(PFN_PRIVATE), private_frames - 2);
    CHECK_EQ(charged(), charge);
    struct memory_basic_information m = query(X);
    CHECK_MBI(m, X, X, PAGE_READWRITE, 3 * PG, MEM_COMMIT, PAGE_READWRITE, MEM_PRIVATE);
    CHECK(reads(X, 0));
    CHECK(reads(X + PG, 0));
    /* Reserved pages in the range stay reserved; free space is not a reservation. */
    CHECK_EQ(allocate(X, K64, MEM_RESET, PAGE_READWRITE, NULL), STATUS_SUCCESS);
    CHECK_EQ(query(X + 4 * PG).state, MEM_RESERVE);
    CHECK_EQ(query(X + 3 * PG).protect, PAGE_NOACCESS);
    CHECK_EQ(allocate(X + K64, PG, MEM_RESET, PAGE_READWRITE, NULL),
             STATUS_CONFLICTING_ADDRESSES);
    CHECK_EQ(allocate(0, PG, MEM_RESET, PAGE_READWRITE, NULL),
             STATUS_CONFLICTING_ADDRESSES);
    teardown();
}

/* ==================================== Lifetime ==================================== */

/* as_destroy returns every frame, table, VAD and page of charge (checked by teardown). */
TEST(destroy_returns_everything)
{
    if (!setup())
        return;
    struct range r;
    for (int i = 0; i < 20; i++) {
        CHECK_EQ(allocate(0, (uint64_t)(i + 1) * 3 * PG, MEM_COMMIT, PAGE_READWRITE, &r),
                 STATUS_SUCCESS);
        CHECK_EQ(fill(r.base + i * PG, (uint8_t)i), STATUS_SUCCESS);
        if (i % 3 == 0)
            CHECK_EQ(protect(r.base, PG, PAGE_NOACCESS, NULL), STATUS_SUCCESS);
    }
    CHECK_EQ(allocate(0x7ff000000000ull, 1ull << 32, MEM_RESERVE, PAGE_READWRITE, NULL),
             STATUS_SUCCESS);
    uint64_t far = 0x7ff000000000ull + (1ull << 31);
    CHECK_EQ(allocate(far, PG, MEM_COMMIT, PAGE_READWRITE, NULL), STATUS_SUCCESS);
    CHECK_EQ(fill(far, 1), STATUS_SUCCESS);
    CHECK(frames(PFN_PRIVATE) > before.by_state[PFN_PRIVATE]);
    CHECK(charged() > 0);
    teardown();
}

/* ================================ Image views ================================ */

/*
 * as_reserve_image: what VirtualQuery shows for an executable's pages on Windows
 * (MEM_IMAGE, AllocationBase the image base, AllocationProtect PAGE_EXECUTE_WRITECOPY;
 * Wine's loader test test_VirtualProtect, which passes on Windows).
 */
TEST(image_view_is_mem_image_with_execute_writecopy)
{
    if (!setup())
        return;
    CHECK_EQ(as_reserve_image(&as, X, 3 * PG), STATUS_SUCCESS);
    struct memory_basic_information m = query(X + PG + 5);
    CHECK_MBI(m, X + PG, X, PAGE_EXECUTE_WRITECOPY, 2 * PG, MEM_COMMIT, PAGE_READWRITE,
              MEM_IMAGE);
    /* The loader fills it, then gives sections their protections. */
    CHECK_EQ(fill(X, 0x11), STATUS_SUCCESS);
    CHECK_EQ(fill(X + 2 * PG, 0x22), STATUS_SUCCESS);
    CHECK_EQ(protect(X, PG, PAGE_EXECUTE_READ, NULL), STATUS_SUCCESS);
    CHECK_EQ(protect(X + PG, PG, PAGE_READONLY, NULL), STATUS_SUCCESS);
    CHECK_EQ(protect(X + 2 * PG, PG, PAGE_READWRITE, NULL), STATUS_SUCCESS);
    CHECK_MBI(query(X), X, X, PAGE_EXECUTE_WRITECOPY, PG, MEM_COMMIT, PAGE_EXECUTE_READ,
              MEM_IMAGE);
    CHECK_MBI(query(X + PG), X + PG, X, PAGE_EXECUTE_WRITECOPY, PG, MEM_COMMIT,
              PAGE_READONLY, MEM_IMAGE);
    /* "data" asked read-write is copy-on-write until written. */
    CHECK_MBI(query(X + 2 * PG), X + 2 * PG, X, PAGE_EXECUTE_WRITECOPY, PG, MEM_COMMIT,
              PAGE_WRITECOPY, MEM_IMAGE);
    CHECK(reads(X + 2 * PG, 0x22));
    CHECK_EQ(fill(X + 2 * PG, 0x33), STATUS_SUCCESS);
    CHECK_MBI(query(X + 2 * PG), X + 2 * PG, X, PAGE_EXECUTE_WRITECOPY, PG, MEM_COMMIT,
              PAGE_READWRITE, MEM_IMAGE);
    CHECK(reads(X + 2 * PG, 0x33));
    CHECK(reads(X, 0x11));
    /* Bad arguments. */
    CHECK_EQ(as_reserve_image(&as, X + K64 + PG, PG), STATUS_INVALID_PARAMETER);
    CHECK_EQ(as_reserve_image(&as, X + K64, 0), STATUS_INVALID_PARAMETER);
    CHECK_EQ(as_reserve_image(&as, X + K64, PG + 1), STATUS_INVALID_PARAMETER);
    CHECK_EQ(as_reserve_image(&as, USER_END - K64, 2 * K64), STATUS_INVALID_PARAMETER);
    CHECK_EQ(as_reserve_image(&as, X, PG), STATUS_CONFLICTING_ADDRESSES);
    teardown();
}

/*
 * VirtualProtect on image pages (Wine's loader test_VirtualProtect, passing on Windows):
 * PAGE_READWRITE reads back PAGE_WRITECOPY, PAGE_EXECUTE_READWRITE PAGE_EXECUTE_WRITECOPY,
 * the copy-on-write protections are accepted, invalid ones refused as anywhere.
 */
TEST(protect_on_an_image_makes_writable_protections_copy_on_write)
{
    if (!setup())
        return;
    CHECK_EQ(as_reserve_image(&as, X, PG), STATUS_SUCCESS);
    static const struct {
        uint32_t set, get;
    } table[] = {
        { PAGE_NOACCESS, PAGE_NOACCESS },
        { PAGE_READONLY, PAGE_READONLY },
        { PAGE_READWRITE, PAGE_WRITECOPY },
        { PAGE_WRITECOPY, PAGE_WRITECOPY },
        { PAGE_EXECUTE, PAGE_EXECUTE },
        { PAGE_EXECUTE_READ, PAGE_EXECUTE_READ },
        { PAGE_EXECUTE_READWRITE, PAGE_EXECUTE_WRITECOPY },
        { PAGE_EXECUTE_WRITECOPY, PAGE_EXECUTE_WRITECOPY },
        { PAGE_READWRITE | PAGE_GUARD, PAGE_WRITECOPY | PAGE_GUARD },
    };
    for (unsigned i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        uint32_t old = 0;
        CHECK_EQ(protect(X, PG, PAGE_NOACCESS, NULL), STATUS_SUCCESS);
        CHECK_EQ(protect(X, PG, table[i].set, &old), STATUS_SUCCESS);
        CHECK_EQ(old, PAGE_NOACCESS);
        CHECK_EQ(query(X).protect, table[i].get);
    }
    CHECK_EQ(protect(X, PG, PAGE_READONLY | PAGE_NOACCESS, NULL),
             STATUS_INVALID_PAGE_PROTECTION);
    CHECK_EQ(protect(X, PG, PAGE_WRITECOPY | PAGE_READWRITE, NULL),
             STATUS_INVALID_PAGE_PROTECTION);
    CHECK_EQ(query(X).protect, PAGE_WRITECOPY | PAGE_GUARD);
    /* A write through PAGE_EXECUTE_WRITECOPY: PAGE_EXECUTE_READWRITE afterwards. */
    CHECK_EQ(protect(X, PG, PAGE_EXECUTE_WRITECOPY, NULL), STATUS_SUCCESS);
    CHECK_EQ(touch(X, SIM_EXEC, NULL), STATUS_SUCCESS);
    CHECK_EQ(fill(X, 5), STATUS_SUCCESS);
    CHECK_EQ(query(X).protect, PAGE_EXECUTE_READWRITE);
    CHECK_EQ(touch(X, SIM_EXEC, NULL), STATUS_SUCCESS);
    /* Private memory still refuses copy-on-write. */
    CHECK_EQ(allocate(X + K64, PG, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE, NULL),
             STATUS_SUCCESS);
    CHECK_EQ(protect(X + K64, PG, PAGE_WRITECOPY, NULL), STATUS_INVALID_PAGE_PROTECTION);
    CHECK_EQ(protect(X + K64, PG, PAGE_EXECUTE_WRITECOPY, NULL),
             STATUS_INVALID_PAGE_PROTECTION);
    teardown();
}

/*
 * NtFreeVirtualMemory refuses image memory with STATUS_UNABLE_TO_DELETE_SECTION, after the
 * range check (Windows Research Kernel, freevm.c: only private memory is deleted);
 * NtAllocateVirtualMemory's MEM_COMMIT there is STATUS_ALREADY_COMMITTED (allocvm.c:
 * "Only page file backed sections can be committed"). MEM_RESET keeps the contents.
 */
TEST(image_memory_cannot_be_freed_or_committed)
{
    if (!setup())
        return;
    CHECK_EQ(as_reserve_image(&as, X, 2 * PG), STATUS_SUCCESS);
    CHECK_EQ(fill(X, 0x5a), STATUS_SUCCESS);
    CHECK_EQ(release(X, 0, MEM_RELEASE, NULL), STATUS_UNABLE_TO_DELETE_SECTION);
    CHECK_EQ(release(X, 0, MEM_DECOMMIT, NULL), STATUS_UNABLE_TO_DELETE_SECTION);
    CHECK_EQ(release(X + PG, PG, MEM_DECOMMIT, NULL), STATUS_UNABLE_TO_DELETE_SECTION);
    CHECK_EQ(release(X + PG, 0, MEM_DECOMMIT, NULL), STATUS_UNABLE_TO_DELETE_SECTION);
    CHECK_EQ(release(X + PG, 2 * PG, MEM_DECOMMIT, NULL), STATUS_UNABLE_TO_FREE_VM);
    CHECK_EQ(allocate(X, PG, MEM_COMMIT, PAGE_READWRITE, NULL), STATUS_ALREADY_COMMITTED);
    CHECK_EQ(allocate(X, PG, MEM_RESERVE, PAGE_READWRITE, NULL),
             STATUS_CONFLICTING_ADDRESSES);
    CHECK_EQ(allocate(X, PG, MEM_RESET, PAGE_READWRITE, NULL), STATUS_SUCCESS);
    CHECK(reads(X, 0x5a));
    CHECK_MBI(query(X), X, X, PAGE_EXECUTE_WRITECOPY, 2 * PG, MEM_COMMIT, PAGE_READWRITE,
              MEM_IMAGE);
    teardown();
}

/*
 * Released VAD nodes are kept as spares (up to AS_SPARE_VADS_MAX) and reused; a reused
 * node carries nothing of its last reservation, and as_destroy frees the spares too
 * (teardown checks the heap).
 */
TEST(released_vads_are_reused_and_bounded)
{
    if (!setup())
        return;
    struct kheap_stats h0, h1;
    struct range r[AS_SPARE_VADS_MAX + 4];
    unsigned n = AS_SPARE_VADS_MAX + 4;
    for (unsigned i = 0; i < n; i++)
        REQUIRE(allocate(0, K64, MEM_RESERVE, PAGE_EXECUTE_READ, &r[i]) == STATUS_SUCCESS);
    kheap_stats(&h0);
    for (unsigned i = 0; i < n; i++)
        CHECK_EQ(release(r[i].base, 0, MEM_RELEASE, NULL), STATUS_SUCCESS);
    kheap_stats(&h1);
    CHECK_EQ(h0.live_objects - h1.live_objects, n - AS_SPARE_VADS_MAX);  /* 4 freed */

    /* The next reservations take spares, not the heap, and start clean. */
    struct range a;
    REQUIRE(allocate(0, 3 * K64, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE, &a) ==
            STATUS_SUCCESS);
    kheap_stats(&h0);
    CHECK_EQ(h0.live_objects, h1.live_objects);
    struct memory_basic_information m = query(a.base + K64);
    CHECK_EQ(m.allocation_base, a.base);
    CHECK_EQ(m.allocation_protect, PAGE_READWRITE);
    CHECK_EQ(m.state, MEM_COMMIT);
    CHECK_EQ(m.region_size, 2 * K64);
    CHECK_EQ(m.type, MEM_PRIVATE);

    /* A failed reservation gives its node back as well. */
    CHECK_EQ(allocate(a.base, K64, MEM_RESERVE, PAGE_READWRITE, NULL),
             STATUS_CONFLICTING_ADDRESSES);
    kheap_stats(&h1);
    CHECK_EQ(h1.live_objects, h0.live_objects);
    teardown();
}
