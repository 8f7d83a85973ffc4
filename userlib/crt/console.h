/*
 * userlib-internal: the one way stdio reaches the console. Every byte printf, puts or
 * fprintf produce goes out through __console_write, in order, from stdio's buffers.
 *
 * The system-call stub comes with the kernel side; host tests provide a capturing one
 * (userlib/host/hooks.c).
 */
#ifndef RESERVOIR_USERLIB_CRT_CONSOLE_H
#define RESERVOIR_USERLIB_CRT_CONSOLE_H

#include <stddef.h>

/*
 * Writes len bytes of buf to the console. Returns how many were written (a short count
 * is allowed; stdio writes the rest), or 0 or a negative value on failure, after which
 * stdio drops the bytes and marks the stream's error indicator.
 */
int __console_write(const char *buf, size_t len);

#endif
