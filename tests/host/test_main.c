/* The host test runner: registration, checks and TAP output (test.h). */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

#define MAX_TESTS 512

struct test_case {
    const char *name;
    void (*fn)(void);
};

static struct test_case tests[MAX_TESTS];
static int test_count;
static int current_failed;

void test_register(const char *name, void (*fn)(void))
{
    if (test_count == MAX_TESTS) {
        fprintf(stderr, "test_main: more than %d tests in one file\n", MAX_TESTS);
        exit(2);
    }
    tests[test_count++] = (struct test_case){ name, fn };
}

int test_check(int ok, const char *expr, const char *file, int line)
{
    if (!ok) {
        printf("# FAIL %s:%d: %s\n", file, line, expr);
        current_failed = 1;
    }
    return ok;
}

int test_check_eq(uint64_t a, uint64_t b, const char *ea, const char *eb, const char *file,
                  int line)
{
    if (a != b) {
        printf("# FAIL %s:%d: %s == %s\n#   left:  %llu (0x%llx)\n#   right: %llu (0x%llx)\n",
               file, line, ea, eb, (unsigned long long)a, (unsigned long long)a,
               (unsigned long long)b, (unsigned long long)b);
        current_failed = 1;
    }
    return a == b;
}

int test_check_str_eq(const char *a, const char *b, const char *ea, const char *eb,
                      const char *file, int line)
{
    int ok = (a && b) ? strcmp(a, b) == 0 : a == b;
    if (!ok) {
        printf("# FAIL %s:%d: %s == %s\n#   left:  \"%s\"\n#   right: \"%s\"\n", file, line,
               ea, eb, a ? a : "(null)", b ? b : "(null)");
        current_failed = 1;
    }
    return ok;
}

static uint64_t rand_state;
static uint64_t rand_seed;
static int rand_started;            /* the current test used test_rand_start */

uint64_t test_rand_start(const char *what, uint64_t default_seed)
{
    const char *env = getenv("SEED");
    uint64_t seed = env ? strtoull(env, NULL, 0) : default_seed;
    printf("# seed %llu for %s (SEED=%llu replays it)\n", (unsigned long long)seed, what,
           (unsigned long long)seed);
    rand_state = seed;
    rand_seed = seed;
    rand_started = 1;
    return seed;
}

uint64_t test_rand(void)
{
    uint64_t z = (rand_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t test_rand_below(uint64_t n)
{
    return test_rand() % n;
}

int main(int argc, char **argv)
{
    (void)argc;
    const char *suite = strrchr(argv[0], '/');
    suite = suite ? suite + 1 : argv[0];
    if (strncmp(suite, "test_", 5) == 0)
        suite += 5;
    const char *filter = getenv("TEST_FILTER");

    int selected = 0, failed = 0, number = 0;
    char full[256];
    for (int i = 0; i < test_count; i++) {
        snprintf(full, sizeof(full), "%s.%s", suite, tests[i].name);
        selected += !filter || fnmatch(filter, full, 0) == 0;
    }
    printf("TAP version 13\n1..%d\n", selected);
    for (int i = 0; i < test_count; i++) {
        snprintf(full, sizeof(full), "%s.%s", suite, tests[i].name);
        if (filter && fnmatch(filter, full, 0) != 0)
            continue;
        current_failed = 0;
        rand_started = 0;
        test_console_clear();
        tests[i].fn();
        if (current_failed && rand_started)
            printf("#   replay with: SEED=%llu TEST_FILTER='%s' %s\n",
                   (unsigned long long)rand_seed, full, argv[0]);
        printf("%s %d - %s\n", current_failed ? "not ok" : "ok", ++number, full);
        fflush(stdout);
        failed += current_failed;
    }
    return failed ? 1 : 0;
}
