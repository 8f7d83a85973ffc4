/*
 * Host tests for userlib/kernel32/error_map.c: every NTSTATUS -> Win32 pair, written out
 * again here from the sources (Microsoft's generr.c and Wine's ntdll error table), the
 * fallbacks for statuses the table does not know, and the table's order.
 */
#include <stdint.h>

#include "ntstatus.h"
#include "test.h"

#include "host/ul_host.h"

struct pair {
    uint32_t status;
    uint32_t win32;
    const char *name;
};

static const struct pair expected[] = {
    { 0x00000000, 0, "STATUS_SUCCESS -> ERROR_SUCCESS" },
    { 0x00000103, 997, "STATUS_PENDING -> ERROR_IO_PENDING" },
    { 0x80000001, 0x80000001, "STATUS_GUARD_PAGE_VIOLATION -> itself" },
    { 0x80000002, 998, "STATUS_DATATYPE_MISALIGNMENT -> ERROR_NOACCESS" },
    { 0x80000005, 234, "STATUS_BUFFER_OVERFLOW -> ERROR_MORE_DATA" },
    { 0x8000000D, 299, "STATUS_PARTIAL_COPY -> ERROR_PARTIAL_COPY" },
    { 0x8000001A, 259, "STATUS_NO_MORE_ENTRIES -> ERROR_NO_MORE_ITEMS" },
    { 0xC0000001, 31, "STATUS_UNSUCCESSFUL -> ERROR_GEN_FAILURE" },
    { 0xC0000002, 1, "STATUS_NOT_IMPLEMENTED -> ERROR_INVALID_FUNCTION" },
    { 0xC0000003, 87, "STATUS_INVALID_INFO_CLASS -> ERROR_INVALID_PARAMETER" },
    { 0xC0000004, 24, "STATUS_INFO_LENGTH_MISMATCH -> ERROR_BAD_LENGTH" },
    { 0xC0000005, 998, "STATUS_ACCESS_VIOLATION -> ERROR_NOACCESS" },
    { 0xC0000006, 999, "STATUS_IN_PAGE_ERROR -> ERROR_SWAPERROR" },
    { 0xC0000007, 1454, "STATUS_PAGEFILE_QUOTA -> ERROR_PAGEFILE_QUOTA" },
    { 0xC0000008, 6, "STATUS_INVALID_HANDLE -> ERROR_INVALID_HANDLE" },
    { 0xC000000B, 87, "STATUS_INVALID_CID -> ERROR_INVALID_PARAMETER" },
    { 0xC000000D, 87, "STATUS_INVALID_PARAMETER -> ERROR_INVALID_PARAMETER" },
    { 0xC000000F, 2, "STATUS_NO_SUCH_FILE -> ERROR_FILE_NOT_FOUND" },
    { 0xC0000010, 1, "STATUS_INVALID_DEVICE_REQUEST -> ERROR_INVALID_FUNCTION" },
    { 0xC0000011, 38, "STATUS_END_OF_FILE -> ERROR_HANDLE_EOF" },
    { 0xC0000017, 8, "STATUS_NO_MEMORY -> ERROR_NOT_ENOUGH_MEMORY" },
    { 0xC0000018, 487, "STATUS_CONFLICTING_ADDRESSES -> ERROR_INVALID_ADDRESS" },
    { 0xC0000019, 487, "STATUS_NOT_MAPPED_VIEW -> ERROR_INVALID_ADDRESS" },
    { 0xC000001A, 87, "STATUS_UNABLE_TO_FREE_VM -> ERROR_INVALID_PARAMETER" },
    { 0xC000001B, 87, "STATUS_UNABLE_TO_DELETE_SECTION -> ERROR_INVALID_PARAMETER" },
    { 0xC000001F, 5, "STATUS_INVALID_VIEW_SIZE -> ERROR_ACCESS_DENIED" },
    { 0xC0000021, 5, "STATUS_ALREADY_COMMITTED -> ERROR_ACCESS_DENIED" },
    { 0xC0000022, 5, "STATUS_ACCESS_DENIED -> ERROR_ACCESS_DENIED" },
    { 0xC0000023, 122, "STATUS_BUFFER_TOO_SMALL -> ERROR_INSUFFICIENT_BUFFER" },
    { 0xC0000024, 6, "STATUS_OBJECT_TYPE_MISMATCH -> ERROR_INVALID_HANDLE" },
    { 0xC000002C, 487, "STATUS_UNABLE_TO_DECOMMIT_VM -> ERROR_INVALID_ADDRESS" },
    { 0xC000002D, 487, "STATUS_NOT_COMMITTED -> ERROR_INVALID_ADDRESS" },
    { 0xC0000030, 87, "STATUS_INVALID_PARAMETER_MIX -> ERROR_INVALID_PARAMETER" },
    { 0xC0000033, 123, "STATUS_OBJECT_NAME_INVALID -> ERROR_INVALID_NAME" },
    { 0xC0000034, 2, "STATUS_OBJECT_NAME_NOT_FOUND -> ERROR_FILE_NOT_FOUND" },
    { 0xC0000035, 183, "STATUS_OBJECT_NAME_COLLISION -> ERROR_ALREADY_EXISTS" },
    { 0xC000003A, 3, "STATUS_OBJECT_PATH_NOT_FOUND -> ERROR_PATH_NOT_FOUND" },
    { 0xC0000040, 8, "STATUS_SECTION_TOO_BIG -> ERROR_NOT_ENOUGH_MEMORY" },
    { 0xC0000044, 1816, "STATUS_QUOTA_EXCEEDED -> ERROR_NOT_ENOUGH_QUOTA" },
    { 0xC0000045, 87, "STATUS_INVALID_PAGE_PROTECTION -> ERROR_INVALID_PARAMETER" },
    { 0xC000007B, 193, "STATUS_INVALID_IMAGE_FORMAT -> ERROR_BAD_EXE_FORMAT" },
    { 0xC0000088, 487, "STATUS_NOT_MAPPED_DATA -> ERROR_INVALID_ADDRESS" },
    { 0xC000009A, 1450, "STATUS_INSUFFICIENT_RESOURCES -> ERROR_NO_SYSTEM_RESOURCES" },
    { 0xC000009F, 487, "STATUS_FREE_VM_NOT_AT_BASE -> ERROR_INVALID_ADDRESS" },
    { 0xC00000A0, 487, "STATUS_MEMORY_NOT_ALLOCATED -> ERROR_INVALID_ADDRESS" },
    { 0xC00000A1, 1453, "STATUS_WORKING_SET_QUOTA -> ERROR_WORKING_SET_QUOTA" },
    { 0xC00000BB, 50, "STATUS_NOT_SUPPORTED -> ERROR_NOT_SUPPORTED" },
    { 0xC00000EF, 87, "STATUS_INVALID_PARAMETER_1 -> ERROR_INVALID_PARAMETER" },
    { 0xC00000F0, 87, "STATUS_INVALID_PARAMETER_2 -> ERROR_INVALID_PARAMETER" },
    { 0xC00000F1, 87, "STATUS_INVALID_PARAMETER_3 -> ERROR_INVALID_PARAMETER" },
    { 0xC00000F2, 87, "STATUS_INVALID_PARAMETER_4 -> ERROR_INVALID_PARAMETER" },
    { 0xC00000F3, 87, "STATUS_INVALID_PARAMETER_5 -> ERROR_INVALID_PARAMETER" },
    { 0xC00000F4, 87, "STATUS_INVALID_PARAMETER_6 -> ERROR_INVALID_PARAMETER" },
    { 0xC00000F5, 87, "STATUS_INVALID_PARAMETER_7 -> ERROR_INVALID_PARAMETER" },
    { 0xC00000F6, 87, "STATUS_INVALID_PARAMETER_8 -> ERROR_INVALID_PARAMETER" },
    { 0xC00000F7, 87, "STATUS_INVALID_PARAMETER_9 -> ERROR_INVALID_PARAMETER" },
    { 0xC00000F8, 87, "STATUS_INVALID_PARAMETER_10 -> ERROR_INVALID_PARAMETER" },
    { 0xC00000F9, 87, "STATUS_INVALID_PARAMETER_11 -> ERROR_INVALID_PARAMETER" },
    { 0xC00000FA, 87, "STATUS_INVALID_PARAMETER_12 -> ERROR_INVALID_PARAMETER" },
    { 0xC00000FD, 1001, "STATUS_STACK_OVERFLOW -> ERROR_STACK_OVERFLOW" },
    { 0xC0000102, 1392, "STATUS_FILE_CORRUPT_ERROR -> ERROR_FILE_CORRUPT" },
    { 0xC000010A, 5, "STATUS_PROCESS_IS_TERMINATING -> ERROR_ACCESS_DENIED" },
    { 0xC0000120, 995, "STATUS_CANCELLED -> ERROR_OPERATION_ABORTED" },
    { 0xC000012D, 1455, "STATUS_COMMITMENT_LIMIT -> ERROR_COMMITMENT_LIMIT" },
    { 0xC0000141, 59, "STATUS_INVALID_ADDRESS -> ERROR_UNEXP_NET_ERR" },
};
#define EXPECTED_COUNT (sizeof(expected) / sizeof(expected[0]))

#define ERROR_MR_MID_NOT_FOUND 317

static unsigned long map(uint32_t status)
{
    return __nt_status_to_win32((int32_t)status);
}

TEST(every_pair_maps_as_windows_does)
{
    for (size_t i = 0; i < EXPECTED_COUNT; i++)
        if (!CHECK_EQ(map(expected[i].status), expected[i].win32))
            host_printf("#   %s (0x%08x)\n", expected[i].name, expected[i].status);
}

TEST(the_table_holds_exactly_the_expected_pairs)
{
    CHECK_EQ(__nt_status_table_count, EXPECTED_COUNT);
    for (size_t i = 0; i < __nt_status_table_count && i < EXPECTED_COUNT; i++) {
        CHECK_EQ(__nt_status_table[i].status, expected[i].status);
        CHECK_EQ(__nt_status_table[i].win32, expected[i].win32);
    }
}

TEST(the_table_is_sorted_by_unsigned_status_without_duplicates)
{
    for (size_t i = 1; i < __nt_status_table_count; i++)
        if (!CHECK(__nt_status_table[i - 1].status < __nt_status_table[i].status))
            host_printf("#   entries %zu and %zu out of order\n", i - 1, i);
}

TEST(the_kernels_status_names_map_as_expected)
{
    /* kernel/ntstatus.h's constants, so a changed number there shows up here. */
    CHECK_EQ(__nt_status_to_win32(STATUS_SUCCESS), 0);
    CHECK_EQ(__nt_status_to_win32(STATUS_GUARD_PAGE_VIOLATION), 0x80000001u);
    CHECK_EQ(__nt_status_to_win32(STATUS_ACCESS_VIOLATION), 998);
    CHECK_EQ(__nt_status_to_win32(STATUS_INVALID_HANDLE), 6);
    CHECK_EQ(__nt_status_to_win32(STATUS_INVALID_PARAMETER), 87);
    CHECK_EQ(__nt_status_to_win32(STATUS_NO_MEMORY), 8);
    CHECK_EQ(__nt_status_to_win32(STATUS_CONFLICTING_ADDRESSES), 487);
    CHECK_EQ(__nt_status_to_win32(STATUS_NOT_MAPPED_VIEW), 487);
    CHECK_EQ(__nt_status_to_win32(STATUS_UNABLE_TO_FREE_VM), 87);
    CHECK_EQ(__nt_status_to_win32(STATUS_ALREADY_COMMITTED), 5);
    CHECK_EQ(__nt_status_to_win32(STATUS_NOT_COMMITTED), 487);
    CHECK_EQ(__nt_status_to_win32(STATUS_INVALID_PAGE_PROTECTION), 87);
    CHECK_EQ(__nt_status_to_win32(STATUS_INSUFFICIENT_RESOURCES), 1450);
    CHECK_EQ(__nt_status_to_win32(STATUS_MEMORY_NOT_ALLOCATED), 487);
    CHECK_EQ(__nt_status_to_win32(STATUS_COMMITMENT_LIMIT), 1455);
    CHECK_EQ(__nt_status_to_win32(STATUS_INVALID_ADDRESS), 59);
}

static int in_table(uint32_t status)
{
    for (size_t i = 0; i < EXPECTED_COUNT; i++)
        if (expected[i].status == status)
            return 1;
    return 0;
}

TEST(unknown_statuses_map_to_mr_mid_not_found)
{
    const uint32_t unknown[] = {
        0x00000001, 0x00000102, 0x7fffffff, 0x80000000, 0x80000003, 0xBFFFFFFF,
        0xC0000000, 0xC0000009, 0xC000000C, 0xC0000142, 0xC0000999, 0xC0020001,
        0xE0000001, 0xFFFFFFFF, 0x12345678,
    };
    for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
        REQUIRE(!in_table(unknown[i]));
        if (!CHECK_EQ(map(unknown[i]), ERROR_MR_MID_NOT_FOUND))
            host_printf("#   status 0x%08x\n", unknown[i]);
    }
    /* Every neighbour of a table entry that is not itself an entry. */
    for (size_t i = 0; i < EXPECTED_COUNT; i++) {
        uint32_t around[2] = { expected[i].status - 1, expected[i].status + 1 };
        for (int k = 0; k < 2; k++)
            if (!in_table(around[k]) && !CHECK_EQ(map(around[k]), ERROR_MR_MID_NOT_FOUND))
                host_printf("#   status 0x%08x\n", around[k]);
    }
}

TEST(a_win32_error_wrapped_in_facility_ntwin32_comes_back_out)
{
    CHECK_EQ(map(0xC0010000), 0);
    CHECK_EQ(map(0xC0010005), 5);
    CHECK_EQ(map(0xC00104C7), 1223);            /* ERROR_CANCELLED */
    CHECK_EQ(map(0xC001FFFF), 0xFFFF);
    CHECK_EQ(map(0x80010005), ERROR_MR_MID_NOT_FOUND);  /* only the error severity */
}
