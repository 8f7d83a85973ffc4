/*
 * Debug output from user programs (sys_debug.c): what OutputDebugStringA sends.
 *
 * (const char *buffer, size_t length): Reservoir's call (NT's user-mode DbgPrint reaches
 * the kernel through int 2Dh instead). The bytes go to the kernel's console, the serial
 * log, on one line of their own that starts "debug: ", never to the program's output.
 * STATUS_SUCCESS; STATUS_INVALID_PARAMETER above DEBUG_PRINT_MAX bytes (DbgPrint's own
 * limit; OutputDebugStringA sends longer strings in pieces); STATUS_ACCESS_VIOLATION
 * when the buffer is not readable user memory (nothing is printed then).
 */
#ifndef RESERVOIR_SYS_DEBUG_H
#define RESERVOIR_SYS_DEBUG_H

#include "arch/x86_64/trap.h"
#include "ntstatus.h"

#define DEBUG_PRINT_MAX 512

ntstatus_t sys_debug_print(struct trap_frame *frame);

#endif
