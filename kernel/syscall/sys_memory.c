/*
 * The virtual-memory system calls: NtAllocateVirtualMemory, NtFreeVirtualMemory,
 * NtProtectVirtualMemory and NtQueryVirtualMemory with NT's parameters. Each copies its
 * in/out arguments from user memory first (a bad pointer is STATUS_ACCESS_VIOLATION,
 * before anything changes), calls the address-space operation, and copies the results
 * back. The copies in and the copies out each go in one batch (copy_user_batch: SMAP
 * opened once). Only the current-process pseudo handle resolves until there are process
 * handles.
 */
#include "sys_memory.h"

#include "arch/x86_64/usercopy.h"
#include "nt_memory.h"
#include "process.h"
#include "syscall_numbers.h"

#define MEMORY_BASIC_INFORMATION_CLASS 0

static struct address_space *resolve(uint64_t handle, ntstatus_t *status)
{
    if (handle != NT_CURRENT_PROCESS || !current_process) {
        *status = STATUS_INVALID_HANDLE;
        return NULL;
    }
    return &current_process->as;
}

/* Reads the *BaseAddress and *RegionSize in/out arguments. */
static ntstatus_t read_range(uint64_t base_ptr, uint64_t size_ptr, uint64_t *base,
                             uint64_t *size)
{
    struct user_copy copies[] = {
        user_read(base, base_ptr, sizeof(*base)),
        user_read(size, size_ptr, sizeof(*size)),
    };
    return copy_user_batch(copies, 2);
}

static ntstatus_t write_range(uint64_t base_ptr, uint64_t size_ptr, uint64_t base,
                              uint64_t size)
{
    struct user_copy copies[] = {
        user_write(base_ptr, &base, sizeof(base)),
        user_write(size_ptr, &size, sizeof(size)),
    };
    return copy_user_batch(copies, 2);
}

/* (Process, PVOID *BaseAddress, ULONG_PTR ZeroBits, PSIZE_T RegionSize, ULONG
   AllocationType, ULONG Protect) */
ntstatus_t sys_allocate_virtual_memory(struct trap_frame *f)
{
    ntstatus_t st;
    struct address_space *as = resolve(f->rdi, &st);
    if (!as)
        return st;
    /* ZeroBits asks for an address with that many high zero bits; only 0 is supported. */
    if (f->rdx != 0)
        return STATUS_INVALID_PARAMETER_3;
    uint64_t base, size;
    st = read_range(f->rsi, f->r10, &base, &size);
    if (!nt_success(st))
        return st;
    st = as_allocate(as, &base, &size, (uint32_t)f->r8, (uint32_t)f->r9);
    if (!nt_success(st))
        return st;
    return write_range(f->rsi, f->r10, base, size);
}

/* (Process, PVOID *BaseAddress, PSIZE_T RegionSize, ULONG FreeType) */
ntstatus_t sys_free_virtual_memory(struct trap_frame *f)
{
    ntstatus_t st;
    struct address_space *as = resolve(f->rdi, &st);
    if (!as)
        return st;
    uint64_t base, size;
    st = read_range(f->rsi, f->rdx, &base, &size);
    if (!nt_success(st))
        return st;
    st = as_free(as, &base, &size, (uint32_t)f->r10);
    if (!nt_success(st))
        return st;
    return write_range(f->rsi, f->rdx, base, size);
}

/* (Process, PVOID *BaseAddress, PSIZE_T RegionSize, ULONG NewProtect, PULONG OldProtect) */
ntstatus_t sys_protect_virtual_memory(struct trap_frame *f)
{
    ntstatus_t st;
    struct address_space *as = resolve(f->rdi, &st);
    if (!as)
        return st;
    /* OldProtect must be writable before anything changes: probe it as ProbeForWrite
       does, by writing back what is there. */
    uint64_t base, size;
    uint32_t old;
    struct user_copy in[] = {
        user_read(&base, f->rsi, sizeof(base)),
        user_read(&size, f->rdx, sizeof(size)),
        user_read(&old, f->r8, sizeof(old)),
        user_write(f->r8, &old, sizeof(old)),
    };
    st = copy_user_batch(in, 4);
    if (!nt_success(st))
        return st;
    st = as_protect(as, &base, &size, (uint32_t)f->r10, &old);
    if (!nt_success(st))
        return st;
    struct user_copy out[] = {
        user_write(f->rsi, &base, sizeof(base)),
        user_write(f->rdx, &size, sizeof(size)),
        user_write(f->r8, &old, sizeof(old)),
    };
    return copy_user_batch(out, 3);
}

/* (Process, PVOID BaseAddress, MEMORY_INFORMATION_CLASS, PVOID Buffer, SIZE_T Length,
   PSIZE_T ResultLength) */
ntstatus_t sys_query_virtual_memory(struct trap_frame *f)
{
    ntstatus_t st;
    struct address_space *as = resolve(f->rdi, &st);
    if (!as)
        return st;
    if (f->rdx != MEMORY_BASIC_INFORMATION_CLASS)
        return STATUS_INVALID_INFO_CLASS;
    if (f->r8 < sizeof(struct memory_basic_information))
        return STATUS_INFO_LENGTH_MISMATCH;
    struct memory_basic_information info;
    st = as_query(as, f->rsi, &info);
    if (!nt_success(st))
        return st;
    uint64_t length = sizeof(info);
    struct user_copy out[] = {
        user_write(f->r10, &info, sizeof(info)),
        user_write(f->r9, &length, sizeof(length)),
    };
    return copy_user_batch(out, f->r9 ? 2 : 1);
}
