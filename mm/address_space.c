/*
 * A process's address space (address_space.h): the NT virtual-memory calls over a VAD
 * tree and the PTEs of one page table.
 *
 * Every operation has the same shape: check the arguments (statuses in NT's order, see
 * docs/vm.md), turn (base, size) into a page range, find the one VAD that must hold it,
 * then walk the PTEs of the range. Walks go a page table at a time: the page loops take
 * the range a span at a time (pt_span_begin: one walk from the root per 512 pages), the
 * searches a run at a time with pt_find_mismatch; both skip missing page tables whole, so
 * reserved space costs nothing to scan.
 *
 * The states of a page, its PTE (swpte.h), and what moves it:
 *
 *   free        no VAD             reserve → reserved
 *   reserved    PTE zero           commit → committed; release → free
 *   committed   demand-zero        first touch → committed with a frame;
 *                                  decommit → reserved; release → free
 *   committed   present or parked  MEM_RESET → demand-zero (the frame is freed);
 *   with a      (a frame)          protect: present ⇄ parked (PAGE_NOACCESS, PAGE_GUARD);
 *   frame                          decommit → reserved; release → free
 *
 * Invariants (besides those in address_space.h):
 *   - a committed page's PTE is present, demand-zero or parked, and never lies outside a
 *     VAD: release decommits before it removes the VAD;
 *   - SWPTE_NEW appears only inside commit_pages_locked.
 */
#include "address_space.h"

#include "arch.h"
#include "commit.h"
#include "kheap.h"
#include "lib/log.h"
#include "lib/string.h"
#include "lib/panic.h"
#include "page_alloc.h"
#include "pfn.h"
#include "swpte.h"

#define USER_END (USER_MAX_ADDRESS + 1)     /* first byte past user space */
#define ALL_BITS (~(pte_t)0)

/* The allocation types as_allocate knows; it refuses the unsupported ones among them. */
#define MEM_ALLOCATE_TYPES (MEM_COMMIT | MEM_RESERVE | MEM_RESET | MEM_RESET_UNDO | \
                            MEM_TOP_DOWN | MEM_WRITE_WATCH | MEM_PHYSICAL | MEM_LARGE_PAGES)
#define MEM_UNSUPPORTED_TYPES (MEM_RESET_UNDO | MEM_WRITE_WATCH | MEM_PHYSICAL | \
                               MEM_LARGE_PAGES)
#define PAGE_MODIFIERS (PAGE_GUARD | PAGE_NOCACHE | PAGE_WRITECOMBINE)

/* ---- Arguments ---- */

static inline uint64_t page_down(uint64_t a)
{
    return a & ~(PAGE_SIZE - 1);
}

/* No overflow: callers pass a <= USER_END. */
static inline uint64_t page_up(uint64_t a)
{
    return (a + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

static inline uint64_t pages_in(uint64_t start, uint64_t end)
{
    return (end - start) / PAGE_SIZE;
}

/* Whether [base, base + size) lies in the user half: at or below USER_MAX_ADDRESS. */
static int range_in_user_space(uint64_t base, uint64_t size)
{
    return base <= USER_MAX_ADDRESS && size <= USER_END - base;
}

/* The pages holding a byte of [base, base + size), size > 0: [*start, *end). */
static void page_span(uint64_t base, uint64_t size, uint64_t *start, uint64_t *end)
{
    *start = page_down(base);
    *end = page_up(base + size);
}

/*
 * "Memory Protection Constants": exactly one base protection; at most one modifier, since
 * PAGE_NOCACHE excludes PAGE_GUARD and PAGE_WRITECOMBINE and PAGE_WRITECOMBINE excludes
 * PAGE_GUARD; no modifier with PAGE_NOACCESS; nothing else (the CFG flags
 * PAGE_TARGETS_* are not supported).
 */
static int protection_valid(uint32_t protect)
{
    uint32_t base = protect & PAGE_BASE_MASK;
    uint32_t modifiers = protect & ~PAGE_BASE_MASK;
    if (base == 0 || (base & (base - 1)) != 0)
        return 0;
    if ((modifiers & ~PAGE_MODIFIERS) != 0 || (modifiers & (modifiers - 1)) != 0)
        return 0;
    return !(base == PAGE_NOACCESS && modifiers != 0);
}

/* Copy-on-write protections exist only for views of sections, never for private memory. */
static int protection_copy_on_write(uint32_t protect)
{
    uint32_t base = protect & PAGE_BASE_MASK;
    return base == PAGE_WRITECOPY || base == PAGE_EXECUTE_WRITECOPY;
}

/*
 * NtAllocateVirtualMemory's checks of the type alone: only known flags; at least one of
 * MEM_COMMIT, MEM_RESERVE, MEM_RESET; MEM_RESET alone; and the unsupported ones refused.
 */
static int allocation_type_valid(uint32_t type)
{
    if ((type & ~MEM_ALLOCATE_TYPES) != 0 || (type & MEM_UNSUPPORTED_TYPES) != 0)
        return 0;
    if ((type & (MEM_COMMIT | MEM_RESERVE | MEM_RESET)) == 0)
        return 0;
    return !((type & MEM_RESET) && type != MEM_RESET);
}

/* ---- Reading and writing PTEs ---- */

/* The user half has no large pages, and the ranges here are checked: these cannot fail. */
static pte_t read_entry_locked(struct address_space *as, uint64_t va)
{
    ASSERT(spin_held(&as->lock));
    pte_t e;
    ntstatus_t status = pt_read_entry(&as->pt, va, &e);
    ASSERT(status == STATUS_SUCCESS);
    return e;
}

/*
 * Starts the span of [va, end) at va (pagetable.h). Without create it cannot fail: the
 * user half has no large pages and the ranges here are checked.
 */
static void span_begin_locked(struct address_space *as, uint64_t va, uint64_t end,
                              struct pt_span *span)
{
    ASSERT(spin_held(&as->lock));
    ntstatus_t status = pt_span_begin(&as->pt, va, end, 0, span);
    ASSERT(status == STATUS_SUCCESS);
}

/* The first page in [va, end) whose entry masked by mask is not value (end if none). */
static uint64_t find_mismatch_locked(struct address_space *as, uint64_t va, uint64_t end,
                                     pte_t mask, pte_t value)
{
    ASSERT(spin_held(&as->lock));
    uint64_t found;
    pte_t e;
    ntstatus_t status = pt_find_mismatch(&as->pt, va, end, mask, value, &found, &e);
    ASSERT(status == STATUS_SUCCESS);
    return found;
}

/* The first committed page in [va, end), or end. Empty tables are skipped whole. */
static uint64_t next_committed_locked(struct address_space *as, uint64_t va, uint64_t end)
{
    ASSERT(spin_held(&as->lock));
    return find_mismatch_locked(as, va, end, SWPTE_COMMITTED, 0);
}

/* The first uncommitted page in [va, end), or end. */
static uint64_t next_uncommitted_locked(struct address_space *as, uint64_t va, uint64_t end)
{
    ASSERT(spin_held(&as->lock));
    return find_mismatch_locked(as, va, end, SWPTE_COMMITTED, SWPTE_COMMITTED);
}

static uint64_t count_committed_locked(struct address_space *as, uint64_t start,
                                       uint64_t end)
{
    ASSERT(spin_held(&as->lock));
    uint64_t count = 0;
    struct pt_span span;
    for (uint64_t va = start; va < end; va = span.end) {
        span_begin_locked(as, va, end, &span);
        for (uint64_t i = 0; span.entries && i < pt_span_pages(&span); i++)
            count += swpte_committed(span.entries[i]);
        pt_span_end(&span);
    }
    return count;
}

/* The VAD holding all of [start, end), or NULL. */
static struct vad *vad_covering_locked(struct address_space *as, uint64_t start,
                                       uint64_t end)
{
    ASSERT(spin_held(&as->lock));
    struct vad *vad = vad_find(&as->vads, start >> PAGE_SHIFT);
    if (!vad || (end >> PAGE_SHIFT) > vad->end_vpn)
        return NULL;
    return vad;
}

static uint64_t vad_start(const struct vad *vad)
{
    return vad->start_vpn << PAGE_SHIFT;
}

static uint64_t vad_end(const struct vad *vad)
{
    return vad->end_vpn << PAGE_SHIFT;
}

/* ---- Page operations (the range is inside one VAD) ---- */

/* Takes back the entries commit_pages_locked marked SWPTE_NEW in [start, end). */
static void uncommit_new_pages_locked(struct address_space *as, uint64_t start,
                                      uint64_t end, struct tlb_batch *tlb)
{
    ASSERT(spin_held(&as->lock));
    struct pt_span span;
    for (uint64_t va = start; va < end; va = span.end) {
        span_begin_locked(as, va, end, &span);
        for (uint64_t i = 0; span.entries && i < pt_span_pages(&span); i++)
            if (span.entries[i] & SWPTE_NEW)
                pt_span_set(&span, i, 0, tlb);
        pt_span_end(&span);
    }
}

/*
 * Commits [start, end) with protection prot: charges the pages not yet committed, writes
 * demand-zero PTEs for them, and gives the already committed ones prot too, keeping their
 * contents (NT: NtAllocateVirtualMemory calls MiProtectVirtualMemory on the range when a
 * committed page's protection differs). Returns STATUS_SUCCESS,
 * STATUS_COMMITMENT_LIMIT or STATUS_NO_MEMORY (a page table); on failure nothing changed.
 */
static ntstatus_t commit_pages_locked(struct address_space *as, uint64_t start,
                                      uint64_t end, uint32_t prot, struct tlb_batch *tlb)
{
    ASSERT(spin_held(&as->lock));
    uint64_t fresh = pages_in(start, end) - count_committed_locked(as, start, end);
    ntstatus_t status = commit_charge(fresh);
    if (status != STATUS_SUCCESS)
        return status;

    /*
     * Pass 1, the only one that allocates (page tables) and so can fail: demand-zero
     * entries, marked SWPTE_NEW, in every uncommitted page. A failure takes back exactly
     * the marked ones (the failed pt_span_begin has already taken back its own tables).
     */
    struct pt_span span;
    uint64_t va;
    for (va = start; va < end; va = span.end) {
        status = pt_span_begin(&as->pt, va, end, 1, &span);
        if (status != STATUS_SUCCESS) {
            uncommit_new_pages_locked(as, start, va, tlb);
            commit_uncharge(fresh);
            return status;
        }
        for (uint64_t i = 0; i < pt_span_pages(&span); i++)
            if (!swpte_committed(span.entries[i]))
                pt_span_set(&span, i, swpte_demand_zero(prot) | SWPTE_NEW, tlb);
        pt_span_end(&span);
    }

    /*
     * Pass 2 rewrites committed entries only, so it cannot fail: prot everywhere (which
     * drops SWPTE_NEW). Every page is committed now, so every span has its table.
     */
    for (va = start; va < end; va = span.end) {
        span_begin_locked(as, va, end, &span);
        ASSERT(span.entries != NULL);
        for (uint64_t i = 0; i < pt_span_pages(&span); i++)
            pt_span_set(&span, i, swpte_with_protection(span.entries[i], prot), tlb);
        pt_span_end(&span);
    }
    as->commit_pages += fresh;
    return STATUS_SUCCESS;
}

/*
 * Decommits every committed page of [start, end): frees its frame, zeroes its PTE and
 * returns its charge. Uncommitted pages are fine (VirtualFree: "The function does not
 * fail if you attempt to decommit an uncommitted page").
 *
 * The frame is freed before tlb is flushed. With one CPU nothing can use the stale
 * translation before the caller flushes; with several, frames must wait for the
 * shootdown (as pagetable.c's pruned tables must).
 */
static void decommit_pages_locked(struct address_space *as, uint64_t start, uint64_t end,
                                  struct tlb_batch *tlb)
{
    ASSERT(spin_held(&as->lock));
    uint64_t count = 0;
    struct pt_span span;
    for (uint64_t va = start; va < end; va = span.end) {
        span_begin_locked(as, va, end, &span);
        for (uint64_t i = 0; span.entries && i < pt_span_pages(&span); i++) {
            pte_t e = span.entries[i];
            if (!swpte_committed(e))
                continue;
            pt_span_set(&span, i, 0, tlb);
            if (swpte_has_frame(e))
                page_free_frame(swpte_frame(e));
            count++;
        }
        pt_span_end(&span);
    }
    ASSERT(count <= as->commit_pages);
    as->commit_pages -= count;
    commit_uncharge(count);
}

/*
 * MEM_RESET: the committed pages of [start, end) that hold a frame drop it and become
 * demand-zero with their protection; they stay committed and charged. Windows only
 * promises that the contents may be discarded; here they always are, and read as zero.
 */
static void reset_pages_locked(struct address_space *as, uint64_t start, uint64_t end,
                               struct tlb_batch *tlb)
{
    ASSERT(spin_held(&as->lock));
    struct pt_span span;
    for (uint64_t va = start; va < end; va = span.end) {
        span_begin_locked(as, va, end, &span);
        for (uint64_t i = 0; span.entries && i < pt_span_pages(&span); i++) {
            pte_t e = span.entries[i];
            if (!swpte_committed(e) || !swpte_has_frame(e))
                continue;
            pt_span_set(&span, i, swpte_demand_zero(swpte_protection(e)), tlb);
            page_free_frame(swpte_frame(e));
        }
        pt_span_end(&span);
    }
}

/* Gives every page of [start, end), all committed, the protection prot. */
static void protect_pages_locked(struct address_space *as, uint64_t start, uint64_t end,
                                 uint32_t prot, struct tlb_batch *tlb)
{
    ASSERT(spin_held(&as->lock));
    struct pt_span span;
    for (uint64_t va = start; va < end; va = span.end) {
        span_begin_locked(as, va, end, &span);
        ASSERT(span.entries != NULL);
        for (uint64_t i = 0; i < pt_span_pages(&span); i++)
            pt_span_set(&span, i, swpte_with_protection(span.entries[i], prot), tlb);
        pt_span_end(&span);
    }
}

/*
 * VAD nodes. A kzalloc and a kfree cost about an eighth of a whole 64 KiB
 * reserve-commit-release under TCG, so a released node is kept as a spare for the next
 * reservation (up to AS_SPARE_VADS_MAX), which is the common pattern: allocate, use,
 * free, allocate again. A node comes back zeroed either way.
 */
static struct vad *vad_alloc_locked(struct address_space *as)
{
    ASSERT(spin_held(&as->lock));
    struct vad *vad = as->spare_vads;
    if (!vad)
        return kzalloc(sizeof(*vad));
    as->spare_vads = vad->parent;
    as->spare_vad_count--;
    memset(vad, 0, sizeof(*vad));
    return vad;
}

/* Takes back a node that is in no tree. */
static void vad_free_locked(struct address_space *as, struct vad *vad)
{
    ASSERT(spin_held(&as->lock));
    if (as->spare_vad_count == AS_SPARE_VADS_MAX) {
        kfree(vad);
        return;
    }
    vad->parent = as->spare_vads;
    as->spare_vads = vad;
    as->spare_vad_count++;
}

/* Decommits all of vad, removes it from the tree and frees it. */
static void release_vad_locked(struct address_space *as, struct vad *vad,
                               struct tlb_batch *tlb)
{
    ASSERT(spin_held(&as->lock));
    decommit_pages_locked(as, vad_start(vad), vad_end(vad), tlb);
    vad_remove(&as->vads, vad);
    vad_free_locked(as, vad);
}

/* ---- NtAllocateVirtualMemory ---- */

/*
 * A new reservation (MEM_RESERVE, or MEM_COMMIT with base 0), committed too with
 * MEM_COMMIT. Reserved base: rounded down to 64 KiB ("VirtualAlloc function": "If the
 * memory is being reserved, the specified address is rounded down to the nearest multiple
 * of the allocation granularity"); the end stays at the end of the page holding the last
 * byte, so the region is [round_down(base, 64 KiB), round_up(base + size, 4 KiB)), as
 * NT computes it. Base 0: size rounded up to pages, a 64 KiB-aligned place chosen.
 */
static ntstatus_t reserve_locked(struct address_space *as, uint64_t *base, uint64_t *size,
                                 uint32_t type, uint32_t protect, struct tlb_batch *tlb)
{
    ASSERT(spin_held(&as->lock));
    if (protection_copy_on_write(protect))
        return STATUS_INVALID_PAGE_PROTECTION;

    uint64_t start, end;
    if (*base != 0) {
        start = *base & ~(ALLOCATION_GRANULARITY - 1);
        end = page_up(*base + *size);
        if (start < USER_MIN_ADDRESS)
            return STATUS_INVALID_PARAMETER;    /* the first 64 KiB are never allocated */
    } else {
        uint64_t pages = page_up(*size) / PAGE_SIZE, vpn;
        ntstatus_t status = vad_find_free_gap(&as->vads, pages, VAD_GRANULE_PAGES,
                                              (type & MEM_TOP_DOWN) != 0, &vpn);
        if (status != STATUS_SUCCESS)
            return status;
        start = vpn << PAGE_SHIFT;
        end = start + pages * PAGE_SIZE;
    }

    struct vad *vad = vad_alloc_locked(as);
    if (!vad)
        return STATUS_INSUFFICIENT_RESOURCES;
    vad->start_vpn = start >> PAGE_SHIFT;
    vad->end_vpn = end >> PAGE_SHIFT;
    vad->allocation_base = start;
    vad->allocation_protect = protect;
    vad->type = VAD_PRIVATE;
    ntstatus_t status = vad_insert(&as->vads, vad);
    if (status == STATUS_SUCCESS && (type & MEM_COMMIT)) {
        status = commit_pages_locked(as, start, end, protect, tlb);
        if (status != STATUS_SUCCESS)
            vad_remove(&as->vads, vad);
    }
    if (status != STATUS_SUCCESS) {
        vad_free_locked(as, vad);
        return status;
    }
    *base = start;
    *size = end - start;
    return STATUS_SUCCESS;
}

/*
 * MEM_COMMIT in an existing reservation: the pages holding [base, base + size) ("If the
 * memory is already reserved and is being committed, the address is rounded down to the
 * next page boundary"), all inside one VAD.
 */
static ntstatus_t commit_locked(struct address_space *as, uint64_t *base, uint64_t *size,
                                uint32_t protect, struct tlb_batch *tlb)
{
    ASSERT(spin_held(&as->lock));
    uint64_t start, end;
    page_span(*base, *size, &start, &end);
    struct vad *vad = vad_covering_locked(as, start, end);
    if (!vad)
        return STATUS_CONFLICTING_ADDRESSES;
    if (vad->type != VAD_PRIVATE)
        return STATUS_ALREADY_COMMITTED;    /* NT: "Only page file backed sections can be
                                               committed" */
    if (protection_copy_on_write(protect))
        return STATUS_INVALID_PAGE_PROTECTION;
    ntstatus_t status = commit_pages_locked(as, start, end, protect, tlb);
    if (status != STATUS_SUCCESS)
        return status;
    *base = start;
    *size = end - start;
    return STATUS_SUCCESS;
}

/* MEM_RESET over the pages holding [base, base + size), inside one VAD. */
static ntstatus_t reset_locked(struct address_space *as, uint64_t *base, uint64_t *size,
                               struct tlb_batch *tlb)
{
    ASSERT(spin_held(&as->lock));
    uint64_t start, end;
    page_span(*base, *size, &start, &end);
    struct vad *vad = vad_covering_locked(as, start, end);
    if (!vad)
        return STATUS_CONFLICTING_ADDRESSES;
    /* An image's pages have no file to be read back from here: they keep their contents
       (MEM_RESET only allows discarding). */
    if (vad->type == VAD_PRIVATE)
        reset_pages_locked(as, start, end, tlb);
    *base = start;
    *size = end - start;
    return STATUS_SUCCESS;
}

ntstatus_t as_allocate(struct address_space *as, uint64_t *base_inout, uint64_t *size_inout,
                       uint32_t type, uint32_t protect)
{
    if (!allocation_type_valid(type))
        return STATUS_INVALID_PARAMETER;
    if (!protection_valid(protect))
        return STATUS_INVALID_PAGE_PROTECTION;
    uint64_t base = *base_inout, size = *size_inout;
    if (size == 0 || !range_in_user_space(base, size))
        return STATUS_INVALID_PARAMETER;

    struct tlb_batch tlb;
    tlb_batch_init(&tlb);
    ntstatus_t status;
    spin_lock(&as->lock);
    if (type == MEM_RESET)
        status = reset_locked(as, &base, &size, &tlb);
    else if ((type & MEM_RESERVE) || base == 0)
        status = reserve_locked(as, &base, &size, type, protect, &tlb);
    else
        status = commit_locked(as, &base, &size, protect, &tlb);
    tlb_batch_flush(&tlb, &as->pt);
    spin_unlock(&as->lock);

    if (status == STATUS_SUCCESS) {
        *base_inout = base;
        *size_inout = size;
    }
    return status;
}

/* ---- NtFreeVirtualMemory ---- */

/* The body of as_free once the arguments are checked: NT's order of statuses. */
static ntstatus_t free_locked(struct address_space *as, uint64_t *base, uint64_t *size,
                              uint32_t type, struct tlb_batch *tlb)
{
    ASSERT(spin_held(&as->lock));
    struct vad *vad = vad_find(&as->vads, *base >> PAGE_SHIFT);
    if (!vad)
        return STATUS_MEMORY_NOT_ALLOCATED;
    uint64_t region_start = vad_start(vad), region_end = vad_end(vad);

    if (*size == 0) {
        if (vad->type != VAD_PRIVATE)
            return STATUS_UNABLE_TO_DELETE_SECTION;
        if (page_down(*base) != region_start)
            return STATUS_FREE_VM_NOT_AT_BASE;
        if (type == MEM_RELEASE) {
            release_vad_locked(as, vad, tlb);
            *size = region_end - region_start;
        } else {
            decommit_pages_locked(as, region_start, region_end, tlb);
        }
        *base = region_start;
        return STATUS_SUCCESS;
    }

    uint64_t start, end;
    page_span(*base, *size, &start, &end);
    if (end > region_end)
        return STATUS_UNABLE_TO_FREE_VM;
    if (vad->type != VAD_PRIVATE)
        return STATUS_UNABLE_TO_DELETE_SECTION;     /* NT: only private memory is freed */
    decommit_pages_locked(as, start, end, tlb);
    *base = start;
    *size = end - start;
    return STATUS_SUCCESS;
}

ntstatus_t as_free(struct address_space *as, uint64_t *base_inout, uint64_t *size_inout,
                   uint32_t type)
{
    if (type != MEM_RELEASE && type != MEM_DECOMMIT)
        return STATUS_INVALID_PARAMETER;
    uint64_t base = *base_inout, size = *size_inout;
    /*
     * VirtualFree: with MEM_RELEASE "dwSize must be 0". (NtFreeVirtualMemory itself can
     * release part of a private region by splitting its VAD; Reservoir never splits VADs.)
     */
    if (type == MEM_RELEASE && size != 0)
        return STATUS_INVALID_PARAMETER;
    if (base > USER_MAX_ADDRESS || (size != 0 && !range_in_user_space(base, size)))
        return STATUS_INVALID_PARAMETER;

    struct tlb_batch tlb;
    tlb_batch_init(&tlb);
    spin_lock(&as->lock);
    ntstatus_t status = free_locked(as, &base, &size, type, &tlb);
    tlb_batch_flush(&tlb, &as->pt);
    spin_unlock(&as->lock);

    if (status == STATUS_SUCCESS) {
        *base_inout = base;
        *size_inout = size;
    }
    return status;
}

/* ---- NtProtectVirtualMemory ---- */

/*
 * An image's pages are copy-on-write: a writable protection asked for becomes its
 * copy-on-write form (Wine's loader tests, which pass on Windows: PAGE_READWRITE reads
 * back PAGE_WRITECOPY, PAGE_EXECUTE_READWRITE PAGE_EXECUTE_WRITECOPY).
 */
static uint32_t image_protection(uint32_t protect)
{
    uint32_t base = protect & PAGE_BASE_MASK, modifiers = protect & ~PAGE_BASE_MASK;
    if (base == PAGE_READWRITE)
        return PAGE_WRITECOPY | modifiers;
    if (base == PAGE_EXECUTE_READWRITE)
        return PAGE_EXECUTE_WRITECOPY | modifiers;
    return protect;
}

ntstatus_t as_protect(struct address_space *as, uint64_t *base_inout, uint64_t *size_inout,
                      uint32_t new_protect, uint32_t *old_protect)
{
    ASSERT(old_protect != NULL);
    if (!protection_valid(new_protect))
        return STATUS_INVALID_PAGE_PROTECTION;
    uint64_t base = *base_inout, size = *size_inout;
    if (size == 0 || !range_in_user_space(base, size))
        return STATUS_INVALID_PARAMETER;
    uint64_t start, end;
    page_span(base, size, &start, &end);

    struct tlb_batch tlb;
    tlb_batch_init(&tlb);
    ntstatus_t status = STATUS_SUCCESS;
    uint32_t old = 0;
    spin_lock(&as->lock);
    struct vad *vad = vad_covering_locked(as, start, end);
    if (!vad)
        status = STATUS_CONFLICTING_ADDRESSES;
    else if (vad->type == VAD_PRIVATE && protection_copy_on_write(new_protect))
        status = STATUS_INVALID_PAGE_PROTECTION;
    else if (next_uncommitted_locked(as, start, end) != end)
        status = STATUS_NOT_COMMITTED;
    if (status == STATUS_SUCCESS) {
        old = swpte_protection(read_entry_locked(as, start));
        protect_pages_locked(as, start, end,
                             vad->type == VAD_PRIVATE ? new_protect
                                                      : image_protection(new_protect),
                             &tlb);
    }
    tlb_batch_flush(&tlb, &as->pt);
    spin_unlock(&as->lock);

    if (status == STATUS_SUCCESS) {
        *base_inout = start;
        *size_inout = end - start;
        *old_protect = old;
    }
    return status;
}

/* ---- NtQueryVirtualMemory ---- */

static uint32_t vad_mem_type(const struct vad *vad)
{
    switch (vad->type) {
    case VAD_MAPPED:
        return MEM_MAPPED;
    case VAD_IMAGE:
        return MEM_IMAGE;
    default:
        return MEM_PRIVATE;
    }
}

/*
 * Fills out for the page at va: a free run up to the next VAD (or the end of user space),
 * or the run of pages inside vad with the first page's state and protection.
 * "MEMORY_BASIC_INFORMATION structure" and Windows' observed values (the Wine tests run
 * on Windows): free pages report protect PAGE_NOACCESS and zero allocation base,
 * allocation protection and type; reserved pages report protect 0.
 */
static void query_locked(struct address_space *as, uint64_t va,
                         struct memory_basic_information *out)
{
    ASSERT(spin_held(&as->lock));
    struct vad *vad = vad_find_first_at_or_after(&as->vads, va >> PAGE_SHIFT);
    *out = (struct memory_basic_information){ .base_address = va };

    if (!vad || vad_start(vad) > va) {
        out->region_size = (vad ? vad_start(vad) : USER_END) - va;
        out->state = MEM_FREE;
        out->protect = PAGE_NOACCESS;
        return;
    }

    out->allocation_base = vad->allocation_base;
    out->allocation_protect = vad->allocation_protect;
    out->type = vad_mem_type(vad);
    pte_t first = read_entry_locked(as, va);
    uint64_t run_end;
    if (!swpte_committed(first)) {
        out->state = MEM_RESERVE;
        run_end = next_committed_locked(as, va, vad_end(vad));
    } else {
        out->state = MEM_COMMIT;
        out->protect = swpte_protection(first);
        run_end = find_mismatch_locked(as, va, vad_end(vad), SWPTE_STATE_MASK,
                                       first & SWPTE_STATE_MASK);
    }
    out->region_size = run_end - va;
}

ntstatus_t as_query(struct address_space *as, uint64_t address,
                    struct memory_basic_information *out)
{
    /* "VirtualQuery function": above the highest user address: ERROR_INVALID_PARAMETER. */
    if (address > USER_MAX_ADDRESS)
        return STATUS_INVALID_PARAMETER;
    spin_lock(&as->lock);
    query_locked(as, page_down(address), out);
    spin_unlock(&as->lock);
    return STATUS_SUCCESS;
}

/* ---- Image views ---- */

ntstatus_t as_reserve_image(struct address_space *as, uint64_t base, uint64_t size)
{
    if (size == 0 || (base & (ALLOCATION_GRANULARITY - 1)) != 0 ||
        (size & (PAGE_SIZE - 1)) != 0 || !range_in_user_space(base, size))
        return STATUS_INVALID_PARAMETER;
    struct tlb_batch tlb;
    tlb_batch_init(&tlb);
    spin_lock(&as->lock);
    ntstatus_t status = reserve_locked(as, &base, &size, MEM_RESERVE | MEM_COMMIT,
                                       PAGE_READWRITE, &tlb);
    if (status == STATUS_SUCCESS) {
        struct vad *vad = vad_find(&as->vads, base >> PAGE_SHIFT);
        vad->type = VAD_IMAGE;
        vad->allocation_protect = PAGE_EXECUTE_WRITECOPY;
    }
    tlb_batch_flush(&tlb, &as->pt);
    spin_unlock(&as->lock);
    return status;
}

/* ---- Creation, destruction, checking ---- */

ntstatus_t as_create(struct address_space *as, const struct page_table *kernel_pt)
{
    vad_tree_init(&as->vads, USER_MIN_ADDRESS >> PAGE_SHIFT, USER_END >> PAGE_SHIFT);
    as->commit_pages = 0;
    as->spare_vads = NULL;
    as->spare_vad_count = 0;
    as->lock = (struct spinlock)SPINLOCK_INIT("address space");
    return pt_create_user(&as->pt, kernel_pt);
}

void as_destroy(struct address_space *as)
{
    struct tlb_batch tlb;
    tlb_batch_init(&tlb);
    spin_lock(&as->lock);
    struct vad *vad;
    while ((vad = vad_find_first_at_or_after(&as->vads, 0)) != NULL)
        release_vad_locked(as, vad, &tlb);
    ASSERT(as->commit_pages == 0);
    while ((vad = as->spare_vads) != NULL) {
        as->spare_vads = vad->parent;
        kfree(vad);
    }
    as->spare_vad_count = 0;
    tlb_batch_flush(&tlb, &as->pt);
    spin_unlock(&as->lock);
    pt_destroy(&as->pt);
}

/* Checks the non-zero entry e of the page at va in a VAD (copy-on-write protections
   allowed when cow_ok, in an image); logs and returns -1 if bad. */
static int check_entry(uint64_t va, pte_t e, int cow_ok)
{
    uint32_t prot = swpte_protection(e);
    pte_t expected;
    struct pfn *p = NULL;
    if (!swpte_has_frame(e)) {
        expected = swpte_demand_zero(prot);
    } else {
        p = pfn_get(swpte_frame(e) >> PAGE_SHIFT);
        expected = swpte_make(swpte_frame(e), prot);
        if (pte_present(expected) && !arch_has_nx())
            expected &= ~PTE_NX;
    }
    int ok = swpte_committed(e) && protection_valid(prot) &&
             (cow_ok || !protection_copy_on_write(prot)) &&
             (e & ~(pte_t)(PTE_ACCESSED | PTE_DIRTY)) == expected &&
             (!swpte_has_frame(e) || (p && p->state == PFN_PRIVATE));
    if (!ok)
        log_error("as_check: page 0x%llx: PTE 0x%llx, expected 0x%llx%s",
                  (unsigned long long)va, (unsigned long long)e,
                  (unsigned long long)expected,
                  swpte_has_frame(e) ? " with a private frame" : "");
    return ok ? 0 : -1;
}

/* Checks that [start, end), outside every VAD, has only zero PTEs. */
static int check_free_locked(struct address_space *as, uint64_t start, uint64_t end)
{
    ASSERT(spin_held(&as->lock));
    uint64_t va = find_mismatch_locked(as, start, end, ALL_BITS, 0);
    if (va == end)
        return 0;
    log_error("as_check: page 0x%llx is outside every VAD but has PTE 0x%llx",
              (unsigned long long)va, (unsigned long long)read_entry_locked(as, va));
    return -1;
}

static int check_locked(struct address_space *as)
{
    ASSERT(spin_held(&as->lock));
    if (vad_tree_check(&as->vads) != 0)
        return -1;
    uint64_t committed = 0, free_start = 0;
    for (struct vad *vad = vad_find_first_at_or_after(&as->vads, 0); vad;
         vad = vad_next(vad)) {
        if (check_free_locked(as, free_start, vad_start(vad)) != 0)
            return -1;
        uint64_t end = vad_end(vad);
        for (uint64_t va = find_mismatch_locked(as, vad_start(vad), end, ALL_BITS, 0);
             va < end; va = find_mismatch_locked(as, va + PAGE_SIZE, end, ALL_BITS, 0)) {
            if (check_entry(va, read_entry_locked(as, va), vad->type != VAD_PRIVATE) != 0)
                return -1;
            committed++;
        }
        free_start = vad_end(vad);
    }
    if (check_free_locked(as, free_start, USER_END) != 0)
        return -1;
    if (committed != as->commit_pages) {
        log_error("as_check: %llu pages committed, commit_pages says %llu",
                  (unsigned long long)committed, (unsigned long long)as->commit_pages);
        return -1;
    }
    return 0;
}

int as_check(struct address_space *as)
{
    spin_lock(&as->lock);
    int result = check_locked(as);
    spin_unlock(&as->lock);
    return result;
}
