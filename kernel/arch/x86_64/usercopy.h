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

/* One copy of a batch: size bytes between a kernel buffer and user memory. */
struct user_copy {
    void *buffer;           /* kernel memory */
    uint64_t user;          /* the user address */
    size_t size;
    int to_user;            /* 1: buffer to user memory; 0: user memory to buffer */
};

static inline struct user_copy user_read(void *dst, uint64_t user_src, size_t size)
{
    return (struct user_copy){ dst, user_src, size, 0 };
}

static inline struct user_copy user_write(uint64_t user_dst, const void *src, size_t size)
{
    return (struct user_copy){ (void *)(uintptr_t)src, user_dst, size, 1 };
}

/*
 * Performs count copies, in order, with SMAP opened once around all of them: a system
 * call that reads or writes several values gathers them here, because STAC and CLAC are
 * dear under QEMU TCG (each changes how the MMU checks accesses, so each ends the
 * translated block and goes back through QEMU's main loop: a few hundred cycles a pair).
 * Every range is checked before anything is copied; only the copy loop runs with SMAP
 * open. Returns STATUS_SUCCESS, or STATUS_ACCESS_VIOLATION: a range outside the user
 * half (nothing copied), or a fault (the copies before the faulting one done, that one
 * partly), as the same copies made one by one would leave it.
 */
ntstatus_t copy_user_batch(const struct user_copy *copies, unsigned count);

/*
 * For the trap handler: when frame is a kernel fault inside a user copy, points it at
 * the copy's fault exit and returns 1; otherwise returns 0.
 */
int usercopy_fixup(struct trap_frame *frame);

#endif
