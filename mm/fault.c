/*
 * The page-fault path for user memory (fault.h): read the PTE, judge the access by the
 * page's protection, then clear a guard, end a copy-on-write, supply a zeroed frame, or
 * drop a stale TLB entry.
 */
#include "fault.h"

#include "arch.h"
#include "lib/panic.h"
#include "page_alloc.h"
#include "pagetable.h"
#include "swpte.h"

/* Whether protection prot allows access (the base protection only; modifiers aside). */
static int access_allowed(uint32_t prot, enum fault_access access)
{
    uint32_t base = prot & PAGE_BASE_MASK;
    if (base == PAGE_NOACCESS)
        return 0;
    switch (access) {
    case FAULT_READ:
        return 1;       /* every other base protection reads, PAGE_EXECUTE included */
    case FAULT_WRITE:
        return swpte_prot_writable(prot) || swpte_prot_copy_on_write(prot);
    case FAULT_EXECUTE:
        return swpte_prot_executable(prot);
    }
    return 0;
}

/* Rule 3: the guard goes, the page keeps its frame (if any) and its base protection. */
static void clear_guard_locked(struct address_space *as, uint64_t page, pte_t e,
                               struct tlb_batch *tlb)
{
    ASSERT(spin_held(&as->lock));
    ntstatus_t status = pt_write_entry(&as->pt, page,
                                       swpte_with_protection(e, swpte_protection(e) &
                                                                ~PAGE_GUARD),
                                       tlb);
    ASSERT(status == STATUS_SUCCESS);   /* the entry was non-zero: its table exists */
}

/* Rule 4: a zeroed frame for the demand-zero page at page. */
static ntstatus_t supply_zero_page_locked(struct address_space *as, uint64_t page, pte_t e,
                                          struct tlb_batch *tlb)
{
    ASSERT(spin_held(&as->lock));
    uint64_t frame;
    if (page_alloc_frame(PAGE_ALLOC_ZEROED, PFN_PRIVATE, &frame) != STATUS_SUCCESS)
        return STATUS_NO_MEMORY;
    ntstatus_t status = pt_write_entry(&as->pt, page,
                                       swpte_make(frame, swpte_protection(e)), tlb);
    ASSERT(status == STATUS_SUCCESS);
    return STATUS_SUCCESS;
}

static ntstatus_t handle_fault_locked(struct address_space *as, uint64_t page,
                                      enum fault_access access, struct tlb_batch *tlb)
{
    ASSERT(spin_held(&as->lock));
    pte_t e;
    if (pt_read_entry(&as->pt, page, &e) != STATUS_SUCCESS || !swpte_committed(e))
        return STATUS_ACCESS_VIOLATION;                         /* 1: free or reserved */
    uint32_t prot = swpte_protection(e);
    if (!access_allowed(prot, access))
        return STATUS_ACCESS_VIOLATION;                         /* 2 */
    if (prot & PAGE_GUARD) {
        clear_guard_locked(as, page, e, tlb);                   /* 3 */
        return STATUS_GUARD_PAGE_VIOLATION;
    }
    if (access == FAULT_WRITE && swpte_prot_copy_on_write(prot)) {
        /* 4a: the page is already private, so the "copy" is only the protection. */
        e = swpte_with_protection(e, swpte_prot_written(prot));
        if (swpte_has_frame(e)) {
            ntstatus_t status = pt_write_entry(&as->pt, page, e, tlb);
            ASSERT(status == STATUS_SUCCESS);
            return STATUS_SUCCESS;
        }
    }
    if (!swpte_has_frame(e))
        return supply_zero_page_locked(as, page, e, tlb);       /* 4 */
    /* An accessible page with a frame is present (swpte_make never parks it). */
    ASSERT(pte_present(e));
    tlb_batch_add(tlb, page, 0);                                /* 5: stale TLB entry */
    return STATUS_SUCCESS;
}

ntstatus_t as_handle_fault(struct address_space *as, uint64_t va, enum fault_access access,
                           int user)
{
    /*
     * User and kernel accesses to user memory are judged alike, by the page's protection
     * (a system service that touches a guard page gets STATUS_GUARD_PAGE_VIOLATION too);
     * above user space nothing is ours, whoever faulted.
     */
    (void)user;
    if (!va_is_canonical(va) || va > USER_MAX_ADDRESS)
        return STATUS_ACCESS_VIOLATION;

    struct tlb_batch tlb;
    tlb_batch_init(&tlb);
    spin_lock(&as->lock);
    ntstatus_t status = handle_fault_locked(as, va & ~(PAGE_SIZE - 1), access, &tlb);
    tlb_batch_flush(&tlb, &as->pt);
    spin_unlock(&as->lock);
    return status;
}
