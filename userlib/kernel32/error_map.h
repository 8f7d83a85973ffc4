/*
 * userlib-internal: NTSTATUS to Win32 error, the mapping RtlNtStatusToDosError does.
 * kernel32 calls it on every failed system call before SetLastError.
 */
#ifndef RESERVOIR_USERLIB_ERROR_MAP_H
#define RESERVOIR_USERLIB_ERROR_MAP_H

#include <stddef.h>
#include <stdint.h>

/*
 * The Win32 error for status: 0 for STATUS_SUCCESS, the table's entry for a known
 * status, the low 16 bits for a 0xC001xxxx status (FACILITY_NTWIN32, a Win32 error
 * wrapped as a status), else ERROR_MR_MID_NOT_FOUND (317).
 */
unsigned long __nt_status_to_win32(int32_t status);

/* The table behind it, sorted by status as unsigned numbers (host tests check it). */
struct nt_status_mapping {
    uint32_t status;
    uint32_t win32;
};
extern const struct nt_status_mapping __nt_status_table[];
extern const size_t __nt_status_table_count;

#endif
