/*
 * The VAD tree: a process's user address space as a set of Virtual Address Descriptors,
 * one per allocation (a VirtualAlloc reservation or a mapped view), as in Windows.
 *
 * A VAD covers the pages [start_vpn, end_vpn) (virtual page numbers, va >> 12). Per-page
 * state (committed or not, protection, guard) lives in the page tables' software PTEs, so
 * VirtualProtect and MEM_DECOMMIT never split a VAD: the tree changes only when a range is
 * reserved (vad_insert) or released (vad_remove).
 *
 * The tree is an AVL tree ordered by address. Nodes are allocated by the caller and embed
 * the links, so nothing here allocates; every operation is iterative.
 *
 * Invariants (vad_tree_check verifies all of them):
 *   - VADs do not overlap and lie inside the window [min_vpn, max_vpn); an in-order walk
 *     visits them by increasing address;
 *   - AVL: the heights of a node's two subtrees differ by at most 1 (leaf height = 1),
 *     so the height is at most 1.44 log2(n + 2);
 *   - the augmentation. Call a node's "span" [span_start_vpn, span_end_vpn) the range from
 *     the lowest start to the highest end of the VADs in its subtree. A "free run" is a
 *     maximal range of pages covered by no VAD. Then
 *         max_gap         = the length of the longest free run strictly inside the span,
 *                           i.e. between two VADs of the subtree (0 if there is none);
 *         max_granule_gap = the same, but measuring each free run [a, b) from a rounded
 *                           up to VAD_GRANULE_PAGES: the most pages a block starting on a
 *                           64 KiB boundary can have inside one of those runs.
 *     Both depend only on the subtree's own VADs (not on its neighbours), so they are
 *     recomputed from a node's two children alone, in O(1), after any change below it
 *     and after a rotation (vad.c explains the formula).
 *
 * Gap search (vad_find_free_gap) uses the augmentation to skip every subtree that cannot
 * hold the block, so it touches O(log n) nodes for the alignments the kernel asks for:
 * align 1 and VAD_GRANULE_PAGES (the augmentation answers those exactly). For other
 * alignments the bound it prunes with is necessary but not sufficient, and the cost is
 * O((k + 1) log n), k being the free runs before the answer that are long enough but
 * cannot hold an aligned block (see vad.c). The result is exact in every case.
 *
 * Locking: the caller holds the lock of the address space that owns the tree, exclusively
 * for vad_insert and vad_remove, at least shared for the lookups.
 */
#ifndef RESERVOIR_MM_VAD_H
#define RESERVOIR_MM_VAD_H

#include <stdint.h>

#include "ntstatus.h"

#define VAD_GRANULE_PAGES 16ull         /* 64 KiB, Windows' allocation granularity */
#define VAD_VPN_LIMIT (1ull << 52)      /* page numbers of a 64-bit address space */

enum vad_type {
    VAD_PRIVATE,        /* VirtualAlloc memory */
    VAD_MAPPED,         /* a view of a data section (MapViewOfFile) */
    VAD_IMAGE,          /* a view of an image section (an executable or DLL) */
};

struct vad {
    /* The tree's links, owned by vad.c; meaningful only while the VAD is in a tree. */
    struct vad *left, *right, *parent;
    int height;                     /* 1 for a leaf */

    /* The key: pages [start_vpn, end_vpn), set by the caller before vad_insert. */
    uint64_t start_vpn, end_vpn;

    /* The augmentation (see above), maintained by vad.c. */
    uint64_t span_start_vpn;        /* lowest start_vpn in this subtree */
    uint64_t span_end_vpn;          /* highest end_vpn in this subtree */
    uint64_t max_gap;               /* pages */
    uint64_t max_granule_gap;       /* pages */

    /* What the rest of mm keeps about the allocation; vad.c never reads these. */
    uint64_t allocation_base;       /* va the reservation or view was made at */
    uint32_t allocation_protect;    /* Win32 PAGE_* value given at reserve time */
    uint32_t type;                  /* enum vad_type */
    void *section;                  /* the section a VAD_MAPPED/VAD_IMAGE view maps */
};

struct vad_tree {
    struct vad *root;
    uint64_t min_vpn, max_vpn;      /* the allocatable window [min_vpn, max_vpn) */
    uint64_t count;                 /* VADs in the tree */
};

/*
 * A debugging counter: every node a lookup, an insertion, a removal or a gap search steps
 * on adds one. Tests read it around an operation to prove the O(log n) bounds. Not atomic:
 * with concurrent readers it is only approximate, which is all it is for.
 */
extern uint64_t vad_nodes_visited;

/*
 * Makes tree empty, with the window [min_vpn, max_vpn) (min_vpn <= max_vpn <=
 * VAD_VPN_LIMIT, asserted); e.g. 0x10 .. 0x7FFFFFFEF for Windows x64 user space.
 * Caller: whoever creates the address space, before the tree is shared.
 */
void vad_tree_init(struct vad_tree *tree, uint64_t min_vpn, uint64_t max_vpn);

/*
 * Inserts vad, whose start_vpn and end_vpn the caller has set (the payload is not read).
 * Returns STATUS_SUCCESS; STATUS_INVALID_PARAMETER when the range is empty or leaves the
 * window; STATUS_CONFLICTING_ADDRESSES when it overlaps a VAD of the tree (ranges that
 * only touch do not overlap). The tree is unchanged on failure. O(log n).
 * Lock: the address space's, exclusive.
 */
ntstatus_t vad_insert(struct vad_tree *tree, struct vad *vad);

/*
 * Removes vad, which must be in tree (asserted), and clears its links; the caller frees
 * it. O(log n). Lock: the address space's, exclusive.
 */
void vad_remove(struct vad_tree *tree, struct vad *vad);

/* Returns the VAD containing page vpn, or NULL. O(log n). Lock: the address space's. */
struct vad *vad_find(const struct vad_tree *tree, uint64_t vpn);

/*
 * Returns the lowest VAD ending after vpn (end_vpn > vpn): the one containing vpn, else
 * the next one above it; NULL when there is none. VirtualQuery sizes a free region with
 * it, and it starts an in-order walk. O(log n). Lock: the address space's.
 */
struct vad *vad_find_first_at_or_after(const struct vad_tree *tree, uint64_t vpn);

/*
 * The in-order neighbours of a VAD in its tree (next higher, next lower), or NULL.
 * O(1) amortized over a walk, O(log n) at worst. Lock: the address space's.
 */
struct vad *vad_next(const struct vad *vad);
struct vad *vad_prev(const struct vad *vad);

/*
 * Finds room for pages pages whose first page is a multiple of align_pages (a power of
 * two): the lowest such start, or with top_down the highest, such that [start,
 * start + pages) lies in the window and overlaps no VAD. Returns STATUS_SUCCESS with the
 * start in *vpn_out; STATUS_NO_MEMORY when no such place exists;
 * STATUS_INVALID_PARAMETER when pages is 0 or align_pages is not a power of two.
 * O(log n) for align_pages 1 and VAD_GRANULE_PAGES; see the module comment for others.
 * Lock: the address space's.
 */
ntstatus_t vad_find_free_gap(const struct vad_tree *tree, uint64_t pages,
                             uint64_t align_pages, int top_down, uint64_t *vpn_out);

/*
 * Checks every invariant above, the parent links and the count, in O(n). Returns 0, or
 * -1 after a log_error naming the first broken invariant and the node. For tests and
 * debugging. Lock: the address space's.
 */
int vad_tree_check(const struct vad_tree *tree);

#endif
