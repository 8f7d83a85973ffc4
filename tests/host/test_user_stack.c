/*
 * Host tests for mm/user_stack.c: the stack layout RtlCreateUserStack makes and the growth
 * MiCheckForUserStackOverflow does (Windows Research Kernel rtlexec.c and acceschk.c;
 * Microsoft Learn, "Thread Stack Size": the stack grows "until ... the stack reaches the
 * reserved size minus one page"). Faults are driven the way the trap handler drives
 * them: as_handle_fault first, then user_stack_grow for a guard page.
 */
#include "mm/address_space.h"
#include "mm/arch.h"
#include "mm/commit.h"
#include "mm/fault.h"
#include "mm/kheap.h"
#include "mm/page_alloc.h"
#include "mm/pagetable.h"
#include "mm/pfn.h"
#include "mm/user_stack.h"
#include "sim_mmu.h"
#include "test.h"

#define MEM_BYTES (32ull << 20)
#define PG PAGE_SIZE

static struct boot_info bi;
static struct page_table kpt;
static struct address_space as;

static int setup(uint64_t commit_limit)
{
    sim_init(MEM_BYTES);
    sim_boot_info(&bi);
    if (!CHECK_EQ(pfn_init(&bi, NULL, 0), STATUS_SUCCESS))
        return 0;
    page_alloc_init();
    kheap_reset();
    commit_init(commit_limit);
    if (!CHECK_EQ(pt_create(&kpt), STATUS_SUCCESS) ||
        !CHECK_EQ(as_create(&as, &kpt), STATUS_SUCCESS))
        return 0;
    arch_load_root(as.pt.root);
    return 1;
}

static void teardown(void)
{
    CHECK_EQ(as_check(&as), 0);
    arch_load_root(kpt.root);
    as_destroy(&as);
    arch_load_root(0);
    pt_destroy(&kpt);
    CHECK_EQ(page_alloc_check(), 0);
    sim_free();
}

/* Checks the region holding va: its base, size, state and protection; the allocation. */
static void expect_region(const struct user_stack *s, uint64_t va, uint64_t base,
                          uint64_t size, uint32_t state, uint32_t protect)
{
    struct memory_basic_information m;
    CHECK_EQ(as_query(&as, va, &m), STATUS_SUCCESS);
    CHECK_EQ(m.base_address, base);
    CHECK_EQ(m.region_size, size);
    CHECK_EQ(m.state, state);
    CHECK_EQ(m.protect, protect);
    CHECK_EQ(m.allocation_base, s->deallocation);
    CHECK_EQ(m.type, MEM_PRIVATE);
}

/* A fault at va as the trap handler resolves it: the fault path, then stack growth. */
static ntstatus_t touch(struct user_stack *s, uint64_t va, enum fault_access access)
{
    ntstatus_t st = as_handle_fault(&as, va, access, 1);
    if (st == STATUS_GUARD_PAGE_VIOLATION)
        st = user_stack_grow(&as, s, va);
    return st;
}

TEST(create_commits_the_top_and_one_guard_page_below)
{
    if (!setup(1 << 20))
        return;
    struct user_stack s;
    REQUIRE(user_stack_create(&as, USER_STACK_DEFAULT_RESERVE, USER_STACK_DEFAULT_COMMIT,
                              &s) == STATUS_SUCCESS);
    CHECK_EQ(s.base - s.deallocation, USER_STACK_DEFAULT_RESERVE);
    CHECK_EQ(s.deallocation % ALLOCATION_GRANULARITY, 0);
    CHECK_EQ(s.limit, s.base - PG);
    /* Top-down: it ends where user space ends. */
    CHECK_EQ(s.base, USER_MAX_ADDRESS + 1);
    expect_region(&s, s.base - 1, s.base - PG, PG, MEM_COMMIT, PAGE_READWRITE);
    expect_region(&s, s.base - PG - 1, s.base - 2 * PG, PG, MEM_COMMIT,
                  PAGE_READWRITE | PAGE_GUARD);
    expect_region(&s, s.deallocation, s.deallocation, USER_STACK_DEFAULT_RESERVE - 2 * PG,
                  MEM_RESERVE, 0);
    teardown();
}

TEST(create_with_more_commit_and_without_room_for_a_guard)
{
    if (!setup(1 << 20))
        return;
    struct user_stack s, t;
    REQUIRE(user_stack_create(&as, 16 * PG, 3 * PG, &s) == STATUS_SUCCESS);
    CHECK_EQ(s.limit, s.base - 3 * PG);
    expect_region(&s, s.limit, s.limit, 3 * PG, MEM_COMMIT, PAGE_READWRITE);
    expect_region(&s, s.limit - PG, s.limit - PG, PG, MEM_COMMIT,
                  PAGE_READWRITE | PAGE_GUARD);
    /* commit == reserve: everything committed, no guard ("if we have space"). */
    REQUIRE(user_stack_create(&as, 4 * PG, 4 * PG, &t) == STATUS_SUCCESS);
    CHECK_EQ(t.limit, t.deallocation);
    expect_region(&t, t.deallocation, t.deallocation, 4 * PG, MEM_COMMIT, PAGE_READWRITE);
    CHECK(t.base <= s.deallocation);            /* top-down: below the first one */
    teardown();
}

TEST(create_rejects_bad_sizes_and_leaves_nothing_behind)
{
    if (!setup(1 << 20))
        return;
    struct user_stack s;
    CHECK_EQ(user_stack_create(&as, 16 * PG, 0, &s), STATUS_INVALID_PARAMETER);
    CHECK_EQ(user_stack_create(&as, 16 * PG, 17 * PG, &s), STATUS_INVALID_PARAMETER);
    CHECK_EQ(user_stack_create(&as, 16 * PG + 1, PG, &s), STATUS_INVALID_PARAMETER);
    CHECK_EQ(user_stack_create(&as, 16 * PG, PG + 8, &s), STATUS_INVALID_PARAMETER);
    teardown();
    /* A commit past the limit: the reservation is released again. */
    if (!setup(1))
        return;
    CHECK_EQ(user_stack_create(&as, 16 * PG, PG, &s), STATUS_COMMITMENT_LIMIT);
    struct memory_basic_information m;
    CHECK_EQ(as_query(&as, USER_MIN_ADDRESS, &m), STATUS_SUCCESS);
    CHECK_EQ(m.state, MEM_FREE);
    CHECK_EQ(m.region_size, USER_MAX_ADDRESS + 1 - USER_MIN_ADDRESS);
    teardown();
}

TEST(touching_the_guard_moves_it_one_page_down_and_retries)
{
    if (!setup(1 << 20))
        return;
    struct user_stack s;
    REQUIRE(user_stack_create(&as, 16 * PG, PG, &s) == STATUS_SUCCESS);
    uint64_t guard = s.base - 2 * PG;
    CHECK(sim_access(guard + 8, SIM_WRITE, 1, &(uint64_t){0}, &(uint64_t){0}) != 0);
    CHECK_EQ(touch(&s, guard + 8, FAULT_WRITE), STATUS_SUCCESS);
    CHECK_EQ(s.limit, guard);
    expect_region(&s, guard, guard, 2 * PG, MEM_COMMIT, PAGE_READWRITE);
    expect_region(&s, guard - PG, guard - PG, PG, MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD);
    expect_region(&s, s.deallocation, s.deallocation, 13 * PG, MEM_RESERVE, 0);
    /* The retried access: a demand-zero fault, then the page is there. */
    CHECK_EQ(touch(&s, guard + 8, FAULT_WRITE), STATUS_SUCCESS);
    CHECK(sim_access(guard + 8, SIM_WRITE, 1, &(uint64_t){0}, &(uint64_t){0}) == 0);
    teardown();
}

TEST(growth_reaches_the_last_page_but_one_then_overflows)
{
    if (!setup(1 << 20))
        return;
    struct user_stack s;
    REQUIRE(user_stack_create(&as, 16 * PG, PG, &s) == STATUS_SUCCESS);
    /* Pages 0..15; 15 committed, 14 the guard. Guards 14..3 grow quietly (12 of them);
       touching guard 2 commits page 1 and overflows; page 0 stays reserved. */
    unsigned quiet = 0;
    uint64_t va = s.base - 2 * PG;
    ntstatus_t st;
    while ((st = touch(&s, va, FAULT_WRITE)) == STATUS_SUCCESS) {
        quiet++;
        CHECK_EQ(s.limit, va);
        va -= PG;
    }
    CHECK_EQ(st, STATUS_STACK_OVERFLOW);
    CHECK_EQ(quiet, 12);
    CHECK_EQ(va, s.deallocation + 2 * PG);
    CHECK_EQ(s.limit, s.deallocation + PG);
    expect_region(&s, s.deallocation + PG, s.deallocation + PG, 15 * PG, MEM_COMMIT,
                  PAGE_READWRITE);
    expect_region(&s, s.deallocation, s.deallocation, PG, MEM_RESERVE, 0);
    /* No guard is left: the pages just work, and the last one is an access violation. */
    CHECK_EQ(touch(&s, s.deallocation + PG, FAULT_WRITE), STATUS_SUCCESS);
    CHECK_EQ(touch(&s, s.deallocation + 2 * PG, FAULT_READ), STATUS_SUCCESS);
    CHECK_EQ(touch(&s, s.deallocation + PG - 1, FAULT_WRITE), STATUS_ACCESS_VIOLATION);
    teardown();
}

TEST(guard_pages_outside_the_stack_stay_guard_page_violations)
{
    if (!setup(1 << 20))
        return;
    struct user_stack s;
    REQUIRE(user_stack_create(&as, 16 * PG, PG, &s) == STATUS_SUCCESS);
    uint64_t base = 0x20000000, size = PG;
    REQUIRE(as_allocate(&as, &base, &size, MEM_RESERVE | MEM_COMMIT,
                        PAGE_READWRITE | PAGE_GUARD) == STATUS_SUCCESS);
    uint64_t limit = s.limit;
    CHECK_EQ(touch(&s, base, FAULT_READ), STATUS_GUARD_PAGE_VIOLATION);
    CHECK_EQ(s.limit, limit);
    CHECK_EQ(user_stack_grow(&as, &s, s.base), STATUS_GUARD_PAGE_VIOLATION);
    CHECK_EQ(user_stack_grow(&as, &s, s.deallocation - 1), STATUS_GUARD_PAGE_VIOLATION);
    CHECK_EQ(s.limit, limit);
    teardown();
}

TEST(no_charge_for_the_next_guard_is_a_stack_overflow)
{
    /* Exactly the two pages the new stack commits. */
    if (!setup(2))
        return;
    struct user_stack s;
    REQUIRE(user_stack_create(&as, 16 * PG, PG, &s) == STATUS_SUCCESS);
    uint64_t guard = s.base - 2 * PG;
    CHECK_EQ(touch(&s, guard, FAULT_WRITE), STATUS_STACK_OVERFLOW);
    /* The touched page is usable (its guard is gone); nothing below was committed. */
    CHECK_EQ(s.limit, guard);
    CHECK_EQ(touch(&s, guard, FAULT_WRITE), STATUS_SUCCESS);
    expect_region(&s, s.deallocation, s.deallocation, 14 * PG, MEM_RESERVE, 0);
    teardown();
}
