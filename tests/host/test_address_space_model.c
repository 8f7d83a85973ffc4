/*
 * Randomized model test of mm/address_space.c and mm/fault.c: thousands of random
 * allocate (reserve, commit, reserve+commit, system-placed, top-down, reset), free
 * (decommit, release), protect, query and touch operations on a few small windows of the
 * user address space, each checked against a reference model written from the Windows
 * rules alone (docs/vm.md): per page its state, protection and contents; per reservation
 * its range and allocation protection.
 *
 * Every status must be the model's, and so must every base, size and old protection
 * written back. A touch goes through the simulated MMU and, on a fault, as_handle_fault,
 * exactly as a user program's access would; a successful read must see the model's bytes
 * (zero after commit, decommit + recommit, or MEM_RESET), a write stores a new pattern.
 * Every CHECK_EVERY steps every page of every window is queried and compared, every
 * committed page's frame is compared byte for byte, and as_check, the commit charge and
 * page_alloc_check must agree. At the end as_destroy must give back every frame, table,
 * heap object and page of charge.
 *
 * The windows: the bottom of user space (where system-placed reservations land), two
 * page tables (across a 2 MiB line), two PML4 slots (across the 512 GiB line), and the
 * top of user space (where top-down reservations land). The commit limit is low enough
 * that STATUS_COMMITMENT_LIMIT happens.
 *
 * The seed is fixed; SEED=n replays another, STEPS=n changes the length.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
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

#define DEFAULT_SEED 20250117ull
#define DEFAULT_STEPS 20000
#define CHECK_EVERY 100
#define LIMIT_PAGES 48
#define PG PAGE_SIZE
#define K64 0x10000ull
#define USER_END (USER_MAX_ADDRESS + 1)
#define WINDOW_PAGES 64

/* ---- the model ---- */

static const uint64_t window_base[] = {
    USER_MIN_ADDRESS,                   /* bottom-up reservations land here */
    0x00000000001e0000ull,              /* two page tables: the 2 MiB line */
    0x0000007fffff0000ull - 0x10000,    /* two PML4 slots: the 512 GiB line */
    USER_END - WINDOW_PAGES * PG,       /* the top: top-down reservations land here */
};
#define WINDOWS (sizeof(window_base) / sizeof(window_base[0]))

struct mpage {
    int committed;
    uint32_t prot;
    uint8_t value;          /* every byte of the page; 0 for a page never written */
};

struct mregion {
    uint64_t start, end;
    uint32_t aprot;
};

static struct mpage pages[WINDOWS][WINDOW_PAGES];
static struct mregion regions[64];
static unsigned region_count;
static uint64_t model_committed;

static uint64_t seed;
static unsigned step;

static struct boot_info bi;
static struct page_table kpt;
static struct address_space as;

/* The model's page at va, or NULL outside the windows. */
static struct mpage *page_at(uint64_t va)
{
    for (unsigned w = 0; w < WINDOWS; w++)
        if (va >= window_base[w] && va < window_base[w] + WINDOW_PAGES * PG)
            return &pages[w][(va - window_base[w]) / PG];
    return NULL;
}

/* Whether [start, end) lies inside one window. */
static int in_one_window(uint64_t start, uint64_t end)
{
    for (unsigned w = 0; w < WINDOWS; w++)
        if (start >= window_base[w] && end <= window_base[w] + WINDOW_PAGES * PG)
            return 1;
    return 0;
}

static struct mregion *region_at(uint64_t va)
{
    for (unsigned i = 0; i < region_count; i++)
        if (va >= regions[i].start && va < regions[i].end)
            return &regions[i];
    return NULL;
}

static int overlaps_region(uint64_t start, uint64_t end)
{
    for (unsigned i = 0; i < region_count; i++)
        if (start < regions[i].end && regions[i].start < end)
            return 1;
    return 0;
}

static uint64_t next_region_start(uint64_t va)
{
    uint64_t next = USER_END;
    for (unsigned i = 0; i < region_count; i++)
        if (regions[i].start > va && regions[i].start < next)
            next = regions[i].start;
    return next;
}

static uint64_t pg_down(uint64_t a)
{
    return a & ~(PG - 1);
}

static uint64_t pg_up(uint64_t a)
{
    return (a + PG - 1) & ~(PG - 1);
}

/* ---- protections, from "Memory Protection Constants" ---- */

static const uint32_t valid_prots[] = {
    PAGE_NOACCESS, PAGE_READONLY, PAGE_READWRITE, PAGE_EXECUTE, PAGE_EXECUTE_READ,
    PAGE_EXECUTE_READWRITE, PAGE_READWRITE | PAGE_GUARD, PAGE_READONLY | PAGE_GUARD,
    PAGE_EXECUTE_READ | PAGE_GUARD, PAGE_READWRITE | PAGE_NOCACHE,
    PAGE_EXECUTE_READWRITE | PAGE_WRITECOMBINE,
};
#define VALID_PROTS (sizeof(valid_prots) / sizeof(valid_prots[0]))

/* Valid constants, but copy-on-write: refused for private memory. */
static const uint32_t cow_prots[] = { PAGE_WRITECOPY, PAGE_EXECUTE_WRITECOPY };

static const uint32_t invalid_prots[] = {
    0, PAGE_NOACCESS | PAGE_GUARD, PAGE_READWRITE | PAGE_GUARD | PAGE_NOCACHE,
    PAGE_READONLY | PAGE_READWRITE, PAGE_GUARD, PAGE_NOACCESS | PAGE_WRITECOMBINE,
};
#define INVALID_PROTS (sizeof(invalid_prots) / sizeof(invalid_prots[0]))

enum prot_kind { PROT_VALID, PROT_COW, PROT_INVALID };

static uint32_t random_prot(enum prot_kind *kind)
{
    uint64_t r = test_rand_below(20);
    if (r == 0) {
        *kind = PROT_COW;
        return cow_prots[test_rand_below(2)];
    }
    if (r == 1) {
        *kind = PROT_INVALID;
        return invalid_prots[test_rand_below(INVALID_PROTS)];
    }
    *kind = PROT_VALID;
    return valid_prots[test_rand_below(VALID_PROTS)];
}

/* What an access needs of the base protection. */
static int model_allows(uint32_t prot, enum sim_access a)
{
    uint32_t base = prot & 0xff;
    switch (a) {
    case SIM_READ:
        return base != PAGE_NOACCESS;
    case SIM_WRITE:
        return base == PAGE_READWRITE || base == PAGE_EXECUTE_READWRITE;
    case SIM_EXEC:
        return base == PAGE_EXECUTE || base == PAGE_EXECUTE_READ ||
               base == PAGE_EXECUTE_READWRITE;
    }
    return 0;
}

/* ---- reporting ---- */

static int failed;

static void report(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("# step %u (SEED=%llu): ", step, (unsigned long long)seed);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    failed = 1;
}

/* How often each status came back, to show what a run exercised. */
static struct {
    ntstatus_t status;
    unsigned count;
} seen[16];
static unsigned seen_count, calls;

static void count_status(ntstatus_t status)
{
    calls++;
    for (unsigned i = 0; i < seen_count; i++)
        if (seen[i].status == status) {
            seen[i].count++;
            return;
        }
    if (seen_count < sizeof(seen) / sizeof(seen[0]))
        seen[seen_count++] = (typeof(seen[0])){ status, 1 };
}

static void expect_status(const char *op, ntstatus_t got, ntstatus_t want, uint64_t a,
                          uint64_t b, uint32_t c)
{
    count_status(got);
    if (got != want)
        report("%s(0x%llx, 0x%llx, 0x%x): status 0x%08x, model 0x%08x", op,
               (unsigned long long)a, (unsigned long long)b, c, (unsigned)got,
               (unsigned)want);
}

static void expect_range(const char *op, uint64_t base, uint64_t size, uint64_t want_base,
                         uint64_t want_size)
{
    if (base != want_base || size != want_size)
        report("%s: returned 0x%llx+0x%llx, model 0x%llx+0x%llx", op,
               (unsigned long long)base, (unsigned long long)size,
               (unsigned long long)want_base, (unsigned long long)want_size);
}

/* ---- model operations ---- */

static void model_commit(uint64_t start, uint64_t end, uint32_t prot)
{
    for (uint64_t va = start; va < end; va += PG) {
        struct mpage *p = page_at(va);
        if (!p->committed) {
            p->committed = 1;
            p->value = 0;
            model_committed++;
        }
        p->prot = prot;
    }
}

static void model_decommit(uint64_t start, uint64_t end)
{
    for (uint64_t va = start; va < end; va += PG) {
        struct mpage *p = page_at(va);
        if (p->committed)
            model_committed--;
        *p = (struct mpage){ 0, 0, 0 };
    }
}

static uint64_t model_uncommitted(uint64_t start, uint64_t end)
{
    uint64_t n = 0;
    for (uint64_t va = start; va < end; va += PG)
        n += !page_at(va)->committed;
    return n;
}

static void model_add_region(uint64_t start, uint64_t end, uint32_t aprot)
{
    regions[region_count++] = (struct mregion){ start, end, aprot };
}

static void model_remove_region(struct mregion *r)
{
    model_decommit(r->start, r->end);
    *r = regions[--region_count];
}

/*
 * Where the system places pages pages: the lowest 64 KiB-aligned free place, or with
 * top_down the highest ("VirtualAlloc", MEM_TOP_DOWN). Regions all lie in the windows,
 * so a few steps always find one.
 */
static uint64_t model_place(uint64_t pages, int top_down)
{
    uint64_t size = pages * PG;
    if (!top_down) {
        for (uint64_t start = USER_MIN_ADDRESS; start + size <= USER_END; start += K64)
            if (!overlaps_region(start, start + size))
                return start;
    } else {
        for (uint64_t start = (USER_END - size) & ~(K64 - 1); start >= USER_MIN_ADDRESS;
             start -= K64)
            if (!overlaps_region(start, start + size))
                return start;
    }
    return 0;
}

/* ---- the machine ---- */

static ntstatus_t touch(uint64_t va, enum sim_access a, uint64_t *pa)
{
    static const enum fault_access kinds[] = { FAULT_READ, FAULT_WRITE, FAULT_EXECUTE };
    for (int attempt = 0; attempt < 3; attempt++) {
        uint64_t error;
        if (sim_access(va, a, 1, pa, &error) == 0)
            return STATUS_SUCCESS;
        ntstatus_t status = as_handle_fault(&as, va, kinds[a], 1);
        if (status != STATUS_SUCCESS)
            return status;
    }
    report("touch 0x%llx: still faults after a successful fault", (unsigned long long)va);
    return STATUS_ACCESS_VIOLATION;
}

/* A random page of a window, sometimes with an offset. */
static uint64_t random_window_va(void)
{
    unsigned w = (unsigned)test_rand_below(WINDOWS);
    uint64_t va = window_base[w] + test_rand_below(WINDOW_PAGES) * PG;
    if (test_rand_below(4) == 0)
        va += test_rand_below(PG);
    return va;
}

/* A random address in a window: two times in three inside a reservation. */
static uint64_t random_va(void)
{
    if (region_count == 0 || test_rand_below(3) == 0)
        return random_window_va();
    const struct mregion *r = &regions[test_rand_below(region_count)];
    uint64_t va = r->start + test_rand_below((r->end - r->start) / PG) * PG;
    if (test_rand_below(4) == 0)
        va += test_rand_below(PG);
    return va;
}

/* A random size: mostly a few pages, sometimes unaligned, sometimes large. */
static uint64_t random_size(void)
{
    switch (test_rand_below(6)) {
    case 0:
        return test_rand_below(3 * PG) + 1;
    case 1:
        return (test_rand_below(32) + 1) * PG;
    case 2:
        return K64 * (test_rand_below(3) + 1);
    default:
        return (test_rand_below(8) + 1) * PG;
    }
}

/* A size from base: two times in three within base's reservation, if it has one. */
static uint64_t random_size_from(uint64_t base)
{
    const struct mregion *r = region_at(base);
    if (!r || test_rand_below(3) == 0)
        return random_size();
    uint64_t room = r->end - base;
    uint64_t size = test_rand_below(room) + 1;
    return test_rand_below(2) ? size : pg_up(size);
}

/* A page to touch: two times in three a committed one. */
static uint64_t random_touch_va(void)
{
    for (int tries = 0; tries < 8 && test_rand_below(3) != 0; tries++) {
        unsigned w = (unsigned)test_rand_below(WINDOWS);
        unsigned i = (unsigned)test_rand_below(WINDOW_PAGES);
        if (pages[w][i].committed)
            return window_base[w] + i * PG + test_rand_below(PG);
    }
    return random_va();
}

/* ---- operations ---- */

/* MEM_RESERVE (maybe | MEM_COMMIT) at a given base. */
static void op_reserve(void)
{
    uint64_t base = random_window_va(), size = random_size();
    if (test_rand_below(3) == 0)
        base &= ~(K64 - 1);
    uint32_t type = MEM_RESERVE | (test_rand_below(2) ? MEM_COMMIT : 0);
    enum prot_kind kind;
    uint32_t prot = random_prot(&kind);

    ntstatus_t want = STATUS_SUCCESS;
    uint64_t start = base & ~(K64 - 1), end = 0;
    if (kind == PROT_INVALID)
        want = STATUS_INVALID_PAGE_PROTECTION;
    else if (size > USER_END - base)
        want = STATUS_INVALID_PARAMETER;
    else if (kind == PROT_COW)
        want = STATUS_INVALID_PAGE_PROTECTION;
    else {
        end = pg_up(base + size);
        if (overlaps_region(start, end))
            want = STATUS_CONFLICTING_ADDRESSES;
        else if (!in_one_window(start, end))
            return;                         /* would land outside the model */
        else if ((type & MEM_COMMIT) &&
                 (end - start) / PG > LIMIT_PAGES - model_committed)
            want = STATUS_COMMITMENT_LIMIT;
    }

    uint64_t b = base, s = size;
    ntstatus_t got = as_allocate(&as, &b, &s, type, prot);
    expect_status("reserve", got, want, base, size, prot);
    if (got != STATUS_SUCCESS || want != STATUS_SUCCESS)
        return;
    expect_range("reserve", b, s, start, end - start);
    model_add_region(start, end, prot);
    if (type & MEM_COMMIT)
        model_commit(start, end, prot);
}

/* Base 0: the system places it (bottom-up or MEM_TOP_DOWN); MEM_COMMIT alone reserves. */
static void op_reserve_anywhere(void)
{
    uint64_t size = (test_rand_below(6) + 1) * PG - test_rand_below(PG);
    int top_down = (int)test_rand_below(2);
    uint32_t type = MEM_RESERVE | (test_rand_below(2) ? MEM_COMMIT : 0);
    if (test_rand_below(3) == 0)
        type = MEM_COMMIT;
    if (top_down)
        type |= MEM_TOP_DOWN;
    enum prot_kind kind;
    uint32_t prot = random_prot(&kind);

    ntstatus_t want = STATUS_SUCCESS;
    uint64_t pages = pg_up(size) / PG, start = 0;
    if (kind == PROT_INVALID)
        want = STATUS_INVALID_PAGE_PROTECTION;
    else if (kind == PROT_COW)
        want = STATUS_INVALID_PAGE_PROTECTION;
    else {
        start = model_place(pages, top_down);
        if (!in_one_window(start, start + pages * PG))
            return;                         /* the window is full: not modelled */
        if ((type & MEM_COMMIT) && pages > LIMIT_PAGES - model_committed)
            want = STATUS_COMMITMENT_LIMIT;
    }

    uint64_t b = 0, s = size;
    ntstatus_t got = as_allocate(&as, &b, &s, type, prot);
    expect_status("reserve anywhere", got, want, 0, size, prot);
    if (got != STATUS_SUCCESS || want != STATUS_SUCCESS)
        return;
    expect_range("reserve anywhere", b, s, start, pages * PG);
    model_add_region(start, start + pages * PG, prot);
    if (type & MEM_COMMIT)
        model_commit(start, start + pages * PG, prot);
}

/* MEM_COMMIT in existing reservations (or not). */
static void op_commit(void)
{
    uint64_t base = random_va(), size = random_size_from(base);
    enum prot_kind kind;
    uint32_t prot = random_prot(&kind);

    ntstatus_t want = STATUS_SUCCESS;
    uint64_t start = pg_down(base), end = 0;
    if (kind == PROT_INVALID)
        want = STATUS_INVALID_PAGE_PROTECTION;
    else if (size > USER_END - base)
        want = STATUS_INVALID_PARAMETER;
    else {
        end = pg_up(base + size);
        struct mregion *r = region_at(start);
        if (!r || end > r->end)
            want = STATUS_CONFLICTING_ADDRESSES;
        else if (kind == PROT_COW)
            want = STATUS_INVALID_PAGE_PROTECTION;
        else if (model_uncommitted(start, end) > LIMIT_PAGES - model_committed)
            want = STATUS_COMMITMENT_LIMIT;
    }

    uint64_t b = base, s = size;
    ntstatus_t got = as_allocate(&as, &b, &s, MEM_COMMIT, prot);
    expect_status("commit", got, want, base, size, prot);
    if (got != STATUS_SUCCESS || want != STATUS_SUCCESS)
        return;
    expect_range("commit", b, s, start, end - start);
    model_commit(start, end, prot);
}

/* MEM_RESET: contents of committed pages dropped; protection ignored but validated. */
static void op_reset(void)
{
    uint64_t base = random_va(), size = random_size_from(base);
    enum prot_kind kind;
    uint32_t prot = random_prot(&kind);
    ntstatus_t want = STATUS_SUCCESS;
    uint64_t start = pg_down(base), end = 0;
    if (kind == PROT_INVALID)
        want = STATUS_INVALID_PAGE_PROTECTION;
    else if (size > USER_END - base)
        want = STATUS_INVALID_PARAMETER;
    else {
        end = pg_up(base + size);
        struct mregion *r = region_at(start);
        if (!r || end > r->end)
            want = STATUS_CONFLICTING_ADDRESSES;
    }
    uint64_t b = base, s = size;
    ntstatus_t got = as_allocate(&as, &b, &s, MEM_RESET, prot);
    expect_status("reset", got, want, base, size, prot);
    if (got != STATUS_SUCCESS || want != STATUS_SUCCESS)
        return;
    expect_range("reset", b, s, start, end - start);
    for (uint64_t va = start; va < end; va += PG)
        page_at(va)->value = 0;
}

/* MEM_DECOMMIT and MEM_RELEASE. */
static void op_free(void)
{
    uint32_t type = test_rand_below(3) ? MEM_DECOMMIT : MEM_RELEASE;
    if (test_rand_below(40) == 0)
        type = test_rand_below(2) ? 0 : MEM_DECOMMIT | MEM_RELEASE;
    uint64_t base, size;
    if (region_count > 0 && test_rand_below(3) != 0) {
        struct mregion *r = &regions[test_rand_below(region_count)];
        static const uint64_t offsets[] = { 0, 0, 0xfff, 0x1000, 0x1001 };
        base = r->start + offsets[test_rand_below(5)];
    } else {
        base = random_va();
    }
    size = test_rand_below(3) == 0 ? random_size_from(base) : 0;

    ntstatus_t want = STATUS_SUCCESS;
    uint64_t want_base = 0, want_size = 0;
    struct mregion *r = region_at(pg_down(base));
    if (type != MEM_DECOMMIT && type != MEM_RELEASE)
        want = STATUS_INVALID_PARAMETER;
    else if (type == MEM_RELEASE && size != 0)
        want = STATUS_INVALID_PARAMETER;
    else if (size != 0 && size > USER_END - base)
        want = STATUS_INVALID_PARAMETER;
    else if (!r)
        want = STATUS_MEMORY_NOT_ALLOCATED;
    else if (size == 0 && pg_down(base) != r->start)
        want = STATUS_FREE_VM_NOT_AT_BASE;
    else if (size != 0 && pg_up(base + size) > r->end)
        want = STATUS_UNABLE_TO_FREE_VM;

    uint64_t b = base, s = size;
    ntstatus_t got = as_free(&as, &b, &s, type);
    expect_status("free", got, want, base, size, type);
    if (got != STATUS_SUCCESS || want != STATUS_SUCCESS)
        return;
    if (size == 0 && type == MEM_RELEASE) {
        want_base = r->start;
        want_size = r->end - r->start;
        model_remove_region(r);
    } else if (size == 0) {
        want_base = r->start;
        want_size = 0;                  /* Windows 10 1803+: the size stays 0 */
        model_decommit(r->start, r->end);
    } else {
        want_base = pg_down(base);
        want_size = pg_up(base + size) - want_base;
        model_decommit(want_base, want_base + want_size);
    }
    expect_range("free", b, s, want_base, want_size);
}

static void op_protect(void)
{
    uint64_t base = random_va();
    uint64_t size = test_rand_below(8) == 0 ? 0 : random_size_from(base);
    enum prot_kind kind;
    uint32_t prot = random_prot(&kind);
    ntstatus_t want = STATUS_SUCCESS;
    uint64_t start = pg_down(base), end = 0;
    if (kind == PROT_INVALID)
        want = STATUS_INVALID_PAGE_PROTECTION;
    else if (size == 0 || size > USER_END - base)
        want = STATUS_INVALID_PARAMETER;
    else {
        end = pg_up(base + size);
        struct mregion *r = region_at(start);
        if (!r || end > r->end)
            want = STATUS_CONFLICTING_ADDRESSES;
        else if (kind == PROT_COW)
            want = STATUS_INVALID_PAGE_PROTECTION;
        else if (model_uncommitted(start, end) != 0)
            want = STATUS_NOT_COMMITTED;
    }
    uint64_t b = base, s = size;
    uint32_t old = 0xdeadbeef;
    ntstatus_t got = as_protect(&as, &b, &s, prot, &old);
    expect_status("protect", got, want, base, size, prot);
    if (got != STATUS_SUCCESS || want != STATUS_SUCCESS)
        return;
    expect_range("protect", b, s, start, end - start);
    if (old != page_at(start)->prot)
        report("protect: old protection 0x%x, model 0x%x", old, page_at(start)->prot);
    for (uint64_t va = start; va < end; va += PG)
        page_at(va)->prot = prot;
}

/* The model's MEMORY_BASIC_INFORMATION for va (in user space). */
static void model_query(uint64_t va, struct memory_basic_information *m)
{
    uint64_t page = pg_down(va);
    memset(m, 0, sizeof(*m));
    m->base_address = page;
    struct mregion *r = region_at(page);
    if (!r) {
        m->region_size = next_region_start(page) - page;
        m->state = MEM_FREE;
        m->protect = PAGE_NOACCESS;
        return;
    }
    m->allocation_base = r->start;
    m->allocation_protect = r->aprot;
    m->type = MEM_PRIVATE;
    const struct mpage *first = page_at(page);
    m->state = first->committed ? MEM_COMMIT : MEM_RESERVE;
    m->protect = first->committed ? first->prot : 0;
    uint64_t end = page;
    while (end < r->end && page_at(end)->committed == first->committed &&
           (!first->committed || page_at(end)->prot == first->prot))
        end += PG;
    m->region_size = end - page;
}

static void compare_query(uint64_t va)
{
    struct memory_basic_information got, want;
    memset(&got, 0xcc, sizeof(got));
    ntstatus_t status = as_query(&as, va, &got);
    if (status != STATUS_SUCCESS) {
        report("query 0x%llx: status 0x%08x", (unsigned long long)va, (unsigned)status);
        return;
    }
    model_query(va, &want);
    if (memcmp(&got, &want, sizeof(got)) != 0)
        report("query 0x%llx (got/model): base 0x%llx/0x%llx abase 0x%llx/0x%llx "
               "aprot 0x%x/0x%x size 0x%llx/0x%llx state 0x%x/0x%x prot 0x%x/0x%x "
               "type 0x%x/0x%x",
               (unsigned long long)va, (unsigned long long)got.base_address,
               (unsigned long long)want.base_address,
               (unsigned long long)got.allocation_base,
               (unsigned long long)want.allocation_base, got.allocation_protect,
               want.allocation_protect, (unsigned long long)got.region_size,
               (unsigned long long)want.region_size, got.state, want.state, got.protect,
               want.protect, got.type, want.type);
}

static void op_query(void)
{
    switch (test_rand_below(8)) {
    case 0: {
        /* Anywhere in user space, or beyond it. */
        uint64_t va = test_rand_below(USER_END + K64);
        if (va > USER_MAX_ADDRESS) {
            struct memory_basic_information m;
            expect_status("query", as_query(&as, va, &m), STATUS_INVALID_PARAMETER, va, 0,
                          0);
            return;
        }
        compare_query(va);
        return;
    }
    default:
        compare_query(random_va());
    }
}

static void op_touch(void)
{
    uint64_t va = random_touch_va();
    enum sim_access a = (enum sim_access)test_rand_below(3);
    struct mpage *p = page_at(va);
    ntstatus_t want;
    if (!p->committed || !model_allows(p->prot, a))
        want = STATUS_ACCESS_VIOLATION;
    else if (p->prot & PAGE_GUARD)
        want = STATUS_GUARD_PAGE_VIOLATION;
    else
        want = STATUS_SUCCESS;

    uint64_t pa = 0;
    ntstatus_t got = touch(va, a, &pa);
    expect_status("touch", got, want, va, a, p->prot);
    if (want == STATUS_GUARD_PAGE_VIOLATION)
        p->prot &= ~PAGE_GUARD;             /* "Creating Guard Pages": a one-shot alarm */
    if (got != STATUS_SUCCESS || want != STATUS_SUCCESS)
        return;
    uint8_t *bytes = phys_to_virt(pg_down(pa));
    if (a == SIM_WRITE) {
        p->value = (uint8_t)(test_rand_below(255) + 1);
        memset(bytes, p->value, PG);
        return;
    }
    for (uint64_t i = 0; i < PG; i++)
        if (bytes[i] != p->value) {
            report("touch 0x%llx: byte %llu is 0x%x, model 0x%x", (unsigned long long)va,
                   (unsigned long long)i, bytes[i], p->value);
            return;
        }
}

/* Every page of every window: query and contents; the charge; the invariants. */
static void check_everything(void)
{
    for (unsigned w = 0; w < WINDOWS; w++)
        for (unsigned i = 0; i < WINDOW_PAGES; i++) {
            uint64_t va = window_base[w] + i * PG;
            compare_query(va);
            const struct mpage *p = &pages[w][i];
            pte_t e;
            if (pt_read_entry(&as.pt, va, &e) != STATUS_SUCCESS) {
                report("pt_read_entry 0x%llx failed", (unsigned long long)va);
                continue;
            }
            if (!p->committed || !swpte_has_frame(e)) {
                if (p->committed && p->value != 0)
                    report("page 0x%llx lost its contents (PTE 0x%llx)",
                           (unsigned long long)va, (unsigned long long)e);
                continue;
            }
            const uint8_t *bytes = phys_to_virt(swpte_frame(e));
            for (uint64_t b = 0; b < PG; b += 97)
                if (bytes[b] != p->value) {
                    report("page 0x%llx: byte %llu is 0x%x, model 0x%x",
                           (unsigned long long)va, (unsigned long long)b, bytes[b],
                           p->value);
                    break;
                }
        }
    struct commit_stats cs;
    commit_stats(&cs);
    if (as.commit_pages != model_committed || cs.charged != model_committed)
        report("commit: address space %llu, global %llu, model %llu",
               (unsigned long long)as.commit_pages, (unsigned long long)cs.charged,
               (unsigned long long)model_committed);
    if (as.vads.count != region_count)
        report("%llu VADs, model %u regions", (unsigned long long)as.vads.count,
               region_count);
    if (as_check(&as) != 0)
        report("as_check failed");
    if (page_alloc_check() != 0)
        report("page_alloc_check failed");
}

TEST(random_operations_match_the_model)
{
    seed = test_rand_start("address space model", DEFAULT_SEED);
    const char *env = getenv("STEPS");
    unsigned steps = env ? (unsigned)strtoul(env, NULL, 0) : DEFAULT_STEPS;

    sim_init(64ull << 20);
    sim_boot_info(&bi);
    REQUIRE(pfn_init(&bi, NULL, 0) == STATUS_SUCCESS);
    page_alloc_init();
    kheap_reset();
    commit_init(LIMIT_PAGES);
    REQUIRE(pt_create(&kpt) == STATUS_SUCCESS);
    struct mm_stats before;
    mm_stats(&before);
    struct kheap_stats heap_before;
    kheap_stats(&heap_before);
    REQUIRE(as_create(&as, &kpt) == STATUS_SUCCESS);
    arch_load_root(as.pt.root);
    memset(pages, 0, sizeof(pages));
    region_count = 0;
    model_committed = 0;
    failed = 0;

    for (step = 0; step < steps && !failed; step++) {
        uint64_t r = test_rand_below(100);
        if (r < 10)
            op_reserve();
        else if (r < 16)
            op_reserve_anywhere();
        else if (r < 32)
            op_commit();
        else if (r < 36)
            op_reset();
        else if (r < 48)
            op_free();
        else if (r < 60)
            op_protect();
        else if (r < 72)
            op_query();
        else
            op_touch();
        if (step % CHECK_EVERY == CHECK_EVERY - 1)
            check_everything();
    }
    if (!failed)
        check_everything();
    CHECK(!failed);
    printf("# %u calls checked, %u reservations at the end; statuses:", calls,
           region_count);
    for (unsigned i = 0; i < seen_count; i++)
        printf(" 0x%08x x%u", (unsigned)seen[i].status, seen[i].count);
    printf("\n");

    arch_load_root(kpt.root);
    as_destroy(&as);
    struct mm_stats after;
    mm_stats(&after);
    CHECK_EQ(after.by_state[PFN_PRIVATE], before.by_state[PFN_PRIVATE]);
    CHECK_EQ(after.by_state[PFN_PAGETABLE], before.by_state[PFN_PAGETABLE]);
    struct kheap_stats heap_after;
    kheap_stats(&heap_after);
    CHECK_EQ(heap_after.live_objects, heap_before.live_objects);
    struct commit_stats cs;
    commit_stats(&cs);
    CHECK_EQ(cs.charged, 0);
    CHECK(cs.peak > LIMIT_PAGES / 2);       /* the run came near the limit */
    CHECK_EQ(page_alloc_check(), 0);
    arch_load_root(0);
    pt_destroy(&kpt);
    sim_free();
}
