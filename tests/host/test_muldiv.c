/* Host tests for kernel/lib/muldiv.c, against the host's own 128-bit division. */
#include <stdint.h>

#include "lib/muldiv.h"
#include "test.h"

/* The oracle: gcc's 128-bit arithmetic (libgcc's division), which the kernel lacks. */
static int oracle(uint64_t v, uint64_t n, uint64_t d, int up, uint64_t *out)
{
    if (d == 0)
        return -1;
    unsigned __int128 p = (unsigned __int128)v * n;
    unsigned __int128 q = p / d;
    if (up && p % d)
        q++;
    if (q >> 64)
        return -1;
    *out = (uint64_t)q;
    return 0;
}

static void same(uint64_t v, uint64_t n, uint64_t d)
{
    for (int up = 0; up <= 1; up++) {
        uint64_t got = 0xAAAA, want = 0xAAAA;
        int rg = muldiv_u64(v, n, d, up ? MULDIV_UP : MULDIV_DOWN, &got);
        int rw = oracle(v, n, d, up, &want);
        CHECK_EQ(rg, rw);
        CHECK_EQ(got, want);
    }
}

TEST(small_values_round_as_asked)
{
    uint64_t out;
    CHECK_EQ(muldiv_u64(10, 3, 4, MULDIV_DOWN, &out), 0);
    CHECK_EQ(out, 7);                           /* 30 / 4 = 7.5 */
    CHECK_EQ(muldiv_u64(10, 3, 4, MULDIV_UP, &out), 0);
    CHECK_EQ(out, 8);
    CHECK_EQ(muldiv_u64(8, 3, 4, MULDIV_UP, &out), 0);
    CHECK_EQ(out, 6);                           /* exact: no rounding up */
    CHECK_EQ(muldiv_u64(0, 12345, 7, MULDIV_UP, &out), 0);
    CHECK_EQ(out, 0);
}

TEST(products_past_64_bits_divide_exactly)
{
    /* One hour of a 3 GHz counter in 100 ns units: 1.08e13 * 1e7 overflows 64 bits. */
    uint64_t out;
    CHECK_EQ(muldiv_u64(10800000000000ull, 10000000, 3000000000ull, MULDIV_DOWN, &out), 0);
    CHECK_EQ(out, 36000000000ull);
    same(UINT64_MAX, UINT64_MAX, UINT64_MAX);
    same(UINT64_MAX, 3, 7);
    same(0x123456789abcdefull, 0xfedcba987654321ull, 0x1000000000000001ull);
}

TEST(zero_denominator_and_overflow_fail_and_leave_out_alone)
{
    uint64_t out = 42;
    CHECK_EQ(muldiv_u64(1, 1, 0, MULDIV_DOWN, &out), -1);
    CHECK_EQ(muldiv_u64(UINT64_MAX, 2, 1, MULDIV_DOWN, &out), -1);
    CHECK_EQ(muldiv_u64(UINT64_MAX, 3, 2, MULDIV_UP, &out), -1);
    CHECK_EQ(out, 42);
    /* Exactly UINT64_MAX fits; one more by rounding up does not. */
    CHECK_EQ(muldiv_u64(UINT64_MAX, 1, 1, MULDIV_UP, &out), 0);
    CHECK_EQ(out, UINT64_MAX);
}

TEST(agrees_with_128_bit_division_on_pseudorandom_operands)
{
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < 20000; i++) {
        /* xorshift64*, with operand widths varied so that both outcomes occur */
        x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
        uint64_t a = x * 0x2545F4914F6CDD1Dull;
        x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
        uint64_t b = x * 0x2545F4914F6CDD1Dull;
        x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
        uint64_t c = x * 0x2545F4914F6CDD1Dull;
        same(a >> (i % 64), b >> ((i / 64) % 64), (c >> (i % 61)) | 1);
    }
}
