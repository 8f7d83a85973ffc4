/*
 * Host tests for userlib/libc/string.c: each function's edge cases, and memset, memcpy
 * and memmove against glibc over random sizes, alignments and overlaps.
 */
#include <stdint.h>
#include <string.h>

#include "test.h"

/* glibc's versions, the oracle (ul_host.h renames the standard names to userlib's). */
static void *host_memmove(void *d, const void *s, size_t n)
{
    return memmove(d, s, n);
}

#include "host/ul_host.h"

/* Guard bytes around every destination catch a write one byte too far either way. */
#define GUARD 32
#define BUF   (GUARD + 600 + GUARD)

static void fill_random(unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)test_rand();
}

TEST(memset_fills_exactly_n_bytes_at_every_alignment)
{
    unsigned char buf[BUF];
    for (size_t align = 0; align < 8; align++) {
        for (size_t n = 0; n < 70; n++) {
            memset(buf, 0xEE, sizeof(buf));
            unsigned char *p = buf + GUARD + align;
            CHECK(memset(p, 0x1A5, n) == p);        /* only the low byte counts */
            size_t bad = 0;
            for (size_t i = 0; i < sizeof(buf); i++) {
                int inside = buf + i >= p && buf + i < p + n;
                bad += buf[i] != (inside ? 0xA5 : 0xEE);
            }
            if (!CHECK_EQ(bad, 0))
                host_printf("#   align %zu n %zu\n", align, n);
        }
    }
}

TEST(memcpy_and_memmove_match_glibc_on_random_cases)
{
    static unsigned char src[BUF], mine[BUF], theirs[BUF];
    test_rand_start("memcpy/memmove cases", 0x5eed0001);
    for (int round = 0; round < 3000; round++) {
        size_t n = test_rand_below(5) == 0 ? test_rand_below(600) : test_rand_below(40);
        size_t from = GUARD + test_rand_below(BUF - 2 * GUARD - n + 1);
        size_t to = GUARD + test_rand_below(BUF - 2 * GUARD - n + 1);
        fill_random(src, sizeof(src));
        fill_random(mine, sizeof(mine));
        memcpy(theirs, mine, sizeof(mine));     /* userlib's memcpy, checked below */
        REQUIRE(ul_memcmp(theirs, mine, sizeof(mine)) == 0);

        /* Between two buffers: memcpy. */
        CHECK(memcpy(mine + to, src + from, n) == mine + to);
        host_memmove(theirs + to, src + from, n);
        if (!CHECK_EQ(memcmp(mine, theirs, sizeof(mine)), 0))
            host_printf("#   memcpy from %zu to %zu n %zu\n", from, to, n);

        /* Within one buffer, overlapping either way: memmove. */
        CHECK(memmove(mine + to, mine + from, n) == mine + to);
        host_memmove(theirs + to, theirs + from, n);
        if (!CHECK_EQ(memcmp(mine, theirs, sizeof(mine)), 0))
            host_printf("#   memmove from %zu to %zu n %zu\n", from, to, n);
    }
}

TEST(memmove_handles_exact_and_one_byte_overlaps)
{
    char buf[32];
    strcpy(buf, "0123456789abcdefghij");
    memmove(buf + 1, buf, 19);                  /* dst just above src */
    CHECK_STR_EQ(buf, "00123456789abcdefghi");
    strcpy(buf, "0123456789abcdefghij");
    memmove(buf, buf + 1, 19);                  /* dst just below src */
    CHECK_STR_EQ(buf, "123456789abcdefghijj");
    strcpy(buf, "0123456789abcdefghij");
    memmove(buf + 3, buf + 3, 10);              /* the same place */
    CHECK_STR_EQ(buf, "0123456789abcdefghij");
    memmove(buf, buf + 5, 0);
    CHECK_STR_EQ(buf, "0123456789abcdefghij");
}

TEST(memcmp_compares_bytes_as_unsigned)
{
    CHECK_EQ(memcmp("abc", "abd", 2), 0);
    CHECK(memcmp("abc", "abd", 3) < 0);
    CHECK(memcmp("abd", "abc", 3) > 0);
    CHECK(memcmp("\x80", "\x7f", 1) > 0);
    CHECK(memcmp("\xff", "\x01", 1) > 0);
    CHECK_EQ(memcmp("x", "y", 0), 0);
}

TEST(memchr_finds_the_first_match_within_n)
{
    const char s[] = "hello\0world";
    CHECK(memchr(s, 'l', 5) == s + 2);
    CHECK(memchr(s, 'o', 4) == NULL);
    CHECK(memchr(s, 'w', sizeof(s)) == s + 6);   /* past the NUL: memchr does not stop */
    CHECK(memchr(s, 0x100 + 'h', 5) == s);       /* c converts to unsigned char */
    CHECK(memchr(s, '\0', sizeof(s)) == s + 5);
    CHECK(memchr("\xe9", 0xe9, 1) != NULL);
    CHECK(memchr(s, 'h', 0) == NULL);
}

TEST(strlen_and_strnlen)
{
    CHECK_EQ(strlen(""), 0);
    CHECK_EQ(strlen("abc"), 3);
    CHECK_EQ(strnlen("abc", 2), 2);
    CHECK_EQ(strnlen("abc", 3), 3);
    CHECK_EQ(strnlen("abc", 10), 3);
    CHECK_EQ(strnlen("abc", 0), 0);
    char unterminated[4] = { 'a', 'b', 'c', 'd' };
    CHECK_EQ(strnlen(unterminated, sizeof(unterminated)), 4);   /* reads no further */
}

TEST(strcmp_and_strncmp_order_and_stop_at_nul)
{
    CHECK_EQ(strcmp("", ""), 0);
    CHECK_EQ(strcmp("abc", "abc"), 0);
    CHECK(strcmp("abc", "abd") < 0);
    CHECK(strcmp("abd", "abc") > 0);
    CHECK(strcmp("ab", "abc") < 0);
    CHECK(strcmp("abc", "ab") > 0);
    CHECK(strcmp("\xff", "a") > 0);             /* unsigned char order */
    CHECK_EQ(strncmp("abcX", "abcY", 3), 0);
    CHECK(strncmp("abcX", "abcY", 4) < 0);
    CHECK_EQ(strncmp("abc", "abc\0zz", 6), 0);  /* stops at the common NUL */
    CHECK(strncmp("ab", "abc", 3) < 0);
    CHECK_EQ(strncmp("a", "b", 0), 0);
    CHECK(strncmp("\x80", "\x7f", 1) > 0);
}

TEST(strchr_and_strrchr_include_the_terminator)
{
    const char *s = "abcabc";
    CHECK(strchr(s, 'b') == s + 1);
    CHECK(strrchr(s, 'b') == s + 4);
    CHECK(strchr(s, 'z') == NULL);
    CHECK(strrchr(s, 'z') == NULL);
    CHECK(strchr(s, '\0') == s + 6);
    CHECK(strrchr(s, '\0') == s + 6);
    CHECK(strchr("", 'a') == NULL);
    CHECK(strchr("\xe9t\xe9", 0xe9) != NULL);   /* int c converts to char */
    CHECK(strrchr("\xe9t\xe9x", 0xe9) != NULL);
}

TEST(strstr_finds_the_first_occurrence)
{
    const char *s = "the cat sat on the mat";
    CHECK(strstr(s, "the") == s);
    CHECK(strstr(s, "at") == s + 5);
    CHECK(strstr(s, "mat") == s + 19);
    CHECK(strstr(s, "dog") == NULL);
    CHECK(strstr(s, "") == s);
    CHECK(strstr("", "") != NULL);
    CHECK(strstr("", "a") == NULL);
    CHECK(strstr("aaab", "aab") != NULL);       /* a partial match first */
    CHECK(strstr("ab", "abc") == NULL);         /* needle longer than the rest */
}

TEST(strcpy_and_strcat)
{
    char buf[16];
    memset(buf, 'x', sizeof(buf));
    CHECK(strcpy(buf, "abc") == buf);
    CHECK_STR_EQ(buf, "abc");
    CHECK(strcat(buf, "def") == buf);
    CHECK_STR_EQ(buf, "abcdef");
    CHECK(strcat(buf, "") == buf);
    CHECK_STR_EQ(buf, "abcdef");
    CHECK_EQ(buf[7], 'x');
    strcpy(buf, "");
    CHECK_STR_EQ(buf, "");
}

TEST(strncpy_pads_with_zeroes_and_does_not_terminate_when_full)
{
    char buf[8];
    memset(buf, 'x', sizeof(buf));
    CHECK(strncpy(buf, "ab", 6) == buf);
    CHECK_EQ(memcmp(buf, "ab\0\0\0\0xx", 8), 0);

    memset(buf, 'x', sizeof(buf));
    strncpy(buf, "abcdefgh", 4);
    CHECK_EQ(memcmp(buf, "abcdxxxx", 8), 0);    /* no terminator */

    memset(buf, 'x', sizeof(buf));
    strncpy(buf, "abcd", 4);
    CHECK_EQ(memcmp(buf, "abcdxxxx", 8), 0);

    memset(buf, 'x', sizeof(buf));
    strncpy(buf, "abc", 0);
    CHECK_EQ(memcmp(buf, "xxxxxxxx", 8), 0);
}

TEST(strncat_appends_at_most_n_and_always_terminates)
{
    char buf[16];
    strcpy(buf, "ab");
    CHECK(strncat(buf, "cdef", 2) == buf);
    CHECK_STR_EQ(buf, "abcd");
    strncat(buf, "ef", 10);
    CHECK_STR_EQ(buf, "abcdef");
    strncat(buf, "gh", 0);
    CHECK_STR_EQ(buf, "abcdef");
    memset(buf, 'x', sizeof(buf));
    buf[0] = '\0';
    strncat(buf, "123", 3);
    CHECK_EQ(memcmp(buf, "123\0x", 5), 0);
}

TEST(strdup_copies_into_the_heap)
{
    const char *s = "a string to copy";
    char *copy = strdup(s);
    REQUIRE(copy != NULL);
    CHECK(copy != s);
    CHECK_STR_EQ(copy, s);
    free(copy);
    char *empty = strdup("");
    REQUIRE(empty != NULL);
    CHECK_STR_EQ(empty, "");
    free(empty);
}
