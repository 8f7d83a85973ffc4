/*
 * userlib-internal: the system calls that are not NT's (NT's are in <winternl.h>).
 */
#ifndef RESERVOIR_USERLIB_NTDLL_H
#define RESERVOIR_USERLIB_NTDLL_H

#include "../include/winternl.h"

/*
 * SYS_CONSOLE_WRITE: writes length bytes to the console as they are, all or nothing.
 * STATUS_INVALID_PARAMETER above CONSOLE_WRITE_MAX bytes, STATUS_ACCESS_VIOLATION when
 * the buffer is not readable user memory.
 */
#define CONSOLE_WRITE_MAX ((SIZE_T)1 << 20)
NTSTATUS __sys_console_write(const char *buffer, SIZE_T length);

#endif
