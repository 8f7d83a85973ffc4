/*
 * Running the first program: the kernel command line names it after `--`, with its
 * arguments (double quotes group words, as on Windows); it is looked up in the initrd
 * and run as the first process. Its exit status is printed as
 * "reservoir: exit status N", which tools/qemu-run.sh turns into its own exit status.
 */
#include "first_program.h"

#include <stddef.h>

#include "lib/log.h"
#include "loader/initrd.h"
#include "mm/arch.h"
#include "mm/pfn.h"
#include "process.h"

/* Names the files an initrd holds, for the message when the program is not there. */
static void list_initrd(const void *archive, uint64_t size)
{
    struct initrd_iter it;
    struct initrd_entry entry;
    initrd_iter_start(&it, archive, size);
    kprintf("reservoir: the initrd holds:");
    while (initrd_next(&it, &entry) == STATUS_SUCCESS)
        kprintf(" %s", entry.name);
    kprintf("\n");
}

/*
 * After a process, every frame it used must be back: no private frames, as many page
 * tables as before, and free + kernel frames as before (the kernel heap may keep a slab
 * or two, which is kernel memory, not a leak). Prints one line the test runner checks.
 */
static void check_frames_returned(const struct mm_stats *before)
{
    struct mm_stats after;
    mm_stats(&after);
    uint64_t pool_before = before->by_state[PFN_FREE] + before->by_state[PFN_ZEROED] +
                           before->by_state[PFN_KERNEL];
    uint64_t pool_after = after.by_state[PFN_FREE] + after.by_state[PFN_ZEROED] +
                          after.by_state[PFN_KERNEL];
    if (after.by_state[PFN_PRIVATE] == 0 &&
        after.by_state[PFN_PAGETABLE] == before->by_state[PFN_PAGETABLE] &&
        pool_after == pool_before) {
        kprintf("reservoir: every frame came back\n");
        return;
    }
    log_error("frame leak after the process: %llu private, %llu page tables (before %llu), "
              "free+kernel %llu (before %llu)",
              (unsigned long long)after.by_state[PFN_PRIVATE],
              (unsigned long long)after.by_state[PFN_PAGETABLE],
              (unsigned long long)before->by_state[PFN_PAGETABLE],
              (unsigned long long)pool_after, (unsigned long long)pool_before);
}

int first_program_run(const struct boot_info *bi, int argc, char *const argv[],
                      const char *command_line, uint32_t *exit_status)
{
    if (bi->initrd_size == 0) {
        log_error("no initrd: nothing holds the program '%s'", argv[0]);
        return -1;
    }
    const void *archive = phys_to_virt(bi->initrd_base);
    const char *why = NULL;
    if (!nt_success(initrd_check(archive, bi->initrd_size, &why))) {
        log_error("the initrd is malformed: %s", why ? why : "unknown reason");
        return -1;
    }
    const void *image;
    uint64_t image_size;
    if (!nt_success(initrd_find(archive, bi->initrd_size, argv[0], &image, &image_size))) {
        log_error("program '%s' is not in the initrd", argv[0]);
        list_initrd(archive, bi->initrd_size);
        return -1;
    }
    struct mm_stats before;
    mm_stats(&before);
    ntstatus_t st = process_run(image, image_size, argc, argv, command_line, exit_status);
    if (!nt_success(st)) {
        log_error("program '%s' could not start: status 0x%08x", argv[0], (unsigned)st);
        return -1;
    }
    check_frames_returned(&before);
    kprintf("reservoir: exit status %u\n", (unsigned)*exit_status);
    return 0;
}
