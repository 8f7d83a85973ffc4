/*
 * From the boot entry to the end of a run.
 *
 * kernel_boot_entry() is called by start.S on the boot page tables with the protocol
 * magic and the physical address of what the boot path left. It turns that into the
 * kernel's own struct boot_info (copied, so no loader memory is needed afterwards) and
 * calls kernel_main(), which sets up the CPU, reports the machine and either runs the
 * in-kernel tests or, for now, ends the run.
 */
#include <stdint.h>

#include "arch/x86_64/gdt.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/qemu_exit.h"
#include "arch/x86_64/serial.h"
#include "arch/x86_64/tsc.h"
#include "arch/x86_64/usermode.h"
#include "boot_info.h"
#include "bootinfo.h"
#include "lib/ktest.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "first_program.h"
#include "mm_setup.h"
#include "multiboot2/multiboot2.h"
#include "options.h"

#define MIB (1024ull * 1024)

static struct boot_info boot_info;
static struct kernel_options options;

__attribute__((noreturn)) static void kernel_main(void);

static void print_memory_map(void)
{
    for (uint32_t i = 0; i < boot_info.mmap_count; i++) {
        const struct boot_mem_region *r = &boot_info.mmap[i];
        log_debug("  [0x%012llx-0x%012llx) %s", (unsigned long long)r->base,
                  (unsigned long long)(r->base + r->length), boot_mem_type_name(r->type));
    }
}

static void print_memory_summary(void)
{
    struct boot_mem_summary s;
    bootinfo_summarize(&boot_info, &s);
    /* Rounded to whole MiB so both boot paths print the same line for the same -m. */
    kprintf("memory: %llu MiB installed, %llu MiB usable\n",
            (unsigned long long)((s.installed + MIB / 2) / MIB),
            (unsigned long long)(s.usable / MIB));
    log_info("memory map: %u entries, firmware %llu KiB, reserved %llu KiB, RAM top 0x%llx",
             boot_info.mmap_count, (unsigned long long)(s.firmware / 1024),
             (unsigned long long)(s.reserved / 1024), (unsigned long long)s.ram_top);
}

void kernel_boot_entry(uint64_t magic, uint64_t info)
{
    const char *why = "unknown boot protocol";
    int ok = -1;

    serial_init();
    if (magic == MULTIBOOT2_BOOTLOADER_MAGIC)
        ok = multiboot2_parse(info, &boot_info, &why);
    else if (magic == BOOT_INFO_MAGIC)
        ok = bootinfo_accept((const struct boot_info *)(uintptr_t)info, &boot_info, &why);
    if (ok < 0) {
        kprintf("reservoir: cannot use what the boot loader passed: %s\n", why);
        qemu_exit(EXIT_EARLY_BOOT);
    }
    kernel_main();
}

static void kernel_main(void)
{
    gdt_init();
    idt_init();

    kprintf("Reservoir x86-64 kernel, booted by %s (%s)\n", boot_info.loader_name,
            boot_info.protocol == BOOT_PROTOCOL_UEFI ? "uefi" : "multiboot2");
    log_info("command line: %s", boot_info.cmdline);
    options_parse(boot_info.cmdline, &options);
    log_set_level(options.loglevel);

    if (boot_info.mmap_truncated)
        log_warn("memory map: the loader dropped entries past %u", BOOT_MMAP_MAX);
    bootinfo_normalize_mmap(&boot_info);
    print_memory_map();
    print_memory_summary();
    if (boot_info.initrd_size)
        log_info("initrd: %llu bytes at 0x%llx", (unsigned long long)boot_info.initrd_size,
                 (unsigned long long)boot_info.initrd_base);
    mm_setup(&boot_info);
    usermode_init();
    tsc_init();

    if (options.run_tests) {
        int failed = ktest_run(&options);
        kprintf("reservoir: tests done\n");
        qemu_exit(failed ? EXIT_FAILURE_CODE : EXIT_SUCCESS_CODE);
    }
    if (options.program_argc > 0) {
        uint32_t status;
        if (first_program_run(&boot_info, options.program_argc, options.program_argv,
                              options.program_command_line, &status) < 0)
            qemu_exit(EXIT_FAILURE_CODE);
        qemu_exit(status == 0 ? EXIT_SUCCESS_CODE : EXIT_FAILURE_CODE);
    }
    kprintf("reservoir: nothing more to run; goodbye\n");
    qemu_exit(EXIT_SUCCESS_CODE);
}

/* What every boot path must have handed over, checked on the machine itself. */
#include "lib/ktest.h"
#include "lib/string.h"

extern char __kernel_phys_start[], __kernel_phys_end[];

KTEST(boot, memory_map_is_sorted_and_disjoint)
{
    KASSERT(boot_info.mmap_count > 0);
    for (uint32_t i = 0; i + 1 < boot_info.mmap_count; i++) {
        const struct boot_mem_region *a = &boot_info.mmap[i], *b = &boot_info.mmap[i + 1];
        KEXPECT(a->length > 0);
        KEXPECT(a->base + a->length <= b->base);
        KEXPECT(a->base + a->length < b->base || a->type != b->type);
    }
}

KTEST(boot, kernel_image_lies_in_ram_given_to_the_os)
{
    uint64_t start = (uint64_t)(uintptr_t)__kernel_phys_start;
    uint64_t end = (uint64_t)(uintptr_t)__kernel_phys_end;
    KEXPECT_EQ(start, 0x100000);
    int covered = 0;
    for (uint32_t i = 0; i < boot_info.mmap_count; i++) {
        const struct boot_mem_region *r = &boot_info.mmap[i];
        if (r->base <= start && end <= r->base + r->length)
            covered = r->type == BOOT_MEM_USABLE || r->type == BOOT_MEM_RECLAIMABLE;
    }
    KEXPECT(covered);
}

KTEST(boot, summary_counts_most_of_the_ram)
{
    struct boot_mem_summary s;
    bootinfo_summarize(&boot_info, &s);
    KEXPECT(s.usable >= 32 * MIB);
    KEXPECT(s.usable <= s.installed);
    KEXPECT(s.installed <= s.ram_top);
    /* Firmware keeps some RAM, but never most of it. */
    KEXPECT(s.usable >= s.installed / 10 * 9);
}

KTEST(boot, command_line_and_loader_arrived)
{
    KEXPECT(strnlen(boot_info.loader_name, BOOT_LOADER_NAME_MAX) > 0);
    KEXPECT(boot_info.protocol == BOOT_PROTOCOL_MULTIBOOT2 ||
            boot_info.protocol == BOOT_PROTOCOL_UEFI);
    /* We are running tests, so the command line asked for them. */
    KEXPECT(options.run_tests);
    int found = 0;
    for (const char *p = boot_info.cmdline; *p; p++)
        found |= strncmp(p, "test", 4) == 0;
    KEXPECT(found);
}
