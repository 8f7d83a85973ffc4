/*
 * Compile-time only: the numbers in syscall_list.h (which syscalls.S uses) are the
 * kernel's. This file produces no code.
 */
#include "../../kernel/syscall/syscall_numbers.h"
#include "syscall_list.h"

#define CHECK_NUMBER(name, number, kernel_name) \
    _Static_assert((number) == (kernel_name), #name " has the kernel's number");

RESERVOIR_SYSCALLS(CHECK_NUMBER)

_Static_assert(RESERVOIR_SYSCALL_COUNT == SYSCALL_COUNT, "syscall_list.h names every call");
