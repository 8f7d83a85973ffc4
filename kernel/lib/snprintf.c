/*
 * The kernel's snprintf and vsnprintf: format.c's engine with System V's rules (long is
 * 64 bits). userlib has its own pair with Microsoft's rules (userlib/libc/stdio.c).
 */
#include "format.h"

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    return format_to_buffer(buf, size, FORMAT_SYSV, fmt, ap);
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
