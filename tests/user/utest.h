/*
 * utest.h: a header-only TAP helper for user-program tests (tests/user/test_*.c).
 *
 * The same source builds for Reservoir (gcc + userlib, tools/run-user-tests.sh) and for
 * Windows/Wine (x86_64-w64-mingw32-gcc, tools/check-wine.sh): only standard C and
 * <windows.h>. Include it first (it sets __USE_MINGW_ANSI_STDIO, which must come before
 * any system header, so that mingw's printf family is C99's).
 *
 * Output, TAP 13 with the plan at the end (tools/run-tests.sh reads the plan from any
 * line "1..N", first or last):
 *
 *     # FAIL name (file.c:123)        diagnostics come BEFORE the failing line, so the
 *     #   got:  0x1 (1)               runners can show them with it
 *     #   want: 0x2 (2)
 *     not ok 7 - name
 *     ok 8 - other name
 *     1..8
 *
 *   CHECK(cond, name)            passes when cond is true
 *   CHECK_EQ_U64(a, b, name)     passes when (uint64_t)a == (uint64_t)b; a is what the
 *                                code under test gave, b what the documentation says
 *   UTEST_NOTE(fmt, ...)         a "# " comment line
 *   UTEST_SKIP(why, name, ...)   reports the check as "ok K - name # SKIP why": only for a
 *                                documented Windows rule that Wine does not follow (the
 *                                test names the Microsoft source); never on Reservoir
 *   utest_on_wine()              1 when running under Wine (mingw builds only)
 *   utest_done()                 prints the plan; returns 0 if every check passed, else
 *                                1: end main with `return utest_done();`
 *
 * Names are printf formats too: CHECK(x, "page %d", i).
 */
#ifndef RESERVOIR_TESTS_UTEST_H
#define RESERVOIR_TESTS_UTEST_H

#ifndef __USE_MINGW_ANSI_STDIO
#define __USE_MINGW_ANSI_STDIO 1
#endif

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <windows.h>

#define UTEST_PRINTF(f, a) __attribute__((format(printf, f, a)))
/* Every function is static, and a test need not use them all. */
#define UTEST_FN static __attribute__((unused))

static unsigned utest_count, utest_failures;

UTEST_FN void utest_vline(const char *prefix, const char *fmt, va_list ap)
{
    char text[512];
    vsnprintf(text, sizeof(text), fmt, ap);
    printf("%s%s\n", prefix, text);
    fflush(stdout);
}

UTEST_FN void UTEST_PRINTF(1, 2) UTEST_NOTE(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    utest_vline("# ", fmt, ap);
    va_end(ap);
}

/* Reports one check; the diagnostics (got/want) were printed by the caller when failing. */
UTEST_FN int utest_report(int pass, const char *fmt, va_list ap)
{
    char name[256];
    vsnprintf(name, sizeof(name), fmt, ap);
    utest_count++;
    if (!pass)
        utest_failures++;
    printf("%sok %u - %s\n", pass ? "" : "not ", utest_count, name);
    fflush(stdout);
    return pass;
}

UTEST_FN int UTEST_PRINTF(4, 5) utest_check(int pass, const char *file, int line,
                                          const char *fmt, ...)
{
    va_list ap;
    if (!pass) {
        char name[256];
        va_start(ap, fmt);
        vsnprintf(name, sizeof(name), fmt, ap);
        va_end(ap);
        printf("# FAIL %s (%s:%d)\n", name, file, line);
    }
    va_start(ap, fmt);
    int r = utest_report(pass, fmt, ap);
    va_end(ap);
    return r;
}

UTEST_FN int UTEST_PRINTF(7, 8) utest_check_eq_u64(uint64_t got, uint64_t want,
                                                 const char *got_text, const char *want_text,
                                                 const char *file, int line,
                                                 const char *fmt, ...)
{
    va_list ap;
    int pass = got == want;
    if (!pass) {
        char name[256];
        va_start(ap, fmt);
        vsnprintf(name, sizeof(name), fmt, ap);
        va_end(ap);
        printf("# FAIL %s (%s:%d)\n", name, file, line);
        printf("#   got:  0x%llx (%llu) from %s\n", (unsigned long long)got,
               (unsigned long long)got, got_text);
        printf("#   want: 0x%llx (%llu) from %s\n", (unsigned long long)want,
               (unsigned long long)want, want_text);
    }
    va_start(ap, fmt);
    int r = utest_report(pass, fmt, ap);
    va_end(ap);
    return r;
}

UTEST_FN void UTEST_PRINTF(2, 3) UTEST_SKIP(const char *why, const char *fmt, ...)
{
    char name[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof(name), fmt, ap);
    va_end(ap);
    utest_count++;
    printf("ok %u - %s # SKIP %s\n", utest_count, name, why);
    fflush(stdout);
}

#define CHECK(cond, ...) utest_check((cond) ? 1 : 0, __FILE__, __LINE__, __VA_ARGS__)
#define CHECK_EQ_U64(a, b, ...)                                                          \
    utest_check_eq_u64((uint64_t)(a), (uint64_t)(b), #a, #b, __FILE__, __LINE__,         \
                       __VA_ARGS__)

/* 1 under Wine: its ntdll exports wine_get_version (Wine's own documented test for it). */
UTEST_FN int utest_on_wine(void)
{
#if defined(_WIN32)
    HMODULE ntdll = GetModuleHandleA("ntdll.dll");
    return ntdll && GetProcAddress(ntdll, "wine_get_version") != NULL;
#else
    return 0;       /* Reservoir: userlib has no loader, and no Wine */
#endif
}

/* "Reservoir", "Wine" or "Windows", for the header comment of each run. */
UTEST_FN const char *utest_platform(void)
{
#if defined(_WIN32)
    return utest_on_wine() ? "Wine" : "Windows";
#else
    return "Reservoir";
#endif
}

UTEST_FN int utest_done(void)
{
    printf("1..%u\n", utest_count);
    if (utest_failures)
        printf("# %u of %u checks failed\n", utest_failures, utest_count);
    fflush(stdout);
    return utest_failures ? 1 : 0;
}


#endif
