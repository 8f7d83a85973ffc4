/*
 * userlib-internal: what the kernel32 sources share.
 */
#ifndef RESERVOIR_USERLIB_KERNEL32_H
#define RESERVOIR_USERLIB_KERNEL32_H

#include "../include/windows.h"
#include "../include/winternl.h"

/*
 * Windows' BaseSetLastNTError: makes the Win32 error for a failed system call's status
 * (the mapping RtlNtStatusToDosError does, error_map.c) the last error, and returns it.
 */
DWORD __base_set_last_nt_error(NTSTATUS status);

/* Windows x64's allocation granularity: reservations start on 64 KiB boundaries. */
#define KERNEL32_ALLOCATION_GRANULARITY 0x10000ul

/* console.c: closes one of the console's standard handles; 1 if h was one and open,
   0 otherwise (nothing changes then). CloseHandle's part for console handles. */
int __console_handle_close(HANDLE h);

#endif
