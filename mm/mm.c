/*
 * Bringing up the memory manager (mm.h): PFN database, page allocator, then the kernel
 * page table, in that order because each needs the one before.
 *
 * The kernel page table is built while the boot page tables are still active, so its
 * paging structures are written through the boot identity map. That works because the
 * page allocator hands out the lowest free frames first and the tables are few (a PML4,
 * a PDPT per 512 GiB, a PD per GiB without 1 GiB pages, a few PTs for the image): they
 * land just above the kernel image, far below 4 GiB. mm_init checks it rather than
 * trusting it (layout->boot_table_limit).
 */
#include "mm.h"

#include "arch.h"
#include "lib/log.h"
#include "page_alloc.h"

struct page_table kernel_page_table;

/* RAM the direct map covers: every type but holes for devices and firmware reservations. */
static int direct_mapped(uint32_t type)
{
    return type != BOOT_MEM_MMIO && type != BOOT_MEM_RESERVED && type != BOOT_MEM_BAD;
}

/* The largest page that fits at pa with remaining bytes left. */
static uint64_t page_size_at(uint64_t va, uint64_t pa, uint64_t remaining)
{
    if (arch_has_1g_pages() && ((va | pa) & (HUGE_PAGE_SIZE - 1)) == 0 &&
        remaining >= HUGE_PAGE_SIZE)
        return HUGE_PAGE_SIZE;
    if (((va | pa) & (LARGE_PAGE_SIZE - 1)) == 0 && remaining >= LARGE_PAGE_SIZE)
        return LARGE_PAGE_SIZE;
    return PAGE_SIZE;
}

/* Maps [pa, pa + size) at base + pa with the largest pages that fit. */
static ntstatus_t map_direct_range(uint64_t base, uint64_t pa, uint64_t size,
                                   struct tlb_batch *tlb)
{
    const uint64_t flags = PTE_WRITABLE | PTE_NX | PTE_GLOBAL;
    uint64_t end = pa + size;
    while (pa < end) {
        uint64_t step = page_size_at(base + pa, pa, end - pa);
        ntstatus_t st = step == PAGE_SIZE
                            ? pt_map(&kernel_page_table, base + pa, pa, flags, tlb)
                            : pt_map_large(&kernel_page_table, base + pa, pa, step, flags, tlb);
        if (!nt_success(st))
            return st;
        pa += step;
    }
    return STATUS_SUCCESS;
}

static ntstatus_t map_direct(const struct boot_info *bi, uint64_t base, struct tlb_batch *tlb)
{
    uint64_t mapped_end = 0;
    for (uint32_t i = 0; i < bi->mmap_count; i++) {
        const struct boot_mem_region *r = &bi->mmap[i];
        if (!direct_mapped(r->type))
            continue;
        /* Firmware ranges need not be page-aligned: cover every page they touch. */
        uint64_t start = r->base & ~(PAGE_SIZE - 1);
        uint64_t end = (r->base + r->length + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
        if (end > DIRECT_MAP_SIZE) {
            log_error("mm: RAM at 0x%llx-0x%llx lies beyond the %llu GiB direct map",
                      (unsigned long long)start, (unsigned long long)end,
                      (unsigned long long)(DIRECT_MAP_SIZE >> 30));
            return STATUS_INSUFFICIENT_RESOURCES;
        }
        /* The map is sorted: a page shared with an earlier range is mapped already. */
        if (start < mapped_end)
            start = mapped_end;
        if (start >= end)
            continue;
        ntstatus_t st = map_direct_range(base, start, end - start, tlb);
        if (!nt_success(st))
            return st;
        mapped_end = end;
    }
    return STATUS_SUCCESS;
}

static ntstatus_t map_kernel_image(const struct mm_layout *layout, struct tlb_batch *tlb)
{
    for (unsigned i = 0; i < layout->map_count; i++) {
        const struct mm_kernel_mapping *m = &layout->maps[i];
        uint64_t pages = (m->size + PAGE_SIZE - 1) / PAGE_SIZE;
        for (uint64_t p = 0; p < pages; p++) {
            ntstatus_t st = pt_map(&kernel_page_table, m->va + p * PAGE_SIZE,
                                   m->pa + p * PAGE_SIZE, m->flags | PTE_GLOBAL, tlb);
            if (!nt_success(st)) {
                log_error("mm: cannot map the kernel's %s at 0x%llx: 0x%x", m->what,
                          (unsigned long long)(m->va + p * PAGE_SIZE), (unsigned)st);
                return st;
            }
        }
    }
    return STATUS_SUCCESS;
}

/* Every paging structure so far must be reachable through the boot identity map. */
static ntstatus_t check_tables_below(uint64_t limit)
{
    for (uint64_t f = 0; limit && f < pfn_count; f++) {
        if (pfn_array[f].state == PFN_PAGETABLE && (f + 1) * PAGE_SIZE > limit) {
            log_error("mm: page table frame 0x%llx lies above the boot map's 0x%llx",
                      (unsigned long long)(f * PAGE_SIZE), (unsigned long long)limit);
            return STATUS_INSUFFICIENT_RESOURCES;
        }
    }
    return STATUS_SUCCESS;
}

ntstatus_t mm_init(const struct boot_info *bi, const struct mm_layout *layout)
{
    ntstatus_t st = pfn_init(bi, layout->keep, layout->keep_count);
    if (!nt_success(st))
        return st;
    page_alloc_init();

    struct tlb_batch tlb;
    tlb_batch_init(&tlb);
    st = pt_create(&kernel_page_table);
    if (nt_success(st))
        st = map_direct(bi, layout->direct_map_base, &tlb);
    if (nt_success(st))
        st = map_kernel_image(layout, &tlb);
    if (nt_success(st))
        st = pt_prepare_kernel_half(&kernel_page_table);
    if (nt_success(st))
        st = check_tables_below(layout->boot_table_limit);
    if (!nt_success(st))
        return st;

    /* The new table is not active yet, so nothing was queued for invalidation. */
    arch_load_root(kernel_page_table.root);
    direct_map_base = layout->direct_map_base;
    pfn_relocate();
    return STATUS_SUCCESS;
}
