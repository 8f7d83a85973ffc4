/*
 * kernel32's standard handles on Reservoir's one console: GetStdHandle, WriteFile,
 * ReadFile, WriteConsoleA, GetConsoleMode, and the closing CloseHandle does for them.
 *
 * The process starts with a console, as a Windows console program does: standard
 * output and standard error are its screen buffer (the console-write system call, the
 * same path as printf), standard input is its input buffer, which never has anything:
 * the machine has no keyboard for programs, so a read is at end of file at once.
 *
 * The three handles are the values Windows 7 gave console handles, 3, 7 and 11 (the low
 * two bits set marked a console handle then; today's Windows returns kernel handles,
 * multiples of 4, and programs must not rely on either).
 *
 * Order with printf: stdout's buffer is written out before any console write here. The
 * Microsoft C runtime flushes stdout after every call when it is a character device
 * (Microsoft Learn, "setvbuf" / "Stream I/O": stdout and stderr to a console), so on a
 * Windows console printf("a"); WriteFile(out, "b") shows "ab"; flushing first keeps
 * that order although Reservoir's stdout is line buffered.
 *
 * Rules and sources: docs/win32-basics.md ("Console handles").
 */
#include <stdio.h>

#include "../ntdll/ntdll.h"
#include "kernel32.h"

#define CONSOLE_INPUT   ((HANDLE)(ULONG_PTR)3)
#define CONSOLE_OUTPUT  ((HANDLE)(ULONG_PTR)7)
#define CONSOLE_ERROR   ((HANDLE)(ULONG_PTR)11)

/* Modes a console starts with (Microsoft Learn, "GetConsoleMode"): both output modes;
   for input the three that describe how a read would treat keys. */
#define INPUT_MODE  (ENABLE_PROCESSED_INPUT | ENABLE_LINE_INPUT | ENABLE_ECHO_INPUT)
#define OUTPUT_MODE (ENABLE_PROCESSED_OUTPUT | ENABLE_WRAP_AT_EOL_OUTPUT)

enum console_kind { NOT_CONSOLE, INPUT, OUTPUT };

static struct {
    HANDLE handle;
    enum console_kind kind;
    int closed;
} handles[] = {
    { CONSOLE_INPUT, INPUT, 0 },
    { CONSOLE_OUTPUT, OUTPUT, 0 },
    { CONSOLE_ERROR, OUTPUT, 0 },
};

/* What an open handle is; NOT_CONSOLE for anything else, closed ones included. */
static enum console_kind kind_of(HANDLE h)
{
    for (size_t i = 0; i < ARRAYSIZE(handles); i++)
        if (handles[i].handle == h && !handles[i].closed)
            return handles[i].kind;
    return NOT_CONSOLE;
}

int __console_handle_close(HANDLE h)
{
    for (size_t i = 0; i < ARRAYSIZE(handles); i++) {
        if (handles[i].handle == h && !handles[i].closed) {
            handles[i].closed = 1;
            return 1;
        }
    }
    return 0;
}

HANDLE WINAPI GetStdHandle(DWORD nStdHandle)
{
    switch (nStdHandle) {
    case STD_INPUT_HANDLE: return CONSOLE_INPUT;
    case STD_OUTPUT_HANDLE: return CONSOLE_OUTPUT;
    case STD_ERROR_HANDLE: return CONSOLE_ERROR;
    default:
        SetLastError(ERROR_INVALID_HANDLE);
        return INVALID_HANDLE_VALUE;
    }
}

/* Writes all n bytes to the console, after stdout's buffer; FALSE with the last error
   from the system call's status when the kernel refuses (a bad buffer). */
static BOOL console_write(const char *buffer, DWORD n, LPDWORD written)
{
    fflush(stdout);
    DWORD done = 0;
    while (done < n) {
        SIZE_T chunk = n - done < CONSOLE_WRITE_MAX ? n - done : CONSOLE_WRITE_MAX;
        NTSTATUS status = __sys_console_write(buffer + done, chunk);
        if (!NT_SUCCESS(status)) {
            __base_set_last_nt_error(status);
            return FALSE;
        }
        done += (DWORD)chunk;
        if (written)
            *written = done;
    }
    return TRUE;
}

/*
 * WriteFile on a console output handle. *lpNumberOfBytesWritten is set to 0 before
 * anything else, as Microsoft Learn says; NULL is accepted for it (the documentation
 * requires it unless lpOverlapped is given; Windows 8 and later and Wine accept NULL).
 * lpOverlapped: a console is not a seekable file, so the offsets in it are ignored,
 * as Windows ignores them "for a hFile that does not support byte offsets".
 * Errors: ERROR_INVALID_HANDLE for a handle that is not an open console handle,
 * ERROR_ACCESS_DENIED for standard input (a read-only handle), ERROR_NOACCESS for a
 * buffer the kernel cannot read.
 */
BOOL WINAPI WriteFile(HANDLE hFile, LPCVOID lpBuffer, DWORD nNumberOfBytesToWrite,
                      LPDWORD lpNumberOfBytesWritten, LPOVERLAPPED lpOverlapped)
{
    (void)lpOverlapped;
    if (lpNumberOfBytesWritten)
        *lpNumberOfBytesWritten = 0;
    switch (kind_of(hFile)) {
    case OUTPUT:
        return console_write(lpBuffer, nNumberOfBytesToWrite, lpNumberOfBytesWritten);
    case INPUT:
        SetLastError(ERROR_ACCESS_DENIED);
        return FALSE;
    default:
        SetLastError(ERROR_INVALID_HANDLE);
        return FALSE;
    }
}

/*
 * ReadFile on standard input: always at end of file, which a synchronous read reports
 * as success with *lpNumberOfBytesRead = 0 (Microsoft Learn, "Testing for the End of a
 * File"). ERROR_ACCESS_DENIED on the output handles (write-only), ERROR_INVALID_HANDLE
 * on anything else.
 */
BOOL WINAPI ReadFile(HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead,
                     LPDWORD lpNumberOfBytesRead, LPOVERLAPPED lpOverlapped)
{
    (void)lpBuffer;
    (void)nNumberOfBytesToRead;
    (void)lpOverlapped;
    if (lpNumberOfBytesRead)
        *lpNumberOfBytesRead = 0;
    switch (kind_of(hFile)) {
    case INPUT:
        return TRUE;
    case OUTPUT:
        SetLastError(ERROR_ACCESS_DENIED);
        return FALSE;
    default:
        SetLastError(ERROR_INVALID_HANDLE);
        return FALSE;
    }
}

/* WriteConsoleA: bytes are characters. Only a screen buffer takes it: anything else,
   standard input included, is ERROR_INVALID_HANDLE (Microsoft Learn, "WriteConsole":
   it fails on a handle that is not a console screen buffer). */
BOOL WINAPI WriteConsoleA(HANDLE hConsoleOutput, const VOID *lpBuffer,
                          DWORD nNumberOfCharsToWrite, LPDWORD lpNumberOfCharsWritten,
                          LPVOID lpReserved)
{
    (void)lpReserved;
    if (lpNumberOfCharsWritten)
        *lpNumberOfCharsWritten = 0;
    if (kind_of(hConsoleOutput) != OUTPUT) {
        SetLastError(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    return console_write(lpBuffer, nNumberOfCharsToWrite, lpNumberOfCharsWritten);
}

/* ERROR_INVALID_HANDLE for anything but an open console handle (a redirected standard
   handle on Windows fails the same way: that is how programs tell a console apart). */
BOOL WINAPI GetConsoleMode(HANDLE hConsoleHandle, LPDWORD lpMode)
{
    enum console_kind kind = kind_of(hConsoleHandle);
    if (kind == NOT_CONSOLE) {
        SetLastError(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    if (!lpMode) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    *lpMode = kind == INPUT ? INPUT_MODE : OUTPUT_MODE;
    return TRUE;
}
