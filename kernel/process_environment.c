/* Placing a new process's PEB (process_environment.h). */
#include "process_environment.h"

#include "arch/x86_64/usercopy.h"
#include "mm/kheap.h"
#include "nt_memory.h"
#include "peb.h"

ntstatus_t process_environment_create(struct process *p, uint64_t image_base,
                                      const char *image_path, const char *command_line,
                                      uint64_t *peb)
{
    size_t size = peb_block_size(image_path, command_line);
    if (size == 0)
        return STATUS_INVALID_PARAMETER;
    uint8_t *block = kmalloc(size);
    if (!block)
        return STATUS_NO_MEMORY;
    uint64_t base = 0, region = size;
    ntstatus_t st = as_allocate(&p->as, &base, &region, MEM_RESERVE | MEM_COMMIT,
                                PAGE_READWRITE);
    if (nt_success(st)) {
        peb_build(block, size, base, image_base, image_path, command_line);
        st = copy_to_user(base, block, size);
    }
    kfree(block);
    if (nt_success(st))
        *peb = base;
    return st;
}
