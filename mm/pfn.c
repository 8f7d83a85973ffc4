/*
 * The PFN database (pfn.h): one record per physical frame and a count per state.
 *
 * pfn_init builds it once at boot from the normalized memory map. Afterwards records
 * change only through the page allocator (and, for frames they own, its callers), and
 * every state change goes through pfn_set_state so the counts stay exact: at any moment
 * the counts sum to pfn_count, which is what mm_stats reports.
 */
#include "pfn.h"

#include <stddef.h>

#include "arch.h"
#include "bootinfo.h"
#include "lib/log.h"
#include "lib/panic.h"

#define LOW_MEMORY_END  0x100000ull       /* the first 1 MiB: BIOS data, real-mode stubs */
#define ARRAY_LIMIT     0x100000000ull    /* 4 GiB: what the boot page tables map */
#define MAX_FRAMES      (1ull << 32)      /* frame numbers must fit the 32-bit list links */

struct pfn *pfn_array;
uint64_t pfn_count;

static uint64_t array_pa;                         /* the array's physical address */
static uint64_t state_count[PFN_STATE_COUNT];

static const char *const state_names[PFN_STATE_COUNT] = {
    [PFN_FREE] = "free",
    [PFN_ZEROED] = "zeroed",
    [PFN_KERNEL] = "kernel",
    [PFN_PAGETABLE] = "pagetable",
    [PFN_PRIVATE] = "private",
    [PFN_SHARED] = "shared",
    [PFN_TRANSITION] = "transition",
    [PFN_RESERVED] = "reserved",
    [PFN_BAD] = "bad",
};

const char *pfn_state_name(enum pfn_state state)
{
    if ((unsigned)state < PFN_STATE_COUNT)
        return state_names[state];
    return "invalid";
}

void pfn_set_state(struct pfn *p, enum pfn_state state)
{
    ASSERT((unsigned)state < PFN_STATE_COUNT);
    state_count[p->state]--;
    state_count[state]++;
    p->state = (uint8_t)state;
}

void mm_stats(struct mm_stats *out)
{
    out->total = pfn_count;
    for (unsigned s = 0; s < PFN_STATE_COUNT; s++)
        out->by_state[s] = state_count[s];
}

void pfn_relocate(void)
{
    pfn_array = phys_to_virt(array_pa);
}

/* ---- Building the database ---- */

static uint64_t round_up(uint64_t x, uint64_t align)
{
    return (x + align - 1) & ~(align - 1);
}

static uint64_t round_down(uint64_t x, uint64_t align)
{
    return x & ~(align - 1);
}

static int overlaps(uint64_t a_base, uint64_t a_end, uint64_t b_base, uint64_t b_end)
{
    return a_base < b_end && b_base < a_end;
}

/* RAM of any kind, the firmware's included: what the database has to describe. */
static int is_ram(uint32_t type)
{
    return type != BOOT_MEM_RESERVED && type != BOOT_MEM_MMIO;
}

/* RAM the kernel may allocate. */
static int is_allocatable(uint32_t type)
{
    return type == BOOT_MEM_USABLE || type == BOOT_MEM_RECLAIMABLE;
}

static uint64_t region_end(const struct boot_mem_region *r)
{
    return r->base + r->length;
}

/* A keep range in whole frames: partially covered frames count as covered. */
static uint64_t keep_first_frame(const struct mm_phys_range *k)
{
    return k->base >> PAGE_SHIFT;
}

static uint64_t keep_end_frame(const struct mm_phys_range *k)
{
    return round_up(k->base + k->size, PAGE_SIZE) >> PAGE_SHIFT;
}

/*
 * The checks that need nothing but the arguments. On success *frames is the size of the
 * database: the end of the highest RAM range, in frames.
 */
static ntstatus_t check_inputs(const struct boot_info *bi, const struct mm_phys_range *keep,
                               unsigned keep_count, uint64_t *frames)
{
    if (bi->mmap_count > BOOT_MMAP_MAX)
        return STATUS_INVALID_PARAMETER;

    uint64_t ram_end = 0;
    int allocatable = 0;
    for (uint32_t i = 0; i < bi->mmap_count; i++) {
        const struct boot_mem_region *r = &bi->mmap[i];
        if (region_end(r) < r->base)
            return STATUS_INVALID_PARAMETER;    /* normalized maps have no wrapping entry */
        if (!is_ram(r->type))
            continue;
        allocatable |= is_allocatable(r->type);
        if (region_end(r) > ram_end)
            ram_end = region_end(r);
    }
    if (!allocatable)
        return STATUS_INVALID_PARAMETER;
    /* Compared in bytes first: rounding an end near 2^64 up to a page would wrap. */
    if (ram_end > (MAX_FRAMES << PAGE_SHIFT))
        return STATUS_INVALID_PARAMETER;

    for (unsigned i = 0; i < keep_count; i++) {
        const struct mm_phys_range *k = &keep[i];
        if (k->base + k->size < k->base || k->base + k->size > UINT64_MAX - PAGE_SIZE)
            return STATUS_INVALID_PARAMETER;
        if (k->state != PFN_KERNEL && k->state != PFN_RESERVED)
            return STATUS_INVALID_PARAMETER;
    }
    *frames = round_up(ram_end, PAGE_SIZE) >> PAGE_SHIFT;
    return STATUS_SUCCESS;
}

/* The first keep range that overlaps [base, end), or NULL. */
static const struct mm_phys_range *keep_overlapping(const struct mm_phys_range *keep,
                                                     unsigned keep_count, uint64_t base,
                                                     uint64_t end)
{
    for (unsigned i = 0; i < keep_count; i++) {
        uint64_t k_base = keep_first_frame(&keep[i]) << PAGE_SHIFT;
        uint64_t k_end = keep_end_frame(&keep[i]) << PAGE_SHIFT;
        if (keep[i].size && overlaps(base, end, k_base, k_end))
            return &keep[i];
    }
    return NULL;
}

/*
 * The lowest address at which size bytes fit inside one USABLE entry, above the first MiB,
 * below 4 GiB and clear of every keep range; 0 when there is none (0 is never a
 * candidate: it lies in the first MiB). Only USABLE, not RECLAIMABLE: the loader's memory
 * may still hold what the kernel has not copied yet.
 */
static uint64_t find_array_home(const struct boot_info *bi, const struct mm_phys_range *keep,
                                unsigned keep_count, uint64_t size)
{
    uint64_t best = 0;
    for (uint32_t i = 0; i < bi->mmap_count; i++) {
        const struct boot_mem_region *r = &bi->mmap[i];
        if (r->type != BOOT_MEM_USABLE)
            continue;
        uint64_t base = r->base > LOW_MEMORY_END ? r->base : LOW_MEMORY_END;
        uint64_t end = region_end(r) < ARRAY_LIMIT ? region_end(r) : ARRAY_LIMIT;
        base = round_up(base, PAGE_SIZE);
        end = round_down(end, PAGE_SIZE);
        /* Each keep range in the way moves the candidate past it; the candidate only rises. */
        const struct mm_phys_range *k;
        while (base < end && end - base >= size &&
               (k = keep_overlapping(keep, keep_count, base, base + size)) != NULL)
            base = keep_end_frame(k) << PAGE_SHIFT;
        if (base < end && end - base >= size && (best == 0 || base < best))
            best = base;
    }
    return best;
}

static void set_frames(uint64_t first, uint64_t end, enum pfn_state state)
{
    if (end > pfn_count)
        end = pfn_count;        /* the part past the last RAM frame has no records */
    for (uint64_t f = first; f < end; f++)
        pfn_array[f].state = (uint8_t)state;
}

/* Map entries, in the order that makes the more restrictive state win. */
static void apply_map(const struct boot_info *bi)
{
    for (uint32_t i = 0; i < bi->mmap_count; i++) {
        const struct boot_mem_region *r = &bi->mmap[i];
        if (!is_allocatable(r->type))
            continue;
        /* Only whole frames: a frame that is half firmware's stays reserved. */
        set_frames(round_up(r->base, PAGE_SIZE) >> PAGE_SHIFT,
                   round_down(region_end(r), PAGE_SIZE) >> PAGE_SHIFT, PFN_FREE);
    }
    for (uint32_t i = 0; i < bi->mmap_count; i++) {
        const struct boot_mem_region *r = &bi->mmap[i];
        if (r->type != BOOT_MEM_BAD)
            continue;
        /* Any frame touching bad RAM is bad. */
        set_frames(r->base >> PAGE_SHIFT, round_up(region_end(r), PAGE_SIZE) >> PAGE_SHIFT,
                   PFN_BAD);
    }
}

/* Logs each part of a keep range that the map does not give the kernel as RAM. */
static void warn_keep_outside_ram(const struct boot_info *bi, const struct mm_phys_range *k)
{
    uint64_t base = k->base, end = k->base + k->size;
    uint64_t covered = 0;
    for (uint32_t i = 0; i < bi->mmap_count; i++) {
        const struct boot_mem_region *r = &bi->mmap[i];
        if (!overlaps(base, end, r->base, region_end(r)))
            continue;
        uint64_t lo = r->base > base ? r->base : base;
        uint64_t hi = region_end(r) < end ? region_end(r) : end;
        covered += hi - lo;
        if (!is_allocatable(r->type))
            log_warn("pfn: keep range \"%s\" [0x%llx, 0x%llx) overlaps %s memory "
                     "[0x%llx, 0x%llx)", k->what, (unsigned long long)base,
                     (unsigned long long)end, boot_mem_type_name(r->type),
                     (unsigned long long)r->base, (unsigned long long)region_end(r));
    }
    /* A normalized map has no overlapping entries, so what is left is in no entry. */
    if (covered < k->size)
        log_warn("pfn: keep range \"%s\" [0x%llx, 0x%llx) lies partly outside the memory map",
                 k->what, (unsigned long long)base, (unsigned long long)end);
}

static void recount_states(void)
{
    for (unsigned s = 0; s < PFN_STATE_COUNT; s++)
        state_count[s] = 0;
    for (uint64_t f = 0; f < pfn_count; f++)
        state_count[pfn_array[f].state]++;
}

ntstatus_t pfn_init(const struct boot_info *bi, const struct mm_phys_range *keep,
                    unsigned keep_count)
{
    uint64_t frames;
    ntstatus_t status = check_inputs(bi, keep, keep_count, &frames);
    if (!nt_success(status))
        return status;

    /*
     * The array must lie below 4 GiB, so it has fewer than 2^28 records: frame numbers
     * then always fit the 32-bit links and never equal PFN_NONE.
     */
    uint64_t array_bytes = round_up(frames * sizeof(struct pfn), PAGE_SIZE);
    uint64_t home = find_array_home(bi, keep, keep_count, array_bytes);
    if (home == 0) {
        log_error("pfn: no room below 4 GiB for the PFN array (%llu KiB for %llu frames)",
                  (unsigned long long)(array_bytes >> 10), (unsigned long long)frames);
        return STATUS_NO_MEMORY;
    }

    array_pa = home;
    pfn_array = phys_to_virt(home);
    pfn_count = frames;
    for (uint64_t f = 0; f < frames; f++)
        pfn_array[f] = (struct pfn){ PFN_NONE, PFN_NONE, 0, PFN_RESERVED, 0, 0 };

    apply_map(bi);
    set_frames(0, LOW_MEMORY_END >> PAGE_SHIFT, PFN_RESERVED);
    for (unsigned i = 0; i < keep_count; i++) {
        warn_keep_outside_ram(bi, &keep[i]);
        if (keep[i].size)
            set_frames(keep_first_frame(&keep[i]), keep_end_frame(&keep[i]), keep[i].state);
    }
    set_frames(home >> PAGE_SHIFT, (home + array_bytes) >> PAGE_SHIFT, PFN_KERNEL);
    recount_states();

    log_info("pfn: %llu frames, array at 0x%llx (%llu KiB), %llu free",
             (unsigned long long)frames, (unsigned long long)home,
             (unsigned long long)(array_bytes >> 10),
             (unsigned long long)state_count[PFN_FREE]);
    return STATUS_SUCCESS;
}
