/* Safe copies between kernel and user memory (usercopy.h). */
#include "usercopy.h"

#include "nt_memory.h"
#include "usermode.h"

uint32_t usercopy_raw(void *dst, const void *src, uint64_t size);
extern char usercopy_fault[];

int user_range_ok(uint64_t addr, uint64_t size)
{
    if (size == 0)
        return 1;
    uint64_t end = addr + size;
    return end > addr && end <= USER_MAX_ADDRESS + 1;
}

static inline void smap_open(void)
{
    if (cpu_has_smap())
        __asm__ volatile("stac" : : : "memory");
}

static inline void smap_close(void)
{
    if (cpu_has_smap())
        __asm__ volatile("clac" : : : "memory");
}

ntstatus_t copy_from_user(void *dst, uint64_t user_src, size_t size)
{
    if (!user_range_ok(user_src, size))
        return STATUS_ACCESS_VIOLATION;
    smap_open();
    ntstatus_t status = (ntstatus_t)usercopy_raw(dst, (const void *)(uintptr_t)user_src, size);
    smap_close();
    return status;
}

ntstatus_t copy_to_user(uint64_t user_dst, const void *src, size_t size)
{
    if (!user_range_ok(user_dst, size))
        return STATUS_ACCESS_VIOLATION;
    smap_open();
    ntstatus_t status = (ntstatus_t)usercopy_raw((void *)(uintptr_t)user_dst, src, size);
    smap_close();
    return status;
}

ntstatus_t copy_user_batch(const struct user_copy *copies, unsigned count)
{
    for (unsigned i = 0; i < count; i++)
        if (!user_range_ok(copies[i].user, copies[i].size))
            return STATUS_ACCESS_VIOLATION;
    ntstatus_t status = STATUS_SUCCESS;
    smap_open();
    for (unsigned i = 0; i < count && status == STATUS_SUCCESS; i++) {
        const struct user_copy *c = &copies[i];
        void *user = (void *)(uintptr_t)c->user;
        status = (ntstatus_t)(c->to_user ? usercopy_raw(user, c->buffer, c->size)
                                         : usercopy_raw(c->buffer, user, c->size));
    }
    smap_close();
    return status;
}

int usercopy_fixup(struct trap_frame *frame)
{
    uint64_t start = (uint64_t)(uintptr_t)usercopy_raw;
    uint64_t fault_exit = (uint64_t)(uintptr_t)usercopy_fault;
    if ((frame->cs & 3) || frame->rip < start || frame->rip >= fault_exit)
        return 0;
    if (frame->vector != VEC_PAGE_FAULT && frame->vector != VEC_GENERAL_PROTECTION)
        return 0;
    frame->rip = fault_exit;
    return 1;
}
