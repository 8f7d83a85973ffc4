/*
 * Host tests for userlib/libc/stdlib.c and malloc.c: strto* against glibc on edge cases
 * and random strings, qsort and bsearch, and the heap through a randomized model test
 * plus its error paths (out of memory, double free).
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

/* glibc's versions, the oracle (ul_host.h renames the standard names to userlib's). */
static long host_strtol(const char *s, char **end, int base) { return strtol(s, end, base); }
static long long host_strtoll(const char *s, char **end, int base) { return strtoll(s, end, base); }
static unsigned long host_strtoul(const char *s, char **end, int base)
{
    return strtoul(s, end, base);
}
static unsigned long long host_strtoull(const char *s, char **end, int base)
{
    return strtoull(s, end, base);
}
static int host_atoi(const char *s) { return atoi(s); }
static int *host_errno(void) { return &errno; }
static char *host_strstr(const char *h, const char *n) { return strstr(h, n); }
static void host_qsort(void *b, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    qsort(b, n, size, cmp);
}

#include "host/ul_host.h"

/* ----------------------------------------------------------------------------------- */
/* strto*                                                                               */
/* ----------------------------------------------------------------------------------- */

/* Runs all four strto* on (s, base), userlib's and glibc's; same value, end and errno? */
static int strto_matches_glibc(const char *s, int base)
{
    char *mine_end, *theirs_end;
    int ok = 1;

#define COMPARE(fn)                                                                   \
    do {                                                                              \
        errno = 0;                                                                    \
        *host_errno() = 0;                                                            \
        __typeof__(fn(s, &mine_end, base)) mine = fn(s, &mine_end, base);             \
        __typeof__(mine) theirs = host_##fn(s, &theirs_end, base);                    \
        int same = mine == theirs && mine_end == theirs_end && errno == *host_errno(); \
        if (!CHECK(same)) {                                                           \
            host_printf("#   %s(\"%s\", %d): %lld end+%td errno %d, glibc %lld end+%td " \
                        "errno %d\n", #fn, s, base, (long long)mine, mine_end - s,    \
                        errno, (long long)theirs, theirs_end - s, *host_errno());     \
            ok = 0;                                                                   \
        }                                                                             \
    } while (0)

    COMPARE(strtol);
    COMPARE(strtoll);
    COMPARE(strtoul);
    COMPARE(strtoull);
#undef COMPARE
    return ok;
}

static const char *const edge_strings[] = {
    "", " ", "0", "-0", "+0", "123", "-123", "+123", " \t\n\v\f\r42", "42abc", "12 34",
    "0x1A", "0X1a", "0x", "0xg", "-0x10", "+0xff", "0x0x1", "00x1", "  -0x", "010", "08",
    "0b101", "z", "Z", "zz", "- 5", "--5", "+-5", "+", "-", " +", "1e5", "\x80" "1",
    "9223372036854775807", "9223372036854775808", "-9223372036854775808",
    "-9223372036854775809", "18446744073709551615", "18446744073709551616",
    "-18446744073709551615", "-18446744073709551616", "99999999999999999999999999x",
    "-99999999999999999999999", "0x7fffffffffffffff", "0x8000000000000000",
    "0xffffffffffffffff", "0x10000000000000000", "-0x8000000000000000",
    "1111111111111111111111111111111111111111111111111111111111111111",
    "11111111111111111111111111111111111111111111111111111111111111111",
    "777777777777777777777", "1777777777777777777777", "2000000000000000000000",
    "3w5e11264sgsf", "3w5e11264sgsg", "1y2p0ij32e8e7", "1y2p0ij32e8e8", "-1y2p0ij32e8e8",
    "zzzzzzzzzzzzzzzzzzzz",
};
static const int edge_bases[] = { 0, 2, 3, 8, 10, 16, 17, 35, 36 };

TEST(strto_matches_glibc_on_edge_cases)
{
    for (size_t i = 0; i < sizeof(edge_strings) / sizeof(edge_strings[0]); i++)
        for (size_t b = 0; b < sizeof(edge_bases) / sizeof(edge_bases[0]); b++)
            strto_matches_glibc(edge_strings[i], edge_bases[b]);
}

TEST(strto_matches_glibc_on_random_strings)
{
    static const char alphabet[] = " \t+-0000xX1123456789aAfFgzZ";
    char s[32];
    test_rand_start("strto* random strings", 0x5eed0002);
    int failures = 0;
    for (int round = 0; round < 20000 && failures < 5; round++) {
        size_t len = test_rand_below(sizeof(s));
        for (size_t i = 0; i < len; i++)
            s[i] = alphabet[test_rand_below(sizeof(alphabet) - 1)];
        s[len] = '\0';
        int base = test_rand_below(4) == 0 ? 0 : (int)test_rand_below(35) + 2;
        failures += !strto_matches_glibc(s, base);
    }
}

TEST(strto_rejects_invalid_bases)
{
    const int bad[] = { -1, 1, 37, 100 };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *s = "123";
        char *end = NULL;
        errno = 0;
        CHECK_EQ(strtol(s, &end, bad[i]), 0);
        CHECK_EQ(errno, EINVAL);
        CHECK(end == s);
        errno = 0;
        CHECK_EQ(strtoull(s, &end, bad[i]), 0);
        CHECK_EQ(errno, EINVAL);
        *host_errno() = 0;
        CHECK_EQ(host_strtol(s, NULL, bad[i]), 0);      /* glibc agrees */
        CHECK_EQ(*host_errno(), EINVAL);
    }
}

TEST(strto_limits_and_errno)
{
    errno = 0;
    CHECK_EQ(strtol("9223372036854775808", NULL, 10), LONG_MAX);
    CHECK_EQ(errno, ERANGE);
    errno = 0;
    CHECK_EQ(strtol("-9223372036854775808", NULL, 10), LONG_MIN);
    CHECK_EQ(errno, 0);                                 /* untouched on success */
    CHECK_EQ(strtoul("-1", NULL, 10), ULONG_MAX);       /* negated in the type */
    CHECK_EQ(errno, 0);
    CHECK_EQ(strtoull("-18446744073709551616", NULL, 10), ULLONG_MAX);
    CHECK_EQ(errno, ERANGE);
    char *end;
    CHECK_EQ(strtol("0xz", &end, 0), 0);
    CHECK_EQ(*end, 'x');
    CHECK_EQ(strtol("  - 1", &end, 10), 0);
    CHECK_EQ(*end, ' ');                                /* no digits: end is s itself */
    CHECK_EQ(strtoul("ZZ", NULL, 36), 35 * 36 + 35);
    CHECK_EQ(strtol("-101", NULL, 2), -5);
}

TEST(atoi_family_and_abs)
{
    const char *const s[] = { "0", "42", "-42", "  +7x", "2147483647", "-2147483648", "", "x" };
    for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
        CHECK_EQ(atoi(s[i]), host_atoi(s[i]));
    CHECK_EQ(atol("-9223372036854775808"), LONG_MIN);
    CHECK_EQ(atoll("123456789012"), 123456789012LL);
    CHECK_EQ(abs(-5), 5);
    CHECK_EQ(abs(5), 5);
    CHECK_EQ(abs(INT_MIN + 1), INT_MAX);
    CHECK_EQ(labs(LONG_MIN + 1), LONG_MAX);
    CHECK_EQ(llabs(-1LL), 1);
}

/* ----------------------------------------------------------------------------------- */
/* qsort and bsearch                                                                    */
/* ----------------------------------------------------------------------------------- */

/* Elements of a few sizes: the key decides the order, the rest must travel with it. */
struct elem24 {
    int32_t key;
    uint32_t origin;
    uint64_t check;
    uint64_t pad;
};

static const char *cmp_base, *cmp_end;      /* qsort's array, to check the comparator's */
static int cmp_calls_outside;               /* arguments point into it */

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int cmp_elem24(const void *a, const void *b)
{
    const char *pa = a, *pb = b;
    if (cmp_base && (pa < cmp_base || pa >= cmp_end || pb < cmp_base || pb >= cmp_end))
        cmp_calls_outside++;
    return cmp_int(&((const struct elem24 *)a)->key, &((const struct elem24 *)b)->key);
}

static int cmp_byte(const void *a, const void *b)
{
    return *(const unsigned char *)a - *(const unsigned char *)b;
}

struct odd3 {
    unsigned char key, a, b;
};

static int cmp_odd3(const void *a, const void *b)
{
    return ((const struct odd3 *)a)->key - ((const struct odd3 *)b)->key;
}

TEST(qsort_sorts_like_glibc_for_several_element_sizes)
{
    static int mine[300], theirs[300];
    static struct elem24 e[300];
    static unsigned char bytes[300];
    static struct odd3 odd[300];
    test_rand_start("qsort arrays", 0x5eed0003);

    for (int round = 0; round < 300; round++) {
        size_t n = test_rand_below(round < 20 ? 5 : 300);
        int range = test_rand_below(2) ? 10 : 1000000;        /* many duplicates, or few */
        int shape = (int)test_rand_below(4);                    /* random, sorted, reversed, equal */
        for (size_t i = 0; i < n; i++) {
            int v = (int)test_rand_below((uint64_t)range) - range / 2;
            mine[i] = shape == 1 ? (int)i : shape == 2 ? (int)(n - i) : shape == 3 ? 7 : v;
        }
        memcpy(theirs, mine, n * sizeof(int));
        qsort(mine, n, sizeof(int), cmp_int);
        host_qsort(theirs, n, sizeof(int), cmp_int);
        if (!CHECK_EQ(memcmp(mine, theirs, n * sizeof(int)), 0))
            host_printf("#   int array of %zu, shape %d\n", n, shape);

        /* 24-byte elements: each one's payload must still match its key. */
        for (size_t i = 0; i < n; i++)
            e[i] = (struct elem24){ mine[test_rand_below(n)], (uint32_t)i, 0, 0 };
        for (size_t i = 0; i < n; i++)
            e[i].check = (uint64_t)e[i].key * 2654435761u ^ e[i].origin;
        cmp_base = (const char *)e;
        cmp_end = (const char *)(e + n);
        cmp_calls_outside = 0;
        qsort(e, n, sizeof(e[0]), cmp_elem24);
        cmp_base = NULL;
        CHECK_EQ(cmp_calls_outside, 0);
        uint64_t seen = 0;
        for (size_t i = 0; i < n; i++) {
            CHECK(i == 0 || e[i - 1].key <= e[i].key);
            CHECK_EQ(e[i].check, (uint64_t)e[i].key * 2654435761u ^ e[i].origin);
            seen += e[i].origin;
        }
        CHECK_EQ(seen, n ? n * (n - 1) / 2 : 0);            /* a permutation */

        /* 1- and 3-byte elements: the tail-byte swap path. */
        for (size_t i = 0; i < n; i++) {
            bytes[i] = (unsigned char)test_rand();
            odd[i] = (struct odd3){ (unsigned char)test_rand_below(50), (unsigned char)i,
                                    (unsigned char)~i };
        }
        qsort(bytes, n, 1, cmp_byte);
        qsort(odd, n, sizeof(odd[0]), cmp_odd3);
        for (size_t i = 1; i < n; i++) {
            CHECK(bytes[i - 1] <= bytes[i]);
            CHECK(odd[i - 1].key <= odd[i].key);
        }
        for (size_t i = 0; i < n; i++)
            CHECK_EQ(odd[i].b, (unsigned char)~odd[i].a);
    }
}

TEST(bsearch_finds_present_keys_and_only_those)
{
    int a[100];
    for (int i = 0; i < 100; i++)
        a[i] = 3 * i;                                   /* 0, 3, 6, ..., 297 */
    for (int n = 0; n <= 100; n++) {
        for (int key = -2; key < 3 * n + 2; key++) {
            int *found = bsearch(&key, a, (size_t)n, sizeof(int), cmp_int);
            if (key >= 0 && key % 3 == 0 && key / 3 < n) {
                if (!CHECK(found == &a[key / 3]))
                    host_printf("#   n %d key %d\n", n, key);
            } else if (!CHECK(found == NULL)) {
                host_printf("#   n %d key %d\n", n, key);
            }
        }
    }
    int dup[] = { 1, 2, 2, 2, 2, 3 };
    int two = 2;
    int *found = bsearch(&two, dup, 6, sizeof(int), cmp_int);
    CHECK(found != NULL && *found == 2);
}

/* ----------------------------------------------------------------------------------- */
/* malloc                                                                               */
/* ----------------------------------------------------------------------------------- */

#define CHUNK (64u * 1024)

TEST(malloc_zero_and_free_null)
{
    void *a = malloc(0), *b = malloc(0);
    CHECK(a != NULL);
    CHECK(b != NULL);
    CHECK(a != b);
    free(a);
    free(b);
    free(NULL);
}

TEST(a_freed_block_is_reused_for_its_size_class)
{
    void *p = malloc(100);
    free(p);
    void *q = malloc(120);                      /* the same 128-byte class */
    CHECK(q == p);
    free(q);
}

TEST(large_blocks_get_their_own_pages_and_give_them_back)
{
    size_t before = hook_pages_outstanding();
    char *p = malloc(100000);
    REQUIRE(p != NULL);
    CHECK_EQ((uintptr_t)p % 16, 0);
    CHECK_EQ(hook_pages_outstanding() - before, 25 * 4096);  /* 100000 + 16, rounded up */
    memset(p, 0x5a, 100000);
    free(p);
    CHECK_EQ(hook_pages_outstanding(), before);
}

TEST(calloc_zeroes_and_checks_for_overflow)
{
    unsigned char *p = malloc(200);
    REQUIRE(p != NULL);
    memset(p, 0xff, 200);
    free(p);
    unsigned char *q = calloc(10, 20);
    CHECK(q == p);                              /* the dirty block, zeroed */
    size_t nonzero = 0;
    for (int i = 0; i < 200; i++)
        nonzero += q[i] != 0;
    CHECK_EQ(nonzero, 0);
    free(q);

    errno = 0;
    CHECK(calloc(SIZE_MAX / 2, 3) == NULL);
    CHECK_EQ(errno, ENOMEM);
    CHECK(calloc((size_t)1 << 32, (size_t)1 << 32) == NULL);
    void *z = calloc(0, 5), *w = calloc(5, 0);
    CHECK(z != NULL);
    CHECK(w != NULL);
    free(z);
    free(w);
}

TEST(malloc_fails_cleanly_when_out_of_memory)
{
    errno = 0;
    CHECK(malloc(SIZE_MAX) == NULL);
    CHECK_EQ(errno, ENOMEM);
    CHECK(malloc(SIZE_MAX - 4096) == NULL);

    char *small = malloc(32);
    REQUIRE(small != NULL);
    strcpy(small, "still here");
    hook_pages_fail_after(0);
    errno = 0;
    CHECK(malloc(50000) == NULL);
    CHECK_EQ(errno, ENOMEM);
    CHECK(realloc(small, 50000) == NULL);       /* the old block stays valid */
    hook_pages_fail_after(-1);
    CHECK_STR_EQ(small, "still here");
    free(small);
}

TEST(realloc_keeps_contents_and_moves_only_when_it_must)
{
    char *p = realloc(NULL, 10);
    REQUIRE(p != NULL);
    strcpy(p, "123456789");
    CHECK(realloc(p, 16) == p);                 /* room in its class already */
    CHECK(realloc(p, 3) == p);                  /* shrinking never moves */
    char *q = realloc(p, 5000);                 /* small -> large */
    REQUIRE(q != NULL);
    CHECK_STR_EQ(q, "123456789");
    memset(q + 10, 'y', 4990);
    char *r = realloc(q, 40000);                /* large -> larger */
    REQUIRE(r != NULL);
    CHECK_STR_EQ(r, "123456789");
    CHECK_EQ(r[4999], 'y');
    CHECK(realloc(r, 0) == NULL);               /* frees */
}

/*
 * The model: up to 200 live blocks, each filled with a byte pattern of its own. Every
 * operation checks the block it touches still holds its pattern; every new block must be
 * 16-aligned and overlap no live block.
 */
struct live {
    unsigned char *p;
    size_t size;
    unsigned char seed;
};

static size_t random_size(void)
{
    switch (test_rand_below(10)) {
    case 0: return test_rand_below(20000);          /* large blocks */
    case 1: return 2040 + test_rand_below(20);      /* the small/large boundary */
    case 2: return test_rand_below(3000);
    default: return test_rand_below(200);
    }
}

static void fill(struct live *b)
{
    for (size_t i = 0; i < b->size; i++)
        b->p[i] = (unsigned char)(b->seed + i * 7);
}

static int intact(const struct live *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (b->p[i] != (unsigned char)(b->seed + i * 7))
            return 0;
    return 1;
}

static int placed_well(const struct live *blocks, size_t count, size_t self)
{
    const struct live *b = &blocks[self];
    if ((uintptr_t)b->p % 16)
        return 0;
    for (size_t i = 0; i < count; i++) {
        const struct live *o = &blocks[i];
        if (i != self && o->p && b->p < o->p + (o->size ? o->size : 1) &&
            o->p < b->p + (b->size ? b->size : 1))
            return 0;
    }
    return 1;
}

TEST(malloc_model_random_operations)
{
    static struct live blocks[200];
    size_t pages_before = hook_pages_outstanding();
    test_rand_start("malloc model", 0x5eed0004);
    memset(blocks, 0, sizeof(blocks));

    for (int op = 0; op < 20000; op++) {
        size_t i = test_rand_below(200);
        struct live *b = &blocks[i];
        unsigned kind = (unsigned)test_rand_below(4);
        if (!b->p) {
            b->size = random_size();
            b->seed = (unsigned char)test_rand();
            if (kind == 0) {
                size_t count = b->size ? 1 + test_rand_below(4) : 0;
                size_t unit = count ? b->size / count : 1;
                b->size = count * unit;
                b->p = calloc(count, unit);
                REQUIRE(b->p != NULL);
                size_t nonzero = 0;
                for (size_t k = 0; k < b->size; k++)
                    nonzero += b->p[k] != 0;
                CHECK_EQ(nonzero, 0);
            } else {
                b->p = malloc(b->size);
                REQUIRE(b->p != NULL);
            }
            if (!CHECK(placed_well(blocks, 200, i)))
                host_printf("#   op %d: block %p size %zu\n", op, (void *)b->p, b->size);
            fill(b);
        } else if (kind == 0) {
            size_t size = random_size();
            if (!CHECK(intact(b, b->size)))
                host_printf("#   op %d: block %zu corrupted\n", op, i);
            unsigned char *p = realloc(b->p, size);
            if (size == 0) {
                CHECK(p == NULL);
                b->p = NULL;
                continue;
            }
            REQUIRE(p != NULL);
            b->p = p;
            size_t kept = size < b->size ? size : b->size;
            if (!CHECK(intact(b, kept)))
                host_printf("#   op %d: realloc lost contents\n", op);
            b->size = size;
            CHECK(placed_well(blocks, 200, i));
            fill(b);
        } else {
            if (!CHECK(intact(b, b->size)))
                host_printf("#   op %d: block %zu corrupted\n", op, i);
            free(b->p);
            b->p = NULL;
        }
    }
    for (size_t i = 0; i < 200; i++) {
        if (blocks[i].p) {
            CHECK(intact(&blocks[i], blocks[i].size));
            free(blocks[i].p);
        }
    }
    /* Large runs all went back; what remains is whole chunks for small blocks. */
    CHECK_EQ((hook_pages_outstanding() - pages_before) % CHUNK, 0);
}

static void double_free(void *arg)
{
    (void)arg;
    void *p = malloc(24);
    free(p);
    free(p);
}

static void free_misaligned(void *arg)
{
    (void)arg;
    char *p = malloc(24);
    free(p + 1);
}

static void free_foreign(void *arg)
{
    (void)arg;
    _Alignas(16) static char not_from_malloc[64];
    free(not_from_malloc + 32);
}

static void realloc_freed(void *arg)
{
    (void)arg;
    void *p = malloc(40);
    free(p);
    realloc(p, 80);
}

static void expect_heap_abort(void (*fn)(void *), const char *message)
{
    int code = -1;
    fflush(NULL);
    hook_console_clear();
    CHECK(hook_run_until_exit(fn, NULL, &code));
    CHECK_EQ(code, 3);
    if (!CHECK(host_strstr(hook_console(), message) != NULL))
        host_printf("#   stderr said: %s", hook_console());
}

TEST(heap_misuse_is_reported_and_aborts)
{
    expect_heap_abort(double_free, "free(0000");
    expect_heap_abort(double_free, "): already freed (double free)\n");
    expect_heap_abort(free_misaligned, "not a pointer malloc returned");
    expect_heap_abort(free_foreign, "not a pointer malloc returned");
    expect_heap_abort(realloc_freed, "realloc(0000");
    expect_heap_abort(realloc_freed, "already freed");
}
