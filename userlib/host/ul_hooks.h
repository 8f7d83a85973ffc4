/*
 * Host tests only: the test side of userlib's platform hooks (hooks.c), which stand in
 * for the system-call stubs: __console_write captures the console, __process_exit jumps
 * back to the test, __pages_alloc/__pages_free count what is outstanding.
 */
#ifndef RESERVOIR_USERLIB_HOST_HOOKS_H
#define RESERVOIR_USERLIB_HOST_HOOKS_H

#include <stddef.h>

/* Everything __console_write received since the last clear, NUL-terminated. */
const char *hook_console(void);
size_t hook_console_length(void);
int hook_console_writes(void);              /* calls since the last clear */
void hook_console_clear(void);
/* From now on __console_write writes at most `max` bytes a call (0: no limit), and fails
 * (returns -1) once `fail_after` more calls have succeeded (-1: never). */
void hook_console_limit(size_t max, int fail_after);

/* Runs fn(arg); returns 1 and sets *code if it ended the process, else 0. */
int hook_run_until_exit(void (*fn)(void *), void *arg, int *code);

size_t hook_pages_outstanding(void);        /* bytes allocated and not freed */
void hook_pages_fail_after(long calls);     /* -1: never fail */

#endif
