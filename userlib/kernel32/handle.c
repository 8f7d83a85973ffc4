/*
 * CloseHandle. Reservoir's processes own no kernel objects yet, so the handles a program
 * can hold are the pseudo handles and the console's standard handles (console.c).
 *
 * Microsoft Learn, "GetCurrentProcess function": "Calling the CloseHandle function with
 * a pseudo handle has no effect"; Windows (and Wine) return TRUE for it, for the
 * current thread's (HANDLE)-2 too. A console handle closes once: afterwards it is an
 * invalid handle to every function, and GetStdHandle still returns its value (nothing
 * replaced it with SetStdHandle). Anything else, NULL included: FALSE with
 * ERROR_INVALID_HANDLE ("CloseHandle function": under a debugger Windows also raises
 * EXCEPTION_INVALID_HANDLE; without one it only fails).
 */
#include "kernel32.h"

BOOL WINAPI CloseHandle(HANDLE hObject)
{
    if (hObject == GetCurrentProcess() || hObject == GetCurrentThread())
        return TRUE;
    if (__console_handle_close(hObject))
        return TRUE;
    SetLastError(ERROR_INVALID_HANDLE);
    return FALSE;
}
