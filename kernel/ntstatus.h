/*
 * NTSTATUS: the kernel's error values, with Windows' names and numbers so that userlib can
 * translate them to Win32 errors exactly as Windows does. Values from [MS-ERREF] 2.3.1.
 *
 * Severity lives in the top two bits: 00 success, 01 informational, 10 warning, 11 error.
 */
#ifndef RESERVOIR_NTSTATUS_H
#define RESERVOIR_NTSTATUS_H

#include <stdint.h>

typedef int32_t ntstatus_t;

#define STATUS_SUCCESS                  ((ntstatus_t)0x00000000)
#define STATUS_NO_YIELD_PERFORMED       ((ntstatus_t)0x40000024)
#define STATUS_GUARD_PAGE_VIOLATION     ((ntstatus_t)0x80000001)
#define STATUS_DATATYPE_MISALIGNMENT    ((ntstatus_t)0x80000002)
#define STATUS_BREAKPOINT               ((ntstatus_t)0x80000003)
#define STATUS_SINGLE_STEP              ((ntstatus_t)0x80000004)
#define STATUS_NO_MORE_ENTRIES          ((ntstatus_t)0x8000001A)
#define STATUS_NOT_IMPLEMENTED          ((ntstatus_t)0xC0000002)
#define STATUS_INVALID_INFO_CLASS       ((ntstatus_t)0xC0000003)
#define STATUS_INFO_LENGTH_MISMATCH     ((ntstatus_t)0xC0000004)
#define STATUS_ACCESS_VIOLATION         ((ntstatus_t)0xC0000005)
#define STATUS_INVALID_HANDLE           ((ntstatus_t)0xC0000008)
#define STATUS_INVALID_PARAMETER        ((ntstatus_t)0xC000000D)
#define STATUS_NO_MEMORY                ((ntstatus_t)0xC0000017)
#define STATUS_CONFLICTING_ADDRESSES    ((ntstatus_t)0xC0000018)
#define STATUS_NOT_MAPPED_VIEW          ((ntstatus_t)0xC0000019)
#define STATUS_UNABLE_TO_FREE_VM        ((ntstatus_t)0xC000001A)
#define STATUS_UNABLE_TO_DELETE_SECTION ((ntstatus_t)0xC000001B)
#define STATUS_INVALID_SYSTEM_SERVICE   ((ntstatus_t)0xC000001C)
#define STATUS_ILLEGAL_INSTRUCTION      ((ntstatus_t)0xC000001D)
#define STATUS_ALREADY_COMMITTED        ((ntstatus_t)0xC0000021)
#define STATUS_NOT_COMMITTED            ((ntstatus_t)0xC000002D)
#define STATUS_OBJECT_NAME_NOT_FOUND    ((ntstatus_t)0xC0000034)
#define STATUS_INVALID_PAGE_PROTECTION  ((ntstatus_t)0xC0000045)
#define STATUS_INVALID_IMAGE_FORMAT     ((ntstatus_t)0xC000007B)
#define STATUS_ARRAY_BOUNDS_EXCEEDED    ((ntstatus_t)0xC000008C)
#define STATUS_INTEGER_DIVIDE_BY_ZERO   ((ntstatus_t)0xC0000094)
#define STATUS_INTEGER_OVERFLOW         ((ntstatus_t)0xC0000095)
#define STATUS_PRIVILEGED_INSTRUCTION   ((ntstatus_t)0xC0000096)
#define STATUS_INSUFFICIENT_RESOURCES   ((ntstatus_t)0xC000009A)
#define STATUS_FREE_VM_NOT_AT_BASE      ((ntstatus_t)0xC000009F)
#define STATUS_MEMORY_NOT_ALLOCATED     ((ntstatus_t)0xC00000A0)
#define STATUS_NOT_SUPPORTED            ((ntstatus_t)0xC00000BB)
#define STATUS_STACK_OVERFLOW           ((ntstatus_t)0xC00000FD)
#define STATUS_INVALID_PARAMETER_1      ((ntstatus_t)0xC00000EF)
#define STATUS_INVALID_PARAMETER_2      ((ntstatus_t)0xC00000F0)
#define STATUS_INVALID_PARAMETER_3      ((ntstatus_t)0xC00000F1)
#define STATUS_FILE_CORRUPT_ERROR       ((ntstatus_t)0xC0000102)
#define STATUS_COMMITMENT_LIMIT         ((ntstatus_t)0xC000012D)
#define STATUS_INVALID_ADDRESS          ((ntstatus_t)0xC0000141)
#define STATUS_FLOAT_MULTIPLE_TRAPS     ((ntstatus_t)0xC00002B5)

/* NT_SUCCESS: success and informational values are non-negative. */
static inline int nt_success(ntstatus_t status)
{
    return status >= 0;
}

#endif
