/*
 * userlib-internal: the process environment block the kernel fills before the first
 * instruction (kernel/peb.h has the writer's side and the sources). Only the fields
 * userlib reads are named; the offsets are Windows x64's.
 *
 *   PEB 0x02 BeingDebugged, 0x10 ImageBaseAddress, 0x20 ProcessParameters
 *   RTL_USER_PROCESS_PARAMETERS 0x60 ImagePathName, 0x70 CommandLine (UNICODE_STRINGs)
 *
 * __current_peb() is NULL when there is none (a kernel older than the PEB).
 */
#ifndef RESERVOIR_USERLIB_PEB_H
#define RESERVOIR_USERLIB_PEB_H

#include <stddef.h>

#include "teb.h"

struct __user_process_parameters {
    ULONG MaximumLength;
    ULONG Length;
    ULONG Flags;
    ULONG DebugFlags;
    BYTE Reserved[0x50];
    UNICODE_STRING ImagePathName;
    UNICODE_STRING CommandLine;
};

struct _PEB {
    BYTE InheritedAddressSpace;
    BYTE ReadImageFileExecOptions;
    BYTE BeingDebugged;
    BYTE BitField;
    PVOID Mutant;
    PVOID ImageBaseAddress;
    PVOID Ldr;
    struct __user_process_parameters *ProcessParameters;
};

_Static_assert(offsetof(struct _PEB, BeingDebugged) == 0x02, "PEB.BeingDebugged");
_Static_assert(offsetof(struct _PEB, ImageBaseAddress) == 0x10, "PEB.ImageBaseAddress");
_Static_assert(offsetof(struct _PEB, ProcessParameters) == 0x20, "PEB.ProcessParameters");
_Static_assert(offsetof(struct __user_process_parameters, ImagePathName) == 0x60 &&
               offsetof(struct __user_process_parameters, CommandLine) == 0x70,
               "RTL_USER_PROCESS_PARAMETERS x64 offsets");

static inline struct _PEB *__current_peb(void)
{
    return (struct _PEB *)__current_teb()->ProcessEnvironmentBlock;
}

#endif
