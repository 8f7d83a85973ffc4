/*
 * Host tests only: include after the host's own headers. From this point on, the
 * standard names in the test (strlen, printf, malloc, errno, ...) mean userlib's
 * functions, renamed ul_* by ul_rename.h, exactly as userlib's sources were compiled.
 * A test that also wants glibc's version, as an oracle, wraps it in a host_ function
 * before including this header. host_printf below prints to the real stdout (TAP).
 */
#ifndef RESERVOIR_USERLIB_HOST_H
#define RESERVOIR_USERLIB_HOST_H

#include <stdarg.h>
#include <stdio.h>

#include "ul_hooks.h"

__attribute__((format(printf, 1, 2), unused)) static int host_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

#include "ul_rename.h"

/* glibc's versions of these have the same tokens; drop them to be safe. */
#undef EOF
#undef EXIT_SUCCESS
#undef EXIT_FAILURE
#undef ENOMEM
#undef EINVAL
#undef EDOM
#undef ERANGE

#include "../include/errno.h"
#include "../include/stdio.h"
#include "../include/stdlib.h"
#include "../include/string.h"
#include "../crt/console.h"
#include "../crt/runtime.h"
#include "../kernel32/error_map.h"

#endif
