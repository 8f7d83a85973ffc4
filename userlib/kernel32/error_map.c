/*
 * NTSTATUS -> Win32 error (error_map.h), as Windows' RtlNtStatusToDosError maps them.
 *
 * Sources, checked pair by pair; where they agree the entry says nothing more:
 *   [generr]  Microsoft's own table source, base/ntos/rtl/generr.c (Windows Research
 *             Kernel): "CodePairs", the NT status / DOS error pairs the runtime's
 *             translation table is generated from, and base/ntos/rtl/error.c for the
 *             lookup and its 0xC001xxxx rule;
 *   [Wine]    dlls/ntdll/error.c, tables table_00000102, table_80000001, table_c0000001;
 *   numbers:  statuses from [MS-ERREF] 2.3.1 (as kernel/ntstatus.h), errors from
 *             winerror.h (Microsoft's System Error Codes).
 *
 * Two pairs are not what one might guess, and both sources agree on them:
 * STATUS_ALREADY_COMMITTED is ERROR_ACCESS_DENIED (5), not ERROR_INVALID_ADDRESS; and
 * STATUS_INVALID_ADDRESS (0xC0000141) is a network transport status, listed with
 * STATUS_LINK_FAILED and STATUS_INVALID_CONNECTION, so it maps to ERROR_UNEXP_NET_ERR
 * (59). Memory calls want STATUS_MEMORY_NOT_ALLOCATED, STATUS_CONFLICTING_ADDRESSES or
 * a STATUS_INVALID_PARAMETER_n instead. STATUS_GUARD_PAGE_VIOLATION is one of the
 * exception codes that map to themselves ([generr]: "Exception codes defined in WINNT.H
 * can map to themselves"); Win32 has no ERROR_GUARD_PAGE.
 */
#include "kernel32/error_map.h"

/* Sorted by status as an unsigned number: __nt_status_to_win32 searches it by halves. */
const struct nt_status_mapping __nt_status_table[] = {
    /* Success and informational [generr, Wine table_00000102] */
    { 0x00000000, 0 },          /* STATUS_SUCCESS -> ERROR_SUCCESS */
    { 0x00000103, 997 },        /* STATUS_PENDING -> ERROR_IO_PENDING */

    /* Warnings [generr, Wine table_80000001] */
    { 0x80000001, 0x80000001 }, /* STATUS_GUARD_PAGE_VIOLATION -> itself */
    { 0x80000002, 998 },        /* STATUS_DATATYPE_MISALIGNMENT -> ERROR_NOACCESS */
    { 0x80000005, 234 },        /* STATUS_BUFFER_OVERFLOW -> ERROR_MORE_DATA */
    { 0x8000000D, 299 },        /* STATUS_PARTIAL_COPY -> ERROR_PARTIAL_COPY */
    { 0x8000001A, 259 },        /* STATUS_NO_MORE_ENTRIES -> ERROR_NO_MORE_ITEMS */

    /* Errors 0xC0000001-0xC0000024 [generr, Wine table_c0000001] */
    { 0xC0000001, 31 },         /* STATUS_UNSUCCESSFUL -> ERROR_GEN_FAILURE */
    { 0xC0000002, 1 },          /* STATUS_NOT_IMPLEMENTED -> ERROR_INVALID_FUNCTION */
    { 0xC0000003, 87 },         /* STATUS_INVALID_INFO_CLASS -> ERROR_INVALID_PARAMETER */
    { 0xC0000004, 24 },         /* STATUS_INFO_LENGTH_MISMATCH -> ERROR_BAD_LENGTH */
    { 0xC0000005, 998 },        /* STATUS_ACCESS_VIOLATION -> ERROR_NOACCESS */
    { 0xC0000006, 999 },        /* STATUS_IN_PAGE_ERROR -> ERROR_SWAPERROR */
    { 0xC0000007, 1454 },       /* STATUS_PAGEFILE_QUOTA -> ERROR_PAGEFILE_QUOTA */
    { 0xC0000008, 6 },          /* STATUS_INVALID_HANDLE -> ERROR_INVALID_HANDLE */
    { 0xC000000B, 87 },         /* STATUS_INVALID_CID -> ERROR_INVALID_PARAMETER */
    { 0xC000000D, 87 },         /* STATUS_INVALID_PARAMETER -> ERROR_INVALID_PARAMETER */
    { 0xC000000F, 2 },          /* STATUS_NO_SUCH_FILE -> ERROR_FILE_NOT_FOUND */
    { 0xC0000010, 1 },          /* STATUS_INVALID_DEVICE_REQUEST -> ERROR_INVALID_FUNCTION */
    { 0xC0000011, 38 },         /* STATUS_END_OF_FILE -> ERROR_HANDLE_EOF */
    { 0xC0000017, 8 },          /* STATUS_NO_MEMORY -> ERROR_NOT_ENOUGH_MEMORY */
    { 0xC0000018, 487 },        /* STATUS_CONFLICTING_ADDRESSES -> ERROR_INVALID_ADDRESS */
    { 0xC0000019, 487 },        /* STATUS_NOT_MAPPED_VIEW -> ERROR_INVALID_ADDRESS */
    { 0xC000001A, 87 },         /* STATUS_UNABLE_TO_FREE_VM -> ERROR_INVALID_PARAMETER */
    { 0xC000001B, 87 },         /* STATUS_UNABLE_TO_DELETE_SECTION -> ERROR_INVALID_PARAMETER */
    { 0xC000001F, 5 },          /* STATUS_INVALID_VIEW_SIZE -> ERROR_ACCESS_DENIED */
    { 0xC0000021, 5 },          /* STATUS_ALREADY_COMMITTED -> ERROR_ACCESS_DENIED */
    { 0xC0000022, 5 },          /* STATUS_ACCESS_DENIED -> ERROR_ACCESS_DENIED */
    { 0xC0000023, 122 },        /* STATUS_BUFFER_TOO_SMALL -> ERROR_INSUFFICIENT_BUFFER */
    { 0xC0000024, 6 },          /* STATUS_OBJECT_TYPE_MISMATCH -> ERROR_INVALID_HANDLE */

    /* Errors 0xC000002C-0xC00000BB [generr, Wine table_c0000001] */
    { 0xC000002C, 487 },        /* STATUS_UNABLE_TO_DECOMMIT_VM -> ERROR_INVALID_ADDRESS */
    { 0xC000002D, 487 },        /* STATUS_NOT_COMMITTED -> ERROR_INVALID_ADDRESS */
    { 0xC0000030, 87 },         /* STATUS_INVALID_PARAMETER_MIX -> ERROR_INVALID_PARAMETER */
    { 0xC0000033, 123 },        /* STATUS_OBJECT_NAME_INVALID -> ERROR_INVALID_NAME */
    { 0xC0000034, 2 },          /* STATUS_OBJECT_NAME_NOT_FOUND -> ERROR_FILE_NOT_FOUND */
    { 0xC0000035, 183 },        /* STATUS_OBJECT_NAME_COLLISION -> ERROR_ALREADY_EXISTS */
    { 0xC000003A, 3 },          /* STATUS_OBJECT_PATH_NOT_FOUND -> ERROR_PATH_NOT_FOUND */
    { 0xC0000040, 8 },          /* STATUS_SECTION_TOO_BIG -> ERROR_NOT_ENOUGH_MEMORY */
    { 0xC0000044, 1816 },       /* STATUS_QUOTA_EXCEEDED -> ERROR_NOT_ENOUGH_QUOTA */
    { 0xC0000045, 87 },         /* STATUS_INVALID_PAGE_PROTECTION -> ERROR_INVALID_PARAMETER */
    { 0xC000007B, 193 },        /* STATUS_INVALID_IMAGE_FORMAT -> ERROR_BAD_EXE_FORMAT */
    { 0xC0000088, 487 },        /* STATUS_NOT_MAPPED_DATA -> ERROR_INVALID_ADDRESS */
    { 0xC000009A, 1450 },       /* STATUS_INSUFFICIENT_RESOURCES -> ERROR_NO_SYSTEM_RESOURCES */
    { 0xC000009F, 487 },        /* STATUS_FREE_VM_NOT_AT_BASE -> ERROR_INVALID_ADDRESS */
    { 0xC00000A0, 487 },        /* STATUS_MEMORY_NOT_ALLOCATED -> ERROR_INVALID_ADDRESS */
    { 0xC00000A1, 1453 },       /* STATUS_WORKING_SET_QUOTA -> ERROR_WORKING_SET_QUOTA */
    { 0xC00000BB, 50 },         /* STATUS_NOT_SUPPORTED -> ERROR_NOT_SUPPORTED */

    /* STATUS_INVALID_PARAMETER_1..12 -> ERROR_INVALID_PARAMETER [generr, Wine] */
    { 0xC00000EF, 87 }, { 0xC00000F0, 87 }, { 0xC00000F1, 87 }, { 0xC00000F2, 87 },
    { 0xC00000F3, 87 }, { 0xC00000F4, 87 }, { 0xC00000F5, 87 }, { 0xC00000F6, 87 },
    { 0xC00000F7, 87 }, { 0xC00000F8, 87 }, { 0xC00000F9, 87 }, { 0xC00000FA, 87 },

    /* Errors 0xC00000FD-0xC0000141 [generr, Wine table_c0000001] */
    { 0xC00000FD, 1001 },       /* STATUS_STACK_OVERFLOW -> ERROR_STACK_OVERFLOW */
    { 0xC0000102, 1392 },       /* STATUS_FILE_CORRUPT_ERROR -> ERROR_FILE_CORRUPT */
    { 0xC000010A, 5 },          /* STATUS_PROCESS_IS_TERMINATING -> ERROR_ACCESS_DENIED */
    { 0xC0000120, 995 },        /* STATUS_CANCELLED -> ERROR_OPERATION_ABORTED */
    { 0xC000012D, 1455 },       /* STATUS_COMMITMENT_LIMIT -> ERROR_COMMITMENT_LIMIT */
    { 0xC0000141, 59 },         /* STATUS_INVALID_ADDRESS -> ERROR_UNEXP_NET_ERR */
};

const size_t __nt_status_table_count = sizeof(__nt_status_table) / sizeof(__nt_status_table[0]);

unsigned long __nt_status_to_win32(int32_t status)
{
    uint32_t s = (uint32_t)status;
    size_t lo = 0, hi = __nt_status_table_count;    /* s, if present, is in [lo, hi) */

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (__nt_status_table[mid].status == s)
            return __nt_status_table[mid].win32;
        if (__nt_status_table[mid].status < s)
            lo = mid + 1;
        else
            hi = mid;
    }
    /* A Win32 error carried as a status (FACILITY_NTWIN32) comes back out [generr]. */
    if ((s >> 16) == 0xC001)
        return s & 0xFFFF;
    return 317;         /* ERROR_MR_MID_NOT_FOUND: no message for this status */
}
