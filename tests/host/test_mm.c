/*
 * Host tests for mm/mm.c: mm_init on the simulated machine, checked through the
 * simulated MMU the way the CPU would use the result.
 */
#include <string.h>

#include "mm/arch.h"
#include "mm/mm.h"
#include "mm/page_alloc.h"
#include "sim_mmu.h"
#include "test.h"

#define SIM_BYTES (64ull << 20)
/* A pretend kernel image: 3 pages of code, 2 of read-only data, 4 of data at 2 MiB. */
#define IMAGE_PA  (2ull << 20)
#define IMAGE_VA  (KERNEL_IMAGE_BASE + IMAGE_PA)

static const struct mm_kernel_mapping image_maps[] = {
    { IMAGE_VA, IMAGE_PA, 3 * PAGE_SIZE, 0, "code" },
    { IMAGE_VA + 3 * PAGE_SIZE, IMAGE_PA + 3 * PAGE_SIZE, 2 * PAGE_SIZE, PTE_NX, "rodata" },
    { IMAGE_VA + 5 * PAGE_SIZE, IMAGE_PA + 5 * PAGE_SIZE, 4 * PAGE_SIZE,
      PTE_WRITABLE | PTE_NX, "data" },
};

static const struct mm_phys_range image_keep[] = {
    { IMAGE_PA, 9 * PAGE_SIZE, PFN_KERNEL, "kernel image" },
};

static ntstatus_t boot(struct boot_info *bi, uint64_t table_limit)
{
    sim_init(SIM_BYTES);
    sim_boot_info(bi);
    struct mm_layout layout = {
        .keep = image_keep,
        .keep_count = 1,
        .maps = image_maps,
        .map_count = 3,
        /* On the host the direct map stays where the simulated memory is. */
        .direct_map_base = direct_map_base,
        .boot_table_limit = table_limit,
    };
    return mm_init(bi, &layout);
}

static int access_ok(uint64_t va, enum sim_access a)
{
    uint64_t pa, error;
    return sim_access(va, a, 0, &pa, &error) == 0;
}

TEST(switches_to_the_new_table)
{
    struct boot_info bi;
    REQUIRE(boot(&bi, 0) == STATUS_SUCCESS);
    CHECK_EQ(arch_active_root(), kernel_page_table.root);
    CHECK(pfn_array == phys_to_virt(virt_to_phys(pfn_array)));
    CHECK_EQ(page_alloc_check(), 0);
}

TEST(direct_map_covers_usable_ram_writable_and_not_executable)
{
    struct boot_info bi;
    REQUIRE(boot(&bi, 0) == STATUS_SUCCESS);
    for (uint64_t pa = 1ull << 20; pa < SIM_BYTES; pa += 0x3f000) {
        uint64_t va = direct_map_base + pa, got, error;
        CHECK_EQ(sim_access(va, SIM_WRITE, 0, &got, &error), 0);
        CHECK_EQ(got, pa);
        CHECK(!access_ok(va, SIM_EXEC));
        CHECK(access_ok(va, SIM_READ));
        uint64_t user_pa;
        CHECK(sim_access(va, SIM_READ, 1, &user_pa, &error) != 0);   /* kernel only */
    }
    /* The reserved first MiB is not in the direct map. */
    CHECK(!access_ok(direct_map_base + 0x1000, SIM_READ));
}

TEST(direct_map_uses_large_pages)
{
    struct boot_info bi;
    REQUIRE(boot(&bi, 0) == STATUS_SUCCESS);
    uint64_t pa, flags;
    REQUIRE(pt_translate(&kernel_page_table, direct_map_base + (8ull << 20), &pa, &flags) ==
            STATUS_SUCCESS);
    CHECK(flags & PTE_LARGE);
    CHECK(flags & PTE_GLOBAL);
}

TEST(kernel_image_sections_get_their_permissions)
{
    struct boot_info bi;
    REQUIRE(boot(&bi, 0) == STATUS_SUCCESS);
    CHECK(access_ok(IMAGE_VA, SIM_EXEC));
    CHECK(access_ok(IMAGE_VA, SIM_READ));
    CHECK(!access_ok(IMAGE_VA, SIM_WRITE));
    CHECK(access_ok(IMAGE_VA + 3 * PAGE_SIZE, SIM_READ));
    CHECK(!access_ok(IMAGE_VA + 3 * PAGE_SIZE, SIM_WRITE));
    CHECK(!access_ok(IMAGE_VA + 3 * PAGE_SIZE, SIM_EXEC));
    CHECK(access_ok(IMAGE_VA + 5 * PAGE_SIZE, SIM_WRITE));
    CHECK(!access_ok(IMAGE_VA + 8 * PAGE_SIZE, SIM_EXEC));
    CHECK(!access_ok(IMAGE_VA + 9 * PAGE_SIZE, SIM_READ));   /* past the image */
    uint64_t pa, flags;
    REQUIRE(pt_translate(&kernel_page_table, IMAGE_VA + 4 * PAGE_SIZE, &pa, &flags) ==
            STATUS_SUCCESS);
    CHECK_EQ(pa, IMAGE_PA + 4 * PAGE_SIZE);
    CHECK(flags & PTE_GLOBAL);
}

TEST(image_frames_are_never_allocated)
{
    struct boot_info bi;
    REQUIRE(boot(&bi, 0) == STATUS_SUCCESS);
    for (uint64_t f = IMAGE_PA / PAGE_SIZE; f < IMAGE_PA / PAGE_SIZE + 9; f++)
        CHECK_EQ(pfn_get(f)->state, PFN_KERNEL);
    uint64_t pa;
    while (page_alloc_frame(0, PFN_KERNEL, &pa) == STATUS_SUCCESS)
        CHECK(pa < IMAGE_PA || pa >= IMAGE_PA + 9 * PAGE_SIZE);
}

TEST(early_tables_come_from_low_memory)
{
    struct boot_info bi;
    /* 4 MiB is enough: the tables sit right above the first MiB. */
    CHECK_EQ(boot(&bi, 4ull << 20), STATUS_SUCCESS);
}

TEST(tables_above_the_boot_map_are_refused)
{
    struct boot_info bi;
    test_console_clear();
    CHECK_EQ(boot(&bi, (1ull << 20) + PAGE_SIZE), STATUS_INSUFFICIENT_RESOURCES);
    CHECK(strstr(test_console(), "above the boot map") != NULL);
}

TEST(ram_beyond_the_direct_map_is_refused)
{
    struct boot_info bi;
    sim_init(SIM_BYTES);
    sim_boot_info(&bi);
    bi.mmap[bi.mmap_count++] = (struct boot_mem_region){ DIRECT_MAP_SIZE, 1ull << 30,
                                                         BOOT_MEM_RESERVED, 0 };
    bi.mmap[bi.mmap_count++] = (struct boot_mem_region){ DIRECT_MAP_SIZE + (1ull << 30),
                                                         PAGE_SIZE, BOOT_MEM_ACPI_NVS, 0 };
    struct mm_layout layout = { .direct_map_base = direct_map_base };
    /* Either the PFN array for that much memory cannot be placed, or the direct map
       refuses the range: the system must not come up believing it can use it. */
    CHECK(!nt_success(mm_init(&bi, &layout)));
}
