/*
 * Host tests for mm/pfn.c: building the PFN database from a memory map and keep ranges,
 * where its array goes, the per-state counts, and what pfn_init refuses.
 */
#include <stdlib.h>
#include <string.h>

#include "mm/arch.h"
#include "mm/pfn.h"
#include "sim_mmu.h"
#include "test.h"

#define K 0x400ull
#define M 0x100000ull
#define G 0x40000000ull
#define SIM_BYTES (64 * M)

static struct boot_info bi;

static void add_region(uint64_t base, uint64_t length, uint32_t type)
{
    bi.mmap[bi.mmap_count++] = (struct boot_mem_region){ base, length, type, 0 };
}

/*
 * A small PC, normalized: low RAM with the legacy hole, ACPI tables, a frame that is half
 * ACPI NVS and half usable, two bad frames, a reserved hole, loader memory, a hole with
 * no entry at all, and MMIO above the RAM (which must not count towards the database).
 */
static void handmade_map(void)
{
    memset(&bi, 0, sizeof(bi));
    add_region(0, 0x9f000, BOOT_MEM_USABLE);
    add_region(0x9f000, 0x61000, BOOT_MEM_RESERVED);
    add_region(1 * M, 15 * M, BOOT_MEM_USABLE);
    add_region(16 * M, 64 * K, BOOT_MEM_ACPI_RECLAIM);
    add_region(16 * M + 64 * K, 64 * K + 0x800, BOOT_MEM_ACPI_NVS);
    add_region(16 * M + 128 * K + 0x800, 4 * M - 128 * K - 0x800, BOOT_MEM_USABLE);
    add_region(20 * M, 8 * K, BOOT_MEM_BAD);
    add_region(20 * M + 8 * K, 12 * M - 8 * K, BOOT_MEM_USABLE);
    add_region(32 * M, 1 * M, BOOT_MEM_RESERVED);
    add_region(33 * M, 15 * M, BOOT_MEM_RECLAIMABLE);
    add_region(49 * M, 15 * M, BOOT_MEM_USABLE);
    add_region(64 * M, 16 * M, BOOT_MEM_MMIO);
}

static const struct mm_phys_range handmade_keep[] = {
    { 1 * M, 2 * M + 0x123, PFN_KERNEL, "kernel image" },   /* ends inside frame 0x300 */
    { 40 * M + 0x10, 1 * M - 0x10, PFN_RESERVED, "initrd" },
};

static enum pfn_state state_of(uint64_t frame)
{
    return (enum pfn_state)pfn_array[frame].state;
}

static uint64_t array_pa(void)
{
    return virt_to_phys(pfn_array);
}

static uint64_t array_frames(void)
{
    return (pfn_count * sizeof(struct pfn) + PAGE_SIZE - 1) / PAGE_SIZE;
}

/* The counts must be what the records say, and sum to the total. */
static void check_counts_match_records(void)
{
    struct mm_stats stats;
    uint64_t recount[PFN_STATE_COUNT] = { 0 }, sum = 0;
    mm_stats(&stats);
    for (uint64_t f = 0; f < pfn_count; f++)
        recount[pfn_array[f].state]++;
    for (unsigned s = 0; s < PFN_STATE_COUNT; s++) {
        CHECK_EQ(stats.by_state[s], recount[s]);
        sum += stats.by_state[s];
    }
    CHECK_EQ(stats.total, pfn_count);
    CHECK_EQ(sum, stats.total);
}

TEST(states_follow_the_map_and_keep_ranges)
{
    sim_init(SIM_BYTES);
    handmade_map();
    REQUIRE(pfn_init(&bi, handmade_keep, 2) == STATUS_SUCCESS);
    CHECK_EQ(pfn_count, 0x4000);   /* the MMIO range above 64 MiB does not count */

    CHECK_EQ(state_of(0), PFN_RESERVED);          /* usable, but in the first MiB */
    CHECK_EQ(state_of(0x9e), PFN_RESERVED);
    CHECK_EQ(state_of(0xff), PFN_RESERVED);
    CHECK_EQ(state_of(0x100), PFN_KERNEL);        /* kernel image */
    CHECK_EQ(state_of(0x300), PFN_KERNEL);        /* its partially covered last frame */
    CHECK_EQ(state_of(0x1000), PFN_RESERVED);     /* ACPI tables */
    CHECK_EQ(state_of(0x1010), PFN_RESERVED);     /* ACPI NVS */
    CHECK_EQ(state_of(0x1020), PFN_RESERVED);     /* half NVS, half usable */
    CHECK_EQ(state_of(0x1021), PFN_FREE);
    CHECK_EQ(state_of(0x13ff), PFN_FREE);
    CHECK_EQ(state_of(0x1400), PFN_BAD);
    CHECK_EQ(state_of(0x1401), PFN_BAD);
    CHECK_EQ(state_of(0x1402), PFN_FREE);
    CHECK_EQ(state_of(0x2000), PFN_RESERVED);     /* reserved entry */
    CHECK_EQ(state_of(0x20ff), PFN_RESERVED);
    CHECK_EQ(state_of(0x2100), PFN_FREE);         /* reclaimable: free */
    CHECK_EQ(state_of(0x27ff), PFN_FREE);
    CHECK_EQ(state_of(0x2800), PFN_RESERVED);     /* initrd, partial first frame */
    CHECK_EQ(state_of(0x28ff), PFN_RESERVED);
    CHECK_EQ(state_of(0x2900), PFN_FREE);
    CHECK_EQ(state_of(0x3000), PFN_RESERVED);     /* a hole with no map entry */
    CHECK_EQ(state_of(0x30ff), PFN_RESERVED);
    CHECK_EQ(state_of(0x3100), PFN_FREE);
    CHECK_EQ(state_of(0x3fff), PFN_FREE);

    /*
     * Counted by hand: the kernel image covers frames 0x100-0x300 (513), the array 64
     * frames (16384 records of 16 bytes); free: 1-16 MiB less those, 0x1021-0x13ff,
     * 0x1402-0x1fff, 0x2100-0x2fff less the initrd, 0x3100-0x3fff.
     */
    struct mm_stats stats;
    mm_stats(&stats);
    CHECK_EQ(array_frames(), 64);
    CHECK_EQ(stats.by_state[PFN_KERNEL], 513 + 64);
    CHECK_EQ(stats.by_state[PFN_BAD], 2);
    CHECK_EQ(stats.by_state[PFN_FREE], 3263 + 991 + 3070 + 3584 + 3840);
    CHECK_EQ(stats.by_state[PFN_RESERVED], 256 + 33 + 256 + 256 + 256);
    check_counts_match_records();
    sim_free();
}

TEST(every_record_starts_unlinked_and_unowned)
{
    sim_init(SIM_BYTES);
    handmade_map();
    REQUIRE(pfn_init(&bi, handmade_keep, 2) == STATUS_SUCCESS);
    uint64_t bad = 0;
    for (uint64_t f = 0; f < pfn_count; f++) {
        const struct pfn *p = pfn_get(f);
        bad += p->next != PFN_NONE || p->prev != PFN_NONE || p->refcount || p->order ||
               p->flags;
    }
    CHECK_EQ(bad, 0);
    CHECK(pfn_get(pfn_count) == NULL);
    CHECK(pfn_get(pfn_count - 1) == &pfn_array[pfn_count - 1]);
    CHECK_EQ(pfn_frame(&pfn_array[0x1234]), 0x1234);
    sim_free();
}

/* The array lies in usable RAM below 4 GiB, clear of the first MiB and every keep range. */
static void check_array_placement(const struct mm_phys_range *keep, unsigned keep_count)
{
    uint64_t base = array_pa(), end = base + array_frames() * PAGE_SIZE;
    CHECK_EQ(base % PAGE_SIZE, 0);
    CHECK(base >= 1 * M);
    CHECK(end <= 4 * G);
    for (unsigned i = 0; i < keep_count; i++) {
        uint64_t k_base = keep[i].base & ~(PAGE_SIZE - 1);
        uint64_t k_end = (keep[i].base + keep[i].size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
        CHECK(end <= k_base || base >= k_end);
    }
    int inside_usable = 0;
    for (unsigned i = 0; i < bi.mmap_count; i++) {
        const struct boot_mem_region *r = &bi.mmap[i];
        inside_usable |= r->type == BOOT_MEM_USABLE && base >= r->base &&
                         end <= r->base + r->length;
    }
    CHECK(inside_usable);
    for (uint64_t f = base / PAGE_SIZE; f < end / PAGE_SIZE; f++) {
        if (!CHECK_EQ(state_of(f), PFN_KERNEL))
            break;
    }
}

TEST(array_is_placed_in_usable_ram_clear_of_keep_ranges)
{
    sim_init(SIM_BYTES);
    handmade_map();
    REQUIRE(pfn_init(&bi, handmade_keep, 2) == STATUS_SUCCESS);
    check_array_placement(handmade_keep, 2);
    /* First fit from the bottom: right after the kernel image's last (partial) frame. */
    CHECK_EQ(array_pa(), 0x301000);

    /* Keep ranges filling 1-16 MiB push it to the next usable range that has room. */
    static const struct mm_phys_range crowded[] = {
        { 1 * M, 7 * M, PFN_KERNEL, "kernel image" },
        { 8 * M, 8 * M - 100 * K, PFN_RESERVED, "initrd" },
    };
    REQUIRE(pfn_init(&bi, crowded, 2) == STATUS_SUCCESS);
    check_array_placement(crowded, 2);
    CHECK(array_pa() >= 16 * M);

    /* Only the loader's (reclaimable) memory is free below 4 GiB: no room for the array. */
    memset(&bi, 0, sizeof(bi));
    add_region(0, 1 * M, BOOT_MEM_USABLE);
    add_region(1 * M, 63 * M, BOOT_MEM_RECLAIMABLE);
    add_region(4 * G, 64 * M, BOOT_MEM_USABLE);
    CHECK_EQ(pfn_init(&bi, NULL, 0), STATUS_NO_MEMORY);
    sim_free();
}

TEST(keep_range_over_memory_that_is_not_ram_warns)
{
    sim_init(SIM_BYTES);
    handmade_map();
    test_console_clear();
    REQUIRE(pfn_init(&bi, handmade_keep, 2) == STATUS_SUCCESS);
    CHECK(strstr(test_console(), "[warn]") == NULL);    /* clean keep ranges: no warning */

    static const struct mm_phys_range odd[] = {
        { 32 * M, 8 * K, PFN_RESERVED, "firmware table" },      /* over a reserved entry */
        { 48 * M + 4 * K, 4 * K, PFN_RESERVED, "lost buffer" }, /* in the hole: no entry */
    };
    test_console_clear();
    REQUIRE(pfn_init(&bi, odd, 2) == STATUS_SUCCESS);
    const char *log = test_console();
    CHECK(strstr(log, "[warn] pfn: keep range \"firmware table\" [0x2000000, 0x2002000) "
                      "overlaps reserved memory") != NULL);
    CHECK(strstr(log, "[warn] pfn: keep range \"lost buffer\"") != NULL);
    CHECK(strstr(log, "outside the memory map") != NULL);
    /* The keep range's state is applied all the same. */
    CHECK_EQ(state_of(0x2000), PFN_RESERVED);
    sim_free();
}

TEST(stats_sum_to_total_and_pfn_set_state_keeps_counts)
{
    sim_init(SIM_BYTES);
    handmade_map();
    REQUIRE(pfn_init(&bi, handmade_keep, 2) == STATUS_SUCCESS);
    struct mm_stats before, after;
    mm_stats(&before);
    uint64_t owned = before.by_state[PFN_KERNEL] + before.by_state[PFN_PAGETABLE] +
                     before.by_state[PFN_PRIVATE] + before.by_state[PFN_SHARED] +
                     before.by_state[PFN_TRANSITION];
    uint64_t free = before.by_state[PFN_FREE] + before.by_state[PFN_ZEROED];
    uint64_t reserved = before.by_state[PFN_RESERVED] + before.by_state[PFN_BAD];
    CHECK_EQ(free + owned + reserved, before.total);

    pfn_set_state(&pfn_array[0x3100], PFN_PRIVATE);
    pfn_set_state(&pfn_array[0x3101], PFN_PAGETABLE);
    mm_stats(&after);
    CHECK_EQ(after.by_state[PFN_FREE], before.by_state[PFN_FREE] - 2);
    CHECK_EQ(after.by_state[PFN_PRIVATE], before.by_state[PFN_PRIVATE] + 1);
    CHECK_EQ(after.by_state[PFN_PAGETABLE], before.by_state[PFN_PAGETABLE] + 1);
    check_counts_match_records();
    pfn_set_state(&pfn_array[0x3100], PFN_FREE);
    pfn_set_state(&pfn_array[0x3101], PFN_FREE);
    mm_stats(&after);
    CHECK_EQ(memcmp(&before, &after, sizeof(before)), 0);
    sim_free();
}

TEST(state_names)
{
    CHECK_STR_EQ(pfn_state_name(PFN_FREE), "free");
    CHECK_STR_EQ(pfn_state_name(PFN_ZEROED), "zeroed");
    CHECK_STR_EQ(pfn_state_name(PFN_KERNEL), "kernel");
    CHECK_STR_EQ(pfn_state_name(PFN_PAGETABLE), "pagetable");
    CHECK_STR_EQ(pfn_state_name(PFN_PRIVATE), "private");
    CHECK_STR_EQ(pfn_state_name(PFN_SHARED), "shared");
    CHECK_STR_EQ(pfn_state_name(PFN_TRANSITION), "transition");
    CHECK_STR_EQ(pfn_state_name(PFN_RESERVED), "reserved");
    CHECK_STR_EQ(pfn_state_name(PFN_BAD), "bad");
    CHECK_STR_EQ(pfn_state_name(PFN_STATE_COUNT), "invalid");
}

TEST(database_ends_at_the_highest_ram_of_any_kind)
{
    sim_init(SIM_BYTES);
    /* The last RAM entry ends mid-frame: that frame is counted, but reserved. */
    memset(&bi, 0, sizeof(bi));
    add_region(1 * M, 31 * M - 0x800, BOOT_MEM_USABLE);
    REQUIRE(pfn_init(&bi, NULL, 0) == STATUS_SUCCESS);
    CHECK_EQ(pfn_count, 32 * M / PAGE_SIZE);
    CHECK_EQ(state_of(pfn_count - 1), PFN_RESERVED);
    CHECK_EQ(state_of(pfn_count - 2), PFN_FREE);

    /* ACPI NVS at the top is RAM: it counts. Reserved memory and MMIO above it do not. */
    add_region(33 * M, 1 * M, BOOT_MEM_ACPI_NVS);
    add_region(40 * M, 1 * M, BOOT_MEM_RESERVED);
    add_region(48 * M, 1 * M, BOOT_MEM_MMIO);
    REQUIRE(pfn_init(&bi, NULL, 0) == STATUS_SUCCESS);
    CHECK_EQ(pfn_count, 34 * M / PAGE_SIZE);
    CHECK_EQ(state_of(pfn_count - 1), PFN_RESERVED);
    check_counts_match_records();
    sim_free();
}

TEST(refuses_maps_without_usable_ram_or_too_large)
{
    /* None of these reaches the point of writing the array: no memory is needed. */
    memset(&bi, 0, sizeof(bi));
    CHECK_EQ(pfn_init(&bi, NULL, 0), STATUS_INVALID_PARAMETER);        /* empty map */

    add_region(0, 1 * M, BOOT_MEM_RESERVED);
    add_region(1 * M, 16 * M, BOOT_MEM_ACPI_NVS);
    add_region(32 * M, 16 * M, BOOT_MEM_BAD);
    CHECK_EQ(pfn_init(&bi, NULL, 0), STATUS_INVALID_PARAMETER);        /* no usable RAM */

    /* RAM ending past 2^32 frames (16 TiB). */
    memset(&bi, 0, sizeof(bi));
    add_region(1 * M, 16 * M, BOOT_MEM_USABLE);
    add_region(1ull << 44, 1 * M, BOOT_MEM_USABLE);
    CHECK_EQ(pfn_init(&bi, NULL, 0), STATUS_INVALID_PARAMETER);

    /* Exactly 2^32 frames is allowed, but its 64 GiB array cannot fit below 4 GiB. */
    bi.mmap[1] = (struct boot_mem_region){ (1ull << 44) - M, 1 * M, BOOT_MEM_USABLE, 0 };
    CHECK_EQ(pfn_init(&bi, NULL, 0), STATUS_NO_MEMORY);

    /* A map entry that wraps (a normalized map has none). */
    bi.mmap[1] = (struct boot_mem_region){ UINT64_MAX - M, 2 * M, BOOT_MEM_USABLE, 0 };
    CHECK_EQ(pfn_init(&bi, NULL, 0), STATUS_INVALID_PARAMETER);
}

TEST(refuses_bad_keep_ranges)
{
    sim_init(SIM_BYTES);
    sim_boot_info(&bi);
    const struct mm_phys_range wraps[] = { { UINT64_MAX - 0xfff, 0x2000, PFN_KERNEL, "w" } };
    CHECK_EQ(pfn_init(&bi, wraps, 1), STATUS_INVALID_PARAMETER);
    const struct mm_phys_range free_state[] = { { 2 * M, 4 * K, PFN_FREE, "f" } };
    CHECK_EQ(pfn_init(&bi, free_state, 1), STATUS_INVALID_PARAMETER);

    /* An empty keep range is fine and keeps nothing. */
    const struct mm_phys_range empty[] = { { 2 * M, 0, PFN_KERNEL, "empty" } };
    REQUIRE(pfn_init(&bi, empty, 1) == STATUS_SUCCESS);
    CHECK_EQ(state_of(2 * M / PAGE_SIZE), PFN_FREE);
    sim_free();
}

TEST(relocate_follows_the_direct_map)
{
    sim_init(SIM_BYTES);
    handmade_map();
    REQUIRE(pfn_init(&bi, handmade_keep, 2) == STATUS_SUCCESS);
    uint64_t pa = array_pa();
    uintptr_t old_base = direct_map_base;

    /* A second view of the same "physical memory", as the kernel's direct map will be. */
    uint8_t *copy = malloc(SIM_BYTES);
    REQUIRE(copy != NULL);
    memcpy(copy, (void *)old_base, SIM_BYTES);
    direct_map_base = (uintptr_t)copy;
    pfn_relocate();
    CHECK(pfn_array == (struct pfn *)(copy + pa));
    CHECK_EQ(state_of(0x100), PFN_KERNEL);
    CHECK_EQ(state_of(0x1400), PFN_BAD);
    CHECK_EQ(virt_to_phys(pfn_array), pa);

    direct_map_base = old_base;
    pfn_relocate();
    CHECK(pfn_array == (struct pfn *)(old_base + pa));
    free(copy);
    sim_free();
}
