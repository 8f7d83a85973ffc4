/*
 * Virtual-memory system calls (sys_memory.c). Each takes the trap frame with NT's
 * arguments in RDI, RSI, RDX, R10, R8, R9 and returns NTSTATUS: the address-space
 * operation's status (mm/address_space.h), STATUS_INVALID_HANDLE for a handle other than
 * the current process, STATUS_ACCESS_VIOLATION for an unreadable or unwritable argument,
 * and for NtQueryVirtualMemory STATUS_INVALID_INFO_CLASS or STATUS_INFO_LENGTH_MISMATCH.
 */
#ifndef RESERVOIR_SYS_MEMORY_H
#define RESERVOIR_SYS_MEMORY_H

#include "arch/x86_64/trap.h"
#include "ntstatus.h"

ntstatus_t sys_allocate_virtual_memory(struct trap_frame *frame);
ntstatus_t sys_free_virtual_memory(struct trap_frame *frame);
ntstatus_t sys_protect_virtual_memory(struct trap_frame *frame);
ntstatus_t sys_query_virtual_memory(struct trap_frame *frame);

#endif
