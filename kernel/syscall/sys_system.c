/*
 * NtQuerySystemInformation, for the one class userlib needs: SystemBasicInformation
 * (GetSystemInfo is built on it). The layout is Windows x64's SYSTEM_BASIC_INFORMATION.
 */
#include "sys_system.h"

#include <stddef.h>

#include "arch/x86_64/usercopy.h"
#include "lib/string.h"
#include "mm/arch.h"
#include "mm/pfn.h"
#include "nt_memory.h"

#define SYSTEM_BASIC_INFORMATION_CLASS 0
#define TIMER_RESOLUTION_100NS 156250       /* Windows' default clock tick, 15.625 ms */

struct system_basic_information {
    uint32_t reserved;
    uint32_t timer_resolution;
    uint32_t page_size;
    uint32_t number_of_physical_pages;
    uint32_t lowest_physical_page_number;
    uint32_t highest_physical_page_number;
    uint32_t allocation_granularity;
    uint64_t minimum_user_mode_address;
    uint64_t maximum_user_mode_address;
    uint64_t active_processors_affinity_mask;
    int8_t number_of_processors;
};

_Static_assert(sizeof(struct system_basic_information) == 64, "SYSTEM_BASIC_INFORMATION");
_Static_assert(offsetof(struct system_basic_information, number_of_processors) == 0x38, "");

/* (ULONG Class, PVOID Buffer, ULONG Length, PULONG ReturnLength) */
ntstatus_t sys_query_system_information(struct trap_frame *f)
{
    if (f->rdi != SYSTEM_BASIC_INFORMATION_CLASS)
        return STATUS_INVALID_INFO_CLASS;
    if ((uint32_t)f->rdx != sizeof(struct system_basic_information))
        return STATUS_INFO_LENGTH_MISMATCH;

    struct mm_stats stats;
    mm_stats(&stats);
    struct system_basic_information info;
    memset(&info, 0, sizeof(info));
    info.timer_resolution = TIMER_RESOLUTION_100NS;
    info.page_size = PAGE_SIZE;
    /* Pages the OS manages: everything but firmware and holes. */
    info.number_of_physical_pages =
        (uint32_t)(stats.total - stats.by_state[PFN_RESERVED] - stats.by_state[PFN_BAD]);
    info.lowest_physical_page_number = 1;
    info.highest_physical_page_number = (uint32_t)(stats.total - 1);
    info.allocation_granularity = ALLOCATION_GRANULARITY;
    info.minimum_user_mode_address = USER_MIN_ADDRESS;
    info.maximum_user_mode_address = USER_MAX_ADDRESS;
    info.active_processors_affinity_mask = 1;
    info.number_of_processors = 1;

    ntstatus_t st = copy_to_user(f->rsi, &info, sizeof(info));
    if (nt_success(st) && f->r10) {
        uint32_t length = sizeof(info);
        st = copy_to_user(f->r10, &length, sizeof(length));
    }
    return st;
}
