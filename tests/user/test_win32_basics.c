/*
 * The everyday Win32 pieces beyond virtual memory: the helper macros of winnt.h,
 * windef.h and minwinbase.h, the clock and Sleep, the console's standard handles,
 * CloseHandle, the command line, GetModuleHandleA, the debugging calls and the lstr*
 * strings. Runs on Reservoir and, built with mingw-w64, under Wine (tools/check-wine.sh),
 * which is the oracle where Microsoft's documentation is silent.
 *
 * utest-args: alpha "beta gamma"
 *
 * The rules and their sources are in docs/win32-basics.md. Checks that hold only for
 * Reservoir (its own documented choices, or its launcher's exact command line) sit in
 * `#ifndef _WIN32` blocks and say so.
 *
 * Timing: only lower bounds that Sleep promises, and an upper bound of 30 s that only a
 * hang or a broken clock could reach; Windows rounds a sleep to its clock tick (15.625 ms
 * by default), so under Wine/Windows a Sleep(50) may measure one tick short.
 */
#include "utest.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

C_ASSERT(sizeof(WORD) == 2);                /* file scope */

#ifdef _WIN32
#define SLEEP_SLACK_MS 16       /* one Windows clock tick, rounded up */
#else
#define SLEEP_SLACK_MS 0        /* Reservoir never ends a sleep early (sys_time.c) */
#endif

/* ---------------------------------------------------------------------------------- */
/* Macros                                                                             */
/* ---------------------------------------------------------------------------------- */

struct record {
    int before;
    long long field;
    char after[3];
};

static int unused_parameter(int value)
{
    UNREFERENCED_PARAMETER(value);
    return 7;
}

static void test_macros(void)
{
    CHECK_EQ_U64(MAKEWORD(0x12, 0x34), 0x3412, "MAKEWORD(low, high)");
    CHECK_EQ_U64(MAKEWORD(0x1FF, 0x2FE), 0xFEFF, "MAKEWORD keeps one byte of each");
    CHECK_EQ_U64((DWORD)MAKELONG(0x1234, 0x5678), 0x56781234, "MAKELONG(low, high)");
    CHECK_EQ_U64(LOWORD(0x12345678), 0x5678, "LOWORD");
    CHECK_EQ_U64(HIWORD(0x12345678), 0x1234, "HIWORD");
    CHECK_EQ_U64(HIWORD((DWORD_PTR)0xAB12345678ull), 0x1234, "HIWORD takes bits 16-31 only");
    CHECK_EQ_U64(LOBYTE(0x1234), 0x34, "LOBYTE");
    CHECK_EQ_U64(HIBYTE(0x1234), 0x12, "HIBYTE");
    CHECK(sizeof(MAKEWORD(1, 2)) == 2 && sizeof(LOWORD(1)) == 2 && sizeof(LOBYTE(1)) == 1,
          "MAKEWORD/LOWORD are WORDs, LOBYTE a BYTE");
    CHECK(max(3, 9) == 9 && min(3, 9) == 3 && max(-2, -5) == -2 && min(-2, -5) == -5,
          "min and max (windef.h)");

    int array[17];
    char text[] = "hello";
    CHECK_EQ_U64(ARRAYSIZE(array), 17, "ARRAYSIZE of an int[17]");
    CHECK_EQ_U64(RTL_NUMBER_OF(text), 6, "RTL_NUMBER_OF counts the NUL of a char array");
    CHECK_EQ_U64(_countof(array), 17, "_countof (stdlib.h)");

    struct record r;
    CHECK(CONTAINING_RECORD(&r.field, struct record, field) == &r &&
          CONTAINING_RECORD(&r.after[0], struct record, after) == &r,
          "CONTAINING_RECORD finds the structure from a field's address");
    CHECK_EQ_U64(unused_parameter(3), 7, "UNREFERENCED_PARAMETER compiles as a statement");
    C_ASSERT(ARRAYSIZE(array) == 17);       /* block scope */
}

static void test_memory_macros(void)
{
    unsigned char buf[32];
    FillMemory(buf, sizeof(buf), 0xA5);
    int all = 1;
    for (size_t i = 0; i < sizeof(buf); i++)
        all &= buf[i] == 0xA5;
    CHECK(all, "FillMemory(dest, length, fill) fills every byte");

    ZeroMemory(buf + 4, 8);
    CHECK(buf[3] == 0xA5 && buf[4] == 0 && buf[11] == 0 && buf[12] == 0xA5,
          "ZeroMemory zeroes exactly the range");

    unsigned char src[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    CopyMemory(buf, src, sizeof(src));
    CHECK(memcmp(buf, src, sizeof(src)) == 0, "CopyMemory copies");

    MoveMemory(buf + 2, buf, 6);        /* overlapping, forwards */
    static const unsigned char moved[8] = { 1, 2, 1, 2, 3, 4, 5, 6 };
    CHECK(memcmp(buf, moved, sizeof(moved)) == 0, "MoveMemory handles overlap");

    char secret[24] = "correct horse battery";
    PVOID returned = SecureZeroMemory(secret, sizeof(secret));
    int zero = 1;
    for (size_t i = 0; i < sizeof(secret); i++)
        zero &= secret[i] == 0;
    CHECK(zero && returned == secret, "SecureZeroMemory zeroes and returns its pointer");
}

/* ---------------------------------------------------------------------------------- */
/* Time                                                                               */
/* ---------------------------------------------------------------------------------- */

static LONGLONG qpc(void)
{
    LARGE_INTEGER c;
    c.QuadPart = -1;
    QueryPerformanceCounter(&c);
    return c.QuadPart;
}

static void test_time(void)
{
    LARGE_INTEGER f1, f2;
    f1.QuadPart = f2.QuadPart = 0;
    CHECK(QueryPerformanceFrequency(&f1) && QueryPerformanceFrequency(&f2) &&
          f1.QuadPart > 0 && f1.QuadPart == f2.QuadPart,
          "QueryPerformanceFrequency succeeds with a fixed frequency > 0");
    UTEST_NOTE("performance counter frequency %lld Hz", (long long)f1.QuadPart);

    LARGE_INTEGER c;
    c.QuadPart = -1;
    CHECK(QueryPerformanceCounter(&c) && c.QuadPart >= 0,
          "QueryPerformanceCounter succeeds with a non-negative count");
    int monotonic = 1;
    LONGLONG previous = qpc();
    for (int i = 0; i < 1000; i++) {
        LONGLONG now = qpc();
        monotonic &= now >= previous;
        previous = now;
    }
    CHECK(monotonic, "QueryPerformanceCounter never goes backwards (1000 reads)");

    ULONGLONG t64 = GetTickCount64();
    DWORD t32 = GetTickCount();
    CHECK((DWORD)(t32 - (DWORD)t64) < 1000, "GetTickCount is GetTickCount64's low 32 bits");

    /* Sleep(50): at least 50 ms pass, by both clocks (less one clock tick on Windows). */
    ULONGLONG before_ms = GetTickCount64();
    LONGLONG before = qpc();
    Sleep(50);
    LONGLONG after = qpc();
    ULONGLONG after_ms = GetTickCount64();
    LONGLONG min_ticks = f1.QuadPart * (50 - SLEEP_SLACK_MS) / 1000;
    UTEST_NOTE("Sleep(50): %llu ms by GetTickCount64, %lld counter ticks",
               (unsigned long long)(after_ms - before_ms), (long long)(after - before));
    CHECK(after_ms - before_ms >= 50 - SLEEP_SLACK_MS,
          "Sleep(50) advances GetTickCount64 by at least 50 ms");
    CHECK(after - before >= min_ticks,
          "Sleep(50) advances QueryPerformanceCounter by at least 50 ms of ticks");
    CHECK(after_ms - before_ms < 30000, "Sleep(50) returns (well under 30 s)");

    before = qpc();
    Sleep(0);
    CHECK_EQ_U64(SleepEx(0, FALSE), 0, "SleepEx(0, FALSE) returns 0");
    CHECK_EQ_U64(SleepEx(5, TRUE), 0, "SleepEx(5, TRUE) returns 0: no APC was queued");
    after = qpc();
    CHECK(after - before >= f1.QuadPart * (5 - (SLEEP_SLACK_MS ? 5 : 0)) / 1000,
          "SleepEx(5, TRUE) waits (at least 5 ms on Reservoir)");

#ifndef _WIN32
    /* Reservoir's own rule: the kernel writes the counter, so a bad pointer is an error
       (ERROR_NOACCESS), where Windows, which writes it in user mode, faults. */
    SetLastError(0);
    CHECK(!QueryPerformanceCounter(NULL) && GetLastError() == ERROR_NOACCESS,
          "QueryPerformanceCounter(NULL) fails with ERROR_NOACCESS (Reservoir)");
    SetLastError(0);
    CHECK(!QueryPerformanceFrequency((LARGE_INTEGER *)8) && GetLastError() == ERROR_NOACCESS,
          "QueryPerformanceFrequency(bad pointer) fails with ERROR_NOACCESS (Reservoir)");
#endif
}

/* ---------------------------------------------------------------------------------- */
/* Console handles                                                                    */
/* ---------------------------------------------------------------------------------- */

/* Writes a TAP line "ok N - name" through the handle with `write`: if the bytes did not
   arrive, or arrived out of order with printf's, the runner sees a test missing. */
static void tap_line_through(HANDLE h, int use_console, const char *name)
{
    char line[160];
    utest_count++;
    int n = snprintf(line, sizeof(line), "ok %u - %s\n", utest_count, name);
    DWORD written = 12345;
    fflush(stdout);
    BOOL ok = use_console ? WriteConsoleA(h, line, (DWORD)n, &written, NULL)
                          : WriteFile(h, line, (DWORD)n, &written, NULL);
    if (!ok || written != (DWORD)n) {
        utest_count--;
        CHECK(0, "%s (returned %d, wrote %lu of %d, error %lu)", name, (int)ok,
              (unsigned long)written, n, (unsigned long)GetLastError());
    }
}

static void test_console(void)
{
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
    HANDLE err = GetStdHandle(STD_ERROR_HANDLE);
    CHECK(in && out && err && in != INVALID_HANDLE_VALUE && out != INVALID_HANDLE_VALUE &&
          err != INVALID_HANDLE_VALUE && in != out && out != err && in != err,
          "GetStdHandle gives three distinct handles");
    CHECK(GetStdHandle(STD_OUTPUT_HANDLE) == out, "GetStdHandle gives the same handle again");

    DWORD bad[] = { 0, (DWORD)-9, (DWORD)-13, 1 };
    for (size_t i = 0; i < ARRAYSIZE(bad); i++) {
        SetLastError(0);
        HANDLE h = GetStdHandle(bad[i]);
        CHECK(h == INVALID_HANDLE_VALUE && GetLastError() == ERROR_INVALID_HANDLE,
              "GetStdHandle(%ld) is INVALID_HANDLE_VALUE, ERROR_INVALID_HANDLE", (long)(LONG)bad[i]);
    }

    tap_line_through(out, 0, "WriteFile on STD_OUTPUT_HANDLE writes every byte");

#ifndef _WIN32
    /* Reservoir's stdout is the console, a character device: WriteFile writes stdout's
       buffer out first (no fflush here), as the Microsoft C runtime's per-call flush on
       a console would have. Under Wine stdout is a file, fully buffered. */
    utest_count++;
    printf("ok %u - ", utest_count);
    static const char rest[] = "printf's partial line comes out before WriteFile's bytes\n";
    DWORD w = 0;
    if (!WriteFile(out, rest, sizeof(rest) - 1, &w, NULL)) {
        utest_count--;
        CHECK(0, "WriteFile after a partial printf");
    }
#endif

    DWORD written = 77;
    CHECK(WriteFile(out, "", 0, &written, NULL) && written == 0,
          "WriteFile of 0 bytes succeeds and reports 0");

    HANDLE invalid[] = { NULL, (HANDLE)(ULONG_PTR)0x1234, INVALID_HANDLE_VALUE };
    for (size_t i = 0; i < ARRAYSIZE(invalid); i++) {
        written = 77;
        SetLastError(0);
        BOOL ok = WriteFile(invalid[i], "x", 1, &written, NULL);
        CHECK(!ok && GetLastError() == ERROR_INVALID_HANDLE && written == 0,
              "WriteFile(%p) fails with ERROR_INVALID_HANDLE and 0 written", invalid[i]);
        DWORD read = 77;
        char c;
        SetLastError(0);
        ok = ReadFile(invalid[i], &c, 1, &read, NULL);
        CHECK(!ok && GetLastError() == ERROR_INVALID_HANDLE && read == 0,
              "ReadFile(%p) fails with ERROR_INVALID_HANDLE and 0 read", invalid[i]);
    }

    written = 77;
    SetLastError(0);
    BOOL ok = WriteFile(out, NULL, 5, &written, NULL);
    DWORD error = GetLastError();
    /* NT probes the buffer: an access violation, ERROR_NOACCESS. Wine 8 answers
       ERROR_INVALID_USER_BUFFER for its files. */
    CHECK(!ok && written == 0 && (error == ERROR_NOACCESS || error == ERROR_INVALID_USER_BUFFER),
          "WriteFile from a NULL buffer fails (error %lu)", (unsigned long)error);

    written = 77;
    SetLastError(0);
    CHECK(!WriteFile(in, "x", 1, &written, NULL) && GetLastError() == ERROR_ACCESS_DENIED &&
          written == 0, "WriteFile on standard input fails with ERROR_ACCESS_DENIED");

    char buf[16];
    DWORD read = 77;
    CHECK(ReadFile(in, buf, sizeof(buf), &read, NULL) && read == 0,
          "ReadFile on standard input is at end of file: TRUE and 0 bytes");
    read = 77;
    SetLastError(0);
    CHECK(!ReadFile(out, buf, sizeof(buf), &read, NULL) && GetLastError() == ERROR_ACCESS_DENIED &&
          read == 0, "ReadFile on standard output fails with ERROR_ACCESS_DENIED");

    DWORD mode = 0;
    BOOL is_console = GetConsoleMode(out, &mode);
#ifndef _WIN32
    CHECK(is_console && (mode & ENABLE_PROCESSED_OUTPUT) && (mode & ENABLE_WRAP_AT_EOL_OUTPUT),
          "standard output is a console with processed, wrapping output (Reservoir)");
    CHECK(GetConsoleMode(in, &mode) && (mode & ENABLE_LINE_INPUT),
          "standard input is a console in line mode (Reservoir)");
#endif
    if (is_console) {
        tap_line_through(out, 1, "WriteConsoleA on a console handle writes every character");
        written = 77;
        SetLastError(0);
        CHECK(!WriteConsoleA(in, "x", 1, &written, NULL) &&
              GetLastError() == ERROR_INVALID_HANDLE,
              "WriteConsoleA on the input handle fails with ERROR_INVALID_HANDLE");
    } else {
        written = 77;
        SetLastError(0);
        CHECK(!WriteConsoleA(out, "x", 1, &written, NULL) &&
              GetLastError() == ERROR_INVALID_HANDLE,
              "WriteConsoleA on a redirected handle fails with ERROR_INVALID_HANDLE");
    }
    SetLastError(0);
    CHECK(!GetConsoleMode((HANDLE)(ULONG_PTR)0x1234, &mode) &&
          GetLastError() == ERROR_INVALID_HANDLE,
          "GetConsoleMode of a non-handle fails with ERROR_INVALID_HANDLE");
}

static void test_close_handle(void)
{
    CHECK(CloseHandle(GetCurrentProcess()), "CloseHandle(GetCurrentProcess()) succeeds");
    CHECK(CloseHandle(GetCurrentThread()), "CloseHandle(GetCurrentThread()) succeeds");
    CHECK(GetCurrentThread() == (HANDLE)(LONG_PTR)-2, "GetCurrentThread is (HANDLE)-2");
    SetLastError(0);
    CHECK(!CloseHandle(NULL) && GetLastError() == ERROR_INVALID_HANDLE,
          "CloseHandle(NULL) fails with ERROR_INVALID_HANDLE");
    SetLastError(0);
    CHECK(!CloseHandle((HANDLE)(ULONG_PTR)0x1234) && GetLastError() == ERROR_INVALID_HANDLE,
          "CloseHandle of a value never handed out fails with ERROR_INVALID_HANDLE");

    /* Standard input (nothing else here reads it): closes once, then is invalid. */
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    CHECK(CloseHandle(in), "CloseHandle(standard input) succeeds");
    SetLastError(0);
    CHECK(!CloseHandle(in) && GetLastError() == ERROR_INVALID_HANDLE,
          "closing it again fails with ERROR_INVALID_HANDLE");
    char c;
    DWORD read = 77;
    SetLastError(0);
    CHECK(!ReadFile(in, &c, 1, &read, NULL) && GetLastError() == ERROR_INVALID_HANDLE,
          "ReadFile on the closed handle fails with ERROR_INVALID_HANDLE");
    CHECK(GetStdHandle(STD_INPUT_HANDLE) == in,
          "GetStdHandle still returns the closed handle's value (no SetStdHandle)");
}

/* ---------------------------------------------------------------------------------- */
/* The process and its image                                                          */
/* ---------------------------------------------------------------------------------- */

/* One argument of a command line by Microsoft's rules ("Parsing C++ command-line
   arguments"); returns the position after it, or NULL at the end. */
static const char *next_argument(const char *p, char *out, size_t size, int program_name)
{
    size_t n = 0;
    while (*p == ' ' || *p == '\t')
        p++;
    if (!*p)
        return NULL;
    if (program_name) {         /* the program name: quotes, no escapes */
        char end = *p == '"' ? '"' : 0;
        if (end)
            p++;
        while (*p && (end ? *p != end : (*p != ' ' && *p != '\t')))
            if (n + 1 < size)
                out[n++] = *p++;
            else
                p++;
        if (end && *p)
            p++;
        out[n] = '\0';
        return p;
    }
    int quoted = 0;
    while (*p && (quoted || (*p != ' ' && *p != '\t'))) {
        size_t slashes = 0;
        while (*p == '\\') {
            slashes++;
            p++;
        }
        if (*p == '"') {
            for (size_t i = 0; i < slashes / 2 && n + 1 < size; i++)
                out[n++] = '\\';
            if (slashes % 2) {
                if (n + 1 < size)
                    out[n++] = '"';
            } else if (quoted && p[1] == '"') {
                if (n + 1 < size)
                    out[n++] = '"';
                p++;
            } else {
                quoted = !quoted;
            }
            p++;
        } else {
            for (size_t i = 0; i < slashes && n + 1 < size; i++)
                out[n++] = '\\';
            if (*p && n + 1 < size)
                out[n++] = *p;
            if (*p)
                p++;
        }
    }
    out[n] = '\0';
    return p;
}

static const char *base_name(const char *path)
{
    const char *base = path;
    for (const char *p = path; *p; p++)
        if (*p == '\\' || *p == '/' || *p == ':')
            base = p + 1;
    return base;
}

static void test_command_line(int argc, char **argv)
{
    const char *line = GetCommandLineA();
    UTEST_NOTE("GetCommandLineA: [%s]", line);
    CHECK(line != NULL && GetCommandLineA() == line,
          "GetCommandLineA returns the same string each time");

    /* Split by the documented rules, it gives main's argv. */
    char word[256];
    const char *p = line;
    int count = 0, same = 1;
    while ((p = next_argument(p, word, sizeof(word), count == 0)) != NULL) {
        if (count < argc)
            same &= strcmp(word, argv[count]) == 0;
        count++;
    }
    CHECK(count == argc && same, "GetCommandLineA splits into main's %d arguments", argc);
    CHECK(argc == 3 && strcmp(argv[1], "alpha") == 0 && strcmp(argv[2], "beta gamma") == 0,
          "the arguments are those the runner passed");
#ifndef _WIN32
    CHECK(strcmp(line, "test_win32_basics.exe alpha \"beta gamma\"") == 0,
          "GetCommandLineA is the text after `--`, quotes kept (Reservoir)");
#endif
}

static void test_modules(char **argv)
{
    HMODULE self = GetModuleHandleA(NULL);
    MEMORY_BASIC_INFORMATION mbi;
    memset(&mbi, 0, sizeof(mbi));
    VirtualQuery((LPCVOID)(ULONG_PTR)&test_modules, &mbi, sizeof(mbi));
    CHECK(self != NULL && (PVOID)self == mbi.AllocationBase,
          "GetModuleHandleA(NULL) is the allocation base of the program's code");

    const char *name = base_name(argv[0]);
    char upper[MAX_PATH];
    lstrcpynA(upper, name, sizeof(upper));
    for (char *c = upper; *c; c++)
        if (*c >= 'a' && *c <= 'z')
            *c = (char)(*c - 'a' + 'A');
    CHECK(GetModuleHandleA(name) == self && GetModuleHandleA(upper) == self,
          "GetModuleHandleA(\"%s\") finds the program, in any case", name);

    char stem[MAX_PATH];
    lstrcpynA(stem, name, sizeof(stem));
    char *dot = strrchr(stem, '.');
    if (dot)
        *dot = '\0';
    SetLastError(0);
    CHECK(GetModuleHandleA(stem) == NULL && GetLastError() == ERROR_MOD_NOT_FOUND,
          "GetModuleHandleA(\"%s\") looks for %s.dll: ERROR_MOD_NOT_FOUND", stem, stem);
    SetLastError(0);
    CHECK(GetModuleHandleA("no_such_module_here.dll") == NULL &&
          GetLastError() == ERROR_MOD_NOT_FOUND,
          "GetModuleHandleA of an unloaded module is NULL, ERROR_MOD_NOT_FOUND");

    CHECK(!IsDebuggerPresent(), "IsDebuggerPresent is FALSE");
    CHECK(FlushInstructionCache(GetCurrentProcess(), (LPCVOID)(ULONG_PTR)&test_modules, 64),
          "FlushInstructionCache on the current process succeeds");
#ifndef _WIN32
    SetLastError(0);
    CHECK(!FlushInstructionCache((HANDLE)(ULONG_PTR)0x1234, NULL, 0) &&
          GetLastError() == ERROR_INVALID_HANDLE,
          "FlushInstructionCache on a non-handle fails (Reservoir; Wine accepts any)");
#endif
}

static volatile LONG breakpoints;
static volatile int breakpoint_byte_ok;

static LONG WINAPI on_breakpoint(EXCEPTION_POINTERS *info)
{
    if (info->ExceptionRecord->ExceptionCode != EXCEPTION_BREAKPOINT)
        return EXCEPTION_CONTINUE_SEARCH;
    const unsigned char *at = (const unsigned char *)info->ExceptionRecord->ExceptionAddress;
    breakpoint_byte_ok = *at == 0xCC && info->ContextRecord->Rip == (DWORD64)(ULONG_PTR)at;
    info->ContextRecord->Rip = (DWORD64)(ULONG_PTR)(at + 1);     /* past the int3 */
    breakpoints++;
    return EXCEPTION_CONTINUE_EXECUTION;
}

static void test_debugging(void)
{
    PVOID handler = AddVectoredExceptionHandler(1, on_breakpoint);
    DebugBreak();
    RemoveVectoredExceptionHandler(handler);
    CHECK(breakpoints == 1 && breakpoint_byte_ok,
          "DebugBreak raises EXCEPTION_BREAKPOINT at an int3, and continuing past it works");

    /* The text goes to the debugger (here: the kernel's serial log), not to stdout. */
    char long_text[1500];
    memset(long_text, 'x', sizeof(long_text) - 1);
    long_text[sizeof(long_text) - 1] = '\0';
    OutputDebugStringA("test_win32_basics: OutputDebugStringA reaches the debug log\n");
    OutputDebugStringA(long_text);
    OutputDebugStringA("");
    CHECK(breakpoints == 1, "OutputDebugStringA returns (and raises no breakpoint)");
}

/* ---------------------------------------------------------------------------------- */
/* lstr*                                                                              */
/* ---------------------------------------------------------------------------------- */

static int sign_of(int v)
{
    return (v > 0) - (v < 0);
}

static void test_lstr(void)
{
    char buf[16];
    CHECK_EQ_U64(lstrlenA("abc"), 3, "lstrlenA(\"abc\")");
    CHECK_EQ_U64(lstrlenA(""), 0, "lstrlenA(\"\")");
    CHECK_EQ_U64(lstrlenA(NULL), 0, "lstrlenA(NULL) is 0");

    CHECK(lstrcpyA(buf, "hello") == buf && strcmp(buf, "hello") == 0, "lstrcpyA copies");
    CHECK(lstrcatA(buf, ", you") == buf && strcmp(buf, "hello, you") == 0, "lstrcatA appends");
    SetLastError(0);
    CHECK(lstrcpyA(NULL, "x") == NULL && GetLastError() == ERROR_INVALID_PARAMETER,
          "lstrcpyA(NULL, ...) is NULL, ERROR_INVALID_PARAMETER");
    SetLastError(0);
    CHECK(lstrcatA(buf, NULL) == NULL && GetLastError() == ERROR_INVALID_PARAMETER,
          "lstrcatA(..., NULL) is NULL, ERROR_INVALID_PARAMETER");

    memcpy(buf, "zzzzzzzz", 9);
    CHECK(lstrcpynA(buf, "abcdef", 3) == buf && memcmp(buf, "ab\0zz", 5) == 0,
          "lstrcpynA copies iMaxLength - 1 characters and a NUL");
    memcpy(buf, "zzzzzzzz", 9);
    CHECK(lstrcpynA(buf, "abcdef", 0) == buf && buf[0] == 'z',
          "lstrcpynA with iMaxLength 0 writes nothing");
    CHECK(lstrcpynA(buf, "abcdef", 1) == buf && buf[0] == '\0' && buf[1] == 'z',
          "lstrcpynA with iMaxLength 1 writes only the NUL");
    CHECK(lstrcpynA(buf, "ab", 10) == buf && strcmp(buf, "ab") == 0,
          "lstrcpynA stops at the source's end");
    CHECK(lstrcpynA(buf, "abc", -1) == buf && strcmp(buf, "abc") == 0,
          "lstrcpynA with a negative count copies the whole string");
    SetLastError(0);
    CHECK(lstrcpynA(NULL, "ab", 3) == NULL && GetLastError() == ERROR_INVALID_PARAMETER,
          "lstrcpynA(NULL, ...) is NULL, ERROR_INVALID_PARAMETER");

    /* Word sort: each string sorts strictly before the next (docs/win32-basics.md). */
    static const char *const sorted[] = {
        "", "-", " ", "_", "~", "+", "0", "1", "10", "9", "a", "A", "ab", "ab-", "a-b",
        "-ab", "aB", "Ab", "AB", "b", "B", "coop", "co'op", "co-op", "Co-op", "cop", "z",
        "Z",
    };
    int ordered = 1;
    for (size_t i = 0; i < ARRAYSIZE(sorted); i++) {
        for (size_t j = 0; j < ARRAYSIZE(sorted); j++) {
            int want = i < j ? -1 : i > j ? 1 : 0;
            int got = sign_of(lstrcmpA(sorted[i], sorted[j]));
            if (got != want) {
                if (ordered)
                    UTEST_NOTE("lstrcmpA(\"%s\", \"%s\") has sign %d, want %d", sorted[i],
                               sorted[j], got, want);
                ordered = 0;
            }
        }
    }
    CHECK(ordered, "lstrcmpA orders %u strings as CompareString's word sort does",
          (unsigned)ARRAYSIZE(sorted));
    CHECK(lstrcmpA("a", "B") < 0 && strcmp("a", "B") > 0,
          "lstrcmpA(\"a\", \"B\") < 0, unlike strcmp");
    CHECK(lstrcmpA("_", "A") < 0 && strcmp("_", "A") > 0,
          "lstrcmpA: punctuation before letters, unlike strcmp");

    CHECK(lstrcmpiA("Hello", "hELLO") == 0, "lstrcmpiA ignores case");
    CHECK(lstrcmpiA("apple", "Banana") < 0 && lstrcmpiA("Banana", "apple") > 0,
          "lstrcmpiA orders letters without case");
    CHECK(lstrcmpiA("co-op", "CO-OP") == 0 && lstrcmpiA("coop", "co-op") < 0,
          "lstrcmpiA keeps the word sort's hyphen rule");
    CHECK(lstrcmpA(NULL, NULL) == 0 && lstrcmpA(NULL, "") < 0 && lstrcmpA("", NULL) > 0 &&
          lstrcmpiA(NULL, "a") < 0, "lstrcmp orders NULL before every string");
}

int main(int argc, char **argv)
{
    UTEST_NOTE("Win32 basics on %s", utest_platform());
    test_macros();
    test_memory_macros();
    test_time();
    test_console();
    test_close_handle();
    test_command_line(argc, argv);
    test_modules(argv);
    test_debugging();
    test_lstr();
    return utest_done();
}
