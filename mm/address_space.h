/*
 * A process's user address space with Windows NT semantics: NtAllocateVirtualMemory,
 * NtFreeVirtualMemory, NtProtectVirtualMemory and NtQueryVirtualMemory
 * (MemoryBasicInformation) over private memory and the program's image
 * (as_reserve_image). docs/vm.md lists every rule implemented and its source.
 *
 * Two structures hold all of it, as in NT:
 *   - the VAD tree (vad.h): one VAD per reservation, with the allocation base and the
 *     protection given at reserve time. It changes only when a range is reserved or
 *     released; commits, decommits and protection changes never split a VAD.
 *   - the page table: per-page state in the leaf PTEs (swpte.h). A reserved page's PTE is
 *     zero; a committed page's PTE is present, demand-zero, or parked, and carries the
 *     page's protection in every case.
 *
 * Invariants (as_check verifies them):
 *   - every non-zero user leaf lies inside a VAD and is committed (SWPTE_COMMITTED);
 *   - commit_pages = the number of committed pages = this space's share of the commit
 *     charge (commit.h);
 *   - a present PTE's protection is accessible (not PAGE_NOACCESS, no PAGE_GUARD); a
 *     parked PTE's is not; each present or parked PTE owns one PFN_PRIVATE frame.
 *
 * Commit is lazy: committing writes demand-zero PTEs and charges commit; frames come from
 * the zeroed supply on first touch (fault.h).
 *
 * Locking: every as_* function takes as->lock (a spinlock) itself; the caller must not
 * hold it. Lock order: address space, commit, heap, page allocator. Functions named
 * *_locked expect it held.
 */
#ifndef RESERVOIR_MM_ADDRESS_SPACE_H
#define RESERVOIR_MM_ADDRESS_SPACE_H

#include <stdint.h>

#include "lib/spinlock.h"
#include "nt_memory.h"
#include "ntstatus.h"
#include "pagetable.h"
#include "vad.h"

/* Released VAD nodes an address space keeps for its next reservations. */
#define AS_SPARE_VADS_MAX 8

struct address_space {
    struct vad_tree vads;       /* window [USER_MIN_ADDRESS, USER_MAX_ADDRESS] in pages */
    struct page_table pt;       /* user half private, kernel half borrowed */
    uint64_t commit_pages;      /* committed pages = this space's commit charge */
    struct vad *spare_vads;     /* released nodes, linked through ->parent */
    unsigned spare_vad_count;   /* at most AS_SPARE_VADS_MAX */
    struct spinlock lock;
};

/*
 * Makes as an empty address space whose page table shares kernel_pt's kernel half
 * (pt_create_user). Returns STATUS_SUCCESS or STATUS_NO_MEMORY. Lock: none (as is not
 * shared yet).
 */
ntstatus_t as_create(struct address_space *as, const struct page_table *kernel_pt);

/*
 * Releases everything as holds: every frame, page table and VAD, and its commit charge.
 * Its page table must not be active. Lock: none held; nobody may use as any more.
 */
void as_destroy(struct address_space *as);

/*
 * NtAllocateVirtualMemory. *base_inout and *size_inout give the range and receive the range
 * actually reserved, committed or reset. type: MEM_RESERVE and/or MEM_COMMIT (optionally
 * with MEM_TOP_DOWN), or MEM_RESET alone. protect: a PAGE_* value (validated even for
 * MEM_RESET, which ignores it).
 *   - reserve: base rounded down to 64 KiB (base 0: the system picks a 64 KiB-aligned
 *     place, the highest one with MEM_TOP_DOWN); the region ends at the end of the page
 *     holding the last byte. With MEM_COMMIT too, the whole region is committed.
 *   - commit (base != 0, no MEM_RESERVE): the pages holding [base, base + size), all in
 *     one reservation; already committed pages keep their contents and take the new
 *     protection. MEM_COMMIT with base 0 reserves and commits.
 *   - MEM_RESET: the committed pages of the range (in one reservation) drop their
 *     contents and read as zero on next touch; they stay committed.
 * Returns STATUS_SUCCESS;
 *   STATUS_INVALID_PARAMETER: size 0; unknown, missing or badly combined type flags
 *     (MEM_RESET with anything, MEM_RESET_UNDO, MEM_WRITE_WATCH, MEM_PHYSICAL,
 *     MEM_LARGE_PAGES are not supported); a range beyond USER_MAX_ADDRESS; a reservation
 *     below USER_MIN_ADDRESS;
 *   STATUS_INVALID_PAGE_PROTECTION: protect invalid, or PAGE_WRITECOPY /
 *     PAGE_EXECUTE_WRITECOPY (private memory cannot be copy-on-write);
 *   STATUS_CONFLICTING_ADDRESSES: a reservation overlaps another; a commit or reset range
 *     is not inside one reservation;
 *   STATUS_ALREADY_COMMITTED: a commit in an image (as_reserve_image);
 *   STATUS_COMMITMENT_LIMIT: the commit charge would pass the limit;
 *   STATUS_NO_MEMORY: no free range large enough, or no frame for a page table;
 *   STATUS_INSUFFICIENT_RESOURCES: no memory for the VAD.
 * On failure nothing changes and *base_inout, *size_inout are not written.
 * Lock: takes as->lock.
 */
ntstatus_t as_allocate(struct address_space *as, uint64_t *base_inout, uint64_t *size_inout,
                       uint32_t type, uint32_t protect);

/*
 * NtFreeVirtualMemory. type is MEM_RELEASE or MEM_DECOMMIT (exactly one).
 *   - MEM_RELEASE: *size_inout must be 0 and *base_inout in the first page of a
 *     reservation; frees the whole reservation. Returns its base and size.
 *   - MEM_DECOMMIT: the pages holding [base, base + size), in one reservation, become
 *     reserved (frames freed, charge returned); uncommitted pages are fine. Size 0 with
 *     base in the reservation's first page decommits the whole reservation; then, as on
 *     Windows 10 1803 and later, the base is written back and the size stays 0.
 * Returns STATUS_SUCCESS;
 *   STATUS_INVALID_PARAMETER: bad type; MEM_RELEASE with a size; a range beyond
 *     USER_MAX_ADDRESS;
 *   STATUS_MEMORY_NOT_ALLOCATED: base is in no reservation;
 *   STATUS_UNABLE_TO_FREE_VM: the range runs past the end of the reservation;
 *   STATUS_UNABLE_TO_DELETE_SECTION: the memory is an image's (as_reserve_image);
 *   STATUS_FREE_VM_NOT_AT_BASE: size 0 but base not in the reservation's first page.
 * On failure nothing changes and the in/out values are not written.
 * Lock: takes as->lock.
 */
ntstatus_t as_free(struct address_space *as, uint64_t *base_inout, uint64_t *size_inout,
                   uint32_t type);

/*
 * NtProtectVirtualMemory: sets new_protect on the pages holding [base, base + size), all
 * committed and in one reservation, and returns the first page's previous protection in
 * *old_protect and the page range in the in/out values.
 * Returns STATUS_SUCCESS;
 *   STATUS_INVALID_PAGE_PROTECTION: new_protect invalid, or a copy-on-write protection
 *     on private memory (an image takes them, and makes writable ones copy-on-write);
 *   STATUS_INVALID_PARAMETER: size 0, or a range beyond USER_MAX_ADDRESS;
 *   STATUS_CONFLICTING_ADDRESSES: the range is not inside one reservation;
 *   STATUS_NOT_COMMITTED: a page of the range is not committed.
 * On failure nothing changes. Lock: takes as->lock.
 */
ntstatus_t as_protect(struct address_space *as, uint64_t *base_inout, uint64_t *size_inout,
                      uint32_t new_protect, uint32_t *old_protect);

/*
 * NtQueryVirtualMemory(MemoryBasicInformation) for the page holding address: the run of
 * pages from it with the same state, protection and allocation, exactly as Windows
 * reports it (docs/vm.md). Returns STATUS_SUCCESS, or STATUS_INVALID_PARAMETER when
 * address is above USER_MAX_ADDRESS. Lock: takes as->lock.
 */
ntstatus_t as_query(struct address_space *as, uint64_t address,
                    struct memory_basic_information *out);

/*
 * Maps the frame of an executable image: reserves [base, base + size) as a VAD_IMAGE
 * (MEM_IMAGE in a query, allocation protection PAGE_EXECUTE_WRITECOPY, as Windows
 * reports an image view) and commits it all PAGE_READWRITE, for the loader to fill
 * before it gives each section its protection with as_protect. From then on the calls
 * treat the pages as an image's: as_protect makes writable protections copy-on-write
 * (PAGE_READWRITE → PAGE_WRITECOPY, PAGE_EXECUTE_READWRITE → PAGE_EXECUTE_WRITECOPY) and
 * accepts the copy-on-write ones, the first write to such a page gives it the written
 * protection (fault.h), as_allocate's MEM_COMMIT is STATUS_ALREADY_COMMITTED, MEM_RESET
 * keeps the contents, and as_free is STATUS_UNABLE_TO_DELETE_SECTION. (No section
 * object stands behind the view yet: the frames are the process's own.)
 * base is 64 KiB-aligned, size a non-zero multiple of PAGE_SIZE.
 * Returns STATUS_SUCCESS; STATUS_INVALID_PARAMETER for a bad base or size; otherwise what
 * as_allocate returns for MEM_RESERVE | MEM_COMMIT there. Lock: takes as->lock.
 */
ntstatus_t as_reserve_image(struct address_space *as, uint64_t base, uint64_t size);

/*
 * Verifies the invariants above (slow, for tests): every non-zero leaf of the user half
 * is committed and inside a VAD, present and parked PTEs own PFN_PRIVATE frames and match
 * their protection, and commit_pages is the number of committed pages. Returns 0, or -1
 * after logging the first broken invariant. Lock: takes as->lock.
 */
int as_check(struct address_space *as);

#endif
