/*
 * System-call dispatch and the handlers that need nothing but the CPU (syscall.h).
 * The memory-management calls live with the address space code.
 */
#include "syscall.h"

#include <stddef.h>

#include "arch/x86_64/serial.h"
#include "arch/x86_64/usercopy.h"
#include "arch/x86_64/usermode.h"
#include "lib/log.h"
#include "ntstatus.h"
#include "syscall_numbers.h"
#include "sys_exception.h"
#include "sys_memory.h"
#include "sys_system.h"
#include "sys_debug.h"
#include "sys_time.h"

#define CONSOLE_WRITE_MAX (1u << 20)
#define CONSOLE_CHUNK     256

static ntstatus_t sys_yield_execution(struct trap_frame *frame)
{
    (void)frame;
    /* One thread in the system: there is never anyone to yield to. */
    return STATUS_NO_YIELD_PERFORMED;
}

static ntstatus_t sys_terminate_process(struct trap_frame *frame)
{
    if (frame->rdi != NT_CURRENT_PROCESS)
        return STATUS_INVALID_HANDLE;
    user_exit((uint32_t)frame->rsi);
}

/* (const char *buffer, size_t length): writes the bytes as they are, to the console
   (COM1, with everything else) and to the program-output port (COM2). */
static ntstatus_t sys_console_write(struct trap_frame *frame)
{
    uint64_t buffer = frame->rdi, length = frame->rsi;
    if (length > CONSOLE_WRITE_MAX)
        return STATUS_INVALID_PARAMETER;
    if (!user_range_ok(buffer, length))
        return STATUS_ACCESS_VIOLATION;
    char chunk[CONSOLE_CHUNK];
    for (uint64_t done = 0; done < length;) {
        uint64_t n = length - done < CONSOLE_CHUNK ? length - done : CONSOLE_CHUNK;
        ntstatus_t status = copy_from_user(chunk, buffer + done, n);
        if (!nt_success(status))
            return status;
        for (uint64_t i = 0; i < n; i++) {
            console_putc(chunk[i]);
            serial_program_putc(chunk[i]);
        }
        done += n;
    }
    return STATUS_SUCCESS;
}

/* The handlers by number, for syscall_entry.S: every entry must be set. */
const syscall_handler syscall_table[SYSCALL_COUNT] = {
    [SYS_NT_YIELD_EXECUTION] = sys_yield_execution,
    [SYS_NT_TERMINATE_PROCESS] = sys_terminate_process,
    [SYS_CONSOLE_WRITE] = sys_console_write,
    [SYS_NT_ALLOCATE_VIRTUAL_MEMORY] = sys_allocate_virtual_memory,
    [SYS_NT_FREE_VIRTUAL_MEMORY] = sys_free_virtual_memory,
    [SYS_NT_PROTECT_VIRTUAL_MEMORY] = sys_protect_virtual_memory,
    [SYS_NT_QUERY_VIRTUAL_MEMORY] = sys_query_virtual_memory,
    [SYS_NT_QUERY_SYSTEM_INFORMATION] = sys_query_system_information,
    [SYS_NT_CONTINUE] = sys_continue,
    [SYS_NT_RAISE_EXCEPTION] = sys_raise_exception,
    [SYS_SET_EXCEPTION_DISPATCHER] = sys_set_exception_dispatcher,
    [SYS_NT_QUERY_PERFORMANCE_COUNTER] = sys_query_performance_counter,
    [SYS_NT_DELAY_EXECUTION] = sys_delay_execution,
    [SYS_DEBUG_PRINT] = sys_debug_print,
};

const uint64_t syscall_count = SYSCALL_COUNT;

ntstatus_t sys_invalid_service(struct trap_frame *frame)
{
    (void)frame;
    return STATUS_INVALID_SYSTEM_SERVICE;
}

/* The frame offsets syscall_entry.S uses. */
_Static_assert(offsetof(struct trap_frame, r15) == 0 && offsetof(struct trap_frame, r10) == 40 &&
               offsetof(struct trap_frame, r9) == 48 && offsetof(struct trap_frame, r8) == 56 &&
               offsetof(struct trap_frame, rbp) == 64 && offsetof(struct trap_frame, rdi) == 72 &&
               offsetof(struct trap_frame, rsi) == 80 && offsetof(struct trap_frame, rdx) == 88 &&
               offsetof(struct trap_frame, rcx) == 96 && offsetof(struct trap_frame, rbx) == 104 &&
               offsetof(struct trap_frame, rax) == 112 && offsetof(struct trap_frame, rip) == 136 &&
               offsetof(struct trap_frame, rflags) == 152 && offsetof(struct trap_frame, rsp) == 160 &&
               sizeof(struct trap_frame) == 176,
               "syscall_entry.S's struct trap_frame offsets");

