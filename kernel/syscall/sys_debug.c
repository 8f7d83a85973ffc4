/* The debug-output system call (sys_debug.h). */
#include "sys_debug.h"

#include <stdint.h>

#include "arch/x86_64/usercopy.h"
#include "lib/log.h"

/* (const char *buffer, size_t length) */
ntstatus_t sys_debug_print(struct trap_frame *f)
{
    uint64_t length = f->rsi;
    char text[DEBUG_PRINT_MAX];
    if (length > DEBUG_PRINT_MAX)
        return STATUS_INVALID_PARAMETER;
    /* Copied whole first, so a bad buffer prints nothing rather than half a line. */
    ntstatus_t st = copy_from_user(text, f->rdi, length);
    if (!nt_success(st))
        return st;
    const char *prefix = "debug: ";
    for (const char *p = prefix; *p; p++)
        console_putc(*p);
    for (uint64_t i = 0; i < length; i++)
        console_putc(text[i]);
    if (length == 0 || text[length - 1] != '\n')
        console_putc('\n');
    return STATUS_SUCCESS;
}
