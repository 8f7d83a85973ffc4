/*
 * kernel32's clock and sleeping: GetTickCount[64], QueryPerformanceCounter/Frequency,
 * Sleep and SleepEx, on NtQueryPerformanceCounter and NtDelayExecution.
 *
 * Windows reads the tick count from a page the kernel shares with every process; there
 * is no such page here, so GetTickCount64 asks the kernel for the performance counter
 * and converts: one system call, and 1 ms resolution where Windows has its clock tick
 * (10-16 ms). Sources and rules: docs/win32-basics.md ("Time").
 */
#include "kernel32.h"

#define MS_PER_SECOND       1000ull
#define HUNDRED_NS_PER_MS   10000ll

/* counter * 1000 / frequency without overflow: counter / frequency whole seconds, and
   the remainder (< frequency, so times 1000 fits 64 bits for any frequency < 18 EHz). */
static ULONGLONG ticks_to_ms(ULONGLONG counter, ULONGLONG frequency)
{
    return counter / frequency * MS_PER_SECOND + counter % frequency * MS_PER_SECOND / frequency;
}

ULONGLONG WINAPI GetTickCount64(void)
{
    LARGE_INTEGER counter, frequency;
    if (!NT_SUCCESS(NtQueryPerformanceCounter(&counter, &frequency)) || frequency.QuadPart <= 0)
        return 0;       /* cannot happen with valid locals; GetTickCount64 cannot fail */
    return ticks_to_ms((ULONGLONG)counter.QuadPart, (ULONGLONG)frequency.QuadPart);
}

/* The low 32 bits: it wraps to 0 after 49.7 days, as Microsoft Learn says. */
DWORD WINAPI GetTickCount(void)
{
    return (DWORD)GetTickCount64();
}

/*
 * "On systems that run Windows XP or later, the function will always succeed": with a
 * valid pointer. A pointer the kernel cannot write gives FALSE and ERROR_NOACCESS here,
 * where Windows raises an access violation (it writes from user mode).
 */
BOOL WINAPI QueryPerformanceCounter(LARGE_INTEGER *lpPerformanceCount)
{
    NTSTATUS status = NtQueryPerformanceCounter(lpPerformanceCount, NULL);
    if (!NT_SUCCESS(status)) {
        __base_set_last_nt_error(status);
        return FALSE;
    }
    return TRUE;
}

BOOL WINAPI QueryPerformanceFrequency(LARGE_INTEGER *lpFrequency)
{
    LARGE_INTEGER counter;
    NTSTATUS status = NtQueryPerformanceCounter(&counter, lpFrequency);
    if (!NT_SUCCESS(status)) {
        __base_set_last_nt_error(status);
        return FALSE;
    }
    return TRUE;
}

/*
 * NtDelayExecution's interval: negative is relative, in 100 ns units; INFINITE is the
 * largest negative number, which NT reads as "forever" (kernelbase's SleepEx passes
 * exactly that). With no APCs in Reservoir an alertable sleep is never cut short, so
 * SleepEx returns 0, never WAIT_IO_COMPLETION, whatever bAlertable says.
 */
DWORD WINAPI SleepEx(DWORD dwMilliseconds, BOOL bAlertable)
{
    LARGE_INTEGER interval;
    if (dwMilliseconds == INFINITE)
        interval.QuadPart = (LONGLONG)(1ull << 63);
    else
        interval.QuadPart = -(LONGLONG)dwMilliseconds * HUNDRED_NS_PER_MS;
    NTSTATUS status = NtDelayExecution((BOOLEAN)(bAlertable != FALSE), &interval);
    return status == (NTSTATUS)STATUS_USER_APC ? WAIT_IO_COMPLETION : 0;
}

void WINAPI Sleep(DWORD dwMilliseconds)
{
    SleepEx(dwMilliseconds, FALSE);
}
