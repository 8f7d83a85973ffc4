/*
 * In-guest benchmarks of the virtual-memory system calls (tools/run-vm-bench.sh): a user
 * program run by `make run PROG=tests/bench/vm_bench.c MEM=512M`. Each line is
 * "bench NAME cycles_per_op=X" as make bench prints for the host benchmarks: the median
 * over RUNS timed runs (after one untimed warm-up run) of TSC ticks per operation. Under
 * TCG the guest TSC follows the host's clock, so the numbers compare with other guests
 * measured the same way, not with hardware cycles. Benchmarks print numbers; they assert
 * nothing, but a failing call ends the program with status 1.
 *
 * Needs 64 MiB of committed, touched memory for vm_first_touch_4k: run with MEM=512M.
 *
 * exception_continue is one access violation caught and continued per operation: a
 * read of a reserved, uncommitted page faults, the kernel delivers the exception to the
 * user-mode dispatcher, a vectored handler moves RIP past the load and answers
 * EXCEPTION_CONTINUE_EXECUTION, and NtContinue resumes there.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <windows.h>
#include <winternl.h>

#define RUNS 5
#define KIB 1024ull
#define MIB (1024ull * KIB)
#define PAGE 4096ull
#define REGION (64 * KIB)
#define TOUCH_BYTES (64 * MIB)

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return ((uint64_t)hi << 32) | lo;
}

static _Noreturn void fail(const char *what)
{
    printf("vm_bench: %s failed (error %lu)\n", what, (unsigned long)GetLastError());
    exit(1);
}

static void *reserve_commit(SIZE_T size)
{
    void *p = VirtualAlloc(NULL, size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    if (p == NULL)
        fail("VirtualAlloc");
    return p;
}

static void release(void *p)
{
    if (!VirtualFree(p, 0, MEM_RELEASE))
        fail("VirtualFree");
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* One benchmark: fn(n) does n operations and returns the ticks they took. */
typedef uint64_t (*bench_fn)(uint64_t n);

static void run(const char *name, bench_fn fn, uint64_t n)
{
    uint64_t per_op[RUNS];
    fn(n / 4 ? n / 4 : 1); /* warm-up */
    for (int r = 0; r < RUNS; r++)
        per_op[r] = fn(n) / n;
    qsort(per_op, RUNS, sizeof(per_op[0]), compare_u64);
    printf("bench %s cycles_per_op=%llu\n", name, (unsigned long long)per_op[RUNS / 2]);
}

/* ---- the benchmarks ---- */

static uint64_t alloc_release_64k(uint64_t n)
{
    uint64_t t0 = rdtsc();
    for (uint64_t i = 0; i < n; i++)
        release(reserve_commit(REGION));
    return rdtsc() - t0;
}

/* n is ignored: each run commits 64 MiB and touches each page once. */
static uint64_t first_touch_4k(uint64_t n)
{
    (void)n;
    volatile uint8_t *p = reserve_commit(TOUCH_BYTES);
    uint64_t t0 = rdtsc();
    for (uint64_t off = 0; off < TOUCH_BYTES; off += PAGE)
        p[off] = 1;
    uint64_t t = rdtsc() - t0;
    release((void *)p);
    return t;
}

static volatile uint8_t *protect_page;

static uint64_t protect_toggle(uint64_t n)
{
    DWORD old;
    void *p = (void *)protect_page;
    uint64_t t0 = rdtsc();
    for (uint64_t i = 0; i < n; i++) {
        if (!VirtualProtect(p, PAGE, PAGE_READONLY, &old))
            fail("VirtualProtect(PAGE_READONLY)");
        if (!VirtualProtect(p, PAGE, PAGE_READWRITE, &old))
            fail("VirtualProtect(PAGE_READWRITE)");
    }
    return rdtsc() - t0;
}

/* Separate 64 KiB reservations, made with MEM_RESERVE only. */
#define MAX_REGIONS 10000
static void *regions[MAX_REGIONS];
static uint64_t nregions;
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void make_regions(uint64_t n)
{
    for (nregions = 0; nregions < n; nregions++) {
        regions[nregions] = VirtualAlloc(NULL, REGION, MEM_RESERVE, PAGE_READWRITE);
        if (regions[nregions] == NULL)
            fail("VirtualAlloc(MEM_RESERVE)");
    }
}

static void free_regions(void)
{
    while (nregions > 0)
        release(regions[--nregions]);
}

#define QUERY_BATCH 256

static uint64_t query(uint64_t n)
{
    MEMORY_BASIC_INFORMATION mbi;
    const void *addr[QUERY_BATCH];
    uint64_t total = 0;
    for (uint64_t done = 0; done < n; done += QUERY_BATCH) {
        /* Choose the addresses outside the timed part. */
        uint64_t k = n - done < QUERY_BATCH ? n - done : QUERY_BATCH;
        for (uint64_t i = 0; i < k; i++)
            addr[i] = (const uint8_t *)regions[next_random() % nregions] +
                      (next_random() % (REGION / PAGE)) * PAGE;
        uint64_t t0 = rdtsc();
        for (uint64_t i = 0; i < k; i++)
            if (VirtualQuery(addr[i], &mbi, sizeof(mbi)) != sizeof(mbi))
                fail("VirtualQuery");
        total += rdtsc() - t0;
    }
    return total;
}

/* ---- exception_continue ---- */

static volatile uint8_t *fault_page;    /* reserved, never committed: every read faults */
static uint64_t faults_caught;

/* The load that faults: movb (%rdi), %al, two bytes, 8a 07. */
static inline void faulting_load(volatile uint8_t *p)
{
    __asm__ volatile("movb (%%rdi), %%al" : : "D"(p) : "rax", "memory");
}

/* Continues past exactly that load at exactly that page; anything else is not ours. */
static LONG WINAPI skip_faulting_load(EXCEPTION_POINTERS *info)
{
    const EXCEPTION_RECORD *r = info->ExceptionRecord;
    const uint8_t *rip = (const uint8_t *)info->ContextRecord->Rip;
    if (r->ExceptionCode != EXCEPTION_ACCESS_VIOLATION || r->NumberParameters < 2 ||
        r->ExceptionInformation[1] != (ULONG_PTR)fault_page || rip[0] != 0x8a || rip[1] != 0x07)
        return EXCEPTION_CONTINUE_SEARCH;
    info->ContextRecord->Rip += 2;
    faults_caught++;
    return EXCEPTION_CONTINUE_EXECUTION;
}

static uint64_t exception_continue(uint64_t n)
{
    uint64_t caught = faults_caught;
    uint64_t t0 = rdtsc();
    for (uint64_t i = 0; i < n; i++)
        faulting_load(fault_page);
    uint64_t t = rdtsc() - t0;
    if (faults_caught - caught != n)
        fail("catching every access violation");
    return t;
}

static uint64_t syscall_null(uint64_t n)
{
    uint64_t t0 = rdtsc();
    for (uint64_t i = 0; i < n; i++)
        NtYieldExecution();
    return rdtsc() - t0;
}

int main(void)
{
    run("vm_alloc_release_64k", alloc_release_64k, 20000);
    run("vm_first_touch_4k", first_touch_4k, TOUCH_BYTES / PAGE);

    protect_page = reserve_commit(PAGE);
    protect_page[0] = 1; /* the page is present, so the toggle changes a real PTE */
    run("vm_protect_toggle", protect_toggle, 20000);
    release((void *)protect_page);

    make_regions(1000);
    run("vm_query_n1000", query, 20000);
    free_regions();

    make_regions(10000);
    run("vm_query_n10000", query, 20000);
    run("vm_alloc_release_64k_n10000", alloc_release_64k, 20000);
    free_regions();

    run("syscall_null", syscall_null, 100000);

    fault_page = VirtualAlloc(NULL, PAGE, MEM_RESERVE, PAGE_READWRITE);
    void *handler = AddVectoredExceptionHandler(1, skip_faulting_load);
    if (fault_page == NULL || handler == NULL)
        fail("setting up exception_continue");
    run("exception_continue", exception_continue, 10000);
    RemoveVectoredExceptionHandler(handler);
    release((void *)fault_page);
    return 0;
}
