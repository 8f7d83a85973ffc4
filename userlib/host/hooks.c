/*
 * Host tests only: userlib's platform hooks (crt/console.h, crt/runtime.h) for a Linux
 * test binary, with the controls of ul_hooks.h. Compiled as host code against glibc,
 * without the ul_ renaming.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ul_hooks.h"
#include "../crt/console.h"
#include "../crt/runtime.h"

#define CONSOLE_CAPTURE (1u << 20)

static char console[CONSOLE_CAPTURE + 1];
static size_t console_used;
static int console_writes;
static size_t console_max;              /* 0: no limit */
static int console_fail_after = -1;

int __console_write(const char *buf, size_t len)
{
    if (console_fail_after == 0)
        return -1;
    if (console_fail_after > 0)
        console_fail_after--;
    if (console_max && len > console_max)
        len = console_max;
    if (console_used + len > CONSOLE_CAPTURE) {
        fprintf(stderr, "hooks: console capture full\n");
        abort();
    }
    memcpy(console + console_used, buf, len);
    console_used += len;
    console[console_used] = '\0';
    console_writes++;
    if (getenv("TEST_VERBOSE"))
        fwrite(buf, 1, len, stdout);
    return (int)len;
}

const char *hook_console(void)
{
    return console;
}

size_t hook_console_length(void)
{
    return console_used;
}

int hook_console_writes(void)
{
    return console_writes;
}

void hook_console_clear(void)
{
    console_used = 0;
    console[0] = '\0';
    console_writes = 0;
}

void hook_console_limit(size_t max, int fail_after)
{
    console_max = max;
    console_fail_after = fail_after;
}

static jmp_buf *exit_target;
static int exit_code;

_Noreturn void __process_exit(int code)
{
    if (!exit_target) {
        fprintf(stderr, "hooks: unexpected __process_exit(%d); console:\n%s\n", code,
                console);
        abort();
    }
    jmp_buf *target = exit_target;
    exit_target = NULL;
    exit_code = code;
    longjmp(*target, 1);
}

int hook_run_until_exit(void (*fn)(void *), void *arg, int *code)
{
    jmp_buf target;
    if (setjmp(target)) {
        *code = exit_code;
        return 1;
    }
    exit_target = &target;
    fn(arg);
    exit_target = NULL;
    return 0;
}

/* Every run handed out, so __pages_free can check it gets back exactly that. */
struct run {
    void *p;
    size_t bytes;
};
static struct run *runs;
static size_t run_count, run_capacity;
static size_t pages_outstanding;
static long pages_fail_after = -1;

void *__pages_alloc(size_t bytes)
{
    if (bytes == 0 || bytes % 4096) {
        fprintf(stderr, "hooks: __pages_alloc(%zu): not whole pages\n", bytes);
        abort();
    }
    if (pages_fail_after == 0)
        return NULL;
    if (pages_fail_after > 0)
        pages_fail_after--;
    void *p = aligned_alloc(4096, bytes);
    if (!p)
        return NULL;
    memset(p, 0, bytes);
    if (run_count == run_capacity) {
        run_capacity = run_capacity ? 2 * run_capacity : 64;
        runs = realloc(runs, run_capacity * sizeof(*runs));
    }
    runs[run_count++] = (struct run){ p, bytes };
    pages_outstanding += bytes;
    return p;
}

void __pages_free(void *p, size_t bytes)
{
    for (size_t i = 0; i < run_count; i++) {
        if (runs[i].p == p) {
            if (runs[i].bytes != bytes) {
                fprintf(stderr, "hooks: __pages_free(%p, %zu): run has %zu bytes\n", p,
                        bytes, runs[i].bytes);
                abort();
            }
            runs[i] = runs[--run_count];
            pages_outstanding -= bytes;
            free(p);
            return;
        }
    }
    fprintf(stderr, "hooks: __pages_free(%p, %zu): not a run __pages_alloc gave\n", p, bytes);
    abort();
}

size_t hook_pages_outstanding(void)
{
    return pages_outstanding;
}

void hook_pages_fail_after(long calls)
{
    pages_fail_after = calls;
}
