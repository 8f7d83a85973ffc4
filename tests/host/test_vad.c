/*
 * Host tests for mm/vad.c, the VAD tree: insertion, lookup, removal, in-order walks,
 * overlap and window checks, gap search with hand-computed answers, and vad_tree_check
 * itself (it must notice a corrupted tree). test_vad_model.c compares the tree with a
 * reference model under random operations.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm/vad.h"
#include "test.h"

#define WIN_MIN 0x10ull             /* Windows x64 user space, in pages */
#define WIN_MAX 0x7FFFFFFEFull

static struct vad *new_vad(uint64_t start, uint64_t end)
{
    struct vad *v = calloc(1, sizeof(*v));
    if (!v)
        abort();
    v->start_vpn = start;
    v->end_vpn = end;
    v->allocation_base = start << 12;
    return v;
}

/* Inserts [start, end) and returns the node, or NULL (freed) when the insertion failed. */
static struct vad *add(struct vad_tree *t, uint64_t start, uint64_t end)
{
    struct vad *v = new_vad(start, end);
    if (!CHECK_EQ(vad_insert(t, v), STATUS_SUCCESS)) {
        printf("#   inserting [0x%llx, 0x%llx)\n", (unsigned long long)start,
               (unsigned long long)end);
        free(v);
        return NULL;
    }
    return v;
}

/* The status of inserting [start, end); the node is freed unless it went in. */
static ntstatus_t try_add(struct vad_tree *t, uint64_t start, uint64_t end)
{
    struct vad *v = new_vad(start, end);
    ntstatus_t st = vad_insert(t, v);
    if (st != STATUS_SUCCESS)
        free(v);
    return st;
}

static void free_all(struct vad_tree *t)
{
    while (t->root) {
        struct vad *v = t->root;
        vad_remove(t, v);
        free(v);
    }
    CHECK_EQ(t->count, 0);
}

/* The start vpn vad_find_free_gap returns, or ~0 for STATUS_NO_MEMORY. */
#define NONE (~0ull)
static uint64_t gap(const struct vad_tree *t, uint64_t pages, uint64_t align, int top_down)
{
    uint64_t vpn = 0x5a5a;
    ntstatus_t st = vad_find_free_gap(t, pages, align, top_down, &vpn);
    if (st == STATUS_NO_MEMORY) {
        CHECK_EQ(vpn, 0x5a5a);      /* untouched on failure */
        return NONE;
    }
    CHECK_EQ(st, STATUS_SUCCESS);
    return vpn;
}

#define CHECK_TREE(t) CHECK_EQ(vad_tree_check(t), 0)

TEST(insert_find_remove)
{
    struct vad_tree t;
    vad_tree_init(&t, WIN_MIN, WIN_MAX);
    CHECK_TREE(&t);
    CHECK(vad_find(&t, 0x100) == NULL);
    CHECK(vad_find_first_at_or_after(&t, 0) == NULL);

    struct vad *a = add(&t, 0x100, 0x110);
    CHECK_TREE(&t);
    struct vad *b = add(&t, 0x200, 0x240);
    CHECK_TREE(&t);
    struct vad *c = add(&t, 0x50, 0x60);
    CHECK_TREE(&t);
    REQUIRE(a && b && c);
    c->type = VAD_MAPPED;
    c->allocation_protect = 0x04;   /* PAGE_READWRITE */
    c->section = &t;
    CHECK_EQ(t.count, 3);

    CHECK(vad_find(&t, 0x100) == a);
    CHECK(vad_find(&t, 0x10f) == a);
    CHECK(vad_find(&t, 0x110) == NULL);
    CHECK(vad_find(&t, 0xff) == NULL);
    CHECK(vad_find(&t, 0x200) == b);
    CHECK(vad_find(&t, 0x23f) == b);
    CHECK(vad_find(&t, 0x240) == NULL);
    CHECK(vad_find(&t, 0x4f) == NULL);
    CHECK(vad_find(&t, 0x50) == c);
    CHECK(vad_find(&t, 0x5f) == c);
    CHECK(vad_find(&t, 0) == NULL);
    CHECK(vad_find(&t, ~0ull) == NULL);

    vad_remove(&t, b);
    CHECK_TREE(&t);
    CHECK_EQ(t.count, 2);
    CHECK(vad_find(&t, 0x200) == NULL);
    CHECK(b->left == NULL && b->right == NULL && b->parent == NULL);
    CHECK_EQ(vad_insert(&t, b), STATUS_SUCCESS);       /* a removed node can go back */
    CHECK_TREE(&t);
    CHECK(vad_find(&t, 0x210) == b);

    /* Removing the root (two children here), then the rest. */
    struct vad *root = t.root;
    CHECK(root->left && root->right);
    vad_remove(&t, root);
    CHECK_TREE(&t);
    CHECK(vad_find(&t, root->start_vpn) == NULL);
    free(root);

    /* The payload is the caller's: the tree never changes it. */
    if (root != c) {
        CHECK_EQ(c->type, VAD_MAPPED);
        CHECK_EQ(c->allocation_protect, 0x04);
        CHECK(c->section == &t);
        CHECK_EQ(c->allocation_base, 0x50ull << 12);
    }
    free_all(&t);
    CHECK_TREE(&t);
}

TEST(overlaps_are_refused_and_neighbours_allowed)
{
    struct vad_tree t;
    vad_tree_init(&t, WIN_MIN, WIN_MAX);
    REQUIRE(add(&t, 0x100, 0x200));

    static const struct { uint64_t start, end; const char *what; } bad[] = {
        { 0x100, 0x200, "the same range" },
        { 0x120, 0x130, "inside" },
        { 0x100, 0x101, "its first page" },
        { 0x1ff, 0x200, "its last page" },
        { 0x0f0, 0x210, "covering it" },
        { 0x0f0, 0x101, "overlapping its start" },
        { 0x1ff, 0x210, "overlapping its end" },
        { 0x0f0, 0x200, "ending with it" },
        { 0x100, 0x210, "starting with it" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (!CHECK_EQ(try_add(&t, bad[i].start, bad[i].end), STATUS_CONFLICTING_ADDRESSES))
            printf("#   case: %s\n", bad[i].what);
        CHECK_EQ(t.count, 1);
        CHECK_TREE(&t);
    }

    /* Touching on either side is not overlapping. */
    CHECK(add(&t, 0x0f0, 0x100) != NULL);
    CHECK(add(&t, 0x200, 0x210) != NULL);
    CHECK_TREE(&t);
    /* Neither is filling a hole exactly; but a range reaching into both neighbours is. */
    CHECK(add(&t, 0x300, 0x310) != NULL);
    CHECK_EQ(try_add(&t, 0x20f, 0x301), STATUS_CONFLICTING_ADDRESSES);
    CHECK_EQ(try_add(&t, 0x20f, 0x300), STATUS_CONFLICTING_ADDRESSES);
    CHECK_EQ(try_add(&t, 0x210, 0x301), STATUS_CONFLICTING_ADDRESSES);
    CHECK(add(&t, 0x210, 0x300) != NULL);
    /* A range spanning several VADs. */
    CHECK_EQ(try_add(&t, 0x10, 0x1000), STATUS_CONFLICTING_ADDRESSES);
    CHECK_EQ(t.count, 5);
    CHECK_TREE(&t);
    free_all(&t);
}

TEST(window_bounds)
{
    struct vad_tree t;
    vad_tree_init(&t, 0x10, 0x100);
    CHECK_EQ(try_add(&t, 0x0f, 0x20), STATUS_INVALID_PARAMETER);     /* below the window */
    CHECK_EQ(try_add(&t, 0x00, 0x01), STATUS_INVALID_PARAMETER);
    CHECK_EQ(try_add(&t, 0xf0, 0x101), STATUS_INVALID_PARAMETER);    /* past its end */
    CHECK_EQ(try_add(&t, 0x100, 0x110), STATUS_INVALID_PARAMETER);
    CHECK_EQ(try_add(&t, 0x50, 0x50), STATUS_INVALID_PARAMETER);     /* empty */
    CHECK_EQ(try_add(&t, 0x60, 0x50), STATUS_INVALID_PARAMETER);     /* reversed */
    CHECK_EQ(t.count, 0);
    CHECK(add(&t, 0x10, 0x20) != NULL);                              /* first page */
    CHECK(add(&t, 0xf0, 0x100) != NULL);                             /* last page */
    /* Out of the window wins over overlapping. */
    CHECK_EQ(try_add(&t, 0x08, 0x18), STATUS_INVALID_PARAMETER);
    CHECK_TREE(&t);
    CHECK_EQ(t.count, 2);
    free_all(&t);

    /* The whole window as one VAD. */
    vad_tree_init(&t, 0x10, 0x100);
    CHECK(add(&t, 0x10, 0x100) != NULL);
    CHECK_TREE(&t);
    free_all(&t);
}

static void init_bad_window(void *arg)
{
    vad_tree_init(arg, 0x100, 0x10);
}

struct remove_args {
    struct vad_tree *tree;
    struct vad *vad;
};

static void remove_it(void *arg)
{
    struct remove_args *a = arg;
    vad_remove(a->tree, a->vad);
}

TEST(init_and_remove_assert_misuse)
{
    struct vad_tree t, other;
    CHECK(test_expect_panic(init_bad_window, &t));

    vad_tree_init(&t, WIN_MIN, WIN_MAX);
    vad_tree_init(&other, WIN_MIN, WIN_MAX);
    struct vad *a = add(&t, 0x100, 0x110);
    struct vad *b = add(&other, 0x100, 0x110);
    REQUIRE(a && b);
    /* Removing a node of another tree, or one in no tree, is a kernel bug. */
    struct remove_args args = { &t, b };
    CHECK(test_expect_panic(remove_it, &args));
    struct vad loose;
    memset(&loose, 0, sizeof(loose));
    args.vad = &loose;
    CHECK(test_expect_panic(remove_it, &args));
    CHECK_TREE(&t);
    CHECK_TREE(&other);
    CHECK_EQ(t.count, 1);
    free_all(&t);
    free_all(&other);
}

TEST(in_order_walks)
{
    struct vad_tree t;
    vad_tree_init(&t, WIN_MIN, WIN_MAX);
    /* 100 VADs [0x100 + 0x20 i, + 0x10 + i % 8), inserted in a scrambled order. */
    for (unsigned k = 0; k < 100; k++) {
        unsigned i = (k * 37) % 100;
        add(&t, 0x100 + 0x20 * i, 0x100 + 0x20 * i + 0x10 + i % 8);
        if (k % 10 == 0)
            CHECK_TREE(&t);
    }
    CHECK_TREE(&t);
    CHECK_EQ(t.count, 100);
    CHECK(t.root->height <= 9);     /* AVL: at most 1.44 log2(102) */

    struct vad *v = vad_find_first_at_or_after(&t, 0);
    unsigned i = 0;
    for (; v; v = vad_next(v), i++)
        if (!CHECK_EQ(v->start_vpn, 0x100 + 0x20 * i))
            break;
    CHECK_EQ(i, 100);

    v = vad_find(&t, 0x100 + 0x20 * 99);
    REQUIRE(v != NULL);
    CHECK(vad_next(v) == NULL);
    i = 99;
    for (; v; v = vad_prev(v), i--)
        if (!CHECK_EQ(v->start_vpn, 0x100 + 0x20 * i))
            break;
    CHECK_EQ(i, (unsigned)-1);

    /* first_at_or_after: the VAD containing vpn, else the next one up. */
    CHECK_EQ(vad_find_first_at_or_after(&t, 0x100)->start_vpn, 0x100);
    CHECK_EQ(vad_find_first_at_or_after(&t, 0x10f)->start_vpn, 0x100);
    CHECK_EQ(vad_find_first_at_or_after(&t, 0x110)->start_vpn, 0x120);   /* its end */
    CHECK_EQ(vad_find_first_at_or_after(&t, 0x11f)->start_vpn, 0x120);
    CHECK_EQ(vad_find_first_at_or_after(&t, 0x10)->start_vpn, 0x100);
    uint64_t last_end = 0x100 + 0x20 * 99 + 0x10 + 99 % 8;
    CHECK_EQ(vad_find_first_at_or_after(&t, last_end - 1)->start_vpn, 0x100 + 0x20 * 99);
    CHECK(vad_find_first_at_or_after(&t, last_end) == NULL);
    CHECK(vad_find_first_at_or_after(&t, ~0ull) == NULL);

    /* Remove every other VAD, leaves and inner nodes alike; the walk follows. */
    for (i = 0; i < 100; i += 2) {
        v = vad_find(&t, 0x100 + 0x20 * i);
        REQUIRE(v != NULL);
        vad_remove(&t, v);
        free(v);
        CHECK_TREE(&t);
    }
    i = 1;
    for (v = vad_find_first_at_or_after(&t, 0); v; v = vad_next(v), i += 2)
        if (!CHECK_EQ(v->start_vpn, 0x100 + 0x20 * i))
            break;
    CHECK_EQ(i, 101);
    free_all(&t);
}

/* Three VADs in all six orders: single rotations (LL, RR) and double ones (LR, RL). */
TEST(every_rotation_case)
{
    static const int orders[6][3] = {
        { 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 }, { 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 },
    };
    for (int o = 0; o < 6; o++) {
        struct vad_tree t;
        struct vad *v[3];
        vad_tree_init(&t, WIN_MIN, WIN_MAX);
        for (int k = 0; k < 3; k++) {
            int i = orders[o][k];
            v[i] = add(&t, 0x100 + 0x10 * i, 0x108 + 0x10 * i);
        }
        CHECK_TREE(&t);
        if (!CHECK(t.root == v[1] && v[1]->left == v[0] && v[1]->right == v[2]))
            printf("#   order %d %d %d\n", orders[o][0], orders[o][1], orders[o][2]);
        CHECK_EQ(t.root->height, 2);
        CHECK_EQ(t.root->max_gap, 8);
        CHECK_EQ(t.root->span_start_vpn, 0x100);
        CHECK_EQ(t.root->span_end_vpn, 0x128);
        free_all(&t);
    }

    /* Deletion's double rotation: remove the only node on the short side. */
    struct vad_tree t;
    vad_tree_init(&t, WIN_MIN, WIN_MAX);
    struct vad *b = add(&t, 0x200, 0x210);
    struct vad *a = add(&t, 0x100, 0x110);
    struct vad *c = add(&t, 0x300, 0x310);
    struct vad *a2 = add(&t, 0x180, 0x190);     /* the right child of a */
    REQUIRE(b && a && c && a2);
    vad_remove(&t, c);
    free(c);
    CHECK_TREE(&t);
    CHECK(t.root == a2 && a2->left == a && a2->right == b);
    free_all(&t);
}

TEST(ascending_and_descending_insertions_stay_balanced)
{
    struct vad_tree t;
    vad_tree_init(&t, WIN_MIN, WIN_MAX);
    for (uint64_t i = 0; i < 1000; i++)
        add(&t, 0x100 + 2 * i, 0x101 + 2 * i);
    CHECK_TREE(&t);
    CHECK(t.root->height <= 14);    /* 1.44 log2(1002) = 14.4 */
    for (uint64_t i = 0; i < 1000; i++)
        add(&t, 0x10000 - 2 * i, 0x10001 - 2 * i);
    CHECK_TREE(&t);
    CHECK(t.root->height <= 15);
    /* Removing from one end only is the hardest case for deletion's rebalancing. */
    for (uint64_t i = 0; i < 1500; i++) {
        struct vad *first = vad_find_first_at_or_after(&t, 0);
        vad_remove(&t, first);
        free(first);
        if (i % 50 == 0 && !CHECK_TREE(&t))
            break;
    }
    CHECK_TREE(&t);
    CHECK_EQ(t.count, 500);
    CHECK(t.root->height <= 12);
    free_all(&t);
}

TEST(gap_search_in_an_empty_window)
{
    struct vad_tree t;
    vad_tree_init(&t, 0x10, 0x100);
    CHECK_EQ(gap(&t, 16, 16, 0), 0x10);
    CHECK_EQ(gap(&t, 16, 16, 1), 0xf0);
    CHECK_EQ(gap(&t, 0xf0, 1, 0), 0x10);        /* exactly the window */
    CHECK_EQ(gap(&t, 0xf0, 1, 1), 0x10);
    CHECK_EQ(gap(&t, 0xf0, 16, 0), 0x10);
    CHECK_EQ(gap(&t, 0xf0, 16, 1), 0x10);
    CHECK_EQ(gap(&t, 0xf1, 1, 0), NONE);
    CHECK_EQ(gap(&t, 0xf1, 1, 1), NONE);
    CHECK_EQ(gap(&t, 0xe0, 32, 0), 0x20);
    CHECK_EQ(gap(&t, 0xe1, 32, 0), NONE);
    CHECK_EQ(gap(&t, 0xe0, 32, 1), 0x20);
    CHECK_EQ(gap(&t, 1, 0x100, 0), NONE);       /* no multiple of 0x100 in [0x10, 0x100) */
    CHECK_EQ(gap(&t, 1, 1ull << 63, 1), NONE);

    /* A window with an unaligned start: the first granule boundary is 0x20. */
    vad_tree_init(&t, 0x11, 0x100);
    CHECK_EQ(gap(&t, 16, 16, 0), 0x20);
    CHECK_EQ(gap(&t, 1, 1, 0), 0x11);
    CHECK_EQ(gap(&t, 0xe0, 16, 0), 0x20);
    CHECK_EQ(gap(&t, 0xe1, 16, 0), NONE);
    CHECK_EQ(gap(&t, 0xef, 1, 1), 0x11);

    /* The Windows x64 user window: 64 KiB blocks at 0x10000 and 0x7FFFFFD0000. */
    vad_tree_init(&t, WIN_MIN, WIN_MAX);
    CHECK_EQ(gap(&t, 16, 16, 0), 0x10);
    CHECK_EQ(gap(&t, 16, 16, 1), 0x7FFFFFFD0);
    CHECK_EQ(gap(&t, 1, 1, 1), 0x7FFFFFFEE);

    /* Bad arguments. */
    uint64_t vpn;
    CHECK_EQ(vad_find_free_gap(&t, 0, 16, 0, &vpn), STATUS_INVALID_PARAMETER);
    CHECK_EQ(vad_find_free_gap(&t, 1, 0, 0, &vpn), STATUS_INVALID_PARAMETER);
    CHECK_EQ(vad_find_free_gap(&t, 1, 3, 0, &vpn), STATUS_INVALID_PARAMETER);
    CHECK_EQ(vad_find_free_gap(&t, 1, 24, 1, &vpn), STATUS_INVALID_PARAMETER);
}

/*
 * The window [0x10, 0x100) holding
 *     A [0x10, 0x18)  B [0x21, 0x30)  C [0x38, 0x50)  D [0x70, 0x75)  E [0x90, 0xf8)
 * so the free runs are
 *     [0x18, 0x21) 9 pages    [0x30, 0x38) 8    [0x50, 0x70) 32    [0x75, 0x90) 27
 *     [0xf8, 0x100) 8 (at the end of the window)
 */
static struct vad *gap_layout(struct vad_tree *t, struct vad **a)
{
    vad_tree_init(t, 0x10, 0x100);
    *a = add(t, 0x10, 0x18);
    add(t, 0x21, 0x30);
    add(t, 0x38, 0x50);
    add(t, 0x70, 0x75);
    return add(t, 0x90, 0xf8);
}

TEST(gap_search_bottom_up)
{
    struct vad_tree t;
    struct vad *a;
    gap_layout(&t, &a);
    CHECK_TREE(&t);

    CHECK_EQ(gap(&t, 9, 1, 0), 0x18);       /* the first run, exactly */
    CHECK_EQ(gap(&t, 8, 1, 0), 0x18);
    /* 8 pages on a granule: [0x18, 0x21) has only 1 page from 0x20; [0x30, 0x38) fits. */
    CHECK_EQ(gap(&t, 8, 16, 0), 0x30);
    /* 9 pages: [0x18, 0x21) is long enough but not once aligned; [0x30, 0x38) too short. */
    CHECK_EQ(gap(&t, 9, 16, 0), 0x50);
    CHECK_EQ(gap(&t, 10, 1, 0), 0x50);
    CHECK_EQ(gap(&t, 32, 16, 0), 0x50);     /* exactly fitting [0x50, 0x70) */
    CHECK_EQ(gap(&t, 32, 1, 0), 0x50);
    CHECK_EQ(gap(&t, 33, 1, 0), NONE);
    CHECK_EQ(gap(&t, 27, 1, 0), 0x50);
    CHECK_EQ(gap(&t, 16, 32, 0), 0x60);     /* [0x60, 0x70) */
    CHECK_EQ(gap(&t, 17, 32, 0), NONE);     /* 0x60 + 17 > 0x70, 0x80 + 17 > 0x90 */
    CHECK_EQ(gap(&t, 16, 16, 0), 0x50);
    CHECK_EQ(gap(&t, 2, 4, 0), 0x18);
    CHECK_EQ(gap(&t, 2, 8, 0), 0x18);
    CHECK_EQ(gap(&t, 2, 64, 0), 0x80);      /* 0x40 is inside C; 0x80 in [0x75, 0x90) */
    CHECK_EQ(gap(&t, 8, 8, 0), 0x18);
    CHECK_EQ(gap(&t, 9, 8, 0), 0x18);       /* 0x18 is a multiple of 8: exactly fits */
    CHECK_EQ(gap(&t, 10, 8, 0), 0x50);      /* 0x18 + 10 > 0x21; 0x30 + 10 > 0x38 */
    CHECK_EQ(gap(&t, 4, 1, 0), 0x18);

    /* The run at the window's start: free A and [0x10, 0x21) is 17 pages. */
    vad_remove(&t, a);
    free(a);
    CHECK_TREE(&t);
    CHECK_EQ(gap(&t, 16, 16, 0), 0x10);
    CHECK_EQ(gap(&t, 17, 16, 0), 0x10);
    CHECK_EQ(gap(&t, 18, 16, 0), 0x50);
    CHECK_EQ(gap(&t, 17, 1, 0), 0x10);

    /* The run at the window's end: fill everything else. */
    add(&t, 0x10, 0x21);
    add(&t, 0x30, 0x38);
    add(&t, 0x50, 0x70);
    add(&t, 0x75, 0x90);
    CHECK_TREE(&t);
    CHECK_EQ(gap(&t, 8, 8, 0), 0xf8);
    CHECK_EQ(gap(&t, 8, 16, 0), NONE);
    CHECK_EQ(gap(&t, 9, 1, 0), NONE);
    CHECK_EQ(gap(&t, 1, 1, 0), 0xf8);
    add(&t, 0xf8, 0x100);
    CHECK_EQ(gap(&t, 1, 1, 0), NONE);       /* full */
    CHECK_EQ(gap(&t, 1, 1, 1), NONE);
    CHECK_TREE(&t);
    free_all(&t);
}

TEST(gap_search_top_down)
{
    struct vad_tree t;
    struct vad *a;
    struct vad *e = gap_layout(&t, &a);

    CHECK_EQ(gap(&t, 8, 1, 1), 0xf8);       /* the run at the window's end, exactly */
    CHECK_EQ(gap(&t, 8, 8, 1), 0xf8);
    CHECK_EQ(gap(&t, 8, 16, 1), 0x80);      /* 0xf0 is inside E; [0x80, 0x88) */
    CHECK_EQ(gap(&t, 16, 16, 1), 0x80);     /* [0x80, 0x90) */
    CHECK_EQ(gap(&t, 17, 16, 1), 0x50);     /* 0x70 is inside D; [0x50, 0x61) */
    CHECK_EQ(gap(&t, 9, 1, 1), 0x87);
    CHECK_EQ(gap(&t, 27, 1, 1), 0x75);      /* exactly [0x75, 0x90) */
    CHECK_EQ(gap(&t, 28, 1, 1), 0x54);
    CHECK_EQ(gap(&t, 28, 16, 1), 0x50);
    CHECK_EQ(gap(&t, 32, 16, 1), 0x50);
    CHECK_EQ(gap(&t, 33, 1, 1), NONE);
    CHECK_EQ(gap(&t, 16, 32, 1), 0x80);     /* [0x80, 0x90) */
    CHECK_EQ(gap(&t, 17, 32, 1), NONE);
    CHECK_EQ(gap(&t, 2, 64, 1), 0x80);
    CHECK_EQ(gap(&t, 8, 32, 1), 0x80);

    /* Free E: [0x75, 0x100) is one run; fill the others but the window's start. */
    vad_remove(&t, e);
    free(e);
    CHECK_EQ(gap(&t, 16, 16, 1), 0xf0);
    CHECK_EQ(gap(&t, 0x8b, 1, 1), 0x75);
    CHECK_EQ(gap(&t, 0x8b, 16, 1), NONE);
    CHECK_EQ(gap(&t, 0x80, 16, 1), 0x80);
    struct vad *d = vad_find(&t, 0x70);
    REQUIRE(d != NULL);
    vad_remove(&t, d);
    free(d);
    vad_remove(&t, a);
    free(a);
    add(&t, 0x50, 0x70);
    add(&t, 0x75, 0x100);
    add(&t, 0x30, 0x38);
    CHECK_TREE(&t);
    /* Free: [0x10, 0x21) at the window's start, and [0x70, 0x75). */
    CHECK_EQ(gap(&t, 16, 16, 1), 0x10);
    CHECK_EQ(gap(&t, 5, 1, 1), 0x70);       /* exactly */
    CHECK_EQ(gap(&t, 5, 16, 1), 0x70);      /* 0x70 is on a granule */
    CHECK_EQ(gap(&t, 4, 4, 1), 0x70);
    CHECK_EQ(gap(&t, 1, 32, 1), 0x20);      /* [0x20, 0x21), the last page of the run */
    CHECK_EQ(gap(&t, 2, 32, 1), NONE);
    CHECK_EQ(gap(&t, 6, 16, 1), 0x10);      /* 0x21 - 6 = 0x1b, down to 0x10 */
    CHECK_EQ(gap(&t, 6, 1, 1), 0x1b);
    CHECK_EQ(gap(&t, 17, 1, 1), 0x10);      /* exactly [0x10, 0x21) */
    CHECK_EQ(gap(&t, 18, 1, 1), NONE);
    free_all(&t);
}

/*
 * Runs that are long enough but never once aligned, many of them, before the one run that
 * fits: the walk has to look into each (the pruning bound for align 32 is only necessary),
 * and the answer is still the exact one.
 */
TEST(gap_search_skips_many_misaligned_runs)
{
    struct vad_tree t;
    vad_tree_init(&t, 0, 0x100000);
    /* VADs [32k + 14, 32k + 16): free runs [32k + 16, 32k + 46), 30 pages, whose
       32-aligned part [32(k+1), 32(k+1) + 14) is 14 pages. */
    for (uint64_t k = 0; k < 1000; k++)
        add(&t, 32 * k + 14, 32 * k + 16);
    /* Below the first VAD: [0, 14). After the last: [32 * 999 + 16, 0x100000). */
    CHECK_TREE(&t);
    uint64_t before = vad_nodes_visited;
    CHECK_EQ(gap(&t, 16, 32, 0), 32 * 1000);
    printf("# 999 runs 2 pages short once 32-aligned: the search visited %llu nodes\n",
           (unsigned long long)(vad_nodes_visited - before));
    CHECK_EQ(gap(&t, 14, 32, 0), 0);
    CHECK_EQ(gap(&t, 15, 32, 0), 32 * 1000);
    CHECK_EQ(gap(&t, 15, 16, 0), 16);       /* at granularity 16 they fit */
    CHECK_EQ(gap(&t, 30, 16, 0), 16);
    CHECK_EQ(gap(&t, 31, 16, 0), 32 * 999 + 16);

    /* Top-down, with the run after the last VAD filled: nothing fits 15 pages. */
    add(&t, 32 * 999 + 16, 0x100000);
    CHECK_EQ(gap(&t, 15, 32, 1), NONE);
    CHECK_EQ(gap(&t, 14, 32, 1), 32 * 999);
    CHECK_EQ(gap(&t, 30, 1, 1), 32 * 998 + 16);
    CHECK_TREE(&t);
    free_all(&t);
}

/* A two-VAD tree built by hand, left child under the root, augmentation consistent. */
static void hand_pair(struct vad_tree *t, struct vad *root, struct vad *left,
                      uint64_t root_start, uint64_t left_start)
{
    memset(root, 0, sizeof(*root));
    memset(left, 0, sizeof(*left));
    vad_tree_init(t, 0, 0x10000);
    t->root = root;
    t->count = 2;
    left->start_vpn = left->span_start_vpn = left_start;
    left->end_vpn = left->span_end_vpn = left_start + 0x10;
    left->height = 1;
    left->parent = root;
    root->start_vpn = root_start;
    root->end_vpn = root->span_end_vpn = root_start + 0x10;
    root->span_start_vpn = left_start;
    root->height = 2;
    root->left = left;
    root->max_gap = root->start_vpn - left->end_vpn;        /* wraps when they overlap */
    uint64_t aligned = (left->end_vpn + 15) & ~15ull;
    root->max_granule_gap = root->start_vpn > aligned ? root->start_vpn - aligned : 0;
}

/* vad_tree_check must notice each kind of damage, and say which. */
TEST(tree_check_finds_corruption)
{
    struct vad_tree t;
    vad_tree_init(&t, WIN_MIN, WIN_MAX);
    for (uint64_t i = 0; i < 20; i++)
        add(&t, 0x100 + 0x40 * i, 0x110 + 0x40 * i);
    REQUIRE(vad_tree_check(&t) == 0);
    struct vad *r = t.root, *leaf = vad_find_first_at_or_after(&t, 0);
    REQUIRE(r->left && r->right && !leaf->left && !leaf->right);

#define EXPECT_BROKEN(field, bad, text)                                 \
    do {                                                                \
        __typeof__(field) saved = (field);                              \
        (field) = (bad);                                                \
        test_console_clear();                                           \
        CHECK_EQ(vad_tree_check(&t), -1);                               \
        if (!CHECK(strstr(test_console(), text) != NULL))               \
            printf("#   console: %s\n", test_console());               \
        (field) = saved;                                                \
        CHECK_EQ(vad_tree_check(&t), 0);                                \
    } while (0)

    EXPECT_BROKEN(r->max_gap, r->max_gap + 1, "wrong max_gap");
    EXPECT_BROKEN(r->max_granule_gap, 0, "wrong max_granule_gap");
    EXPECT_BROKEN(leaf->max_gap, 1, "wrong max_gap");
    EXPECT_BROKEN(r->span_end_vpn, r->span_end_vpn - 1, "wrong subtree span");
    EXPECT_BROKEN(r->height, r->height + 1, "wrong height");
    EXPECT_BROKEN(leaf->height, 2, "wrong height");
    EXPECT_BROKEN(r->left->parent, r->right, "parent link");
    EXPECT_BROKEN(r->parent, leaf, "the root has a parent");
    EXPECT_BROKEN(t.count, 19, "more nodes than count");
    EXPECT_BROKEN(t.count, 21, "count does not match");
    EXPECT_BROKEN(t.min_vpn, 0x101, "outside the window");
    EXPECT_BROKEN(t.max_vpn, 0x110 + 0x40 * 18, "outside the window");
    EXPECT_BROKEN(leaf->end_vpn, leaf->start_vpn, "empty range");
    /* An unbalanced subtree with consistent heights: a chain of two under the leaf. */
    struct vad extra[2];
    memset(extra, 0, sizeof(extra));
    extra[0] = (struct vad){ .start_vpn = 0x20, .end_vpn = 0x21, .height = 2,
                             .parent = leaf, .left = &extra[1],
                             .span_start_vpn = 0x18, .span_end_vpn = 0x21, .max_gap = 7 };
    extra[1] = (struct vad){ .start_vpn = 0x18, .end_vpn = 0x19, .height = 1,
                             .parent = &extra[0],
                             .span_start_vpn = 0x18, .span_end_vpn = 0x19 };
    leaf->left = &extra[0];
    leaf->height = 3;
    t.count += 2;
    test_console_clear();
    CHECK_EQ(vad_tree_check(&t), -1);
    CHECK(strstr(test_console(), "AVL balance") != NULL);
    leaf->left = NULL;
    leaf->height = 1;
    t.count -= 2;
    CHECK_EQ(vad_tree_check(&t), 0);
    free_all(&t);

    /* Overlapping and misordered VADs, each node consistent on its own. */
    struct vad root, left;
    hand_pair(&t, &root, &left, 0x100, 0xe0);
    CHECK_EQ(vad_tree_check(&t), 0);            /* the helper builds a good tree */
    hand_pair(&t, &root, &left, 0x100, 0xf8);
    test_console_clear();
    CHECK_EQ(vad_tree_check(&t), -1);
    CHECK(strstr(test_console(), "overlaps its predecessor") != NULL);
    hand_pair(&t, &root, &left, 0x100, 0x180);
    test_console_clear();
    CHECK_EQ(vad_tree_check(&t), -1);
    CHECK(strstr(test_console(), "out of order") != NULL);
#undef EXPECT_BROKEN
}
