/*
 * Host tests for userlib's Windows headers (userlib/include/windows.h, winternl.h):
 *   - every structure's x64 size and field offsets (userlib_windows_layout.h, which the
 *     mingw-w64 cross-check also compiles, so both sets of headers give the same numbers);
 *   - the constants that cross the system-call boundary have the kernel's values: PAGE_*
 *     and MEM_* against kernel/nt_memory.h, STATUS_* against kernel/ntstatus.h and its
 *     neighbours, MEMORY_BASIC_INFORMATION against struct memory_basic_information, and
 *     the TEB offsets crt0.S promises.
 * The host is x86-64 System V like Reservoir's user mode, so the layouts are the same.
 */
#include <stddef.h>
#include <stdint.h>

#include "test.h"

/* The kernel's view first. Names both sides define are captured, then forgotten. */
#include "nt_memory.h"
#include "ntstatus.h"
#include "syscall/syscall.h"
#include "syscall/syscall_numbers.h"
#include "user_exception.h"

#define SHARED_CONSTANTS(X)                                                               \
    X(PAGE_NOACCESS) X(PAGE_READONLY) X(PAGE_READWRITE) X(PAGE_WRITECOPY) X(PAGE_EXECUTE)  \
    X(PAGE_EXECUTE_READ) X(PAGE_EXECUTE_READWRITE) X(PAGE_EXECUTE_WRITECOPY) X(PAGE_GUARD) \
    X(PAGE_NOCACHE) X(PAGE_WRITECOMBINE)                                                   \
    X(MEM_COMMIT) X(MEM_RESERVE) X(MEM_DECOMMIT) X(MEM_RELEASE) X(MEM_FREE) X(MEM_PRIVATE) \
    X(MEM_MAPPED) X(MEM_RESET) X(MEM_TOP_DOWN) X(MEM_WRITE_WATCH) X(MEM_PHYSICAL)          \
    X(MEM_RESET_UNDO) X(MEM_LARGE_PAGES) X(MEM_IMAGE)                                      \
    X(STATUS_GUARD_PAGE_VIOLATION) X(STATUS_ACCESS_VIOLATION)                              \
    X(STATUS_INVALID_HANDLE) X(STATUS_INVALID_PARAMETER) X(STATUS_NO_MEMORY)               \
    X(STATUS_DATATYPE_MISALIGNMENT) X(STATUS_BREAKPOINT) X(STATUS_SINGLE_STEP)             \
    X(STATUS_ILLEGAL_INSTRUCTION) X(STATUS_INTEGER_DIVIDE_BY_ZERO)                         \
    X(STATUS_INTEGER_OVERFLOW) X(STATUS_PRIVILEGED_INSTRUCTION)                            \
    X(STATUS_FLOAT_MULTIPLE_TRAPS) X(STATUS_ARRAY_BOUNDS_EXCEEDED) X(STATUS_STACK_OVERFLOW)

struct named_value {
    const char *name;
    uint32_t value;
};

#define KERNEL_VALUE(name) { #name, (uint32_t)(name) },
static const struct named_value kernel_values[] = { SHARED_CONSTANTS(KERNEL_VALUE) };

static const uint64_t kernel_user_min = USER_MIN_ADDRESS;
static const uint64_t kernel_user_max = USER_MAX_ADDRESS;
static const uint64_t kernel_granularity = ALLOCATION_GRANULARITY;
static const uint64_t kernel_current_process = NT_CURRENT_PROCESS;

#undef PAGE_NOACCESS
#undef PAGE_READONLY
#undef PAGE_READWRITE
#undef PAGE_WRITECOPY
#undef PAGE_EXECUTE
#undef PAGE_EXECUTE_READ
#undef PAGE_EXECUTE_READWRITE
#undef PAGE_EXECUTE_WRITECOPY
#undef PAGE_GUARD
#undef PAGE_NOCACHE
#undef PAGE_WRITECOMBINE
#undef MEM_COMMIT
#undef MEM_RESERVE
#undef MEM_DECOMMIT
#undef MEM_RELEASE
#undef MEM_FREE
#undef MEM_PRIVATE
#undef MEM_MAPPED
#undef MEM_RESET
#undef MEM_TOP_DOWN
#undef MEM_WRITE_WATCH
#undef MEM_PHYSICAL
#undef MEM_RESET_UNDO
#undef MEM_LARGE_PAGES
#undef MEM_IMAGE
#undef STATUS_GUARD_PAGE_VIOLATION
#undef STATUS_ACCESS_VIOLATION
#undef STATUS_INVALID_HANDLE
#undef STATUS_INVALID_PARAMETER
#undef STATUS_NO_MEMORY
#undef STATUS_DATATYPE_MISALIGNMENT
#undef STATUS_BREAKPOINT
#undef STATUS_SINGLE_STEP
#undef STATUS_ILLEGAL_INSTRUCTION
#undef STATUS_INTEGER_DIVIDE_BY_ZERO
#undef STATUS_INTEGER_OVERFLOW
#undef STATUS_PRIVILEGED_INSTRUCTION
#undef STATUS_FLOAT_MULTIPLE_TRAPS
#undef STATUS_ARRAY_BOUNDS_EXCEEDED
#undef STATUS_STACK_OVERFLOW

/* Then userlib's. */
#include "userlib/include/windows.h"
#include "userlib/include/winternl.h"
#include "userlib_windows_layout.h"

#define USER_VALUE(name) { #name, (uint32_t)(name) },
static const struct named_value user_values[] = { SHARED_CONSTANTS(USER_VALUE) };

TEST(constants_that_cross_the_system_call_boundary_have_the_kernels_values)
{
    size_t n = sizeof(kernel_values) / sizeof(kernel_values[0]);
    CHECK_EQ(n, sizeof(user_values) / sizeof(user_values[0]));
    for (size_t i = 0; i < n; i++) {
        CHECK_STR_EQ(user_values[i].name, kernel_values[i].name);
        if (!CHECK_EQ(user_values[i].value, kernel_values[i].value))
            test_check(0, kernel_values[i].name, __FILE__, __LINE__);
    }
}

TEST(memory_basic_information_is_the_kernels_struct)
{
    CHECK_EQ(sizeof(MEMORY_BASIC_INFORMATION), sizeof(struct memory_basic_information));
    CHECK_EQ(offsetof(MEMORY_BASIC_INFORMATION, BaseAddress),
             offsetof(struct memory_basic_information, base_address));
    CHECK_EQ(offsetof(MEMORY_BASIC_INFORMATION, AllocationBase),
             offsetof(struct memory_basic_information, allocation_base));
    CHECK_EQ(offsetof(MEMORY_BASIC_INFORMATION, AllocationProtect),
             offsetof(struct memory_basic_information, allocation_protect));
    CHECK_EQ(offsetof(MEMORY_BASIC_INFORMATION, PartitionId),
             offsetof(struct memory_basic_information, partition_id));
    CHECK_EQ(offsetof(MEMORY_BASIC_INFORMATION, RegionSize),
             offsetof(struct memory_basic_information, region_size));
    CHECK_EQ(offsetof(MEMORY_BASIC_INFORMATION, State),
             offsetof(struct memory_basic_information, state));
    CHECK_EQ(offsetof(MEMORY_BASIC_INFORMATION, Protect),
             offsetof(struct memory_basic_information, protect));
    CHECK_EQ(offsetof(MEMORY_BASIC_INFORMATION, Type),
             offsetof(struct memory_basic_information, type));
}

TEST(the_address_space_numbers_agree_with_the_kernels)
{
    CHECK_EQ(kernel_user_min, 0x10000);
    CHECK_EQ(kernel_user_max, 0x7FFFFFFEFFFF);
    CHECK_EQ(kernel_granularity, 0x10000);
}

TEST(pseudo_handles_and_sentinels)
{
    CHECK_EQ((uintptr_t)INVALID_HANDLE_VALUE, UINT64_MAX);
    CHECK_EQ((uintptr_t)NtCurrentProcess(), kernel_current_process);
    CHECK_EQ((uintptr_t)NtCurrentThread(), UINT64_MAX - 1);
    CHECK(NT_SUCCESS(0));
    CHECK(NT_SUCCESS(0x40000024));                  /* informational */
    CHECK(!NT_SUCCESS(0x80000001));                 /* warning */
    CHECK(!NT_SUCCESS(0xC0000004));                 /* error */
}

TEST(types_have_windows_widths_and_signs)
{
    /* The layout header checks these at compile time; this records them in the log. */
    CHECK_EQ(sizeof(DWORD), 4);
    CHECK_EQ(sizeof(LONG), 4);
    CHECK_EQ(sizeof(SIZE_T), sizeof(size_t));
    CHECK_EQ(sizeof(CONTEXT), 1232);
    CHECK_EQ(sizeof(EXCEPTION_RECORD), 152);
    CHECK_EQ(sizeof(SYSTEM_INFO), 48);
    CHECK_EQ(sizeof(SYSTEM_BASIC_INFORMATION), 64);
    CHECK((LONG)0xFFFFFFFFu == -1);
    CHECK((DWORD)-1 == 0xFFFFFFFFu);
}
