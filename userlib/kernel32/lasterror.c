/*
 * The thread's last-error code, which lives in the TEB (LastErrorValue, gs:0x68) as on
 * Windows, so that it is per thread once there are threads.
 *
 * Sources: Microsoft Learn, "GetLastError function (errhandlingapi.h)" and
 * "SetLastError function"; the TEB offset is Windows x64's (crt/teb.h).
 */
#include "../crt/teb.h"
#include "error_map.h"
#include "kernel32.h"

DWORD WINAPI GetLastError(void)
{
    return __current_teb()->LastErrorValue;
}

void WINAPI SetLastError(DWORD dwErrCode)
{
    __current_teb()->LastErrorValue = dwErrCode;
}

DWORD __base_set_last_nt_error(NTSTATUS status)
{
    DWORD error = (DWORD)__nt_status_to_win32(status);
    SetLastError(error);
    return error;
}
