/*
 * The kernel's side of bringing up the memory manager: what mm_init must never hand out
 * (the kernel image, the initrd, the page holding GRUB's RSDP copy) and how the image's
 * sections are mapped (code read-execute, read-only data non-executable, data and bss
 * read-write non-executable). Everything else is mm/mm.c's portable work.
 */
#include "mm_setup.h"

#include "arch/x86_64/cpu.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "mm/arch.h"
#include "mm/commit.h"
#include "mm/mm.h"
#include "mm/pte.h"

extern char __kernel_phys_start[], __kernel_phys_end[];
extern char __text_start[], __rodata_start[], __data_start[], __kernel_virt_end[];

#define KEEP_MAX 4

static uint64_t image_pa(const char *va)
{
    return (uint64_t)(uintptr_t)va - KERNEL_IMAGE_BASE;
}

static struct mm_kernel_mapping section(const char *start, const char *end, uint64_t flags,
                                        const char *what)
{
    return (struct mm_kernel_mapping){
        .va = (uint64_t)(uintptr_t)start,
        .pa = image_pa(start),
        .size = (uint64_t)(end - start),
        .flags = flags,
        .what = what,
    };
}

void mm_setup(const struct boot_info *bi)
{
    struct mm_phys_range keep[KEEP_MAX];
    unsigned n = 0;
    keep[n++] = (struct mm_phys_range){
        (uint64_t)(uintptr_t)__kernel_phys_start,
        (uint64_t)(uintptr_t)(__kernel_phys_end - __kernel_phys_start), PFN_KERNEL,
        "kernel image" };
    if (bi->initrd_size)
        keep[n++] = (struct mm_phys_range){ bi->initrd_base, bi->initrd_size, PFN_KERNEL,
                                            "initrd" };
    if (bi->rsdp)
        keep[n++] = (struct mm_phys_range){ bi->rsdp & ~(PAGE_SIZE - 1), PAGE_SIZE,
                                            PFN_RESERVED, "ACPI RSDP" };

    const struct mm_kernel_mapping maps[] = {
        section(__text_start, __rodata_start, 0, "code"),
        section(__rodata_start, __data_start, PTE_NX, "read-only data"),
        section(__data_start, __kernel_virt_end, PTE_WRITABLE | PTE_NX, "data"),
    };
    const struct mm_layout layout = {
        .keep = keep,
        .keep_count = n,
        .maps = maps,
        .map_count = sizeof(maps) / sizeof(maps[0]),
        .direct_map_base = DIRECT_MAP_BASE,
        .boot_table_limit = 4ull << 30,     /* start.S identity-maps the first 4 GiB */
    };

    /* Global pages survive CR3 reloads: the kernel half is the same in every process. */
    write_cr4(read_cr4() | CR4_PGE);
    ntstatus_t st = mm_init(bi, &layout);
    if (!nt_success(st))
        panic("mm_init failed: 0x%x", (unsigned)st);

    struct mm_stats s;
    mm_stats(&s);
    /* No pagefile: commit is backed by RAM alone. Keep a sixteenth (at least 1 MiB) for
       what commit charge does not count: page tables, the kernel heap, kernel stacks. */
    uint64_t free_frames = s.by_state[PFN_FREE] + s.by_state[PFN_ZEROED];
    uint64_t reserve = free_frames / 16 > 256 ? free_frames / 16 : 256;
    commit_init(free_frames > reserve ? free_frames - reserve : 0);
    log_info("mm: %llu frames: %llu free, %llu kernel, %llu page tables, %llu reserved",
             (unsigned long long)s.total,
             (unsigned long long)(s.by_state[PFN_FREE] + s.by_state[PFN_ZEROED]),
             (unsigned long long)s.by_state[PFN_KERNEL],
             (unsigned long long)s.by_state[PFN_PAGETABLE],
             (unsigned long long)(s.by_state[PFN_RESERVED] + s.by_state[PFN_BAD]));
}
