/*
 * What the portable kernel sources expect from their platform, provided for host tests:
 * a console (captured in memory, so tests can check what was logged), panic_halt (which
 * returns control to test_expect_panic), and an empty KTEST section.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ktest.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "test.h"

#define CONSOLE_CAPTURE 65536

static char console[CONSOLE_CAPTURE];
static size_t console_used;
static jmp_buf *panic_target;

const struct ktest __ktests_start[0];
const struct ktest __ktests_end[0];

/* A host test's own ksyms table: empty unless the test links its own (test_ksyms.c). */
__attribute__((weak)) const uint64_t ksyms_count = 0;
__attribute__((weak)) const uint64_t ksyms_addrs[1] = { 0 };
__attribute__((weak)) const uint32_t ksyms_name_offsets[1] = { 0 };
__attribute__((weak)) const char ksyms_names[1] = "";

/*
 * The kernel's strlcpy (kernel/lib/string.c, not a portable source: glibc provides the
 * rest of string.h on the host, but glibc 2.36 has no strlcpy).
 */
size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);
    if (size) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}

void console_putc(char c)
{
    if (console_used + 1 < CONSOLE_CAPTURE)
        console[console_used++] = c;
    console[console_used] = '\0';
    if (getenv("TEST_VERBOSE"))
        fputc(c, stdout);
}

const char *test_console(void)
{
    return console;
}

void test_console_clear(void)
{
    console_used = 0;
    console[0] = '\0';
}

void panic_halt(void)
{
    if (panic_target) {
        jmp_buf *target = panic_target;
        panic_target = NULL;
        longjmp(*target, 1);
    }
    fprintf(stderr, "unexpected panic; console:\n%s\n", console);
    abort();
}

int test_expect_panic(void (*fn)(void *), void *arg)
{
    jmp_buf target;
    if (setjmp(target)) {
        panic_reset();
        return 1;
    }
    panic_target = &target;
    fn(arg);
    panic_target = NULL;
    return 0;
}
