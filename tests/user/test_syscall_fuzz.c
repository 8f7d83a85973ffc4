/*
 * A user-space system-call fuzzer for Reservoir (Reservoir only: raw system-call numbers
 * mean nothing on Windows or Wine, so tools/check-wine.sh skips this program).
 *
 * utest-reservoir-only
 *
 *   test_syscall_fuzz.exe [SEED] [CALLS] [TRACE_FROM]    defaults: 0x5EED2024, 5000, none
 *
 * TRACE_FROM prints every call from that index on, with its arguments and status.
 *
 * Thousands of calls with random arguments: NtAllocateVirtualMemory, NtFreeVirtualMemory,
 * NtProtectVirtualMemory, NtQueryVirtualMemory, NtQuerySystemInformation,
 * NtYieldExecution through userlib's stubs (<winternl.h>), NtTerminateProcess and
 * NtContinue with handles and pointers that must be refused, the console call with
 * buffers that must be refused, and unknown system-call numbers through a raw SYSCALL.
 * Pointers are NULL, kernel addresses (0xffff8000...), non-canonical, below 64 KiB,
 * unmapped user memory, read-only memory, misaligned scratch memory, and memory the
 * fuzzer itself allocated with random protections (guard pages included).
 *
 * What is never handed to the kernel, because the program would then be right to die:
 * a base address inside the allocations that existed before fuzzing (image, stack, TEB,
 * heap), an in/out pointer whose contents the fuzzer does not control, NtTerminateProcess
 * with the current-process handle, NtContinue/NtRaiseException with a readable record,
 * and the exception-dispatcher call.
 *
 * The rules checked afterwards: the kernel survived and answered every unknown number
 * with STATUS_INVALID_SYSTEM_SERVICE (docs/vm.md, "System calls"; NT's status for a
 * number outside the service table); after the fuzzer releases every allocation it made
 * (VirtualFree MEM_RELEASE, [VF]), the address space holds exactly the allocations and
 * regions it held before, region for region ([VQ]); and VirtualAlloc, VirtualProtect,
 * VirtualQuery and VirtualFree still work. The runner adds the kernel's own check, after
 * the exit, that every frame came back.
 *   [VF] https://learn.microsoft.com/windows/win32/api/memoryapi/nf-memoryapi-virtualfree
 *   [VQ] https://learn.microsoft.com/windows/win32/api/memoryapi/nf-memoryapi-virtualquery
 */
#include "utest.h"

#include <stdlib.h>
#include <string.h>
#include <winternl.h>

#include "../../userlib/ntdll/syscall_list.h"   /* RESERVOIR_SYSCALL_COUNT */

#define PAGE 0x1000ull
#define GRANULE 0x10000ull
#define ARENA_SIZE (16ull << 20)
#define MAX_REGIONS 512
#define STATUS_INVALID_SYSTEM_SERVICE_ 0xC000001Cu
#define FIRST_UNUSED_SYSCALL RESERVOIR_SYSCALL_COUNT    /* numbers below it exist */

/* ---- randomness: xorshift64*, one seed for the whole run -------------------------- */

static uint64_t rng;

static uint64_t next(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545F4914F6CDD1Dull;
}

static uint64_t below(uint64_t n)
{
    return n ? next() % n : 0;
}

static int one_in(uint64_t n)
{
    return below(n) == 0;
}

/* ---- the address space before fuzzing -------------------------------------------- */

struct region {
    ULONG_PTR base, size, alloc_base;
    DWORD state, protect, type;
};

static struct region before[MAX_REGIONS], after[MAX_REGIONS];
static unsigned before_count;

/* Every non-free region from the bottom of user space up; returns the count (or
   MAX_REGIONS + 1 when there are too many to keep). */
static unsigned snapshot(struct region *out)
{
    ULONG_PTR addr = 0;
    unsigned n = 0;
    MEMORY_BASIC_INFORMATION mbi;
    while (VirtualQuery((void *)addr, &mbi, sizeof(mbi)) == sizeof(mbi)) {
        if (mbi.State != MEM_FREE) {
            if (n == MAX_REGIONS)
                return MAX_REGIONS + 1;
            out[n++] = (struct region){ (ULONG_PTR)mbi.BaseAddress, mbi.RegionSize,
                                        (ULONG_PTR)mbi.AllocationBase, mbi.State,
                                        mbi.Protect, mbi.Type };
        }
        ULONG_PTR next_addr = (ULONG_PTR)mbi.BaseAddress + mbi.RegionSize;
        if (next_addr <= addr)
            break;
        addr = next_addr;
    }
    return n;
}

/*
 * The program's own stores during fuzzing must not change the regions compared after it:
 * an image page stops being copy-on-write at its first write, and the stack grows through
 * its guard page (docs/vm.md). Both happen here, before the snapshot: every copy-on-write
 * page of the image is written (with its own value), and 64 KiB of stack are touched.
 */
static __attribute__((noinline)) unsigned touch_stack(void)
{
    volatile unsigned char frame[64 * 1024];
    frame[0] = 1;
    return frame[0];
}

static void settle_image_and_stack(void)
{
    ULONG_PTR addr = 0;
    MEMORY_BASIC_INFORMATION mbi;
    while (VirtualQuery((void *)addr, &mbi, sizeof(mbi)) == sizeof(mbi)) {
        DWORD base = mbi.Protect & 0xFF;
        if (mbi.Type == MEM_IMAGE && (base == PAGE_WRITECOPY || base == PAGE_EXECUTE_WRITECOPY))
            for (ULONG_PTR p = addr; p < addr + mbi.RegionSize; p += 0x1000)
                *(volatile char *)p = *(volatile char *)p;
        ULONG_PTR next_addr = (ULONG_PTR)mbi.BaseAddress + mbi.RegionSize;
        if (next_addr <= addr)
            break;
        addr = next_addr;
    }
    touch_stack();
}

/* Is `addr` inside one of the allocations that existed before fuzzing? */
static int protected_address(uint64_t addr)
{
    for (unsigned i = 0; i < before_count; i++)
        if (addr >= before[i].base && addr - before[i].base < before[i].size)
            return 1;
    return 0;
}

static unsigned count_allocations(const struct region *r, unsigned n)
{
    unsigned count = 0;
    for (unsigned i = 0; i < n; i++)
        if (i == 0 || r[i].alloc_base != r[i - 1].alloc_base)
            count++;
    return count;
}

/* ---- what the fuzzer hands the kernel --------------------------------------------- */

static unsigned char *arena;           /* 16 MiB reserved by the fuzzer, fair game */
static uint64_t hole;                  /* 64 KiB that were free when fuzzing began */
/* 16 KiB committed read-write at the start of a 64 KiB reservation: a pointer near its
   end makes the kernel's copy run into reserved pages, and nothing of the program's own
   lies behind it. */
#define SCRATCH_SIZE 16384ull
static unsigned char *scratch;
/* Read-only in/out values: their contents are known (none is an address in use). */
static const uint64_t readonly_values[4] = { 0, 0xFFFF800000000000ull, 0x7FFFFFFF0000ull,
                                             0x800000000000ull };

static const uint64_t bases[] = { 0xFFFF800000000000ull, 0xFFFFFFFF80000000ull,
                                  0xFFFFFFFFFFFFF000ull, 0xFFFF888000000000ull };
/* A kernel-half address: a base plus an offset, never wrapping past 2^64 into the user half. */
static uint64_t kernel_address(void)
{
    uint64_t base = bases[below(4)];
    uint64_t offset = below(1 << 20) * (one_in(2) ? 8 : 1);
    return base + offset >= base ? base + offset : base;
}

/* An address to operate on (BaseAddress's value): never inside the allocations that
   existed before fuzzing. */
static uint64_t target_address(void)
{
    uint64_t a;
    switch (below(10)) {
    case 0: a = 0; break;
    case 1: a = (uint64_t)arena + below(ARENA_SIZE / PAGE) * PAGE; break;
    case 2: a = (uint64_t)arena + below(ARENA_SIZE); break;
    case 3: a = (uint64_t)arena + below(ARENA_SIZE / GRANULE) * GRANULE; break;
    case 4: a = 0x10000 + below(0x7FFFFFFE0000ull); break;
    case 5: a = 0x7FFFFFFF0000ull - below(1 << 24); break;
    case 6: a = kernel_address(); break;
    case 7: a = 0x0000800000000000ull + below(1ull << 40); break;     /* non-canonical */
    case 8: a = below(0x10000); break;
    default: a = hole + below(GRANULE); break;
    }
    return protected_address(a) ? (uint64_t)arena : a;
}

static uint64_t random_size(void)
{
    switch (below(9)) {
    case 0: return 0;
    case 1: return 1 + below(PAGE);
    case 2: return (1 + below(16)) * PAGE;
    case 3: return below(ARENA_SIZE + GRANULE);
    case 4: return (1 + below(64)) * GRANULE;
    case 5: return 1ull << (20 + below(28));                   /* 1 MiB .. 128 TiB */
    case 6: return ~0ull - below(PAGE);
    case 7: return 0x7FFFFFFEFFFFull - below(1 << 20);
    default: return next();
    }
}

static DWORD random_protect(void)
{
    static const DWORD bases[] = { PAGE_NOACCESS, PAGE_READONLY, PAGE_READWRITE,
                                   PAGE_EXECUTE, PAGE_EXECUTE_READ, PAGE_EXECUTE_READWRITE,
                                   PAGE_WRITECOPY, PAGE_EXECUTE_WRITECOPY };
    static const DWORD modifiers[] = { 0, 0, 0, PAGE_GUARD, PAGE_NOCACHE, PAGE_WRITECOMBINE };
    switch (below(8)) {
    case 0: return (DWORD)next();
    case 1: return (DWORD)below(0x800);
    default: return bases[below(8)] | modifiers[below(6)];
    }
}

static DWORD random_alloc_type(void)
{
    static const DWORD bits[] = { MEM_COMMIT, MEM_RESERVE, MEM_RESET, MEM_TOP_DOWN,
                                  MEM_DECOMMIT, MEM_RELEASE, MEM_WRITE_WATCH, MEM_PHYSICAL,
                                  MEM_LARGE_PAGES, MEM_RESET_UNDO };
    switch (below(6)) {
    case 0: return (DWORD)next();
    case 1: return MEM_COMMIT;
    case 2: return MEM_RESERVE | MEM_COMMIT | (one_in(3) ? MEM_TOP_DOWN : 0);
    case 3: return MEM_RESERVE | (one_in(3) ? MEM_TOP_DOWN : 0);
    default: {
        DWORD t = 0;
        for (unsigned i = 0, n = 1 + (unsigned)below(3); i < n; i++)
            t |= bits[below(10)];
        return t;
    }
    }
}

static DWORD random_free_type(void)
{
    switch (below(5)) {
    case 0: return MEM_RELEASE;
    case 1: return MEM_DECOMMIT;
    case 2: return MEM_RELEASE | MEM_DECOMMIT;
    case 3: return 0;
    default: return (DWORD)next();
    }
}

static HANDLE random_handle(void)
{
    switch (below(12)) {
    case 0: return NULL;
    case 1: return (HANDLE)(LONG_PTR)-2;        /* the current-thread pseudo handle */
    case 2: return (HANDLE)(ULONG_PTR)next();
    default: return NtCurrentProcess();
    }
}

/* A pointer the kernel will find invalid whatever happens: NULL, kernel, non-canonical,
   below 64 KiB. */
static uint64_t bad_pointer(void)
{
    switch (below(4)) {
    case 0: return 0;
    case 1: return kernel_address();
    case 2: return 0x0000800000000000ull + below(1ull << 40);
    default: return below(0x10000);
    }
}

/* An output-only pointer (the kernel writes, never reads what it acts on): anything,
   including the fuzzer's own allocations with whatever protection they have now. */
static uint64_t out_pointer(void)
{
    switch (below(7)) {
    case 0: return bad_pointer();
    case 1: return (uint64_t)arena + below(ARENA_SIZE);
    case 2: return (uint64_t)readonly_values + below(sizeof(readonly_values));
    case 3: return (uint64_t)scratch + SCRATCH_SIZE - below(64);   /* runs off the end */
    default: return (uint64_t)scratch + below(SCRATCH_SIZE - 128);
    }
}

/* An in/out pointer (the kernel reads an address or size from it, then writes one
   back): either the kernel cannot read it, or the fuzzer controls what it holds. */
static uint64_t inout_pointer(uint64_t value)
{
    switch (below(8)) {
    case 0: return bad_pointer();
    case 1: {
        uint64_t p = (uint64_t)readonly_values + 8 * below(4);
        return protected_address(*(const uint64_t *)p) ? 0 : p;
    }
    default: {
        uint64_t p = (uint64_t)scratch + below(SCRATCH_SIZE - 16);
        memcpy((void *)p, &value, sizeof(value));
        return p;
    }
    }
}

/* Mostly-valid arguments, so that calls get past the first checks and change state: the
   bases of allocations the fuzzer made (recorded from successful calls), arena pages,
   small sizes, valid types and protections. */
static uint64_t made[64];
static unsigned made_count;

static uint64_t sane_target(void)
{
    uint64_t a;
    switch (below(4)) {
    case 0: a = made_count ? made[below(made_count)] + (one_in(2) ? 0 : below(16) * PAGE) : 0; break;
    case 1: a = (uint64_t)arena + below(ARENA_SIZE / PAGE) * PAGE; break;
    case 2: a = (uint64_t)arena + below(ARENA_SIZE / GRANULE) * GRANULE; break;
    default: a = 0; break;
    }
    return protected_address(a) ? (uint64_t)arena : a;
}

static uint64_t sane_size(void)
{
    switch (below(4)) {
    case 0: return 0;
    case 1: return 1 + below(4 * GRANULE);
    default: return (1 + below(16)) * PAGE;
    }
}

static DWORD sane_protect(void)
{
    static const DWORD p[] = { PAGE_NOACCESS, PAGE_READONLY, PAGE_READWRITE, PAGE_READWRITE,
                               PAGE_EXECUTE_READ, PAGE_EXECUTE_READWRITE,
                               PAGE_READWRITE | PAGE_GUARD, PAGE_READONLY | PAGE_NOCACHE };
    return p[below(8)];
}

static DWORD sane_alloc_type(void)
{
    static const DWORD t[] = { MEM_COMMIT, MEM_COMMIT, MEM_RESERVE | MEM_COMMIT, MEM_RESERVE,
                               MEM_RESET, MEM_RESERVE | MEM_TOP_DOWN,
                               MEM_RESERVE | MEM_COMMIT | MEM_TOP_DOWN };
    return t[below(7)];
}

/* An in/out pointer the kernel can use: aligned scratch memory holding `value`. */
static uint64_t sane_inout(uint64_t value)
{
    uint64_t p = (uint64_t)scratch + below(SCRATCH_SIZE / 8 - 2) * 8;
    memcpy((void *)p, &value, sizeof(value));
    return p;
}

/* ---- the calls ---------------------------------------------------------------------- */

static uint64_t raw_syscall(uint64_t number, uint64_t a1, uint64_t a2, uint64_t a3,
                            uint64_t a4, uint64_t a5, uint64_t a6)
{
    register uint64_t r10 __asm__("r10") = a4;
    register uint64_t r8 __asm__("r8") = a5;
    register uint64_t r9 __asm__("r9") = a6;
    uint64_t rax = number;
    __asm__ volatile("syscall"
                     : "+a"(rax), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8), "+r"(r9)
                     :
                     : "rcx", "r11", "memory");
    return rax;
}

static unsigned long counts[12];
static unsigned long successes, bad_unknown_status;
static unsigned long trace_from = ~0ul;     /* argv[3]: print each call from this one on */

static const char *const call_names[12] = {
    "NtYieldExecution", "NtTerminateProcess", "console write", "NtAllocateVirtualMemory",
    "NtFreeVirtualMemory", "NtProtectVirtualMemory", "NtQueryVirtualMemory", "NtContinue",
    "NtRaiseException", "NtQuerySystemInformation", "set dispatcher", "unknown number",
};

/* One random call. The arguments are drawn in a fixed order, so a seed replays exactly. */
static void fuzz_one(unsigned long index)
{
    uint64_t a[6] = { 0 }, number = 0;
    unsigned kind, which = (unsigned)below(100);
    int sane = one_in(2);       /* half the memory calls get mostly-valid arguments */
    if (which < 22) {
        kind = 3;
        a[0] = sane ? (uint64_t)NtCurrentProcess() : (uint64_t)random_handle();
        a[1] = sane ? sane_inout(sane_target()) : inout_pointer(target_address());
        a[2] = !sane && one_in(10) ? below(64) : 0;
        a[3] = sane ? sane_inout(sane_size()) : inout_pointer(random_size());
        a[4] = sane ? sane_alloc_type() : random_alloc_type();
        a[5] = sane ? sane_protect() : random_protect();
    } else if (which < 40) {
        kind = 4;
        a[0] = sane ? (uint64_t)NtCurrentProcess() : (uint64_t)random_handle();
        a[1] = sane ? sane_inout(sane_target()) : inout_pointer(target_address());
        a[2] = sane ? sane_inout(sane_size()) : inout_pointer(random_size());
        a[3] = sane ? (one_in(2) ? MEM_DECOMMIT : MEM_RELEASE) : random_free_type();
    } else if (which < 58) {
        kind = 5;
        a[0] = sane ? (uint64_t)NtCurrentProcess() : (uint64_t)random_handle();
        a[1] = sane ? sane_inout(sane_target()) : inout_pointer(target_address());
        a[2] = sane ? sane_inout(1 + below(8 * PAGE)) : inout_pointer(random_size());
        a[3] = sane ? sane_protect() : random_protect();
        a[4] = out_pointer();
    } else if (which < 74) {
        /* Any address may be queried, protected ones included: a query changes nothing. */
        static const SIZE_T lengths[] = { 0, 1, 47, 48, 49, 4096, (SIZE_T)-1 };
        kind = 6;
        a[0] = (uint64_t)random_handle();
        a[1] = one_in(2) ? target_address() : next();
        a[2] = one_in(8) ? next() : MemoryBasicInformation;
        a[3] = out_pointer();
        a[4] = lengths[below(7)];
        a[5] = one_in(3) ? 0 : out_pointer();
    } else if (which < 80) {
        static const ULONG lengths[] = { 0, 63, 64, 65, 4096, 0xFFFFFFFF };
        kind = 9;
        a[0] = one_in(4) ? next() : SystemBasicInformation;
        a[1] = out_pointer();
        a[2] = lengths[below(6)];
        a[3] = one_in(3) ? 0 : out_pointer();
    } else if (which < 83) {
        kind = 0;
    } else if (which < 85) {
        kind = 1;               /* never the current process: that would end the test */
        do
            a[0] = (uint64_t)random_handle();
        while (a[0] == (uint64_t)NtCurrentProcess());
        a[1] = next();
    } else if (which < 87) {
        kind = 7;               /* a CONTEXT the kernel cannot read */
        a[0] = bad_pointer();
        a[1] = next();
    } else if (which < 89) {
        kind = 2;               /* bytes it cannot read, or more than its 1 MiB limit */
        int big = one_in(3);
        a[0] = big ? (uint64_t)scratch : bad_pointer();
        a[1] = big ? (1ull << 20) + 1 + below(1ull << 40) : 1 + below(4096);
    } else {
        kind = 11;
        switch (below(4)) {
        case 0: number = FIRST_UNUSED_SYSCALL + below(64); break;
        case 1: number = FIRST_UNUSED_SYSCALL + below(0xFFFFFFFFull); break;
        case 2: number = next() | (1ull << 32); break;      /* a high half set */
        default:
            number = next();
            if (number < FIRST_UNUSED_SYSCALL)
                number += 1ull << 63;
            break;
        }
        for (int i = 0; i < 6; i++)
            a[i] = i == 1 ? out_pointer() : next();
    }
    counts[kind]++;
    if (index >= trace_from) {
        UTEST_NOTE("call %lu: %s (0x%llx) 0x%llx 0x%llx 0x%llx 0x%llx 0x%llx 0x%llx", index,
                   call_names[kind], (unsigned long long)(kind == 11 ? number : kind),
                   (unsigned long long)a[0], (unsigned long long)a[1],
                   (unsigned long long)a[2], (unsigned long long)a[3],
                   (unsigned long long)a[4], (unsigned long long)a[5]);
        if (kind >= 3 && kind <= 5 && a[1] >= (uint64_t)scratch &&
            a[1] < (uint64_t)scratch + SCRATCH_SIZE)
            UTEST_NOTE("  *BaseAddress 0x%llx", (unsigned long long)*(uint64_t *)a[1]);
    }

    NTSTATUS st;
    switch (kind) {
    case 0: st = NtYieldExecution(); break;
    case 1: st = NtTerminateProcess((HANDLE)a[0], (NTSTATUS)a[1]); break;
    case 3:
        st = NtAllocateVirtualMemory((HANDLE)a[0], (PVOID *)a[1], a[2], (PSIZE_T)a[3],
                                     (ULONG)a[4], (ULONG)a[5]);
        if (NT_SUCCESS(st) && a[1] >= (uint64_t)scratch && a[1] < (uint64_t)scratch + SCRATCH_SIZE) {
            uint64_t base;
            memcpy(&base, (void *)a[1], sizeof(base));
            made[made_count < 64 ? made_count++ : below(64)] = base;
        }
        break;
    case 4: st = NtFreeVirtualMemory((HANDLE)a[0], (PVOID *)a[1], (PSIZE_T)a[2], (ULONG)a[3]); break;
    case 5:
        st = NtProtectVirtualMemory((HANDLE)a[0], (PVOID *)a[1], (PSIZE_T)a[2], (ULONG)a[3],
                                    (PULONG)a[4]);
        break;
    case 6:
        st = NtQueryVirtualMemory((HANDLE)a[0], (PVOID)a[1], (MEMORY_INFORMATION_CLASS)a[2],
                                  (PVOID)a[3], (SIZE_T)a[4], (PSIZE_T)a[5]);
        break;
    case 9:
        st = NtQuerySystemInformation((SYSTEM_INFORMATION_CLASS)a[0], (PVOID)a[1], (ULONG)a[2],
                                      (PULONG)a[3]);
        break;
    case 2:
    case 7:
        st = (NTSTATUS)raw_syscall(kind, a[0], a[1], a[2], a[3], a[4], a[5]);
        break;
    default:
        st = (NTSTATUS)raw_syscall(number, a[0], a[1], a[2], a[3], a[4], a[5]);
        if ((uint32_t)st != STATUS_INVALID_SYSTEM_SERVICE_ && bad_unknown_status++ < 5)
            UTEST_NOTE("unknown system call 0x%llx returned 0x%08lx",
                       (unsigned long long)number, (unsigned long)(uint32_t)st);
        break;
    }
    if (index >= trace_from)
        UTEST_NOTE("  -> 0x%08lx", (unsigned long)(uint32_t)st);
    if (NT_SUCCESS(st))
        successes++;
}

/* ---- after fuzzing ---------------------------------------------------------------- */

/* Releases every allocation that did not exist before fuzzing; returns how many. */
static unsigned release_fuzz_allocations(void)
{
    unsigned released = 0;
    for (int pass = 0; pass < 4; pass++) {
        unsigned n = snapshot(after);
        if (n > MAX_REGIONS)
            n = MAX_REGIONS;
        int any = 0;
        for (unsigned i = 0; i < n; i++) {
            if (protected_address(after[i].alloc_base))
                continue;
            if (i > 0 && after[i].alloc_base == after[i - 1].alloc_base)
                continue;
            PVOID base = (PVOID)after[i].alloc_base;
            SIZE_T size = 0;
            if (NT_SUCCESS(NtFreeVirtualMemory(NtCurrentProcess(), &base, &size, MEM_RELEASE)))
                released++;
            any = 1;
        }
        if (!any)
            break;
    }
    return released;
}

static void check_address_space(void)
{
    unsigned n = snapshot(after);
    CHECK_EQ_U64(count_allocations(after, n), count_allocations(before, before_count),
                 "after releasing, as many allocations as before fuzzing");
    CHECK_EQ_U64(n, before_count, "after releasing, as many regions as before fuzzing");
    unsigned private_before = 0, private_after = 0, same = n == before_count;
    for (unsigned i = 0; i < before_count; i++)
        private_before += before[i].type == MEM_PRIVATE;
    for (unsigned i = 0; i < n && i < MAX_REGIONS; i++) {
        private_after += after[i].type == MEM_PRIVATE;
        if (same && memcmp(&after[i], &before[i], sizeof(after[i])) != 0) {
            UTEST_NOTE("region %u was 0x%llx+0x%llx state 0x%lx protect 0x%lx, now "
                       "0x%llx+0x%llx state 0x%lx protect 0x%lx", i,
                       (unsigned long long)before[i].base, (unsigned long long)before[i].size,
                       (unsigned long)before[i].state, (unsigned long)before[i].protect,
                       (unsigned long long)after[i].base, (unsigned long long)after[i].size,
                       (unsigned long)after[i].state, (unsigned long)after[i].protect);
            same = 0;
        }
    }
    CHECK_EQ_U64(private_after, private_before, "as many MEM_PRIVATE regions as before");
    CHECK(same, "every region (image, stack, TEB, heap) is as it was, field for field");
}

/*
 * The register contract (kernel/syscall/syscall_numbers.h): SYSCALL clobbers RCX and R11,
 * EAX carries the status, and every other general-purpose register comes back as it was.
 * syscall_probe loads regs[] (in the order below; RCX and R11 too, which SYSCALL then
 * overwrites with RIP and RFLAGS), executes SYSCALL, and stores every register back.
 */
enum { P_RAX, P_RBX, P_RCX, P_RDX, P_RSI, P_RDI, P_RBP, P_R8, P_R9, P_R10, P_R11, P_R12,
       P_R13, P_R14, P_R15, P_COUNT };
static const char *const probe_names[P_COUNT] = {
    "RAX", "RBX", "RCX", "RDX", "RSI", "RDI", "RBP", "R8", "R9", "R10", "R11", "R12", "R13",
    "R14", "R15",
};
void syscall_probe(uint64_t regs[P_COUNT]);
__asm__(".text\n"
        ".globl syscall_probe\n"
        "syscall_probe:\n"
        "    push %rbx; push %rbp; push %r12; push %r13; push %r14; push %r15\n"
        "    push %rdi\n"
        "    mov 0(%rdi), %rax; mov 8(%rdi), %rbx; mov 16(%rdi), %rcx; mov 24(%rdi), %rdx\n"
        "    mov 32(%rdi), %rsi; mov 48(%rdi), %rbp; mov 56(%rdi), %r8\n"
        "    mov 64(%rdi), %r9; mov 72(%rdi), %r10; mov 80(%rdi), %r11; mov 88(%rdi), %r12\n"
        "    mov 96(%rdi), %r13; mov 104(%rdi), %r14; mov 112(%rdi), %r15\n"
        "    mov 40(%rdi), %rdi\n"
        "    syscall\n"
        "    xchg %rdi, (%rsp)\n"
        "    mov %rax, 0(%rdi); mov %rbx, 8(%rdi); mov %rcx, 16(%rdi); mov %rdx, 24(%rdi)\n"
        "    mov %rsi, 32(%rdi); mov %rbp, 48(%rdi); mov %r8, 56(%rdi)\n"
        "    mov %r9, 64(%rdi); mov %r10, 72(%rdi); mov %r11, 80(%rdi); mov %r12, 88(%rdi)\n"
        "    mov %r13, 96(%rdi); mov %r14, 104(%rdi); mov %r15, 112(%rdi)\n"
        "    pop 40(%rdi)\n"
        "    pop %r15; pop %r14; pop %r13; pop %r12; pop %rbp; pop %rbx\n"
        "    ret\n");

/* One call through the probe, every register a distinct pattern (RDI the first argument
   when rdi is not 0): the status as expected, and only RAX, RCX and R11 changed. */
static void check_registers_survive(uint64_t number, uint64_t rdi, uint32_t status,
                                    const char *what)
{
    uint64_t regs[P_COUNT], sent[P_COUNT];
    for (unsigned i = 0; i < P_COUNT; i++)
        regs[i] = 0x1111111111111111ull * (i + 1) ^ 0x8000000000000000ull;
    regs[P_RAX] = number;
    if (rdi)
        regs[P_RDI] = rdi;
    memcpy(sent, regs, sizeof(regs));
    syscall_probe(regs);
    CHECK_EQ_U64(regs[P_RAX], status, "%s: the status in RAX", what);
    unsigned changed = 0;
    for (unsigned i = 0; i < P_COUNT; i++) {
        if (i == P_RAX || i == P_RCX || i == P_R11 || regs[i] == sent[i])
            continue;
        UTEST_NOTE("%s: %s was 0x%llx, came back 0x%llx", what, probe_names[i],
                   (unsigned long long)sent[i], (unsigned long long)regs[i]);
        changed++;
    }
    CHECK_EQ_U64(changed, 0, "%s: every register but RAX, RCX and R11 preserved", what);
}

static void check_register_contract(void)
{
    check_registers_survive(0, 0, 0x40000024u, "NtYieldExecution");
    check_registers_survive(FIRST_UNUSED_SYSCALL + 5, 0, STATUS_INVALID_SYSTEM_SERVICE_,
                            "an unknown number");
    /* NtQueryVirtualMemory with a bad handle (STATUS_INVALID_HANDLE): the handler runs. */
    check_registers_survive(6, 1234, 0xC0000008u, "NtQueryVirtualMemory(bad handle)");
}

static void check_memory_calls_work(void)
{
    SIZE_T size = 1 << 20;
    unsigned char *p = VirtualAlloc(NULL, size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    CHECK(p != NULL, "VirtualAlloc of 1 MiB works after fuzzing");
    if (!p)
        return;
    int zero = 1;
    for (SIZE_T i = 0; i < size; i += PAGE)
        zero &= p[i] == 0 && p[i + PAGE - 1] == 0;
    memset(p, 0x3C, size);
    CHECK(zero && p[size - 1] == 0x3C, "it reads zero and can be written");
    DWORD old = 0;
    CHECK(VirtualProtect(p, PAGE, PAGE_READONLY, &old) && old == PAGE_READWRITE,
          "VirtualProtect works after fuzzing");
    MEMORY_BASIC_INFORMATION mbi;
    CHECK(VirtualQuery(p, &mbi, sizeof(mbi)) == sizeof(mbi) && mbi.Protect == PAGE_READONLY &&
              mbi.RegionSize == PAGE,
          "VirtualQuery works after fuzzing");
    CHECK(VirtualFree(p, 0, MEM_RELEASE), "VirtualFree works after fuzzing");
    void *q = malloc(100000);
    CHECK(q != NULL, "malloc works after fuzzing");
    free(q);
}

int main(int argc, char **argv)
{
    uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 0x5EED2024ull;
    unsigned long calls = argc > 2 ? strtoul(argv[2], NULL, 0) : 5000;
    if (argc > 3)
        trace_from = strtoul(argv[3], NULL, 0);
    rng = seed ? seed : 1;
    UTEST_NOTE("test_syscall_fuzz on %s: seed 0x%llx, %lu calls (replay: make run "
               "PROG=tests/user/test_syscall_fuzz.c ARGS=\"0x%llx %lu\")",
               utest_platform(), (unsigned long long)seed, calls, (unsigned long long)seed,
               calls);

    /* The places fuzzing may touch: an arena and a free hole, made before the snapshot
       and excluded from it below. The scratch memory comes first, so the hole stays free. */
    scratch = VirtualAlloc(NULL, GRANULE, MEM_RESERVE, PAGE_READWRITE);
    CHECK(scratch != NULL && VirtualAlloc(scratch, SCRATCH_SIZE, MEM_COMMIT, PAGE_READWRITE),
          "commit 16 KiB of scratch memory");
    if (!scratch)
        return utest_done();
    unsigned char *h = VirtualAlloc(NULL, GRANULE, MEM_RESERVE, PAGE_NOACCESS);
    arena = VirtualAlloc(NULL, ARENA_SIZE, MEM_RESERVE, PAGE_READWRITE);
    CHECK(h != NULL && arena != NULL, "reserve the 16 MiB arena");
    if (!h || !arena)
        return utest_done();
    hole = (uint64_t)h;
    VirtualFree(h, 0, MEM_RELEASE);
    VirtualAlloc(arena, ARENA_SIZE / 2, MEM_COMMIT, PAGE_READWRITE);

    settle_image_and_stack();
    before_count = snapshot(before);
    CHECK(before_count <= MAX_REGIONS, "the address space has at most %u regions", MAX_REGIONS);
    /* The arena is the fuzzer's: drop it from the protected set. */
    unsigned kept = 0;
    for (unsigned i = 0; i < before_count; i++)
        if (before[i].alloc_base != (ULONG_PTR)arena)
            before[kept++] = before[i];
    before_count = kept;
    UTEST_NOTE("before fuzzing: %u regions in %u allocations", before_count,
               count_allocations(before, before_count));

    for (unsigned long i = 0; i < calls; i++)
        fuzz_one(i);

    UTEST_NOTE("calls: alloc %lu, free %lu, protect %lu, query %lu, sysinfo %lu, yield %lu, "
               "terminate %lu, continue %lu, console %lu, unknown %lu; %lu succeeded",
               counts[3], counts[4], counts[5], counts[6], counts[9], counts[0], counts[1],
               counts[7], counts[2], counts[11], successes);
    CHECK(1, "the kernel survived %lu random system calls", calls);
    CHECK_EQ_U64(bad_unknown_status, 0,
                 "every unknown system-call number gave STATUS_INVALID_SYSTEM_SERVICE");

    unsigned released = release_fuzz_allocations();
    UTEST_NOTE("released %u allocations the fuzzer made", released);
    check_address_space();
    check_memory_calls_work();
    check_register_contract();
    return utest_done();
}
