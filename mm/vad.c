/*
 * The VAD tree (vad.h): an AVL tree of address ranges, augmented so that a free range of
 * a given size and alignment is found in O(log n).
 *
 * The augmentation. max_gap(x) is the length of the longest free run (pages no VAD covers)
 * strictly inside x's span [span_start(x), span_end(x)): the lowest start and the highest
 * end of the VADs in x's subtree. max_granule_gap(x) is the same with each free run [a, b)
 * measured from a rounded up to 16 pages, b - round_up(a, 16), or 0 when that is negative:
 * the longest 64 KiB-aligned block that fits. For a node x with children L and R (either
 * may be absent):
 *
 *     span_start(x) = L ? span_start(L) : x.start
 *     span_end(x)   = R ? span_end(R)   : x.end
 *
 *     max_gap(x) = max( L ? max_gap(L)                : 0,     runs inside L's span
 *                       L ? x.start - span_end(L)     : 0,     the run just below x
 *                       R ? span_start(R) - x.end     : 0,     the run just above x
 *                       R ? max_gap(R)                : 0 )    runs inside R's span
 *
 * and max_granule_gap(x) likewise, with granule_room() of the two runs next to x. Every
 * free run strictly inside x's span lies inside L's span, inside R's span, or is one of
 * the two runs next to x (the run below x ends at x's start and starts at the highest end
 * in L, the in-order predecessor's end), so the formula counts each run exactly once.
 *
 * The formula reads only x and its children, so a change to the tree invalidates the
 * values on the path from the change to the root and nowhere else, and a rotation
 * invalidates just the two nodes it moves (their subtrees change; the subtrees hanging
 * under them do not), which update() recomputes lower node first.
 *
 * Insertion and removal end with rebalance_from(): it walks from the lowest changed node
 * to the root, recomputing height and augmentation at each node and rotating where the
 * AVL balance is off by two. The walk never stops early, because the augmentation of every
 * ancestor may change even when the heights do not. O(height) = O(log n).
 */
#include "vad.h"

#include <stddef.h>

#include "lib/log.h"
#include "lib/panic.h"

uint64_t vad_nodes_visited;

static inline uint64_t max_u64(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

static inline int height(const struct vad *x)
{
    return x ? x->height : 0;
}

/* a rounded up to a multiple of align (a power of two). No overflow: a < 2^52. */
static inline uint64_t align_up(uint64_t a, uint64_t align)
{
    return (a + align - 1) & ~(align - 1);
}

/* The pages a block starting on a granule boundary can have in the free run [a, b). */
static inline uint64_t granule_room(uint64_t a, uint64_t b)
{
    uint64_t start = align_up(a, VAD_GRANULE_PAGES);
    return b > start ? b - start : 0;
}

/* The values update() stores, computed from x's key and its children's stored values. */
struct vad_summary {
    int height;
    uint64_t span_start_vpn, span_end_vpn;
    uint64_t max_gap, max_granule_gap;
};

static void summarize(const struct vad *x, struct vad_summary *s)
{
    const struct vad *l = x->left, *r = x->right;
    int hl = height(l), hr = height(r);

    s->height = 1 + (hl > hr ? hl : hr);
    s->span_start_vpn = l ? l->span_start_vpn : x->start_vpn;
    s->span_end_vpn = r ? r->span_end_vpn : x->end_vpn;
    s->max_gap = 0;
    s->max_granule_gap = 0;
    if (l) {
        s->max_gap = max_u64(l->max_gap, x->start_vpn - l->span_end_vpn);
        s->max_granule_gap = max_u64(l->max_granule_gap,
                                     granule_room(l->span_end_vpn, x->start_vpn));
    }
    if (r) {
        s->max_gap = max_u64(s->max_gap,
                             max_u64(r->max_gap, r->span_start_vpn - x->end_vpn));
        s->max_granule_gap = max_u64(s->max_granule_gap,
                                     max_u64(r->max_granule_gap,
                                             granule_room(x->end_vpn, r->span_start_vpn)));
    }
}

/* Recomputes x's height and augmentation; its children must be up to date. */
static void update(struct vad *x)
{
    struct vad_summary s;
    summarize(x, &s);
    x->height = s.height;
    x->span_start_vpn = s.span_start_vpn;
    x->span_end_vpn = s.span_end_vpn;
    x->max_gap = s.max_gap;
    x->max_granule_gap = s.max_granule_gap;
}

/* Makes child take old's place under parent (or as the root). */
static void replace_child(struct vad_tree *tree, struct vad *parent, struct vad *old,
                          struct vad *child)
{
    if (!parent)
        tree->root = child;
    else if (parent->left == old)
        parent->left = child;
    else
        parent->right = child;
    if (child)
        child->parent = parent;
}

/*
 *        x                 y
 *       / \               / \
 *      a   y     ==>     x   c
 *         / \           / \
 *        b   c         a   b
 *
 * a, b and c keep their subtrees and so their values; x (now above a and b only) is
 * recomputed, then y (now above everything x was above). Returns y.
 */
static struct vad *rotate_left(struct vad_tree *tree, struct vad *x)
{
    struct vad *y = x->right;
    struct vad *b = y->left;

    replace_child(tree, x->parent, x, y);
    x->right = b;
    if (b)
        b->parent = x;
    y->left = x;
    x->parent = y;
    update(x);
    update(y);
    return y;
}

/* The mirror image of rotate_left. Returns x's left child, now in x's place. */
static struct vad *rotate_right(struct vad_tree *tree, struct vad *x)
{
    struct vad *y = x->left;
    struct vad *b = y->right;

    replace_child(tree, x->parent, x, y);
    x->left = b;
    if (b)
        b->parent = x;
    y->right = x;
    x->parent = y;
    update(x);
    update(y);
    return y;
}

/*
 * Walks from x to the root, recomputing each node and restoring the AVL balance: a node
 * whose subtrees' heights differ by 2 gets a single rotation, or a double one when its
 * taller child leans the other way. x's children must be up to date.
 */
static void rebalance_from(struct vad_tree *tree, struct vad *x)
{
    while (x) {
        vad_nodes_visited++;
        update(x);
        int balance = height(x->left) - height(x->right);
        if (balance > 1) {
            if (height(x->left->left) < height(x->left->right))
                rotate_left(tree, x->left);
            x = rotate_right(tree, x);
        } else if (balance < -1) {
            if (height(x->right->right) < height(x->right->left))
                rotate_right(tree, x->right);
            x = rotate_left(tree, x);
        }
        x = x->parent;
    }
}

void vad_tree_init(struct vad_tree *tree, uint64_t min_vpn, uint64_t max_vpn)
{
    ASSERT(min_vpn <= max_vpn && max_vpn <= VAD_VPN_LIMIT);
    tree->root = NULL;
    tree->min_vpn = min_vpn;
    tree->max_vpn = max_vpn;
    tree->count = 0;
}

ntstatus_t vad_insert(struct vad_tree *tree, struct vad *vad)
{
    if (vad->start_vpn >= vad->end_vpn || vad->start_vpn < tree->min_vpn ||
        vad->end_vpn > tree->max_vpn)
        return STATUS_INVALID_PARAMETER;

    struct vad *parent = NULL, **link = &tree->root;
    while (*link) {
        parent = *link;
        vad_nodes_visited++;
        if (vad->end_vpn <= parent->start_vpn)
            link = &parent->left;
        else if (vad->start_vpn >= parent->end_vpn)
            link = &parent->right;
        else
            return STATUS_CONFLICTING_ADDRESSES;
    }

    vad->left = NULL;
    vad->right = NULL;
    vad->parent = parent;
    *link = vad;
    tree->count++;
    rebalance_from(tree, vad);
    return STATUS_SUCCESS;
}

void vad_remove(struct vad_tree *tree, struct vad *vad)
{
    /* Removing a VAD of another tree (or of none) would corrupt both: refuse, O(log n). */
    const struct vad *top = vad;
    while (top->parent)
        top = top->parent;
    ASSERT(top == tree->root);

    struct vad *fix;        /* the lowest node whose subtree changed */
    if (!vad->left || !vad->right) {
        /* At most one child: it takes vad's place. */
        fix = vad->parent;
        replace_child(tree, vad->parent, vad, vad->left ? vad->left : vad->right);
    } else {
        /*
         * Two children: vad's in-order successor s (the leftmost node of its right
         * subtree, which has no left child) is unlinked from where it is and takes vad's
         * place. Nodes are the caller's, so they are relinked, never copied.
         */
        struct vad *s = vad->right;
        vad_nodes_visited++;
        while (s->left) {
            s = s->left;
            vad_nodes_visited++;
        }
        if (s->parent == vad) {
            fix = s;                /* s keeps its right subtree and moves up one */
        } else {
            fix = s->parent;
            fix->left = s->right;
            if (s->right)
                s->right->parent = fix;
            s->right = vad->right;
            s->right->parent = s;
        }
        s->left = vad->left;
        s->left->parent = s;
        replace_child(tree, vad->parent, vad, s);
    }
    rebalance_from(tree, fix);
    tree->count--;

    vad->left = vad->right = vad->parent = NULL;
    vad->height = 0;
}

struct vad *vad_find(const struct vad_tree *tree, uint64_t vpn)
{
    struct vad *x = tree->root;
    while (x) {
        vad_nodes_visited++;
        if (vpn < x->start_vpn)
            x = x->left;
        else if (vpn >= x->end_vpn)
            x = x->right;
        else
            return x;
    }
    return NULL;
}

struct vad *vad_find_first_at_or_after(const struct vad_tree *tree, uint64_t vpn)
{
    struct vad *x = tree->root, *best = NULL;
    while (x) {
        vad_nodes_visited++;
        if (x->end_vpn > vpn) {
            best = x;               /* a candidate; a lower one may be on the left */
            x = x->left;
        } else {
            x = x->right;
        }
    }
    return best;
}

struct vad *vad_next(const struct vad *vad)
{
    struct vad *x;
    if (vad->right) {
        x = vad->right;
        while (x->left) {
            vad_nodes_visited++;
            x = x->left;
        }
        return x;
    }
    while (vad->parent && vad == vad->parent->right) {
        vad_nodes_visited++;
        vad = vad->parent;
    }
    return vad->parent;
}

struct vad *vad_prev(const struct vad *vad)
{
    struct vad *x;
    if (vad->left) {
        x = vad->left;
        while (x->right) {
            vad_nodes_visited++;
            x = x->right;
        }
        return x;
    }
    while (vad->parent && vad == vad->parent->left) {
        vad_nodes_visited++;
        vad = vad->parent;
    }
    return vad->parent;
}

/*
 * Gap search.
 *
 * The free runs in address order are: [min_vpn, first VAD), the runs between consecutive
 * VADs, and [last VAD's end, max_vpn). The answer is the first run, in search order
 * (ascending, or descending for top_down), that can hold an aligned block, at the lowest
 * (highest) aligned start that run allows. The runs at the two ends of the window are
 * checked directly; the ones between VADs are found by an in-order walk of the tree, in
 * search order, that enters a subtree only if may_fit() says one of the runs inside its
 * span may hold the block:
 *
 *   align 1:               max_gap >= pages                    exact
 *   align 16 (a granule):  max_granule_gap >= pages            exact
 *   align > 16:            max_granule_gap >= pages            necessary only
 *   align 2, 4, 8:         max_gap >= pages                    necessary only
 *
 * Cost. When the test is exact, the walk only ever enters subtrees that hold the answer:
 * at each node it either goes down the near side, or takes the node's own two runs, or
 * goes down the far side, and never comes back up: at most height + 1 nodes, O(log n).
 * When the test is only necessary, a subtree that passes it may hold nothing that fits
 * after alignment; the walk then climbs back out of it and goes on. Each such dead
 * subtree holds at least one dead run and costs O(log n) more: O((k + 1) log n) for k
 * dead runs before the answer, and never more than 2n steps (the walk enters and leaves
 * each node once). k can reach n in an adversarial layout of many runs just too short to
 * align into (test_vad.c builds one). A run of pages + align - 1 pages always fits,
 * whatever its start, so pruning with max_gap >= pages + align - 1 would give O(log n)
 * always, but could miss a lower run that happens to be well aligned; the kernel wants the
 * exact answer, and its own requests are either granule-aligned (reservations, views) or
 * of align 1, where the test is exact.
 */
struct gap_query {
    uint64_t pages;
    uint64_t align;
    int top_down;
};

/* Whether the block fits in the free run [a, b); if so, its start in *out. */
static int run_fit(uint64_t a, uint64_t b, const struct gap_query *q, uint64_t *out)
{
    if (b <= a || b - a < q->pages)
        return 0;
    uint64_t start;
    if (q->top_down) {
        start = (b - q->pages) & ~(q->align - 1);
        if (start < a)
            return 0;
    } else {
        start = align_up(a, q->align);
        if (start > b || b - start < q->pages)
            return 0;
    }
    *out = start;
    return 1;
}

/* Whether a free run inside x's span may hold the block (see the table above). */
static int may_fit(const struct vad *x, const struct gap_query *q)
{
    if (q->align >= VAD_GRANULE_PAGES)
        return x->max_granule_gap >= q->pages;
    return x->max_gap >= q->pages;
}

/* The child searched first (lower addresses bottom-up, higher top-down); the other. */
static struct vad *near_child(const struct vad *x, const struct gap_query *q)
{
    return q->top_down ? x->right : x->left;
}

static struct vad *far_child(const struct vad *x, const struct gap_query *q)
{
    return q->top_down ? x->left : x->right;
}

/* x's own two runs, the one just below it and the one just above, in search order. */
static int own_runs_fit(const struct vad *x, const struct gap_query *q, uint64_t *out)
{
    const struct vad *l = x->left, *r = x->right;
    if (!q->top_down)
        return (l && run_fit(l->span_end_vpn, x->start_vpn, q, out)) ||
               (r && run_fit(x->end_vpn, r->span_start_vpn, q, out));
    return (r && run_fit(x->end_vpn, r->span_start_vpn, q, out)) ||
           (l && run_fit(l->span_end_vpn, x->start_vpn, q, out));
}

/* The first fitting run between the VADs of the subtree root, in search order. */
static int search_tree(const struct vad *root, const struct gap_query *q, uint64_t *out)
{
    if (!may_fit(root, q))
        return 0;
    const struct vad *x = root;
    for (;;) {
        /* Nothing before x's subtree fits, and x's subtree may hold a fit: go down. */
        vad_nodes_visited++;
        const struct vad *c = near_child(x, q);
        if (c && may_fit(c, q)) {
            x = c;
            continue;
        }
        /* x's near subtree holds nothing: try x's own runs, then its far subtree. */
        for (;;) {
            if (own_runs_fit(x, q, out))
                return 1;
            c = far_child(x, q);
            if (c && may_fit(c, q))
                break;
            /*
             * x's whole subtree holds nothing (only when may_fit was not exact): climb
             * past the ancestors whose far side we finished, to the first one whose near
             * side we finished, and go on with its own runs.
             */
            const struct vad *from;
            do {
                if (x == root)
                    return 0;
                from = x;
                x = x->parent;
                vad_nodes_visited++;
            } while (near_child(x, q) != from);
        }
        x = c;
    }
}

ntstatus_t vad_find_free_gap(const struct vad_tree *tree, uint64_t pages,
                             uint64_t align_pages, int top_down, uint64_t *vpn_out)
{
    if (pages == 0 || align_pages == 0 || (align_pages & (align_pages - 1)) != 0)
        return STATUS_INVALID_PARAMETER;

    struct gap_query q = { pages, align_pages, top_down };
    const struct vad *root = tree->root;
    uint64_t lo = tree->min_vpn, hi = tree->max_vpn;
    uint64_t found;
    int ok;

    if (!root)
        ok = run_fit(lo, hi, &q, &found);
    else if (!top_down)
        ok = run_fit(lo, root->span_start_vpn, &q, &found) ||
             search_tree(root, &q, &found) || run_fit(root->span_end_vpn, hi, &q, &found);
    else
        ok = run_fit(root->span_end_vpn, hi, &q, &found) ||
             search_tree(root, &q, &found) || run_fit(lo, root->span_start_vpn, &q, &found);
    if (!ok)
        return STATUS_NO_MEMORY;
    *vpn_out = found;
    return STATUS_SUCCESS;
}

/*
 * The checker walks the tree in order, iteratively. It enters a child only after checking
 * that the child's parent link points back, so climbing by parent links afterwards is
 * safe, and a node reached twice (a cycle) fails that test or the count. At each node it
 * compares the stored height and augmentation with summarize() of the node's children:
 * when every node passes, induction from the leaves up shows every stored value equals the
 * one computed from scratch over its subtree.
 */
static int check_fail(const struct vad *x, const char *what)
{
    if (x)
        log_error("vad_tree_check: VAD [0x%llx, 0x%llx) at %p: %s",
                  (unsigned long long)x->start_vpn, (unsigned long long)x->end_vpn,
                  (const void *)x, what);
    else
        log_error("vad_tree_check: %s", what);
    return -1;
}

static int check_node(const struct vad_tree *tree, const struct vad *x)
{
    struct vad_summary s;
    int balance = height(x->left) - height(x->right);

    if (x->start_vpn >= x->end_vpn)
        return check_fail(x, "empty range");
    if (x->start_vpn < tree->min_vpn || x->end_vpn > tree->max_vpn)
        return check_fail(x, "outside the window");
    summarize(x, &s);
    if (x->height != s.height)
        return check_fail(x, "wrong height");
    if (balance > 1 || balance < -1)
        return check_fail(x, "AVL balance off by more than one");
    if (x->span_start_vpn != s.span_start_vpn || x->span_end_vpn != s.span_end_vpn)
        return check_fail(x, "wrong subtree span");
    if (x->max_gap != s.max_gap)
        return check_fail(x, "wrong max_gap");
    if (x->max_granule_gap != s.max_granule_gap)
        return check_fail(x, "wrong max_granule_gap");
    return 0;
}

int vad_tree_check(const struct vad_tree *tree)
{
    const struct vad *x = tree->root, *prev = NULL;
    uint64_t entered = 0;

    if (x && x->parent)
        return check_fail(x, "the root has a parent");
    /* Enters child c of parent p (p == NULL for the root). */
#define ENTER(c, p)                                                        \
    do {                                                                   \
        if ((c)->parent != (p))                                            \
            return check_fail((c), "parent link does not match");         \
        if (++entered > tree->count)                                       \
            return check_fail((c), "more nodes than count (or a cycle)");  \
    } while (0)

    if (x) {
        ENTER(x, NULL);
        while (x->left) {
            ENTER(x->left, x);
            x = x->left;
        }
    }
    while (x) {
        if (check_node(tree, x))
            return -1;
        if (prev && prev->end_vpn > x->start_vpn)
            return check_fail(x, prev->start_vpn < x->start_vpn
                                     ? "overlaps its predecessor"
                                     : "out of order (binary search tree broken)");
        prev = x;
        if (x->right) {
            ENTER(x->right, x);
            x = x->right;
            while (x->left) {
                ENTER(x->left, x);
                x = x->left;
            }
        } else {
            while (x->parent && x == x->parent->right)
                x = x->parent;
            x = x->parent;
        }
    }
#undef ENTER
    if (entered != tree->count)
        return check_fail(NULL, "count does not match the nodes in the tree");
    return 0;
}
