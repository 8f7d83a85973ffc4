/*
 * Page faults on user addresses: what the memory manager does when an access to a page of
 * an address space faults (NT's MmAccessFault for private memory).
 *
 * The PTE alone decides (swpte.h), in this order:
 *   1. not committed (zero PTE: free or reserved)            → STATUS_ACCESS_VIOLATION;
 *   2. the page's protection does not allow the access       → STATUS_ACCESS_VIOLATION
 *      (PAGE_NOACCESS; a write to a page without write access, copy-on-write counting as
 *      write access; an execute of a page
 *      without execute access: DEP is always on);
 *   3. a guard page: the guard is cleared, the page keeps its base protection, and the
 *      fault ends with STATUS_GUARD_PAGE_VIOLATION. The access is not retried here:
 *      Windows raises the exception, and the access runs again only if the program
 *      continues (Microsoft Learn, "Creating Guard Pages");
 *   4a. a write to a copy-on-write page (PAGE_WRITECOPY, PAGE_EXECUTE_WRITECOPY: image
 *      pages, address_space.h): every frame is already private to its address space, so
 *      the copy NT would make is not needed; the page takes the written protection
 *      (PAGE_READWRITE, PAGE_EXECUTE_READWRITE), as NT's copied page does, and goes on
 *      to rule 4 if it has no frame yet                        → STATUS_SUCCESS;
 *   4. demand-zero: a zeroed frame (PAGE_ALLOC_ZEROED) becomes the page, with a present
 *      PTE built from its protection                          → STATUS_SUCCESS;
 *   5. present with sufficient rights: the TLB held a stale translation; it is dropped
 *                                                             → STATUS_SUCCESS.
 * Rule 2 before rule 3 follows NT (ReactOS MiAccessCheck checks the protection, then the
 * guard): a write to a read-only guard page is an access violation and keeps its guard.
 * PAGE_EXECUTE pages can be read: x86 page tables cannot express execute-only.
 */
#ifndef RESERVOIR_MM_FAULT_H
#define RESERVOIR_MM_FAULT_H

#include <stdint.h>

#include "address_space.h"
#include "ntstatus.h"

enum fault_access {
    FAULT_READ,
    FAULT_WRITE,
    FAULT_EXECUTE,
};

/*
 * Resolves a fault at va (any byte of the page) for an access of kind access, from user
 * mode (user != 0) or from the kernel touching user memory. Addresses above
 * USER_MAX_ADDRESS are never an address space's: STATUS_ACCESS_VIOLATION. Returns
 * STATUS_SUCCESS (retry the access), STATUS_GUARD_PAGE_VIOLATION,
 * STATUS_ACCESS_VIOLATION, or STATUS_NO_MEMORY when no frame is left for a demand-zero
 * page (commit charge counts pages, but page tables and the heap use frames too).
 * Lock: takes as->lock; the caller must not hold it. as's page table is the active one.
 */
ntstatus_t as_handle_fault(struct address_space *as, uint64_t va, enum fault_access access,
                           int user);

#endif
