/*
 * Host tests for kernel/bootinfo.c: accepting a loader's struct boot_info, normalizing
 * the firmware memory map, and summing it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootinfo.h"
#include "lib/log.h"
#include "test.h"

#define K 0x400ull
#define M 0x100000ull

static struct boot_info src, dst, bi;

static void good_info(struct boot_info *b)
{
    memset(b, 0, sizeof(*b));
    b->magic = BOOT_INFO_MAGIC;
    b->version = BOOT_INFO_VERSION;
    b->size = sizeof(*b);
    b->protocol = BOOT_PROTOCOL_UEFI;
    b->mmap_count = 2;
    strcpy(b->loader_name, "reservoir-efi");
    strcpy(b->cmdline, "test loglevel=debug");
    b->initrd_base = 0x2000000;
    b->initrd_size = 0x10000;
    b->rsdp = 0x7fe0014;
    b->mmap[0] = (struct boot_mem_region){ 0, 0x9f000, BOOT_MEM_USABLE, 0 };
    b->mmap[1] = (struct boot_mem_region){ M, 255 * M, BOOT_MEM_USABLE, 0 };
}

static int accept(const char **why)
{
    *why = NULL;
    memset(&dst, 0xa5, sizeof(dst));
    return bootinfo_accept(&src, &dst, why);
}

static void expect_rejected(const char *what)
{
    const char *why;
    if (!CHECK_EQ(accept(&why), -1) || !CHECK(why != NULL))
        printf("#   case: %s\n", what);
}

TEST(accept_copies_a_good_struct)
{
    const char *why;
    good_info(&src);
    CHECK_EQ(accept(&why), 0);
    CHECK_EQ(memcmp(&src, &dst, sizeof(src)), 0);

    src.protocol = BOOT_PROTOCOL_MULTIBOOT2;
    src.mmap_count = BOOT_MMAP_MAX;
    src.initrd_base = 0;
    src.initrd_size = 0;
    src.cmdline[0] = '\0';
    CHECK_EQ(accept(&why), 0);
    CHECK_EQ(memcmp(&src, &dst, sizeof(src)), 0);

    /* Strings exactly filling their arrays, NUL in the last byte. */
    memset(src.cmdline, 'c', BOOT_CMDLINE_MAX - 1);
    src.cmdline[BOOT_CMDLINE_MAX - 1] = '\0';
    memset(src.loader_name, 'l', BOOT_LOADER_NAME_MAX - 1);
    src.loader_name[BOOT_LOADER_NAME_MAX - 1] = '\0';
    CHECK_EQ(accept(&why), 0);

    /* An initrd ending at the top of the address space minus one byte does not wrap. */
    src.initrd_base = UINT64_MAX - 0xfff;
    src.initrd_size = 0xfff;
    CHECK_EQ(accept(&why), 0);
}

TEST(accept_rejects_each_bad_field)
{
    good_info(&src);
    src.magic ^= 1;
    expect_rejected("magic");

    good_info(&src);
    src.magic = 0;
    expect_rejected("magic 0");

    good_info(&src);
    src.version = BOOT_INFO_VERSION + 1;
    expect_rejected("version");

    good_info(&src);
    src.size = sizeof(src) - 8;
    expect_rejected("size smaller");

    good_info(&src);
    src.size = sizeof(src) + 8;
    expect_rejected("size larger");

    good_info(&src);
    src.protocol = 0;
    expect_rejected("protocol 0");

    good_info(&src);
    src.protocol = 3;
    expect_rejected("protocol 3");

    good_info(&src);
    src.mmap_count = 0;
    expect_rejected("mmap_count 0");

    good_info(&src);
    src.mmap_count = BOOT_MMAP_MAX + 1;
    expect_rejected("mmap_count max+1");

    good_info(&src);
    src.mmap_count = UINT32_MAX;
    expect_rejected("mmap_count huge");

    good_info(&src);
    memset(src.cmdline, 'a', BOOT_CMDLINE_MAX);
    expect_rejected("unterminated cmdline");

    good_info(&src);
    memset(src.loader_name, 'a', BOOT_LOADER_NAME_MAX);
    expect_rejected("unterminated loader name");

    good_info(&src);
    src.initrd_base = UINT64_MAX - 0xfff;
    src.initrd_size = 0x2000;
    expect_rejected("wrapping initrd");

    good_info(&src);
    src.initrd_base = 0x1000;
    src.initrd_size = UINT64_MAX;
    expect_rejected("wrapping initrd, huge size");
}

/* ----------------------------------------------------------------------------------- */
/* Normalization                                                                       */
/* ----------------------------------------------------------------------------------- */

struct r {
    uint64_t base, length;
    uint32_t type;
};

static void set_map(const struct r *regions, uint32_t n)
{
    memset(&bi, 0, sizeof(bi));
    for (uint32_t i = 0; i < n; i++)
        bi.mmap[i] = (struct boot_mem_region){ regions[i].base, regions[i].length,
                                               regions[i].type, 0 };
    bi.mmap_count = n;
}

/* Compares bi's map to want[]; prints the whole map when it differs. */
static int map_is(const struct r *want, uint32_t n, int line)
{
    int ok = bi.mmap_count == n;
    for (uint32_t i = 0; ok && i < n; i++)
        ok = bi.mmap[i].base == want[i].base && bi.mmap[i].length == want[i].length &&
             bi.mmap[i].type == want[i].type;
    if (!ok) {
        printf("# map differs (line %d): got %u entries:\n", line, bi.mmap_count);
        for (uint32_t i = 0; i < bi.mmap_count; i++)
            printf("#   [0x%llx, +0x%llx) %s\n", (unsigned long long)bi.mmap[i].base,
                   (unsigned long long)bi.mmap[i].length, boot_mem_type_name(bi.mmap[i].type));
        printf("# want %u entries:\n", n);
        for (uint32_t i = 0; i < n; i++)
            printf("#   [0x%llx, +0x%llx) %s\n", (unsigned long long)want[i].base,
                   (unsigned long long)want[i].length, boot_mem_type_name(want[i].type));
    }
    return ok;
}

#define N(a) ((uint32_t)(sizeof(a) / sizeof((a)[0])))
#define CHECK_MAP(want) CHECK(map_is(want, N(want), __LINE__))

enum { U = BOOT_MEM_USABLE, RC = BOOT_MEM_RECLAIMABLE, AR = BOOT_MEM_ACPI_RECLAIM,
       AN = BOOT_MEM_ACPI_NVS, FW = BOOT_MEM_FIRMWARE, R = BOOT_MEM_RESERVED,
       BAD = BOOT_MEM_BAD, IO = BOOT_MEM_MMIO };

/* Sorted, non-overlapping, no zero length, no wrap, no adjacent entries of one type. */
static int invariant_holds(const struct boot_info *b)
{
    for (uint32_t i = 0; i < b->mmap_count; i++) {
        const struct boot_mem_region *x = &b->mmap[i];
        if (x->length == 0 || x->base + x->length < x->base)
            return 0;
        if (i + 1 < b->mmap_count) {
            const struct boot_mem_region *y = &b->mmap[i + 1];
            if (y->base < x->base + x->length)
                return 0;
            if (y->base == x->base + x->length && y->type == x->type)
                return 0;
        }
    }
    return 1;
}

static int normalize(void)
{
    log_set_level(LOG_INFO);
    test_console_clear();
    return bootinfo_normalize_mmap(&bi);
}

TEST(clean_map_is_untouched)
{
    static const struct r in[] = {
        { 0, 0x9fc00, U }, { 0x9fc00, 0x400, R }, { 0xf0000, 0x10000, R },
        { M, 0xfee0000, U }, { 0xffe0000, 0x20000, R },
    };
    set_map(in, N(in));
    CHECK_EQ(normalize(), 0);
    CHECK_MAP(in);
    CHECK_STR_EQ(test_console(), "");
}

TEST(unsorted_gets_sorted)
{
    static const struct r in[] = {
        { 0x100000, 0x1000, U }, { 0, 0x1000, R }, { 0x50000, 0x1000, AR },
        { 0x20000, 0x1000, U }, { 0x10000, 0x1000, AN },
    };
    static const struct r want[] = {
        { 0, 0x1000, R }, { 0x10000, 0x1000, AN }, { 0x20000, 0x1000, U },
        { 0x50000, 0x1000, AR }, { 0x100000, 0x1000, U },
    };
    set_map(in, N(in));
    CHECK_EQ(normalize(), 0);       /* sorting is not a repair */
    CHECK_MAP(want);
}

TEST(adjacent_same_type_merged)
{
    static const struct r in[] = {
        { 0x2000, 0x1000, U }, { 0, 0x1000, U }, { 0x1000, 0x1000, U },
        { 0x3000, 0x1000, R }, { 0x5000, 0x1000, R }, { 0x4000, 0x1000, R },
        { 0x8000, 0x1000, U }, { 0xa000, 0x1000, U },     /* a gap: not merged */
    };
    static const struct r want[] = {
        { 0, 0x3000, U }, { 0x3000, 0x3000, R }, { 0x8000, 0x1000, U }, { 0xa000, 0x1000, U },
    };
    set_map(in, N(in));
    CHECK_EQ(normalize(), 0);
    CHECK_MAP(want);
}

TEST(zero_length_and_wrapping_dropped_with_warning)
{
    static const struct r in[] = {
        { 0x1000, 0x1000, U }, { 0x5000, 0, U }, { 0xfffffffffffff000ull, 0x2000, R },
        { 0x3000, 0x1000, R }, { 0x8000, UINT64_MAX, U },
    };
    static const struct r want[] = { { 0x1000, 0x1000, U }, { 0x3000, 0x1000, R } };
    set_map(in, N(in));
    CHECK_EQ(normalize(), 3);
    CHECK_MAP(want);
    CHECK(strstr(test_console(), "[warn]") != NULL);
    CHECK(strstr(test_console(), "0x5000") != NULL);
    CHECK(strstr(test_console(), "0xfffffffffffff000") != NULL);

    /* All of them invalid: an empty map, no crash. */
    static const struct r junk[] = { { 0, 0, U }, { 0x10, 0, R } };
    set_map(junk, N(junk));
    CHECK_EQ(normalize(), 2);
    CHECK_EQ(bi.mmap_count, 0);
}

TEST(usable_overlapping_reserved_is_trimmed)
{
    static const struct r in[] = { { 0, 0x10000, U }, { 0x8000, 0x10000, R } };
    static const struct r want[] = { { 0, 0x8000, U }, { 0x8000, 0x10000, R } };
    set_map(in, N(in));
    CHECK_EQ(normalize(), 1);
    CHECK_MAP(want);
    CHECK(strstr(test_console(), "overlaps") != NULL);
    CHECK(strstr(test_console(), "0x8000") != NULL);

    /* Reserved first, usable running past it. */
    static const struct r in2[] = { { 0x8000, 0x20000, U }, { 0, 0x10000, R } };
    static const struct r want2[] = { { 0, 0x10000, R }, { 0x10000, 0x18000, U } };
    set_map(in2, N(in2));
    CHECK_EQ(normalize(), 1);
    CHECK_MAP(want2);

    /* Usable entirely inside reserved: gone. */
    static const struct r in3[] = { { 0, 0x10000, R }, { 0x1000, 0x1000, U } };
    static const struct r want3[] = { { 0, 0x10000, R } };
    set_map(in3, N(in3));
    CHECK_EQ(normalize(), 1);
    CHECK_MAP(want3);
}

TEST(reserved_inside_usable_splits_it)
{
    static const struct r in[] = { { 0, 0x100000, U }, { 0x40000, 0x10000, R } };
    static const struct r want[] = {
        { 0, 0x40000, U }, { 0x40000, 0x10000, R }, { 0x50000, 0xb0000, U },
    };
    set_map(in, N(in));
    CHECK_EQ(normalize(), 1);
    CHECK_MAP(want);

    /* Same start: no head, only a tail. */
    static const struct r in2[] = { { 0, 0x100000, U }, { 0, 0x10000, AN } };
    static const struct r want2[] = { { 0, 0x10000, AN }, { 0x10000, 0xf0000, U } };
    set_map(in2, N(in2));
    CHECK(normalize() >= 1);
    CHECK_MAP(want2);
}

TEST(identical_duplicates)
{
    static const struct r in[] = { { 0x1000, 0x1000, U }, { 0x1000, 0x1000, U } };
    static const struct r want[] = { { 0x1000, 0x1000, U } };
    set_map(in, N(in));
    CHECK_EQ(normalize(), 1);
    CHECK_MAP(want);

    /* Same range, two types, either order: the more restrictive one stays. */
    static const struct r in2[] = { { 0x1000, 0x1000, U }, { 0x1000, 0x1000, BAD } };
    static const struct r want2[] = { { 0x1000, 0x1000, BAD } };
    set_map(in2, N(in2));
    CHECK_EQ(normalize(), 1);
    CHECK_MAP(want2);
    static const struct r in3[] = { { 0x1000, 0x1000, IO }, { 0x1000, 0x1000, FW } };
    static const struct r want3[] = { { 0x1000, 0x1000, IO } };
    set_map(in3, N(in3));
    CHECK_EQ(normalize(), 1);
    CHECK_MAP(want3);
}

TEST(restrictiveness_order)
{
    /* usable < reclaimable < acpi-reclaim < acpi-nvs < firmware < bad < mmio < reserved:
       each pair, both orders, on the same range. */
    static const uint32_t order[] = { U, RC, AR, AN, FW, BAD, IO, R };
    for (int lo = 0; lo < 8; lo++) {
        for (int hi = lo + 1; hi < 8; hi++) {
            for (int swap = 0; swap < 2; swap++) {
                struct r in[2] = { { 0x4000, 0x2000, order[lo] },
                                   { 0x4000, 0x2000, order[hi] } };
                if (swap) {
                    struct r t = in[0];
                    in[0] = in[1];
                    in[1] = t;
                }
                set_map(in, 2);
                normalize();
                if (!CHECK_EQ(bi.mmap_count, 1) || !CHECK_EQ(bi.mmap[0].type, order[hi]))
                    printf("#   %s vs %s\n", boot_mem_type_name(order[lo]),
                           boot_mem_type_name(order[hi]));
            }
        }
    }
}

TEST(winner_swallowing_an_entry_merges_with_its_left_neighbour)
{
    /* Reserved [0,10) | usable [10,20) | reserved [10,30): the usable entry vanishes and
       the two reserved ranges, now adjacent, must become one. */
    static const struct r in[] = { { 0, 0x10, R }, { 0x10, 0x10, U }, { 0x10, 0x20, R } };
    static const struct r want[] = { { 0, 0x30, R } };
    set_map(in, N(in));
    CHECK_EQ(normalize(), 1);
    CHECK_MAP(want);
    CHECK(invariant_holds(&bi));
}

TEST(overlap_chain)
{
    /* One reserved range over three usable ones and into a fourth. */
    static const struct r in[] = {
        { 0, 0x1000, U }, { 0x1000, 0x1000, U }, { 0x2000, 0x1000, U }, { 0x3000, 0x1000, U },
        { 0x800, 0x3000, R },
    };
    static const struct r want[] = { { 0, 0x800, U }, { 0x800, 0x3000, R }, { 0x3800, 0x800, U } };
    set_map(in, N(in));
    CHECK(normalize() >= 1);
    CHECK_MAP(want);
}

/* ----------------------------------------------------------------------------------- */
/* Randomized: invariant and type-by-address against a brute-force oracle.             */
/* ----------------------------------------------------------------------------------- */


/* The order the brief and bootinfo.c give, written out independently. */
static int rank(uint32_t type)
{
    static const uint32_t order[] = { U, RC, AR, AN, FW, BAD, IO, R };
    for (int i = 0; i < 8; i++)
        if (order[i] == type)
            return i;
    return 8;
}

#define UNIT 0x1000ull
#define SPAN 96             /* addresses sampled: [0, SPAN * UNIT) */

TEST(randomized_maps_keep_the_invariant_and_the_types)
{
    test_rand_start("random memory maps", 0xb007b007ULL);

    static struct boot_info input;
    int failures = 0;
    for (int iter = 0; iter < 5000 && failures < 5; iter++) {
        uint32_t n = 1 + (uint32_t)(test_rand() % 40);
        memset(&bi, 0, sizeof(bi));
        for (uint32_t i = 0; i < n; i++) {
            struct boot_mem_region *m = &bi.mmap[i];
            /* Mostly page-aligned boundaries (so sampling one address per unit is exact),
               sometimes zero length, sometimes a range that wraps. */
            m->base = (test_rand() % (SPAN - 8)) * UNIT;
            m->length = (test_rand() % 24) * UNIT;
            if (test_rand() % 16 == 0)
                m->length = 0;
            if (test_rand() % 32 == 0) {
                m->base = UINT64_MAX - (test_rand() % 4) * UNIT;
                m->length = (1 + test_rand() % 8) * UNIT;
            }
            m->type = (uint32_t)(1 + test_rand() % 8);
        }
        bi.mmap_count = n;
        input = bi;

        log_set_level(LOG_ERROR);   /* thousands of warnings: keep the capture quiet */
        int repairs = bootinfo_normalize_mmap(&bi);
        log_set_level(LOG_INFO);

        int ok = invariant_holds(&bi) && repairs >= 0;
        for (uint64_t unit = 0; ok && unit < SPAN; unit++) {
            for (int k = 0; ok && k < 2; k++) {
                uint64_t addr = unit * UNIT + (k ? UNIT - 1 : 0);
                int want = -1;
                for (uint32_t i = 0; i < input.mmap_count; i++) {
                    const struct boot_mem_region *m = &input.mmap[i];
                    if (m->length == 0 || m->base + m->length < m->base)
                        continue;       /* invalid entries cover nothing */
                    if (addr >= m->base && addr - m->base < m->length &&
                        (want < 0 || rank(m->type) > rank((uint32_t)want)))
                        want = (int)m->type;
                }
                int got = -1, covering = 0;
                for (uint32_t i = 0; i < bi.mmap_count; i++) {
                    const struct boot_mem_region *m = &bi.mmap[i];
                    if (addr >= m->base && addr - m->base < m->length) {
                        got = (int)m->type;
                        covering++;
                    }
                }
                if (got != want || covering > 1) {
                    printf("# address 0x%llx: type %d after, want %d\n",
                           (unsigned long long)addr, got, want);
                    ok = 0;
                }
            }
        }
        if (!ok) {
            failures++;
            printf("# iteration %d failed; input (%u entries):\n", iter, input.mmap_count);
            for (uint32_t i = 0; i < input.mmap_count; i++)
                printf("#   [0x%llx, +0x%llx) %s\n", (unsigned long long)input.mmap[i].base,
                       (unsigned long long)input.mmap[i].length,
                       boot_mem_type_name(input.mmap[i].type));
            printf("# output (%u entries, invariant %s):\n", bi.mmap_count,
                   invariant_holds(&bi) ? "holds" : "BROKEN");
            for (uint32_t i = 0; i < bi.mmap_count; i++)
                printf("#   [0x%llx, +0x%llx) %s\n", (unsigned long long)bi.mmap[i].base,
                       (unsigned long long)bi.mmap[i].length,
                       boot_mem_type_name(bi.mmap[i].type));
        }
    }
    CHECK_EQ(failures, 0);
}

/* ----------------------------------------------------------------------------------- */
/* Summaries, computed by hand.                                                        */
/* ----------------------------------------------------------------------------------- */

TEST(summarize_bios_like_map)
{
    /* A 256 MiB QEMU-style BIOS map. Rules (bootinfo.h): reserved entries count only
       where they touch RAM; ram_top is the end of the highest counted range. */
    static const struct r in[] = {
        { 0, 0x9fc00, U },                  /* 639 KiB */
        { 0x9fc00, 0x400, R },              /* EBDA, 1 KiB: touches RAM, counted */
        { 0xf0000, 0x10000, R },            /* BIOS ROM: touches 1 MiB RAM, counted */
        { M, 0xfee0000, U },                /* 1 MiB .. 0xffe0000 (255.875 MiB) */
        { 0xffe0000, 0x20000, R },          /* last 128 KiB of RAM kept by the BIOS */
        { 0xb0000000, 0x10000000, R },      /* PCIe window: apart from RAM, not counted */
        { 0xfffc0000, 0x40000, R },         /* flash below 4 GiB: above RAM, not counted */
    };
    set_map(in, N(in));
    struct boot_mem_summary s;
    bootinfo_summarize(&bi, &s);
    /* usable = 0x9fc00 + 0xfee0000 */
    CHECK_EQ(s.usable, 0xff7fc00ull);
    CHECK_EQ(s.firmware, 0);
    /* reserved = 0x400 + 0x10000 + 0x20000 */
    CHECK_EQ(s.reserved, 0x30400ull);
    CHECK_EQ(s.ram_top, 0x10000000ull);
    /* installed = usable + reserved + the part of the legacy window [0xa0000, 1M) no
       entry covers: 0x60000 - 0x10000 = 0x50000. 0xff7fc00 + 0x30400 + 0x50000 =
       0x10000000: exactly the 256 MiB the machine has. */
    CHECK_EQ(s.installed, 0x10000000ull);
}

TEST(summarize_map_with_firmware_and_bad_ram)
{
    static const struct r in[] = {
        { 0, 0x9f000, U },
        { 0x9f000, 0x1000, R },             /* touches RAM: counted */
        { M, 0xf00000, U },                 /* 1 MiB .. 16 MiB */
        { 0x1000000, 0x1000, BAD },         /* bad RAM counts as firmware */
        { 0x1001000, 0xfff000, U },         /* .. 32 MiB */
        { 0x2000000, 0x10000, AR },
        { 0x2010000, 0x10000, AN },
        { 0x2020000, 0x10000, FW },
        { 0x2030000, 0x10000, RC },         /* counted as usable */
        { 0xfec00000, 0x1000, IO },         /* never RAM, never counted */
        { 0xfffc0000, 0x40000, R },         /* apart from RAM: not counted */
    };
    set_map(in, N(in));
    struct boot_mem_summary s;
    bootinfo_summarize(&bi, &s);
    /* 0x9f000 + 0xf00000 + 0xfff000 + 0x10000 */
    CHECK_EQ(s.usable, 0x1fae000ull);
    /* 3 x 0x10000 + 0x1000 bad */
    CHECK_EQ(s.firmware, 0x31000ull);
    CHECK_EQ(s.reserved, 0x1000ull);
    CHECK_EQ(s.ram_top, 0x2040000ull);
    /* 0x1fae000 + 0x31000 + 0x1000 + the whole legacy window 0x60000 */
    CHECK_EQ(s.installed, 0x2040000ull);
}

TEST(summarize_small_map_below_1m)
{
    /* RAM ends below 1 MiB: the legacy window is not added. */
    static const struct r in[] = { { 0, 0x80000, U }, { 0xf0000, 0x10000, R } };
    set_map(in, N(in));
    struct boot_mem_summary s;
    bootinfo_summarize(&bi, &s);
    CHECK_EQ(s.usable, 0x80000ull);
    CHECK_EQ(s.ram_top, 0x80000ull);
    CHECK_EQ(s.reserved, 0);            /* the ROM does not touch RAM */
    CHECK_EQ(s.installed, 0x80000ull);
}

TEST(type_names)
{
    CHECK_STR_EQ(boot_mem_type_name(BOOT_MEM_USABLE), "usable");
    CHECK_STR_EQ(boot_mem_type_name(BOOT_MEM_RESERVED), "reserved");
    CHECK_STR_EQ(boot_mem_type_name(BOOT_MEM_MMIO), "mmio");
    CHECK_STR_EQ(boot_mem_type_name(0), "unknown");
    CHECK_STR_EQ(boot_mem_type_name(9), "unknown");
    CHECK_STR_EQ(boot_mem_type_name(UINT32_MAX), "unknown");
}
