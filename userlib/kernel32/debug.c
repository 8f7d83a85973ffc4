/*
 * kernel32's debugging calls: IsDebuggerPresent, DebugBreak, OutputDebugStringA.
 *
 *   - IsDebuggerPresent reads the PEB's BeingDebugged, as Windows' does; Reservoir has
 *     no user-mode debugger, so it is always FALSE.
 *   - DebugBreak executes int3: EXCEPTION_BREAKPOINT goes through the normal exception
 *     path (vectored handlers, then the unhandled filter), with ExceptionAddress and the
 *     context's Rip at the int3 itself, as on Windows; a handler that continues must
 *     step past the one-byte instruction. Unhandled, it ends the process with
 *     0x80000003.
 *   - OutputDebugStringA: on Windows it raises DBG_PRINTEXCEPTION_C for a debugger and,
 *     with none attached, the text goes to whoever listens (DBWIN) or nowhere. Here it
 *     goes to the kernel's log, the serial console that `make run` writes to its log
 *     file, one line per call starting "debug: "; never to the program's stdout. No
 *     exception is raised: without __try there is no way to catch it inside kernel32,
 *     so a vectored handler does not see DBG_PRINTEXCEPTION_C as it would on Windows.
 *
 * Sources: Microsoft Learn, "IsDebuggerPresent function", "DebugBreak function",
 * "OutputDebugStringA function (debugapi.h)".
 */
#include <string.h>

#include "../crt/peb.h"
#include "../ntdll/ntdll.h"
#include "kernel32.h"

BOOL WINAPI IsDebuggerPresent(void)
{
    struct _PEB *peb = __current_peb();
    return peb && peb->BeingDebugged;
}

void WINAPI DebugBreak(void)
{
    __asm__ volatile("int3");
}

/* Pieces of at most DEBUG_PRINT_MAX bytes, one system call each; NULL and "" print
   nothing. OutputDebugString has no failure to report, so statuses are not kept. */
void WINAPI OutputDebugStringA(LPCSTR lpOutputString)
{
    if (!lpOutputString)
        return;
    SIZE_T length = strlen(lpOutputString);
    for (SIZE_T done = 0, n; done < length; done += n) {
        n = length - done < DEBUG_PRINT_MAX ? length - done : DEBUG_PRINT_MAX;
        __sys_debug_print(lpOutputString + done, n);
    }
}
