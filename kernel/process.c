/*
 * Creating and running a process (process.h).
 *
 * The image is mapped the way Windows maps an executable: one image view (MEM_IMAGE,
 * as_reserve_image) spans it, so that its sections, which gcc packs into adjacent pages
 * of one 64 KiB granule, share a single allocation; each segment then gets its own
 * protection, writable ones copy-on-write. The stack is Windows':
 * a 1 MiB reservation with its top page committed and a guard page below, grown on demand
 * (mm/user_stack.h). A TEB is filled as Windows x64 lays it out where userlib reads it
 * (userlib/crt/teb.h), and the arguments go on the top of the stack.
 *
 * All copies into the new address space go through copy_to_user with its page table
 * active, so the demand-zero faults they take are resolved by the normal fault path.
 */
#include "process.h"

#include <stddef.h>

#include "arch/x86_64/usercopy.h"
#include "arch/x86_64/usermode.h"
#include "lib/log.h"
#include "lib/string.h"
#include "loader/elf_image.h"
#include "mm/arch.h"
#include "mm/mm.h"
#include "nt_memory.h"
#include "process_environment.h"

/* TEB offsets and size (Windows x64: NT_TIB in winnt.h; the rest as the x64 TEB has it). */
#define TEB_STACK_BASE          0x08
#define TEB_STACK_LIMIT         0x10
#define TEB_SELF                0x30
#define TEB_PROCESS_ID          0x40
#define TEB_THREAD_ID           0x48
#define TEB_PEB                 0x60
#define TEB_DEALLOCATION_STACK  0x1478
#define TEB_SIZE                0x1838

#define FIRST_PROCESS_ID  0x40      /* Windows ids are multiples of 4 */
#define ARGS_BYTES_MAX    4096

struct process *current_process;
static struct process the_process;
static uint64_t next_process_id = FIRST_PROCESS_ID;

static uint32_t segment_protect(uint32_t flags)
{
    switch (elf_image_segment_protection(flags)) {
    case ELF_PROT_READONLY: return PAGE_READONLY;
    case ELF_PROT_READWRITE: return PAGE_READWRITE;
    case ELF_PROT_READEXECUTE: return PAGE_EXECUTE_READ;
    case ELF_PROT_READWRITEEXECUTE: return PAGE_EXECUTE_READWRITE;
    default: return PAGE_NOACCESS;
    }
}

static ntstatus_t allocate(struct process *p, uint64_t base, uint64_t size, uint32_t type,
                           uint32_t protect, uint64_t *out)
{
    ntstatus_t st = as_allocate(&p->as, &base, &size, type, protect);
    if (nt_success(st) && out)
        *out = base;
    return st;
}

static ntstatus_t map_image(struct process *p, const uint8_t *image,
                            const struct elf_image_info *info)
{
    /* An image view starts on a 64 KiB boundary, as every allocation does. */
    uint64_t base = info->image_start & ~(ALLOCATION_GRANULARITY - 1);
    uint64_t span = info->image_end - base;
    ntstatus_t st = as_reserve_image(&p->as, base, span);
    if (!nt_success(st))
        return st;
    for (uint32_t i = 0; i < info->segment_count; i++) {
        const struct elf_image_segment *s = &info->segments[i];
        st = copy_to_user(s->vaddr, image + s->offset, s->filesz);
        if (!nt_success(st))
            return st;
    }
    /* Pages outside every segment are read-only, as a PE's headers are; each segment then
       gets its own rights (a writable one becomes PAGE_WRITECOPY: as_reserve_image). */
    uint64_t all = base, all_size = span;
    uint32_t old;
    st = as_protect(&p->as, &all, &all_size, PAGE_READONLY, &old);
    if (!nt_success(st))
        return st;
    for (uint32_t i = 0; i < info->segment_count; i++) {
        const struct elf_image_segment *s = &info->segments[i];
        uint64_t base = s->vaddr, size = s->memsz;
        uint32_t old;
        st = as_protect(&p->as, &base, &size, segment_protect(s->flags), &old);
        if (!nt_success(st))
            return st;
    }
    return STATUS_SUCCESS;
}

/*
 * Lays out argv at the top of the stack: the strings, then the pointer array (NULL
 * terminated), leaving RSP 16-byte aligned. Returns the argv address in *argv_user and
 * the initial RSP in *rsp.
 */
static ntstatus_t push_arguments(struct process *p, int argc, char *const argv[],
                                 uint64_t *argv_user, uint64_t *rsp)
{
    uint64_t pointers[PROCESS_ARGS_MAX + 1];
    uint64_t top = p->stack.base, used = 0;

    if (argc < 0 || argc > PROCESS_ARGS_MAX)
        return STATUS_INVALID_PARAMETER;
    for (int i = argc - 1; i >= 0; i--) {
        uint64_t len = strlen(argv[i]) + 1;
        used += len;
        if (used > ARGS_BYTES_MAX)
            return STATUS_INVALID_PARAMETER;
        pointers[i] = top - used;
        ntstatus_t st = copy_to_user(pointers[i], argv[i], len);
        if (!nt_success(st))
            return st;
    }
    pointers[argc] = 0;
    uint64_t array = (top - used - (uint64_t)(argc + 1) * 8) & ~15ull;
    ntstatus_t st = copy_to_user(array, pointers, (uint64_t)(argc + 1) * 8);
    if (!nt_success(st))
        return st;
    *argv_user = array;
    /* As after a call: the ABI wants RSP + 8 16-byte aligned at a function's entry, and
       _start is entered, not called, with RSP itself aligned. */
    *rsp = array;
    return STATUS_SUCCESS;
}

static ntstatus_t make_teb(struct process *p)
{
    ntstatus_t st = allocate(p, 0, TEB_SIZE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE,
                             &p->teb);
    if (!nt_success(st))
        return st;
    const struct {
        uint64_t offset, value;
    } fields[] = {
        { TEB_STACK_BASE, p->stack.base },
        { TEB_STACK_LIMIT, p->stack.limit },
        { TEB_DEALLOCATION_STACK, p->stack.deallocation },
        { TEB_SELF, p->teb },
        { TEB_PROCESS_ID, p->id },
        { TEB_THREAD_ID, p->id + 4 },
    };
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        st = copy_to_user(p->teb + fields[i].offset, &fields[i].value, 8);
        if (!nt_success(st))
            return st;
    }
    return STATUS_SUCCESS;
}

/*
 * The PEB (process_environment.h), named in the TEB: the image base is the allocation
 * base of the image's reservation, which map_image placed at image_start rounded down
 * to the allocation granularity.
 */
static ntstatus_t attach_environment(struct process *p, const struct elf_image_info *info,
                                     int argc, char *const argv[], const char *command_line)
{
    uint64_t peb;
    uint64_t image_base = info->image_start & ~(ALLOCATION_GRANULARITY - 1);
    ntstatus_t st = process_environment_create(p, image_base, argc > 0 ? argv[0] : "",
                                               command_line ? command_line : "", &peb);
    if (nt_success(st))
        st = copy_to_user(p->teb + TEB_PEB, &peb, sizeof(peb));
    return st;
}

static ntstatus_t start(struct process *p, const void *image, uint64_t size, int argc,
                        char *const argv[], const char *command_line, uint32_t *exit_status)
{
    struct elf_image_info info;
    const char *why = NULL;
    ntstatus_t st = elf_image_check(image, size, &info, &why);
    if (!nt_success(st)) {
        log_error("process: %s is not an executable Reservoir can run: %s",
                  argc > 0 ? argv[0] : "the program", why ? why : "invalid image");
        return st;
    }
    st = map_image(p, image, &info);
    if (nt_success(st))
        st = user_stack_create(&p->as, USER_STACK_DEFAULT_RESERVE, USER_STACK_DEFAULT_COMMIT,
                               &p->stack);
    if (nt_success(st))
        st = make_teb(p);
    /* Arguments longer than the committed page grow the stack through its guard page,
       as the program's own pushes will (the TEB hears of it). */
    uint64_t argv_user, rsp;
    if (nt_success(st))
        st = push_arguments(p, argc, argv, &argv_user, &rsp);
    if (nt_success(st))
        st = attach_environment(p, &info, argc, argv, command_line);
    if (!nt_success(st))
        return st;
    *exit_status = (uint32_t)user_run(info.entry, rsp, p->teb, (uint64_t)argc, argv_user,
                                      p->teb);
    return STATUS_SUCCESS;
}

ntstatus_t process_stack_guard_hit(struct process *p, uint64_t va)
{
    uint64_t limit = p->stack.limit;
    ntstatus_t st = user_stack_grow(&p->as, &p->stack, va);
    if (st == STATUS_STACK_OVERFLOW)
        p->stack_overflow_at = va;
    /* The TEB only informs the program; the kernel decides from p->stack. A TEB the
       program made unwritable simply keeps the old value. */
    if (p->stack.limit != limit && p->teb)
        (void)copy_to_user(p->teb + TEB_STACK_LIMIT, &p->stack.limit, 8);
    return st;
}

ntstatus_t process_run(const void *image, uint64_t size, int argc, char *const argv[],
                       const char *command_line, uint32_t *exit_status)
{
    struct process *p = &the_process;
    memset(p, 0, sizeof(*p));
    p->id = next_process_id;
    next_process_id += 4;
    ntstatus_t st = as_create(&p->as, &kernel_page_table);
    if (!nt_success(st))
        return st;
    current_process = p;
    arch_load_root(p->as.pt.root);

    st = start(p, image, size, argc, argv, command_line, exit_status);

    arch_load_root(kernel_page_table.root);
    current_process = NULL;
    as_destroy(&p->as);
    return st;
}
