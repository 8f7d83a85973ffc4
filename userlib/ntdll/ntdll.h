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

/*
 * SYS_DEBUG_PRINT: writes length bytes to the kernel's log (the serial console), on a
 * line of their own, never to the program's output. STATUS_INVALID_PARAMETER above
 * DEBUG_PRINT_MAX bytes, STATUS_ACCESS_VIOLATION for an unreadable buffer.
 */
#define DEBUG_PRINT_MAX ((SIZE_T)512)
NTSTATUS __sys_debug_print(const char *buffer, SIZE_T length);

#endif
