/*
 * System information calls (sys_system.c).
 * NtQuerySystemInformation returns STATUS_SUCCESS; STATUS_INVALID_INFO_CLASS for a class
 * other than SystemBasicInformation (0); STATUS_INFO_LENGTH_MISMATCH unless Length is the
 * structure's 64 bytes (as Windows requires for this class); STATUS_ACCESS_VIOLATION for
 * an unwritable buffer or ReturnLength (which may be NULL).
 */
#ifndef RESERVOIR_SYS_SYSTEM_H
#define RESERVOIR_SYS_SYSTEM_H

#include "arch/x86_64/trap.h"
#include "ntstatus.h"

ntstatus_t sys_query_system_information(struct trap_frame *frame);

#endif
