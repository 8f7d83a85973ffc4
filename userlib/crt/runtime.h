/*
 * userlib-internal: what the C library needs from the process below it, besides the
 * console (console.h). System-call stubs provide these later (VirtualAlloc/VirtualFree
 * behind the page functions, NtTerminateProcess behind __process_exit); host tests
 * provide their own (userlib/host/hooks.c).
 */
#ifndef RESERVOIR_USERLIB_CRT_RUNTIME_H
#define RESERVOIR_USERLIB_CRT_RUNTIME_H

#include <stddef.h>

/* Ends the process with this exit code. exit() has already flushed stdio. */
_Noreturn void __process_exit(int code);

/*
 * Committed, zero-filled, read-write memory: bytes is a multiple of 4096 and the result
 * is 4096-aligned, or NULL when there is none. __pages_free gets back exactly a pointer
 * and size that __pages_alloc handed out.
 */
void *__pages_alloc(size_t bytes);
void __pages_free(void *p, size_t bytes);

#endif
