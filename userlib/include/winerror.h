/*
 * <winerror.h> for Reservoir user programs: the Win32 error codes GetLastError returns.
 * Values from Microsoft Learn, "System Error Codes (0-499)", "(500-999)", "(1000-1299)",
 * "(1300-1699)", "(1700-3999)"; the same numbers as mingw-w64's include/winerror.h.
 *
 * kernel32 sets them from a failed system call's NTSTATUS through the mapping
 * RtlNtStatusToDosError does (userlib/kernel32/error_map.c), so any code that mapping
 * produces may appear; the ones named here are those programs commonly test for.
 * They are plain int constants (Windows' are long, also 32 bits there).
 */
#ifndef _WINERROR_
#define _WINERROR_

#define NO_ERROR                        0
#define ERROR_SUCCESS                   0
#define ERROR_INVALID_FUNCTION          1
#define ERROR_FILE_NOT_FOUND            2
#define ERROR_PATH_NOT_FOUND            3
#define ERROR_ACCESS_DENIED             5
#define ERROR_INVALID_HANDLE            6
#define ERROR_NOT_ENOUGH_MEMORY         8
#define ERROR_INVALID_BLOCK             9
#define ERROR_INVALID_ACCESS            12
#define ERROR_INVALID_DATA              13
#define ERROR_OUTOFMEMORY               14
#define ERROR_BAD_LENGTH                24
#define ERROR_GEN_FAILURE               31
#define ERROR_HANDLE_EOF                38
#define ERROR_NOT_SUPPORTED             50
#define ERROR_INVALID_PARAMETER         87
#define ERROR_CALL_NOT_IMPLEMENTED      120
#define ERROR_INSUFFICIENT_BUFFER       122
#define ERROR_INVALID_NAME              123
#define ERROR_MOD_NOT_FOUND             126
#define ERROR_PROC_NOT_FOUND            127
#define ERROR_NOT_LOCKED                158
#define ERROR_ALREADY_EXISTS            183
#define ERROR_BAD_EXE_FORMAT            193
#define ERROR_MORE_DATA                 234
#define ERROR_NO_MORE_ITEMS             259
#define ERROR_PARTIAL_COPY              299
#define ERROR_MR_MID_NOT_FOUND          317     /* what an unknown NTSTATUS maps to */
#define ERROR_INVALID_ADDRESS           487
#define ERROR_ARITHMETIC_OVERFLOW       534
#define ERROR_NOACCESS                  998     /* STATUS_ACCESS_VIOLATION: a bad pointer */
#define ERROR_STACK_OVERFLOW            1001
#define ERROR_INVALID_FLAGS             1004
#define ERROR_PROCESS_ABORTED           1067
#define ERROR_POSSIBLE_DEADLOCK         1131
#define ERROR_NOT_FOUND                 1168
#define ERROR_INTERNAL_ERROR            1359
#define ERROR_NO_SYSTEM_RESOURCES       1450
#define ERROR_WORKING_SET_QUOTA         1453
#define ERROR_COMMITMENT_LIMIT          1455
#define ERROR_TIMEOUT                   1460
#define ERROR_INVALID_USER_BUFFER       1784
#define ERROR_NOT_ENOUGH_QUOTA          1816

#endif
