/*
 * Host tests for userlib/kernel32/console.c and handle.c: the console's standard
 * handles as WriteFile, ReadFile, WriteConsoleA and CloseHandle see them, and the order
 * of their bytes against printf's, through the captured console (userlib/host/hooks.c).
 * The console-write system call is a fake that forwards to that capture, or fails with
 * a status the test chooses.
 */
#include <stdint.h>
#include <string.h>

#include "test.h"

static int host_memcmp(const void *a, const void *b, size_t n)
{
    return memcmp(a, b, n);
}

#include "host/ul_host.h"

#include "userlib/kernel32/console.c"
#include "userlib/kernel32/handle.c"
#include "userlib/kernel32/lasterror.c"

struct _TEB __reservoir_host_teb;

HANDLE WINAPI GetCurrentProcess(void)
{
    return NtCurrentProcess();
}

HANDLE WINAPI GetCurrentThread(void)
{
    return NtCurrentThread();
}

static NTSTATUS fail_with;      /* 0: write through to the capture */
static int syscalls;

NTSTATUS __sys_console_write(const char *buffer, SIZE_T length)
{
    syscalls++;
    if (fail_with)
        return fail_with;
    return __console_write(buffer, length) == (int)length ? 0 : (NTSTATUS)0xC0000001;
}

static void reset(void)
{
    fflush(NULL);
    hook_console_clear();
    fail_with = 0;
    syscalls = 0;
}

TEST(writefile_comes_after_printfs_buffered_text)
{
    reset();
    HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE), err = GetStdHandle(STD_ERROR_HANDLE);
    DWORD written = 0;
    printf("partial ");                         /* no newline: still in stdout's buffer */
    CHECK(WriteFile(out, "line\n", 5, &written, NULL));
    CHECK_EQ(written, 5);
    printf("second ");
    CHECK(WriteConsoleA(err, "to stderr\n", 10, &written, NULL));
    CHECK_EQ(written, 10);
    CHECK_STR_EQ(hook_console(), "partial line\nsecond to stderr\n");
}

TEST(a_refused_buffer_maps_its_status_and_counts_nothing)
{
    reset();
    fail_with = (NTSTATUS)0xC0000005;           /* STATUS_ACCESS_VIOLATION */
    DWORD written = 99;
    SetLastError(0);
    CHECK(!WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), "abc", 3, &written, NULL));
    CHECK_EQ(GetLastError(), ERROR_NOACCESS);
    CHECK_EQ(written, 0);
    CHECK_EQ(syscalls, 1);
}

TEST(zero_bytes_make_no_system_call)
{
    reset();
    DWORD written = 99;
    CHECK(WriteFile(GetStdHandle(STD_ERROR_HANDLE), NULL, 0, &written, NULL));
    CHECK_EQ(written, 0);
    CHECK_EQ(syscalls, 0);
    CHECK(WriteFile(GetStdHandle(STD_ERROR_HANDLE), "x", 1, NULL, NULL));  /* NULL count */
    CHECK_EQ(hook_console_length(), 1);
}

TEST(handles_are_checked_before_anything_is_written)
{
    reset();
    DWORD n = 99;
    SetLastError(0);
    CHECK(!WriteFile(GetStdHandle(STD_INPUT_HANDLE), "x", 1, &n, NULL));
    CHECK_EQ(GetLastError(), ERROR_ACCESS_DENIED);
    SetLastError(0);
    CHECK(!WriteConsoleA(GetStdHandle(STD_INPUT_HANDLE), "x", 1, &n, NULL));
    CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
    SetLastError(0);
    CHECK(!ReadFile(GetStdHandle(STD_OUTPUT_HANDLE), NULL, 0, &n, NULL));
    CHECK_EQ(GetLastError(), ERROR_ACCESS_DENIED);
    CHECK_EQ(n, 0);
    CHECK_EQ(syscalls, 0);
    CHECK(host_memcmp(hook_console(), "", 1) == 0);
}

/* Last, as it closes standard error for good. */
TEST(a_closed_handle_is_invalid_everywhere)
{
    reset();
    HANDLE err = GetStdHandle(STD_ERROR_HANDLE);
    DWORD mode = 0, n = 99;
    CHECK(GetConsoleMode(err, &mode));
    CHECK_EQ(mode, ENABLE_PROCESSED_OUTPUT | ENABLE_WRAP_AT_EOL_OUTPUT);
    CHECK(CloseHandle(err));
    SetLastError(0);
    CHECK(!CloseHandle(err));
    CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
    SetLastError(0);
    CHECK(!WriteFile(err, "x", 1, &n, NULL));
    CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
    SetLastError(0);
    CHECK(!GetConsoleMode(err, &mode));
    CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
    CHECK(GetStdHandle(STD_ERROR_HANDLE) == err);
    CHECK(CloseHandle(GetCurrentProcess()) && CloseHandle(GetCurrentThread()));
    CHECK_EQ(syscalls, 0);
}
