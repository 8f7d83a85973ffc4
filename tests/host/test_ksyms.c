/*
 * Host tests for kernel/lib/ksyms.c. This file links its own symbol table, as
 * tools/gen-ksyms.sh lays it out: ksyms_count starts ascending, then the end of the text
 * as a sentinel, and each name's offset in one NUL-separated string. These strong
 * definitions replace host_support.c's weak empty ones.
 */
#include <stddef.h>
#include <string.h>

#include "lib/ksyms.h"
#include "test.h"

const uint64_t ksyms_count = 5;
const uint64_t ksyms_addrs[6] = {
    0xffffffff80100000ull,      /* _start */
    0xffffffff80100040ull,      /* kmain: one byte long */
    0xffffffff80100041ull,      /* tiny */
    0xffffffff80100100ull,      /* panic */
    0xffffffff80102000ull,      /* last_fn */
    0xffffffff80102345ull,      /* end of text */
};
const char ksyms_names[] = "_start\0kmain\0tiny\0panic\0last_fn";
const uint32_t ksyms_name_offsets[5] = { 0, 7, 13, 18, 24 };

static const char *lookup(uint64_t addr, uint64_t *offset)
{
    *offset = 0xdead;
    return ksym_lookup(addr, offset);
}

TEST(table_is_what_the_tests_assume)
{
    CHECK_STR_EQ(ksyms_names + ksyms_name_offsets[4], "last_fn");
    CHECK_STR_EQ(ksyms_names + ksyms_name_offsets[2], "tiny");
}

TEST(at_each_start)
{
    static const char *const names[] = { "_start", "kmain", "tiny", "panic", "last_fn" };
    for (int i = 0; i < 5; i++) {
        uint64_t off;
        CHECK_STR_EQ(lookup(ksyms_addrs[i], &off), names[i]);
        CHECK_EQ(off, 0);
    }
}

TEST(inside_a_function)
{
    uint64_t off;
    CHECK_STR_EQ(lookup(0xffffffff80100001ull, &off), "_start");
    CHECK_EQ(off, 1);
    CHECK_STR_EQ(lookup(0xffffffff80100080ull, &off), "tiny");
    CHECK_EQ(off, 0x3f);
    CHECK_STR_EQ(lookup(0xffffffff80101234ull, &off), "panic");
    CHECK_EQ(off, 0x1134);
    CHECK_STR_EQ(lookup(0xffffffff80102100ull, &off), "last_fn");
    CHECK_EQ(off, 0x100);
}

TEST(last_byte_before_the_next)
{
    uint64_t off;
    CHECK_STR_EQ(lookup(0xffffffff8010003full, &off), "_start");
    CHECK_EQ(off, 0x3f);
    CHECK_STR_EQ(lookup(0xffffffff80100040ull, &off), "kmain");    /* one-byte function */
    CHECK_EQ(off, 0);
    CHECK_STR_EQ(lookup(0xffffffff80100041ull, &off), "tiny");
    CHECK_EQ(off, 0);
    CHECK_STR_EQ(lookup(0xffffffff801000ffull, &off), "tiny");
    CHECK_EQ(off, 0xbe);
    CHECK_STR_EQ(lookup(0xffffffff80101fffull, &off), "panic");
    CHECK_EQ(off, 0x1eff);
    CHECK_STR_EQ(lookup(0xffffffff80102344ull, &off), "last_fn");  /* last text byte */
    CHECK_EQ(off, 0x344);
}

TEST(before_the_first)
{
    uint64_t off;
    CHECK(lookup(0xffffffff800fffffull, &off) == NULL);
    CHECK(lookup(0, &off) == NULL);
    CHECK(lookup(0x1000, &off) == NULL);
}

TEST(at_and_after_the_end)
{
    uint64_t off;
    CHECK(lookup(0xffffffff80102345ull, &off) == NULL);
    CHECK(lookup(0xffffffff80102346ull, &off) == NULL);
    CHECK(lookup(0xffffffff90000000ull, &off) == NULL);
    CHECK(lookup(UINT64_MAX, &off) == NULL);
}

TEST(every_address_agrees_with_a_linear_scan)
{
    /* From 16 bytes before the table to 16 past its end, at every address. */
    int bad = 0;
    for (uint64_t a = ksyms_addrs[0] - 16; a < ksyms_addrs[5] + 16 && bad < 5; a++) {
        const char *want = NULL;
        uint64_t want_off = 0;
        for (int i = 0; i < 5; i++) {
            if (a >= ksyms_addrs[i] && a < ksyms_addrs[i + 1]) {
                want = ksyms_names + ksyms_name_offsets[i];
                want_off = a - ksyms_addrs[i];
            }
        }
        uint64_t off;
        const char *got = lookup(a, &off);
        if (!CHECK_STR_EQ(got, want) || (want && !CHECK_EQ(off, want_off)))
            bad++;
    }
    CHECK_EQ(bad, 0);
}
