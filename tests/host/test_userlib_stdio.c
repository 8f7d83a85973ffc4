/*
 * Host tests for userlib/libc/stdio.c: the printf family against glibc, and buffering as
 * seen through the captured __console_write (userlib/host/hooks.c): line-buffered
 * stdout, unbuffered stderr, outputs longer than the buffers, short and failed writes,
 * and exit()'s flush.
 */
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "test.h"

/* glibc's versions, the oracle (ul_host.h renames the standard names to userlib's). */
static int host_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    return vsnprintf(buf, size, fmt, ap);
}

static int host_strcmp(const char *a, const char *b)
{
    return strcmp(a, b);
}

#include "host/ul_host.h"

/* Every test starts with empty buffers, a clean console and working writes. */
static void reset(void)
{
    hook_console_limit(0, -1);
    fflush(NULL);
    clearerr(stdout);
    clearerr(stderr);
    hook_console_clear();
}

/* Formats with userlib's vsnprintf and glibc's and expects the same text and count. */
__attribute__((format(printf, 2, 3))) static void same_as_glibc(int line, const char *fmt, ...)
{
    char mine[256], theirs[256];
    va_list a, b;
    va_start(a, fmt);
    va_copy(b, a);
    int n_mine = vsnprintf(mine, sizeof(mine), fmt, a);
    int n_theirs = host_vsnprintf(theirs, sizeof(theirs), fmt, b);
    va_end(b);
    va_end(a);
    if (!CHECK_STR_EQ(mine, theirs) | !CHECK_EQ(n_mine, n_theirs))
        host_printf("#   format \"%s\" at line %d\n", fmt, line);
}
#define SAME(...) same_as_glibc(__LINE__, __VA_ARGS__)

/*
 * Formats with userlib's vsnprintf and expects exactly `expected`: for Microsoft's rules,
 * where glibc is no oracle. The expected texts are the C runtime's documented behaviour
 * ("Size specification", "printf type field characters"), as Wine's msvcrt also prints
 * them (a mingw-w64 program built with __USE_MINGW_ANSI_STDIO=0).
 */
__attribute__((format(printf, 3, 4))) static void formats_as(int line, const char *expected,
                                                             const char *fmt, ...)
{
    char mine[256];
    va_list a;
    va_start(a, fmt);
    int n = vsnprintf(mine, sizeof(mine), fmt, a);
    va_end(a);
    if (!CHECK_STR_EQ(mine, expected) | !CHECK_EQ(n, (int)strlen(expected)))
        host_printf("#   format \"%s\" at line %d\n", fmt, line);
}
#define FORMATS_AS(...) formats_as(__LINE__, __VA_ARGS__)

TEST(integer_conversions_match_glibc)
{
    SAME("%d %i %d %d", 0, 42, -42, INT_MIN);
    SAME("%d %u %x %X %o", INT_MAX, UINT_MAX, 0xdeadbeefu, 0xdeadbeefu, 0755u);
    SAME("%lld %llu %llx %llX", LLONG_MIN, ULLONG_MAX, 0xfedcba9876543210ULL, 1ULL << 63);
    SAME("%zu %zd %zx", SIZE_MAX, (ptrdiff_t)-5, (size_t)4096);
    SAME("%hhd %hhu %hd %hu", -1, 255, -32768, 65535);
    SAME("%jd %ju %td", INTMAX_MIN, UINTMAX_MAX, (ptrdiff_t)-1);
    SAME("%c%c%c", 'a', 'B', '0');
    SAME("%%d %%");
}

TEST(width_precision_and_flags_match_glibc)
{
    SAME("[%5d] [%-5d] [%05d] [%+d] [% d] [%+5d]", 42, 42, 42, 42, 42, -42);
    SAME("[%.3d] [%8.3d] [%-8.3d] [%.0d] [%.0d]", 7, 7, -7, 0, 1);
    SAME("[%#x] [%#X] [%#o] [%#o] [%#x] [%#.0o]", 255u, 255u, 8u, 0u, 0u, 0u);
    SAME("[%-#10x] [%#010x] [%010u]", 0xabcu, 0xabcu, 123u);
    SAME("[%*d] [%-*d] [%*d] [%.*d] [%.*d]", 6, 1, 6, 2, -6, 3, 4, 5, -1, 6);
    SAME("[%s] [%10s] [%-10s] [%.2s] [%10.3s] [%-*.*s]", "abc", "abc", "abc", "abc",
         "abcdef", 7, 2, "xyz");
    SAME("[%5c] [%-5c]", 'x', 'y');
    SAME("[%20lld] [%-20llu] [%020lld]", LLONG_MIN, ULLONG_MAX, -1LL);
    SAME("[%.20d] [%.1u]", INT_MIN, 0u);
}

/* Defined by C, but GCC warns about them: '0' is ignored with '-' or a precision. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
TEST(flags_that_cancel_out_match_glibc)
{
    SAME("[%-010d] [%0-10d] [%08.3d] [%-08.3x]", -5, 5, 7, 0xau);
}
#pragma GCC diagnostic pop

TEST(strings_and_pointers)
{
    SAME("%s|%s|%s", "", "a", "with spaces and \t tab");
    const char *volatile null = NULL;
    SAME("%s", null);                   /* "(null)", as glibc prints it */
    int x;
    (void)x;
}

/*
 * Windows is LLP64: long is 32 bits, so l reads 32 bits (a DWORD passed for %lu is read
 * exactly, whatever the upper half of its 64-bit argument slot holds), and I64, I32, I
 * give explicit widths.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
TEST(long_is_32_bits_and_microsoft_size_prefixes)
{
    FORMATS_AS("4294967295 -5 89abcdef", "%lu %ld %lx", 4294967295u, -5, 0x89abcdefu);
    FORMATS_AS("[89abcdef]", "[%lx]", 0x0123456789abcdefull);  /* the low 32 bits */
    FORMATS_AS("[-2147483648] [  ffffffff]", "[%ld] [%10lx]", INT_MIN, -1);
    FORMATS_AS("[-9223372036854775808] [fedcba9876543210]", "[%I64d] [%I64x]", LLONG_MIN,
               0xfedcba9876543210ull);
    FORMATS_AS("[4294967295] [-7]", "[%I32u] [%I32d]", UINT_MAX, -7);
    FORMATS_AS("[18446744073709551615] [1000]", "[%Iu] [%Ix]", SIZE_MAX, (size_t)4096);
    FORMATS_AS("[-1] [18446744073709551615]", "[%lld] [%llu]", -1ll, ULLONG_MAX);
}

/* %p: 16 uppercase hex digits, no prefix; width pads with spaces; '#' adds 0X. */
TEST(pointers_print_as_the_microsoft_runtime_prints_them)
{
    FORMATS_AS("0000000000001000", "%p", (void *)0x1000);
    FORMATS_AS("0000000000000000", "%p", (void *)0);
    FORMATS_AS("[    0000000000ABCDEF] [0000000000ABCDEF    ]", "[%20p] [%-20p]",
               (void *)0xabcdef, (void *)0xabcdef);
    FORMATS_AS("0X0000000000001000", "%#p", (void *)0x1000);
    FORMATS_AS("[    0000000000001000]", "[%020p]", (void *)0x1000);
}
#pragma GCC diagnostic pop

TEST(snprintf_truncates_terminates_and_returns_the_full_length)
{
    char buf[8];
    memset(buf, 'x', sizeof(buf));
    CHECK_EQ(snprintf(buf, 5, "hello world"), 11);
    CHECK_STR_EQ(buf, "hell");
    CHECK_EQ(buf[5], 'x');
    CHECK_EQ(snprintf(buf, 1, "abc"), 3);
    CHECK_STR_EQ(buf, "");
    CHECK_EQ(snprintf(NULL, 0, "%d", 12345), 5);
    CHECK_EQ(snprintf(buf, sizeof(buf), "%s", "1234567"), 7);
    CHECK_STR_EQ(buf, "1234567");
    CHECK_EQ(sprintf(buf, "%03d-%c", 7, 'z'), 5);
    CHECK_STR_EQ(buf, "007-z");
}

TEST(printf_writes_through_the_console_and_returns_the_count)
{
    reset();
    CHECK_EQ(printf("%d + %d = %s\n", 2, 2, "four"), 13);
    CHECK_STR_EQ(hook_console(), "2 + 2 = four\n");
    CHECK_EQ(printf("%s", ""), 0);
    fflush(stdout);
    CHECK_STR_EQ(hook_console(), "2 + 2 = four\n");
}

TEST(stdout_is_line_buffered)
{
    reset();
    printf("abc");
    CHECK_EQ(hook_console_writes(), 0);
    printf("def\n");
    CHECK_EQ(hook_console_writes(), 1);         /* "abc" and "def\n" in one write */
    CHECK_STR_EQ(hook_console(), "abcdef\n");

    printf("x\ny");                             /* up to the newline now, the rest later */
    CHECK_STR_EQ(hook_console(), "abcdef\nx\n");
    CHECK_EQ(fflush(stdout), 0);
    CHECK_STR_EQ(hook_console(), "abcdef\nx\ny");
    CHECK_EQ(fflush(stdout), 0);                /* nothing left: no empty write */
    CHECK_EQ(hook_console_writes(), 3);
}

TEST(several_lines_in_one_call_go_out_in_one_write)
{
    reset();
    printf("one\ntwo\nthree\n");
    CHECK_EQ(hook_console_writes(), 1);
    CHECK_STR_EQ(hook_console(), "one\ntwo\nthree\n");
}

TEST(stderr_is_unbuffered_and_flushes_stdout_first)
{
    reset();
    printf("out ");
    fprintf(stderr, "err");
    CHECK_STR_EQ(hook_console(), "out err");
    CHECK_EQ(hook_console_writes(), 2);
    fputc('!', stderr);
    CHECK_STR_EQ(hook_console(), "out err!");
    fputs(" more", stderr);
    CHECK_STR_EQ(hook_console(), "out err! more");
    CHECK_EQ(hook_console_writes(), 4);
}

TEST(outputs_longer_than_the_buffers_arrive_whole)
{
    static char big[5001];
    for (int i = 0; i < 5000; i++)
        big[i] = (char)('a' + i % 26);
    big[5000] = '\0';

    reset();
    CHECK_EQ(printf("%s", big), 5000);          /* no newline: full buffers go out */
    CHECK(hook_console_length() >= 4096);
    CHECK(hook_console_length() < 5000);
    fflush(stdout);
    CHECK_EQ(hook_console_length(), 5000);
    CHECK_EQ(host_strcmp(hook_console(), big), 0);

    reset();
    CHECK_EQ(fprintf(stderr, "<%s>\n", big), 5003);
    CHECK_EQ(hook_console_length(), 5003);
    CHECK_EQ(memcmp(hook_console() + 1, big, 5000), 0);
    CHECK_EQ(hook_console()[5001], '>');

    reset();
    char line[3000];
    memset(line, '-', sizeof(line) - 1);
    line[sizeof(line) - 1] = '\0';
    for (int i = 0; i < 4; i++)
        printf("%d%s\n", i, line);
    CHECK_EQ(hook_console_length(), 4 * 3001);
    CHECK_EQ(hook_console()[3000], '\n');
    CHECK_EQ(hook_console()[3001], '1');
}

TEST(puts_putchar_fputs_and_fwrite)
{
    reset();
    CHECK(puts("line") >= 0);
    CHECK_EQ(putchar('x'), 'x');
    CHECK_EQ(putchar(0x1e9), 0xe9);             /* written as unsigned char */
    CHECK(fputs("yz\n", stdout) >= 0);
    CHECK_EQ(fwrite("abcdef", 2, 3, stdout), 3);
    CHECK_EQ(fwrite("ignored", 0, 3, stdout), 0);
    CHECK_EQ(putc('\n', stdout), '\n');
    CHECK_STR_EQ(hook_console(), "line\nx\xe9yz\nabcdef\n");
}

TEST(short_writes_are_completed)
{
    reset();
    hook_console_limit(3, -1);
    printf("hello, world\n");
    fprintf(stderr, "0123456789");
    CHECK_STR_EQ(hook_console(), "hello, world\n0123456789");
    CHECK_EQ(hook_console_writes(), 5 + 4);
    hook_console_limit(0, -1);
}

TEST(a_failed_write_sets_the_error_indicator_and_returns_eof)
{
    reset();
    printf("kept ");
    hook_console_limit(0, 0);                   /* every write fails from now on */
    CHECK(printf("lost\n") < 0);
    CHECK(ferror(stdout));
    CHECK_EQ(puts("lost too"), EOF);
    CHECK_EQ(fputc('c', stderr), EOF);
    CHECK(ferror(stderr));
    hook_console_limit(0, -1);
    clearerr(stdout);
    CHECK(!ferror(stdout));
    CHECK_EQ(printf("back\n"), 5);
    CHECK_STR_EQ(hook_console(), "back\n");     /* failed bytes are dropped, not resent */

    hook_console_limit(0, 0);
    printf("pending");
    CHECK_EQ(fflush(NULL), EOF);
    hook_console_limit(0, -1);
}

static int order[8], order_count;
static void first_handler(void) { order[order_count++] = 1; printf("[first]"); }
static void second_handler(void) { order[order_count++] = 2; printf("[second]"); }

static void exit_7(void *arg)
{
    (void)arg;
    exit(7);
}

TEST(exit_runs_atexit_handlers_in_reverse_then_flushes)
{
    reset();
    order_count = 0;
    CHECK_EQ(atexit(first_handler), 0);
    CHECK_EQ(atexit(second_handler), 0);
    printf("pending ");
    int code = -1;
    CHECK(hook_run_until_exit(exit_7, NULL, &code));
    CHECK_EQ(code, 7);
    CHECK_EQ(order_count, 2);
    CHECK_EQ(order[0], 2);
    CHECK_EQ(order[1], 1);
    CHECK_STR_EQ(hook_console(), "pending [second][first]");
}

static int counted;
static void count_handler(void) { counted++; }

TEST(atexit_takes_32_handlers)
{
    reset();
    counted = 0;
    for (int i = 0; i < 32; i++)
        CHECK_EQ(atexit(count_handler), 0);
    CHECK(atexit(count_handler) != 0);
    int code = -1;
    CHECK(hook_run_until_exit(exit_7, NULL, &code));
    CHECK_EQ(counted, 32);
}

static void call_abort(void *arg)
{
    (void)arg;
    abort();
}

TEST(abort_exits_with_3_and_does_not_flush)
{
    reset();
    printf("unflushed");
    int code = -1;
    CHECK(hook_run_until_exit(call_abort, NULL, &code));
    CHECK_EQ(code, 3);
    CHECK_STR_EQ(hook_console(), "");
    reset();
}
