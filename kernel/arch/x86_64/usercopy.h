/*
 * Reading and writing user memory from the kernel, safely.
 *
 * Every user pointer a system call touches goes through these. The range is checked to
 * lie in the user half first (a kernel address is refused without being touched); the
 * copy itself runs with SMAP opened (STAC/CLAC) and a fault inside it, on a page that is
 * not mapped or not accessible, does not panic: the trap handler sends it to the copy's
 * fault exit (usercopy_fixup), and the caller gets STATUS_ACCESS_VIOLATION.
 */
#ifndef RESERVOIR_ARCH_USERCOPY_H
#define RESERVOIR_ARCH_USERCOPY_H

#include <stddef.h>
#include <stdint.h>

#include "ntstatus.h"
#include "trap.h"

/* 1 when [addr, addr + size) lies within the user half (size 0 always fits). */
int user_range_ok(uint64_t addr, uint64_t size);

/* Return STATUS_SUCCESS or STATUS_ACCESS_VIOLATION (nothing or part copied then). */
ntstatus_t copy_from_user(void *dst, uint64_t user_src, size_t size);
ntstatus_t copy_to_user(uint64_t user_dst, const void *src, size_t size);

/*
 * For the trap handler: when frame is a kernel fault inside a user copy, points it at
 * the copy's fault exit and returns 1; otherwise returns 0.
 */
int usercopy_fixup(struct trap_frame *frame);

#endif
