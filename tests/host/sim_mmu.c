/*
 * The simulated machine (sim_mmu.h): physical memory and the arch interface.
 * The MMU walk and the TLB are below the memory part.
 */
#include "sim_mmu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "arch/x86_64/trap.h"
#include "mm/arch.h"
#include "mm/pte.h"

uintptr_t direct_map_base;

static uint8_t *memory;
static uint64_t memory_size;
static uint64_t cr3;
static int has_1g = 1;
static struct sim_counters counters;

static void tlb_clear(int include_global);

/*
 * Simulated memory comes straight from mmap: zero pages that cost nothing until touched
 * (aligned_alloc + memset of 64 MiB took ~0.2 s per sim_init under ASan), aligned to
 * 2 MiB, with an inaccessible guard page after it so that running off the end faults.
 */
#define GUARD_SIZE PAGE_SIZE

static uint8_t *map_memory(uint64_t bytes)
{
    uint64_t span = bytes + GUARD_SIZE + LARGE_PAGE_SIZE;
    uint8_t *p = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    uint64_t head = (LARGE_PAGE_SIZE - (uintptr_t)p % LARGE_PAGE_SIZE) % LARGE_PAGE_SIZE;
    uint8_t *base = p + head;
    if (head)
        munmap(p, head);
    if (span - head > bytes + GUARD_SIZE)
        munmap(base + bytes + GUARD_SIZE, span - head - bytes - GUARD_SIZE);
    mprotect(base + bytes, GUARD_SIZE, PROT_NONE);
    return base;
}

void sim_init(uint64_t mem_bytes)
{
    if (mem_bytes == 0 || mem_bytes % LARGE_PAGE_SIZE) {
        fprintf(stderr, "sim_init: size must be a non-zero multiple of 2 MiB\n");
        abort();
    }
    sim_free();
    memory = map_memory(mem_bytes);
    if (!memory) {
        fprintf(stderr, "sim_init: cannot allocate %llu bytes\n", (unsigned long long)mem_bytes);
        abort();
    }
    memory_size = mem_bytes;
    direct_map_base = (uintptr_t)memory;
    cr3 = 0;
    has_1g = 1;
    memset(&counters, 0, sizeof(counters));
    tlb_clear(1);
}

void sim_free(void)
{
    if (memory)
        munmap(memory, memory_size + GUARD_SIZE);
    memory = NULL;
    memory_size = 0;
    direct_map_base = 0;
}

uint64_t sim_mem_size(void)
{
    return memory_size;
}

void sim_boot_info(struct boot_info *bi)
{
    memset(bi, 0, sizeof(*bi));
    bi->magic = BOOT_INFO_MAGIC;
    bi->version = BOOT_INFO_VERSION;
    bi->size = sizeof(*bi);
    bi->protocol = BOOT_PROTOCOL_MULTIBOOT2;
    bi->mmap_count = 2;
    bi->mmap[0] = (struct boot_mem_region){ 0, 1ull << 20, BOOT_MEM_RESERVED, 0 };
    bi->mmap[1] = (struct boot_mem_region){ 1ull << 20, memory_size - (1ull << 20),
                                            BOOT_MEM_USABLE, 0 };
}

void sim_set_1g_pages(int enabled)
{
    has_1g = enabled;
}

void sim_counters(struct sim_counters *out)
{
    *out = counters;
}

/* ---- arch.h ---- */

void arch_load_root(uint64_t root_pa)
{
    counters.root_loads++;
    cr3 = root_pa;
    tlb_clear(0);
}

uint64_t arch_active_root(void)
{
    return cr3;
}

void arch_flush_tlb(void)
{
    counters.flush++;
    tlb_clear(0);
}

void arch_flush_tlb_all(void)
{
    counters.flush_all++;
    tlb_clear(1);
}

void arch_zero_page(void *page)
{
    memset(page, 0, PAGE_SIZE);
}

int arch_has_nx(void)
{
    return 1;
}

int arch_has_1g_pages(void)
{
    return has_1g;
}

/* ---- MMU and TLB (tests of mm/pagetable.c) ---- */

/*
 * The walk follows Intel SDM vol. 3A 4.5-4.7 for 4-level paging with the control bits the
 * kernel sets: CR0.WP = 1, EFER.NXE = 1, CR4.PGE = 1, CR4.SMEP = CR4.SMAP = 0, no
 * protection keys. The simulated MAXPHYADDR is 52, the architectural maximum that
 * pt_map's limit assumes: so no address bit of an entry is reserved, and bits 52-62 are
 * ignored (pte.h's software bits), as on such a CPU. Reserved bits that do exist: PS in a
 * PML4 entry, and the bits between the offset and the frame address of a large leaf
 * (13-29 for 1 GiB, 13-20 for 2 MiB; bit 12 is PAT).
 *
 * A non-canonical address raises #GP on the CPU, not #PF: the sim reports it as -1 with
 * the error code SIM_ERROR_GP, a value no page-fault error code can have.
 */
#define SIM_ERROR_GP UINT64_MAX
#define SIM_MAXPHYADDR 52

/* Bits 51..MAXPHYADDR of an entry: empty at 52, kept so the rule is written down. */
static const uint64_t reserved_addr_bits =
    ((1ull << 52) - 1) & ~((1ull << SIM_MAXPHYADDR) - 1);

/* A translation: what a walk finds and what the TLB keeps. */
struct translation {
    uint64_t va;            /* first byte of the page (4 KiB, 2 MiB or 1 GiB) */
    uint64_t pa;            /* first byte of the frame */
    uint64_t size;
    int writable;           /* R/W set at every level */
    int user;               /* U/S set at every level */
    int executable;         /* NX clear at every level */
    int global;             /* G in the leaf */
};

/* Reads entry index of the table at table_pa. A table outside memory is a sim-fatal bug. */
static pte_t read_entry(uint64_t table_pa, unsigned index)
{
    uint64_t pa = table_pa + index * sizeof(pte_t);
    if (pa + sizeof(pte_t) > memory_size || !memory) {
        fprintf(stderr, "sim_mmu: paging structure at 0x%llx is outside simulated memory "
                "(0x%llx bytes)\n", (unsigned long long)table_pa,
                (unsigned long long)memory_size);
        abort();
    }
    pte_t e;
    memcpy(&e, memory + pa, sizeof(e));
    return e;
}

/* The error-code bits that describe the access itself (W, U, I). */
static uint64_t access_bits(enum sim_access access, int user)
{
    uint64_t code = 0;
    if (access == SIM_WRITE)
        code |= PF_WRITE;
    if (user)
        code |= PF_USER;
    if (access == SIM_EXEC)
        code |= PF_FETCH;       /* set for every fetch fault when EFER.NXE = 1 */
    return code;
}

/* Whether the effective rights of t allow the access (CR0.WP = 1, no SMEP/SMAP). */
static int access_allowed(const struct translation *t, enum sim_access access, int user)
{
    if (user && !t->user)
        return 0;
    if (access == SIM_WRITE && !t->writable)
        return 0;
    if (access == SIM_EXEC && !t->executable)
        return 0;
    return 1;
}

/* Reserved bits set in entry e found at level (a present entry). */
static int has_reserved_bits(pte_t e, int level)
{
    if (e & reserved_addr_bits)
        return 1;
    if (level == 4)
        return (e & PTE_LARGE) != 0;
    if (level == 3 && (e & PTE_LARGE))
        return (e & 0x3fffe000ull) != 0;            /* bits 13-29 */
    if (level == 2 && (e & PTE_LARGE))
        return (e & 0x1fe000ull) != 0;              /* bits 13-20 */
    return 0;
}

/*
 * Walks the active table for va. Returns 0 with the translation in *t, or -1 with the
 * error code of a not-present or reserved-bit fault. Permissions are not checked here.
 */
static int walk(uint64_t va, struct translation *t, uint64_t *error_code)
{
    uint64_t table = cr3 & PTE_ADDR_MASK;
    t->writable = t->user = t->executable = 1;
    for (int level = PT_LEVELS; level >= 1; level--) {
        pte_t e = read_entry(table, pt_index(va, level));
        if (!pte_present(e)) {
            *error_code = 0;
            return -1;
        }
        if (has_reserved_bits(e, level)) {
            *error_code = PF_PRESENT | PF_RESERVED;
            return -1;
        }
        t->writable &= (e & PTE_WRITABLE) != 0;
        t->user &= (e & PTE_USER) != 0;
        t->executable &= (e & PTE_NX) == 0;
        if (level == 1 || (level <= 3 && (e & PTE_LARGE))) {
            t->size = 1ull << (12 + 9 * (level - 1));
            t->va = va & ~(t->size - 1);
            t->pa = e & PTE_ADDR_MASK & ~(t->size - 1);
            t->global = (e & PTE_GLOBAL) != 0;
            return 0;
        }
        table = pte_addr(e);
    }
    return -1;  /* not reached: level 1 always returns */
}

/* Checks the access against t; on success the physical address goes to *pa. */
static int finish(const struct translation *t, uint64_t va, enum sim_access access, int user,
                  uint64_t *pa, uint64_t *error_code)
{
    if (!access_allowed(t, access, user)) {
        *error_code = PF_PRESENT | access_bits(access, user);
        return -1;
    }
    *pa = t->pa + (va - t->va);
    return 0;
}

int sim_walk(uint64_t va, enum sim_access access, int user, uint64_t *pa,
             uint64_t *error_code)
{
    struct translation t;
    if (!va_is_canonical(va)) {
        *error_code = SIM_ERROR_GP;
        return -1;
    }
    if (walk(va, &t, error_code) < 0) {
        *error_code |= access_bits(access, user);
        return -1;
    }
    return finish(&t, va, access, user, pa, error_code);
}

/*
 * The TLB: TLB_SLOTS translations, direct-mapped by the 4 KiB page number of the access
 * (a large page may sit in several slots, one per 4 KiB page touched). A hit is used
 * without looking at the tables, which is what lets a missing invalidation show. Only
 * successful walks fill it. As on the CPU (SDM 4.10.4.1), a page fault drops the
 * translations for the faulting address, so a fault from a stale entry is "spurious":
 * the next access walks again.
 */
#define TLB_SLOTS 64

static struct tlb_slot {
    int valid;
    struct translation t;
} tlb[TLB_SLOTS];

static struct tlb_slot *tlb_slot_for(uint64_t va)
{
    return &tlb[(va >> PAGE_SHIFT) % TLB_SLOTS];
}

static int slot_covers(const struct tlb_slot *s, uint64_t va)
{
    return s->valid && va - s->t.va < s->t.size;
}

static void tlb_clear(int include_global)
{
    for (unsigned i = 0; i < TLB_SLOTS; i++)
        if (include_global || !tlb[i].t.global)
            tlb[i].valid = 0;
}

/* Drops every slot whose translation covers va (INVLPG on a large page drops all of it). */
static void tlb_drop(uint64_t va)
{
    for (unsigned i = 0; i < TLB_SLOTS; i++)
        if (slot_covers(&tlb[i], va))
            tlb[i].valid = 0;
}

void arch_invalidate_page(uint64_t va)
{
    counters.invlpg++;
    tlb_drop(va);
}

int sim_access(uint64_t va, enum sim_access access, int user, uint64_t *pa,
               uint64_t *error_code)
{
    if (!va_is_canonical(va)) {
        *error_code = SIM_ERROR_GP;
        return -1;
    }
    struct tlb_slot *s = tlb_slot_for(va);
    if (slot_covers(s, va)) {
        if (finish(&s->t, va, access, user, pa, error_code) == 0)
            return 0;
        tlb_drop(va);
        return -1;
    }
    struct translation t;
    if (walk(va, &t, error_code) < 0) {
        *error_code |= access_bits(access, user);
        tlb_drop(va);
        return -1;
    }
    if (finish(&t, va, access, user, pa, error_code) < 0) {
        tlb_drop(va);
        return -1;
    }
    s->valid = 1;
    s->t = t;
    return 0;
}
