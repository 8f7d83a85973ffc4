/*
 * Four-level x86-64 page tables (pagetable.h): building, changing and reading the
 * paging structures of one address space, and batching the TLB invalidations that
 * changes call for.
 *
 * Everything goes through one walker: walk() follows va from the root down to the table
 * of a given level, recording every table on the way in a struct pt_path, and on request
 * allocates the tables that are missing. prune() goes back up the same path and frees the
 * tables left empty, so pt_unmap and a pt_map that ran out of memory share one clean-up.
 *
 * Invariants (checked with ASSERT where cheap):
 *   - a table's PFN record is PFN_PAGETABLE and its refcount is the number of non-zero
 *     entries in it (kept by entry_fill() and entry_clear(); pt_destroy zeroes it);
 *   - no table but the root is ever empty: the operation that empties one frees it;
 *   - a table entry is child | PRESENT | WRITABLE | USER (plus PTE_BORROWED in a user
 *     table's kernel half); a leaf is the caller's flags plus PRESENT (plus PS at levels
 *     3 and 2), or, through pt_write_entry, any 4 KiB leaf value the memory manager
 *     builds (swpte.h); nothing else is ever written.
 */
#include "pagetable.h"

#include <stddef.h>

#include "arch.h"
#include "lib/panic.h"
#include "page_alloc.h"
#include "pfn.h"

#define TABLE_ENTRY_FLAGS (PTE_PRESENT | PTE_WRITABLE | PTE_USER)

/* Hardware-maintained bits of a leaf: state, not permission; pt_protect keeps them. */
#define PTE_HW_STATE (PTE_ACCESSED | PTE_DIRTY)

/*
 * NX as the CPU allows it. Without NX (EFER.NXE clear) bit 63 is reserved, so it is
 * dropped from every leaf. pt_create, which runs before any mapping can exist, asks the
 * CPU once (CPUID is a VM exit under KVM: too slow for every pt_map).
 */
static pte_t nx_supported = PTE_NX;

/* Every table on the way from the root to the entry for one va. */
struct pt_path {
    uint64_t table[PT_LEVELS + 1];  /* table[level]: physical address of that table */
    int level;                      /* the lowest level walk() reached */
};

/* Bytes one entry at level maps: 4 KiB, 2 MiB, 1 GiB, 512 GiB. */
static inline uint64_t level_size(int level)
{
    return 1ull << (PAGE_SHIFT + 9 * (level - 1));
}

static inline pte_t *entry_at(uint64_t table, uint64_t va, int level)
{
    return (pte_t *)phys_to_virt(table) + pt_index(va, level);
}

/* A large leaf: PS in a PDPT or PD entry (in a PT entry bit 7 is PAT, never set here). */
static inline int is_large_leaf(pte_t e, int level)
{
    return level > 1 && pte_present(e) && (e & PTE_LARGE);
}

static struct pfn *table_pfn(uint64_t table)
{
    struct pfn *p = pfn_get(table >> PAGE_SHIFT);
    ASSERT(p != 0 && p->state == PFN_PAGETABLE);
    return p;
}

/* Writes value into the empty entry e of table: one more live entry. */
static void entry_fill(uint64_t table, pte_t *e, pte_t value)
{
    struct pfn *p = table_pfn(table);
    ASSERT(*e == 0 && value != 0 && p->refcount < PT_ENTRIES);
    *e = value;
    p->refcount++;
}

/* Empties the non-zero entry e of table. Returns how many live entries remain. */
static uint32_t entry_clear(uint64_t table, pte_t *e)
{
    struct pfn *p = table_pfn(table);
    ASSERT(*e != 0 && p->refcount > 0);
    *e = 0;
    return --p->refcount;
}

/*
 * Frees the tables of path (path[level]: the table at level) that hold no entries, from the one at level upwards, clearing
 * their entries in their parents. Stops at the first table still in use; never frees the
 * root.
 *
 * The CPU's paging-structure caches may still point at a freed table until the INVLPG or
 * flush that tlb_batch_flush issues for the unmapped page (it drops those caches too,
 * Intel SDM vol. 3A, 4.10.4.1). On one CPU nothing walks through it meanwhile; with
 * several, freeing must wait for the flush (a list in struct tlb_batch).
 */
static void prune(const uint64_t path[PT_LEVELS + 1], uint64_t va, int level)
{
    for (; level < PT_LEVELS; level++) {
        uint64_t table = path[level];
        const struct pfn *p = table_pfn(table);
        if (p->refcount != 0 || (p->flags & PFN_FLAG_PINNED))
            return;
        uint64_t parent = path[level + 1];
        entry_clear(parent, entry_at(parent, va, level + 1));
        page_free_frame(table);
    }
}

/*
 * Follows va from root down to the table at level target, recording each table in path.
 * With create, missing tables are allocated (zeroed) and linked in. Returns:
 *   STATUS_SUCCESS               path->table[target] is the table; path->level = target;
 *   STATUS_MEMORY_NOT_ALLOCATED  (without create) the entry at path->level is empty;
 *   STATUS_CONFLICTING_ADDRESSES the entry at path->level is a large leaf covering va;
 *   STATUS_NO_MEMORY             (with create) an allocation failed; the tables this call
 *                                had created are freed again, so nothing changed.
 */
static ntstatus_t walk(uint64_t root, uint64_t va, int target, int create,
                       struct pt_path *path)
{
    uint64_t table = root;
    for (int level = PT_LEVELS;; level--) {
        path->table[level] = table;
        path->level = level;
        if (level == target)
            return STATUS_SUCCESS;

        pte_t *e = entry_at(table, va, level);
        if (is_large_leaf(*e, level))
            return STATUS_CONFLICTING_ADDRESSES;
        if (pte_present(*e)) {
            table = pte_addr(*e);
            continue;
        }
        /* Software PTEs live only in leaves: above them an entry is a table or zero. */
        ASSERT(*e == 0);
        if (!create)
            return STATUS_MEMORY_NOT_ALLOCATED;

        uint64_t child;
        if (page_alloc_frame(PAGE_ALLOC_ZEROED, PFN_PAGETABLE, &child) != STATUS_SUCCESS) {
            prune(path->table, va, level);
            return STATUS_NO_MEMORY;
        }
        entry_fill(table, e, child | TABLE_ENTRY_FLAGS);
        table = child;
    }
}

/* The checks pt_map and pt_map_large share; size is the page size. */
static int mapping_args_valid(uint64_t va, uint64_t pa, uint64_t size, uint64_t flags)
{
    return (va & (size - 1)) == 0 && (pa & (size - 1)) == 0 && va_is_canonical(va) &&
           (pa & ~PTE_ADDR_MASK) == 0 && (flags & ~PTE_LEAF_FLAGS) == 0;
}

/* The leaf bits for the caller's flags (already checked against PTE_LEAF_FLAGS). */
static inline pte_t leaf_bits(uint64_t flags)
{
    return PTE_PRESENT | (flags & ~PTE_NX) | (flags & nx_supported);
}

/* Maps one page of level's size: the entry for va at level must be empty. */
static ntstatus_t map_at_level(struct page_table *pt, uint64_t va, pte_t leaf, int level)
{
    struct pt_path path;
    ntstatus_t status = walk(pt->root, va, level, 1, &path);
    if (status != STATUS_SUCCESS)
        return status;
    /*
     * A present entry (leaf or table), or a software PTE. The tables walk() may have
     * created are not at risk: they are below an empty entry, so this one is empty too.
     */
    pte_t *e = entry_at(path.table[level], va, level);
    if (*e != 0)
        return STATUS_CONFLICTING_ADDRESSES;
    entry_fill(path.table[level], e, leaf);
    return STATUS_SUCCESS;
}

/* ---- TLB batching ---- */

void tlb_batch_add(struct tlb_batch *b, uint64_t va, int global)
{
    if (global)
        b->global = 1;
    if (b->overflow)
        return;
    if (b->count == TLB_BATCH_MAX) {
        b->overflow = 1;
        return;
    }
    b->pages[b->count++] = va & ~(PAGE_SIZE - 1);
}

/*
 * A table that is not active has no non-global entries in the TLB (loading CR3 dropped
 * them; there are no PCIDs), so its changes need no invalidation. Global entries are the
 * exception: they survive CR3 loads, and the kernel half is shared by every address
 * space, so a changed global entry is invalidated whichever table is active.
 */
void tlb_batch_flush(struct tlb_batch *b, const struct page_table *pt)
{
    if (b->count == 0 && !b->overflow)
        return;         /* nothing queued: e.g. a release of pages never touched */
    if (pt->root == arch_active_root() || b->global) {
        if (!b->overflow) {
            for (unsigned i = 0; i < b->count; i++)
                arch_invalidate_page(b->pages[i]);
        } else if (b->global) {
            arch_flush_tlb_all();
        } else {
            arch_flush_tlb();
        }
    }
    tlb_batch_init(b);
}

/* ---- Page tables ---- */

ntstatus_t pt_create(struct page_table *pt)
{
    nx_supported = arch_has_nx() ? PTE_NX : 0;
    uint64_t root;
    ntstatus_t status = page_alloc_frame(PAGE_ALLOC_ZEROED, PFN_PAGETABLE, &root);
    if (status != STATUS_SUCCESS)
        return STATUS_NO_MEMORY;
    pt->root = root;
    return STATUS_SUCCESS;
}

/*
 * Frees table (at level) and every table below it. Leaves' frames are not touched, nor
 * the kernel tables a user table borrows.
 */
static void destroy_table(uint64_t table, int level)
{
    if (level > 1) {
        pte_t *entries = phys_to_virt(table);
        for (unsigned i = 0; i < PT_ENTRIES; i++)
            if (pte_present(entries[i]) && !is_large_leaf(entries[i], level) &&
                !(entries[i] & PTE_BORROWED))
                destroy_table(pte_addr(entries[i]), level - 1);
    }
    table_pfn(table)->refcount = 0;     /* its entries die with it */
    page_free_frame(table);
}

void pt_destroy(struct page_table *pt)
{
    ASSERT(pt->root != 0);
    ASSERT(pt->root != arch_active_root());
    destroy_table(pt->root, PT_LEVELS);
    pt->root = 0;
}

ntstatus_t pt_map(struct page_table *pt, uint64_t va, uint64_t pa, uint64_t flags,
                  struct tlb_batch *tlb)
{
    /* The entry was empty, and the CPU caches no empty entry: nothing to invalidate. */
    (void)tlb;
    if (!mapping_args_valid(va, pa, PAGE_SIZE, flags))
        return STATUS_INVALID_PARAMETER;
    return map_at_level(pt, va, pa | leaf_bits(flags), 1);
}

ntstatus_t pt_map_large(struct page_table *pt, uint64_t va, uint64_t pa, uint64_t size,
                        uint64_t flags, struct tlb_batch *tlb)
{
    (void)tlb;  /* as for pt_map */
    int level;
    if (size == LARGE_PAGE_SIZE)
        level = 2;
    else if (size == HUGE_PAGE_SIZE && arch_has_1g_pages())
        level = 3;
    else
        return STATUS_INVALID_PARAMETER;
    if (!mapping_args_valid(va, pa, size, flags))
        return STATUS_INVALID_PARAMETER;
    return map_at_level(pt, va, pa | leaf_bits(flags) | PTE_LARGE, level);
}

ntstatus_t pt_unmap(struct page_table *pt, uint64_t va, uint64_t *pa, struct tlb_batch *tlb)
{
    if ((va & (PAGE_SIZE - 1)) != 0 || !va_is_canonical(va))
        return STATUS_INVALID_PARAMETER;
    struct pt_path path;
    ntstatus_t status = walk(pt->root, va, 1, 0, &path);
    if (status != STATUS_SUCCESS)
        return status;
    pte_t *e = entry_at(path.table[1], va, 1);
    if (!pte_present(*e))
        return STATUS_MEMORY_NOT_ALLOCATED;     /* empty, or a software PTE: not ours */

    pte_t old = *e;
    entry_clear(path.table[1], e);
    if (pa)
        *pa = pte_addr(old);
    tlb_batch_add(tlb, va, (old & PTE_GLOBAL) != 0);
    prune(path.table, va, 1);
    return STATUS_SUCCESS;
}

/*
 * The 4 KiB leaf entries of count pages from va, in order: next_leaf() walks again only
 * when a page lies in another page table than the one before.
 */
struct leaf_cursor {
    uint64_t root;
    uint64_t va;            /* the page next_leaf() returns next */
    pte_t *table;           /* entries of the page table holding va, or NULL */
};

static ntstatus_t next_leaf(struct leaf_cursor *c, pte_t **leaf)
{
    unsigned index = pt_index(c->va, 1);
    if (!c->table || index == 0) {
        struct pt_path path;
        ntstatus_t status = walk(c->root, c->va, 1, 0, &path);
        if (status != STATUS_SUCCESS)
            return status;
        c->table = phys_to_virt(path.table[1]);
    }
    *leaf = &c->table[index];
    c->va += PAGE_SIZE;
    return pte_present(**leaf) ? STATUS_SUCCESS : STATUS_MEMORY_NOT_ALLOCATED;
}

/* Whether [va, va + count pages) is page-aligned, canonical and does not wrap. */
static int page_range_valid(uint64_t va, uint64_t count)
{
    if ((va & (PAGE_SIZE - 1)) != 0 || !va_is_canonical(va))
        return 0;
    if (count == 0)
        return 1;
    if (count - 1 > (UINT64_MAX - va) / PAGE_SIZE)
        return 0;
    uint64_t last = va + (count - 1) * PAGE_SIZE;
    /* Both ends canonical and in the same half: the range does not cross the hole. */
    return va_is_canonical(last) && (va >> 47) == (last >> 47);
}

ntstatus_t pt_protect(struct page_table *pt, uint64_t va, uint64_t count, uint64_t flags,
                      struct tlb_batch *tlb)
{
    if (!page_range_valid(va, count) || (flags & ~PTE_LEAF_FLAGS) != 0)
        return STATUS_INVALID_PARAMETER;

    /* First pass: every page must be mapped by a 4 KiB leaf, or nothing changes. */
    struct leaf_cursor c = { pt->root, va, 0 };
    pte_t *e;
    for (uint64_t i = 0; i < count; i++) {
        ntstatus_t status = next_leaf(&c, &e);
        if (status != STATUS_SUCCESS)
            return status;
    }

    /* Second pass: cannot fail. Same address, new permissions, A and D kept. */
    pte_t bits = leaf_bits(flags);
    c = (struct leaf_cursor){ pt->root, va, 0 };
    for (uint64_t i = 0; i < count; i++) {
        ntstatus_t status = next_leaf(&c, &e);
        ASSERT(status == STATUS_SUCCESS);
        pte_t old = *e;
        pte_t new = pte_addr(old) | (old & PTE_HW_STATE) | bits;
        if (new == old)
            continue;
        *e = new;
        tlb_batch_add(tlb, va + i * PAGE_SIZE, (old & PTE_GLOBAL) != 0);
    }
    return STATUS_SUCCESS;
}

ntstatus_t pt_translate(const struct page_table *pt, uint64_t va, uint64_t *pa,
                        uint64_t *flags)
{
    if (!va_is_canonical(va))
        return STATUS_INVALID_PARAMETER;
    struct pt_path path;
    ntstatus_t status = walk(pt->root, va, 1, 0, &path);
    if (status == STATUS_MEMORY_NOT_ALLOCATED)
        return status;

    int level = path.level;
    pte_t e = *entry_at(path.table[level], va, level);
    if (!pte_present(e))
        return STATUS_MEMORY_NOT_ALLOCATED;
    uint64_t size = level_size(level);
    uint64_t leaf_flags = e & PTE_LEAF_FLAGS;
    if (level > 1)
        leaf_flags |= PTE_LARGE;
    if (pa)
        *pa = (pte_addr(e) & ~(size - 1)) + (va & (size - 1));
    if (flags)
        *flags = leaf_flags;
    return STATUS_SUCCESS;
}

/* ---- User address spaces ---- */

ntstatus_t pt_prepare_kernel_half(struct page_table *pt)
{
    pte_t *root = phys_to_virt(pt->root);
    for (unsigned i = PT_KERNEL_FIRST_SLOT; i < PT_ENTRIES; i++) {
        if (root[i] != 0) {
            table_pfn(pte_addr(root[i]))->flags |= PFN_FLAG_PINNED;
            continue;
        }
        uint64_t pdpt;
        ntstatus_t status = page_alloc_frame(PAGE_ALLOC_ZEROED, PFN_PAGETABLE, &pdpt);
        if (status != STATUS_SUCCESS)
            return status;
        pfn_get(pdpt >> PAGE_SHIFT)->flags |= PFN_FLAG_PINNED;
        entry_fill(pt->root, &root[i], pdpt | TABLE_ENTRY_FLAGS);
    }
    return STATUS_SUCCESS;
}

ntstatus_t pt_create_user(struct page_table *pt, const struct page_table *kernel_pt)
{
    ntstatus_t status = pt_create(pt);
    if (status != STATUS_SUCCESS)
        return status;
    const pte_t *kernel = phys_to_virt(kernel_pt->root);
    pte_t *user = phys_to_virt(pt->root);
    for (unsigned i = PT_KERNEL_FIRST_SLOT; i < PT_ENTRIES; i++) {
        if (kernel[i] == 0)
            continue;
        /* The kernel half holds tables only: a PML4 entry cannot be a leaf. */
        ASSERT(pte_present(kernel[i]) && !(kernel[i] & PTE_LARGE));
        entry_fill(pt->root, &user[i], kernel[i] | PTE_BORROWED);
    }
    return STATUS_SUCCESS;
}

ntstatus_t pt_read_entry(const struct page_table *pt, uint64_t va, pte_t *entry)
{
    if ((va & (PAGE_SIZE - 1)) != 0 || !va_is_canonical(va))
        return STATUS_INVALID_PARAMETER;
    struct pt_path path;
    ntstatus_t status = walk(pt->root, va, 1, 0, &path);
    if (status == STATUS_MEMORY_NOT_ALLOCATED) {
        *entry = 0;
        return STATUS_SUCCESS;
    }
    if (status != STATUS_SUCCESS)
        return status;
    *entry = *entry_at(path.table[1], va, 1);
    return STATUS_SUCCESS;
}

ntstatus_t pt_write_entry(struct page_table *pt, uint64_t va, pte_t value,
                          struct tlb_batch *tlb)
{
    if ((va & (PAGE_SIZE - 1)) != 0 || !va_is_canonical(va))
        return STATUS_INVALID_PARAMETER;
    if (pte_present(value))
        value = (value & ~PTE_NX) | (value & nx_supported);

    struct pt_path path;
    ntstatus_t status = walk(pt->root, va, 1, value != 0, &path);
    if (status == STATUS_MEMORY_NOT_ALLOCATED)
        return STATUS_SUCCESS;      /* zero over a missing table: it is zero already */
    if (status != STATUS_SUCCESS)
        return status;

    pte_t *e = entry_at(path.table[1], va, 1);
    pte_t old = *e;
    if (old == value)
        return STATUS_SUCCESS;
    if (old == 0) {
        entry_fill(path.table[1], e, value);
    } else if (value == 0) {
        entry_clear(path.table[1], e);
        prune(path.table, va, 1);
    } else {
        *e = value;
    }
    /* The CPU caches present entries only (Intel SDM vol. 3A, 4.10.2.3). */
    if (pte_present(old))
        tlb_batch_add(tlb, va, (old & PTE_GLOBAL) != 0);
    return STATUS_SUCCESS;
}

ntstatus_t pt_find_mismatch(const struct page_table *pt, uint64_t va, uint64_t end,
                            pte_t mask, pte_t value, uint64_t *found, pte_t *entry)
{
    if ((end & (PAGE_SIZE - 1)) != 0 || end < va ||
        !page_range_valid(va, (end - va) / PAGE_SIZE))
        return STATUS_INVALID_PARAMETER;

    while (va < end) {
        struct pt_path path;
        ntstatus_t status = walk(pt->root, va, 1, 0, &path);
        if (status == STATUS_CONFLICTING_ADDRESSES)
            return status;
        if (status == STATUS_MEMORY_NOT_ALLOCATED) {
            /* The empty entry at path.level covers this va's whole level-sized slot. */
            if (value != 0)
                break;
            uint64_t next = (va | (level_size(path.level) - 1)) + 1;
            if (next == 0 || next >= end)     /* 0: the slot ends the address space */
                va = end;
            else
                va = next;
            continue;
        }
        const pte_t *table = phys_to_virt(path.table[1]);
        for (unsigned i = pt_index(va, 1); i < PT_ENTRIES && va < end; i++) {
            if ((table[i] & mask) != value) {
                *found = va;
                *entry = table[i];
                return STATUS_SUCCESS;
            }
            va += PAGE_SIZE;
        }
    }
    *found = va;       /* end, or a page under a missing table when value != 0 */
    *entry = 0;
    return STATUS_SUCCESS;
}

/* ---- Leaf spans ---- */

ntstatus_t pt_span_begin(struct page_table *pt, uint64_t va, uint64_t end, int create,
                         struct pt_span *span)
{
    if (((va | end) & (PAGE_SIZE - 1)) != 0 || end <= va ||
        !page_range_valid(va, (end - va) / PAGE_SIZE))
        return STATUS_INVALID_PARAMETER;

    struct pt_path path;
    ntstatus_t status = walk(pt->root, va, 1, create, &path);
    if (status == STATUS_MEMORY_NOT_ALLOCATED) {
        /* The empty entry at path.level covers va's whole slot of that level's size. */
        uint64_t slot_end = (va | (level_size(path.level) - 1)) + 1;
        span->va = va;
        span->end = slot_end == 0 || slot_end > end ? end : slot_end;  /* 0: wrapped */
        span->entries = NULL;
        span->table_pfn = NULL;
        return STATUS_SUCCESS;
    }
    if (status != STATUS_SUCCESS)
        return status;

    uint64_t table_end = (va | (LARGE_PAGE_SIZE - 1)) + 1;
    span->va = va;
    span->end = table_end == 0 || table_end > end ? end : table_end;
    span->entries = entry_at(path.table[1], va, 1);
    span->table_pfn = table_pfn(path.table[1]);
    for (int level = 1; level <= PT_LEVELS; level++)
        span->path[level] = path.table[level];
    span->nx = nx_supported;
    return STATUS_SUCCESS;
}

void pt_span_end(struct pt_span *span)
{
    if (span->entries && span->table_pfn->refcount == 0)
        prune(span->path, span->va, 1);
    span->entries = NULL;
    span->table_pfn = NULL;
}
