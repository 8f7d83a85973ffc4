/*
 * The memory manager's view of a user page table entry: what a leaf PTE of a process's
 * address space says about its page, present or not (NT keeps per-page state in its PTEs
 * the same way; Windows Internals, 7th ed., ch. 5 "Software PTEs").
 *
 * Every user leaf entry is one of four kinds:
 *
 *   zero        the page is not committed: reserved if a VAD covers it, else free;
 *   demand-zero not present; committed, no frame yet: the first touch allocates a zeroed
 *               frame (fault.c);
 *   parked      not present; committed with a frame that holds the page's contents, but
 *               the protection is PAGE_NOACCESS or has PAGE_GUARD, which no present
 *               entry can express (NT's transition PTE plays this part);
 *   present     a hardware PTE whose bits are derived from the protection.
 *
 * Layout (bit 0 decides whether the CPU looks at the rest):
 *
 *    63   62 ........ 52  51 ............ 12  11   10   9    8..1       0
 *   [NX] [  protection  ] [      frame      ] [C] [P] [N]  [hw bits] [present]
 *
 *   C  SWPTE_COMMITTED  set in every non-zero user leaf (so "committed" = "non-zero");
 *   P  SWPTE_PARKED     non-present entry whose frame field is valid;
 *   N  SWPTE_NEW        set only while as_allocate's commit is in progress, on the
 *                       demand-zero entries it wrote, so a failure can take exactly those
 *                       back; never seen outside the address-space lock;
 *   protection          the page's Win32 PAGE_* value (11 bits: base | GUARD | NOCACHE |
 *                       WRITECOMBINE), in every committed entry, present or not, so that
 *                       VirtualQuery reports it exactly.
 *
 * The CPU ignores bits 9-11 of a 4 KiB PTE and bits 52-58; bits 59-62 are protection-key
 * bits only when CR4.PKE is set, which Reservoir never does, so they are ignored too
 * (Intel SDM vol. 3A, 4.5, table 4-19). In a non-present entry the CPU ignores bits 1-63.
 *
 * Hardware bits of a present entry: P, U always; RW for PAGE_READWRITE and
 * PAGE_EXECUTE_READWRITE; NX unless the base protection is PAGE_EXECUTE*; PCD|PWT (UC)
 * for PAGE_NOCACHE; PCD (UC-, the closest the default PAT offers) for PAGE_WRITECOMBINE.
 */
#ifndef RESERVOIR_MM_SWPTE_H
#define RESERVOIR_MM_SWPTE_H

#include <stdint.h>

#include "nt_memory.h"
#include "pte.h"

#define SWPTE_NEW        (1ull << 9)
#define SWPTE_PARKED     (1ull << 10)
#define SWPTE_COMMITTED  (1ull << 11)
#define SWPTE_PROT_SHIFT 52
#define SWPTE_PROT_MASK  (0x7ffull << SWPTE_PROT_SHIFT)

/* The bits that give a committed page's state: committed, and its protection. */
#define SWPTE_STATE_MASK (SWPTE_COMMITTED | SWPTE_PROT_MASK)

/* The low byte of a protection: its one base protection (PAGE_NOACCESS ...). */
#define PAGE_BASE_MASK 0xffu

static inline int swpte_committed(pte_t e)
{
    return (e & SWPTE_COMMITTED) != 0;
}

static inline uint32_t swpte_protection(pte_t e)
{
    return (uint32_t)((e & SWPTE_PROT_MASK) >> SWPTE_PROT_SHIFT);
}

/* The state bits of a committed page with protection prot (see SWPTE_STATE_MASK). */
static inline pte_t swpte_state(uint32_t prot)
{
    return SWPTE_COMMITTED | ((pte_t)prot << SWPTE_PROT_SHIFT);
}

/* Whether the committed entry e owns a frame (present or parked). */
static inline int swpte_has_frame(pte_t e)
{
    return pte_present(e) || (e & SWPTE_PARKED) != 0;
}

/* The frame of a present or parked entry. */
static inline uint64_t swpte_frame(pte_t e)
{
    return pte_addr(e);
}

/* Whether a page with protection prot must stay non-present even with a frame. */
static inline int swpte_prot_inaccessible(uint32_t prot)
{
    return (prot & PAGE_BASE_MASK) == PAGE_NOACCESS || (prot & PAGE_GUARD) != 0;
}

static inline int swpte_prot_writable(uint32_t prot)
{
    uint32_t base = prot & PAGE_BASE_MASK;
    return base == PAGE_READWRITE || base == PAGE_EXECUTE_READWRITE;
}

static inline int swpte_prot_executable(uint32_t prot)
{
    uint32_t base = prot & PAGE_BASE_MASK;
    return base == PAGE_EXECUTE || base == PAGE_EXECUTE_READ ||
           base == PAGE_EXECUTE_READWRITE || base == PAGE_EXECUTE_WRITECOPY;
}

/* Whether prot is copy-on-write (only image pages are): writable, but the first write
   turns it into swpte_prot_written(prot) (fault.c). The hardware entry is read-only. */
static inline int swpte_prot_copy_on_write(uint32_t prot)
{
    uint32_t base = prot & PAGE_BASE_MASK;
    return base == PAGE_WRITECOPY || base == PAGE_EXECUTE_WRITECOPY;
}

/* A copy-on-write protection after the write: PAGE_WRITECOPY → PAGE_READWRITE,
   PAGE_EXECUTE_WRITECOPY → PAGE_EXECUTE_READWRITE, modifiers kept; others unchanged. */
static inline uint32_t swpte_prot_written(uint32_t prot)
{
    uint32_t base = prot & PAGE_BASE_MASK, modifiers = prot & ~PAGE_BASE_MASK;
    if (base == PAGE_WRITECOPY)
        return PAGE_READWRITE | modifiers;
    if (base == PAGE_EXECUTE_WRITECOPY)
        return PAGE_EXECUTE_READWRITE | modifiers;
    return prot;
}

/* The hardware bits of a present entry for an accessible protection prot. */
static inline pte_t swpte_hw_bits(uint32_t prot)
{
    pte_t bits = PTE_PRESENT | PTE_USER;
    if (swpte_prot_writable(prot))
        bits |= PTE_WRITABLE;
    if (!swpte_prot_executable(prot))
        bits |= PTE_NX;
    if (prot & PAGE_NOCACHE)
        bits |= PTE_PCD | PTE_PWT;
    if (prot & PAGE_WRITECOMBINE)
        bits |= PTE_PCD;
    return bits;
}

/* A demand-zero entry: committed, no frame, protection prot. */
static inline pte_t swpte_demand_zero(uint32_t prot)
{
    return swpte_state(prot);
}

/*
 * The entry of a committed page with protection prot whose contents are in frame (0 for
 * none): demand-zero without a frame; parked when prot is PAGE_NOACCESS or a guard page;
 * otherwise present. Every committed entry is built here.
 */
static inline pte_t swpte_make(uint64_t frame, uint32_t prot)
{
    if (frame == 0)
        return swpte_demand_zero(prot);
    if (swpte_prot_inaccessible(prot))
        return swpte_state(prot) | SWPTE_PARKED | frame;
    return swpte_state(prot) | swpte_hw_bits(prot) | frame;
}

/* The committed entry e with its protection changed to prot, frame kept. */
static inline pte_t swpte_with_protection(pte_t e, uint32_t prot)
{
    return swpte_make(swpte_has_frame(e) ? swpte_frame(e) : 0, prot);
}

#endif
