/*
 * x86-64 paging-structure entries (Intel SDM vol. 3A, 4.5): the one place that knows
 * their bit layout. Four levels, 512 entries each: PML4 (level 4) → PDPT (3) → PD (2) →
 * PT (1). A PDPT entry with PS maps 1 GiB; a PD entry with PS maps 2 MiB.
 */
#ifndef RESERVOIR_MM_PTE_H
#define RESERVOIR_MM_PTE_H

#include <stdint.h>

typedef uint64_t pte_t;

#define PTE_PRESENT   (1ull << 0)
#define PTE_WRITABLE  (1ull << 1)
#define PTE_USER      (1ull << 2)
#define PTE_PWT       (1ull << 3)     /* write-through */
#define PTE_PCD       (1ull << 4)     /* cache disable */
#define PTE_ACCESSED  (1ull << 5)
#define PTE_DIRTY     (1ull << 6)
#define PTE_LARGE     (1ull << 7)     /* PS in a PDPT or PD entry; PAT in a PT entry */
#define PTE_GLOBAL    (1ull << 8)
#define PTE_NX        (1ull << 63)

/* Bits 9-11 and 52-58 are ignored by the CPU: the memory manager's own. */
#define PTE_SOFT_SHIFT 9
#define PTE_SOFT_MASK  (7ull << PTE_SOFT_SHIFT)

#define PTE_ADDR_MASK       0x000ffffffffff000ull   /* 4 KiB frame, bits 12-51 */
#define PTE_LARGE_ADDR_MASK 0x000fffffffe00000ull   /* 2 MiB frame */
#define PTE_HUGE_ADDR_MASK  0x000fffffc0000000ull   /* 1 GiB frame */

/* The flags a caller may ask for in a leaf mapping. */
#define PTE_LEAF_FLAGS (PTE_WRITABLE | PTE_USER | PTE_PWT | PTE_PCD | PTE_GLOBAL | PTE_NX | \
                        PTE_SOFT_MASK)

#define PT_ENTRIES 512
#define PT_LEVELS  4

/* Index of va in the table at level (4 = PML4 ... 1 = PT). */
static inline unsigned pt_index(uint64_t va, int level)
{
    return (unsigned)(va >> (12 + 9 * (level - 1))) & 511;
}

static inline uint64_t pte_addr(pte_t e)
{
    return e & PTE_ADDR_MASK;
}

static inline int pte_present(pte_t e)
{
    return (e & PTE_PRESENT) != 0;
}

/* Canonical: bits 63..47 all equal (48-bit virtual addresses). */
static inline int va_is_canonical(uint64_t va)
{
    uint64_t top = va >> 47;
    return top == 0 || top == 0x1ffff;
}

#endif
