/*
 * What the memory manager needs from the CPU, and nothing more.
 *
 * The mm core (everything in mm/) is portable C. The kernel implements this interface for
 * x86-64 (kernel/arch/x86_64/mm_arch.c); the host tests implement it with a simulated
 * physical memory and MMU (tests/host/sim_mmu.c) that walks the same page tables and
 * checks present, writable, user and NX bits as the hardware does, with a TLB of its own
 * so that a missing invalidation shows up as a stale translation.
 */
#ifndef RESERVOIR_MM_ARCH_H
#define RESERVOIR_MM_ARCH_H

#include <stdint.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE  4096ull
#define LARGE_PAGE_SIZE (2ull << 20)   /* 2 MiB */
#define HUGE_PAGE_SIZE  (1ull << 30)   /* 1 GiB */

/*
 * Physical memory is reached through the direct map: physical address pa is at virtual
 * address direct_map_base + pa. During early boot the kernel runs on identity-mapped boot
 * tables (base 0); mm_init moves it to DIRECT_MAP_BASE. On the host it is the address of
 * the simulated memory.
 */
extern uintptr_t direct_map_base;

static inline void *phys_to_virt(uint64_t pa)
{
    return (void *)(direct_map_base + (uintptr_t)pa);
}

/* Only for addresses inside the direct map. */
static inline uint64_t virt_to_phys(const void *va)
{
    return (uint64_t)((uintptr_t)va - direct_map_base);
}

/* Makes root_pa (a PML4's physical address) the active address space (CR3). */
void arch_load_root(uint64_t root_pa);

/* The active PML4's physical address. */
uint64_t arch_active_root(void);

/* Drops the TLB entry for one virtual address, global or not (INVLPG). */
void arch_invalidate_page(uint64_t va);

/* Drops every non-global TLB entry (CR3 reload). */
void arch_flush_tlb(void);

/* Drops every TLB entry, global ones included (CR4.PGE toggle). */
void arch_flush_tlb_all(void);

/* Fills one 4 KiB page with zeroes (8-byte stores: rep stosb is slow under TCG). */
void arch_zero_page(void *page);

/* The CPU's features the page-table code depends on. */
int arch_has_nx(void);
int arch_has_1g_pages(void);

#endif
