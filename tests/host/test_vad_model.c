/*
 * The VAD tree against a reference model, and its O(log n) costs measured.
 *
 * The model is a sorted array of the live ranges; it answers every question by a linear
 * scan, independently of vad.c. Random operations (insertions, some meant to overlap or to
 * leave the window; removals; lookups; gap searches of random size, alignment and
 * direction) go to both and every answer is compared; vad_tree_check runs every
 * CHECK_EVERY operations and an in-order walk is compared with the array now and then.
 *
 * The scale test builds a 100000-VAD tree and counts, with vad.c's vad_nodes_visited,
 * the nodes each operation touches: the maximum must stay under 4 log2(n) + 8.
 *
 * SEED=n replays a run (the seed is printed in a "# seed" line and with each failure).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm/vad.h"
#include "test.h"

#define CHECK_EVERY 64
#define MAX_REPORTS 5       /* stop a run after this many mismatches */

/* ----- the reference model ------------------------------------------------------------ */

struct range {
    uint64_t start, end;
    struct vad *node;
};

static struct range *live;
static size_t live_count, live_cap;
static uint64_t win_min, win_max;

static void model_reset(uint64_t min, uint64_t max)
{
    live_count = 0;
    win_min = min;
    win_max = max;
}

/* Index of the first live range ending after vpn (live_count when none). */
static size_t model_first_after(uint64_t vpn)
{
    size_t i = 0;
    while (i < live_count && live[i].end <= vpn)
        i++;
    return i;
}

static struct vad *model_find(uint64_t vpn)
{
    size_t i = model_first_after(vpn);
    return i < live_count && live[i].start <= vpn ? live[i].node : NULL;
}

static ntstatus_t model_insert_status(uint64_t start, uint64_t end)
{
    if (start >= end || start < win_min || end > win_max)
        return STATUS_INVALID_PARAMETER;
    for (size_t i = 0; i < live_count; i++)
        if (live[i].start < end && start < live[i].end)
            return STATUS_CONFLICTING_ADDRESSES;
    return STATUS_SUCCESS;
}

static void model_insert(struct vad *v)
{
    if (live_count == live_cap) {
        live_cap = live_cap ? 2 * live_cap : 1024;
        live = realloc(live, live_cap * sizeof(*live));
        if (!live)
            abort();
    }
    size_t i = model_first_after(v->start_vpn);
    memmove(&live[i + 1], &live[i], (live_count - i) * sizeof(*live));
    live[i] = (struct range){ v->start_vpn, v->end_vpn, v };
    live_count++;
}

static void model_remove(size_t i)
{
    memmove(&live[i], &live[i + 1], (live_count - i - 1) * sizeof(*live));
    live_count--;
}

/* Whether pages pages aligned to align fit in [a, b), and where (lowest or highest). */
static int model_fit(uint64_t a, uint64_t b, uint64_t pages, uint64_t align, int top_down,
                     uint64_t *out)
{
    if (b <= a || b - a < pages)
        return 0;
    if (top_down) {
        uint64_t s = (b - pages) / align * align;
        if (s < a)
            return 0;
        *out = s;
        return 1;
    }
    uint64_t s = (a + align - 1) / align * align;
    if (s + pages > b)
        return 0;
    *out = s;
    return 1;
}

/* The expected vad_find_free_gap result: the free runs scanned in search order. */
static ntstatus_t model_gap(uint64_t pages, uint64_t align, int top_down, uint64_t *out)
{
    size_t n = live_count;
    for (size_t k = 0; k <= n; k++) {
        size_t j = top_down ? n - k : k;    /* run j lies between live[j-1] and live[j] */
        uint64_t a = j == 0 ? win_min : live[j - 1].end;
        uint64_t b = j == n ? win_max : live[j].start;
        if (model_fit(a, b, pages, align, top_down, out))
            return STATUS_SUCCESS;
    }
    return STATUS_NO_MEMORY;
}

/* ----- the randomized comparison ------------------------------------------------------ */

static uint64_t seed;
static int reports;

#define MISMATCH(op, ...)                                                       \
    do {                                                                        \
        CHECK(0);                                                               \
        printf("#   seed %llu, op %lu: ", (unsigned long long)seed, (unsigned long)(op)); \
        printf(__VA_ARGS__);                                                    \
        printf("\n");                                                           \
        reports++;                                                              \
    } while (0)

static uint64_t pick_len(void)
{
    static const uint64_t scale[] = { 1, 4, 16, 64, 512 };
    return 1 + test_rand_below(scale[test_rand_below(5)]);
}

static int walk_matches(const struct vad_tree *t)
{
    size_t i = 0;
    for (struct vad *v = vad_find_first_at_or_after(t, 0); v; v = vad_next(v), i++)
        if (i >= live_count || v != live[i].node)
            return 0;
    if (i != live_count)
        return 0;
    if (live_count) {
        struct vad *v = live[live_count - 1].node;
        for (i = live_count; v; v = vad_prev(v))
            if (i == 0 || v != live[--i].node)
                return 0;
        if (i != 0)
            return 0;
    }
    return 1;
}

static void run_model(uint64_t min, uint64_t max, unsigned ops, uint64_t place_span)
{
    struct vad_tree t;
    vad_tree_init(&t, min, max);
    model_reset(min, max);
    uint64_t span = place_span < max - min ? place_span : max - min;

    for (unsigned op = 0; op < ops && reports < MAX_REPORTS; op++) {
        /* Alternate filling and draining stretches so both full and empty trees occur. */
        int filling = (op / 2000) % 2 == 0;
        unsigned what = (unsigned)test_rand_below(100);
        unsigned insert_pct = filling ? 50 : 15, remove_pct = filling ? 10 : 45;

        if (what < insert_pct) {
            uint64_t len = pick_len(), start;
            unsigned kind = (unsigned)test_rand_below(16);
            if (kind == 0 && live_count) {
                /* Meant to overlap a live range somehow. */
                struct range *r = &live[test_rand_below(live_count)];
                uint64_t lo = r->start > len - 1 ? r->start - (len - 1) : 0;
                start = lo + test_rand_below(r->end - lo);
            } else if (kind == 1) {
                /* Around the window's edges, sometimes across them; sometimes empty. */
                start = test_rand_below(2) ? min + test_rand_below(8) - 4
                                           : max - test_rand_below(8) - len + 4;
                if (test_rand_below(8) == 0)
                    len = 0;
            } else if (kind == 2 && live_count) {
                /* Touching a live range on one side. */
                struct range *r = &live[test_rand_below(live_count)];
                start = test_rand_below(2) || r->start < len ? r->end : r->start - len;
            } else {
                start = min + test_rand_below(span);
            }
            uint64_t end = start + len;
            ntstatus_t want = model_insert_status(start, end);
            struct vad *v = calloc(1, sizeof(*v));
            if (!v)
                abort();
            v->start_vpn = start;
            v->end_vpn = end;
            ntstatus_t got = vad_insert(&t, v);
            if (got != want)
                MISMATCH(op, "insert [0x%llx, 0x%llx): got 0x%x, want 0x%x",
                         (unsigned long long)start, (unsigned long long)end,
                         (unsigned)got, (unsigned)want);
            if (got == STATUS_SUCCESS)
                model_insert(v);
            else
                free(v);
        } else if (what < insert_pct + remove_pct) {
            if (live_count) {
                size_t i = test_rand_below(live_count);
                struct vad *v = live[i].node;
                vad_remove(&t, v);
                model_remove(i);
                free(v);
            }
        } else if (what < insert_pct + remove_pct + 15) {
            uint64_t vpn = min + test_rand_below(span + 8);
            vpn = vpn >= 4 ? vpn - 4 : vpn;
            struct vad *got = vad_find(&t, vpn), *want = model_find(vpn);
            if (got != want)
                MISMATCH(op, "find 0x%llx: got %p, want %p", (unsigned long long)vpn,
                         (void *)got, (void *)want);
            size_t i = model_first_after(vpn);
            got = vad_find_first_at_or_after(&t, vpn);
            want = i < live_count ? live[i].node : NULL;
            if (got != want)
                MISMATCH(op, "first_at_or_after 0x%llx: got %p, want %p",
                         (unsigned long long)vpn, (void *)got, (void *)want);
        } else {
            uint64_t pages = test_rand_below(64) == 0 ? 1 + test_rand_below(max - min + 1)
                                                      : pick_len();
            uint64_t align = 1ull << test_rand_below(11);
            if (test_rand_below(3) == 0)
                align = VAD_GRANULE_PAGES;
            int top_down = (int)test_rand_below(2);
            uint64_t got_vpn = 0, want_vpn = 0;
            ntstatus_t got = vad_find_free_gap(&t, pages, align, top_down, &got_vpn);
            ntstatus_t want = model_gap(pages, align, top_down, &want_vpn);
            if (got != want || (got == STATUS_SUCCESS && got_vpn != want_vpn))
                MISMATCH(op, "gap %llu align %llu %s: got 0x%x 0x%llx, want 0x%x 0x%llx",
                         (unsigned long long)pages, (unsigned long long)align,
                         top_down ? "top-down" : "bottom-up", (unsigned)got,
                         (unsigned long long)got_vpn, (unsigned)want,
                         (unsigned long long)want_vpn);
        }

        if (t.count != live_count)
            MISMATCH(op, "count %llu, model %zu", (unsigned long long)t.count, live_count);
        if (op % CHECK_EVERY == 0) {
            test_console_clear();
            if (vad_tree_check(&t) != 0)
                MISMATCH(op, "vad_tree_check failed: %s", test_console());
        }
        if (op % 1000 == 0 && !walk_matches(&t))
            MISMATCH(op, "in-order walk differs from the model");
    }
    CHECK_EQ(vad_tree_check(&t), 0);
    CHECK(walk_matches(&t));
    while (live_count) {
        struct vad *v = live[live_count - 1].node;
        vad_remove(&t, v);
        model_remove(live_count - 1);
        free(v);
    }
    CHECK_EQ(t.count, 0);
    CHECK_EQ(vad_tree_check(&t), 0);
}

TEST(random_ops_match_the_model)
{
    seed = test_rand_start("vad model", 0x7ad5eed);
    reports = 0;
    /* A crowded small window: many overlaps refused, many searches that fail. */
    run_model(0x10, 0x10 + 0x4000, 40000, ~0ull);
    /* A large window, ranges placed in its low part: big free runs at the top. */
    run_model(0x10, 0x100000, 40000, 0x10000);
    /* The Windows x64 user window, ranges spread over it. */
    run_model(0x10, 0x7FFFFFFEF, 20000, ~0ull);
    /* A window at VAD_VPN_LIMIT, its start unaligned. */
    run_model(VAD_VPN_LIMIT - 0x3001, VAD_VPN_LIMIT, 20000, ~0ull);
    free(live);
    live = NULL;
    live_cap = 0;
}

/* ----- the scale test ----------------------------------------------------------------- */

#define SCALE_N 100000
#define SCALE_OPS 10000

struct visits {
    const char *what;
    uint64_t max, total, ops;
};

static uint64_t visit_start;

static void visit_begin(void)
{
    visit_start = vad_nodes_visited;
}

static void visit_end(struct visits *v)
{
    uint64_t n = vad_nodes_visited - visit_start;
    v->max = n > v->max ? n : v->max;
    v->total += n;
    v->ops++;
}

/* log2(x) for x >= 1, bit by bit (no libm in the host tests' link). */
static double log2_of(double x)
{
    double r = 0, bit = 1;
    while (x >= 2) {
        x /= 2;
        r += 1;
    }
    for (int i = 0; i < 30; i++) {
        x *= x;
        bit /= 2;
        if (x >= 2) {
            x /= 2;
            r += bit;
        }
    }
    return r;
}

/* The index of the VAD containing vpn in the sorted array a of n VADs, or n. */
static size_t sorted_find(const struct vad *a, size_t n, uint64_t vpn, int first_after)
{
    size_t lo = 0, hi = n;          /* the first with end > vpn */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid].end_vpn > vpn)
            hi = mid;
        else
            lo = mid + 1;
    }
    if (first_after)
        return lo;
    return lo < n && a[lo].start_vpn <= vpn ? lo : n;
}

TEST(scale_operations_visit_o_log_n_nodes)
{
    seed = test_rand_start("vad scale", 0x5ca1e);
    const size_t n = SCALE_N;
    struct vad *nodes = calloc(n, sizeof(*nodes));
    size_t *order = malloc(n * sizeof(*order));
    REQUIRE(nodes && order);

    /* Sorted VADs 1-32 pages long; gaps mostly 0-23 pages, one in 8 up to 200. */
    uint64_t pos = 0x10;
    for (size_t i = 0; i < n; i++) {
        uint64_t gap = test_rand_below(8) == 0 ? test_rand_below(200) : test_rand_below(24);
        if (i == 0)
            gap = 0;
        nodes[i].start_vpn = pos + gap;
        nodes[i].end_vpn = pos + gap + 1 + test_rand_below(32);
        pos = nodes[i].end_vpn;
        order[i] = i;
    }
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = test_rand_below(i + 1), tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
    }

    /* The window ends at the last VAD: top-down searches must go into the tree too. */
    struct vad_tree t;
    vad_tree_init(&t, 0x10, pos);
    model_reset(0x10, pos);
    double log2n = log2_of((double)n);
    uint64_t bound = (uint64_t)(4 * log2n + 8);

    struct visits ins = { "insert", 0, 0, 0 }, rem = { "remove", 0, 0, 0 };
    struct visits find = { "find", 0, 0, 0 }, first = { "first_at_or_after", 0, 0, 0 };
    struct visits fit = { "gap (align 1, 16)", 0, 0, 0 };
    struct visits other = { "gap (align 2-8, 32-512)", 0, 0, 0 };

    for (size_t i = 0; i < n; i++) {
        visit_begin();
        ntstatus_t st = vad_insert(&t, &nodes[order[i]]);
        visit_end(&ins);
        if (st != STATUS_SUCCESS) {
            CHECK_EQ(st, STATUS_SUCCESS);
            goto out;
        }
    }
    if (!CHECK_EQ(vad_tree_check(&t), 0))
        goto out;
    double avl_max = 1.4405 * log2_of((double)n + 2) - 0.3277;
    printf("# %zu VADs: height %d (AVL bound %.1f), 4 log2(n) + 8 = %llu\n", n,
           t.root->height, avl_max, (unsigned long long)bound);
    CHECK(t.root->height <= avl_max);

    /* The model for the gap checks: every VAD, already in order. */
    live = realloc(live, n * sizeof(*live));
    if (!live)
        abort();
    live_cap = n;
    for (size_t i = 0; i < n; i++)
        live[i] = (struct range){ nodes[i].start_vpn, nodes[i].end_vpn, &nodes[i] };
    live_count = n;

    for (unsigned op = 0; op < SCALE_OPS; op++) {
        uint64_t vpn = 0x10 + test_rand_below(pos - 0x10);
        visit_begin();
        struct vad *got = vad_find(&t, vpn);
        visit_end(&find);
        size_t i = sorted_find(nodes, n, vpn, 0);
        if (got != (i < n ? &nodes[i] : NULL))
            MISMATCH(op, "find 0x%llx", (unsigned long long)vpn);

        visit_begin();
        got = vad_find_first_at_or_after(&t, vpn);
        visit_end(&first);
        i = sorted_find(nodes, n, vpn, 1);
        if (got != (i < n ? &nodes[i] : NULL))
            MISMATCH(op, "first_at_or_after 0x%llx", (unsigned long long)vpn);

        /* Sizes up to 256 pages: some fit in many runs, some in a few, some in none. */
        uint64_t pages = 1 + test_rand_below(test_rand_below(2) ? 32 : 256);
        int top_down = (int)test_rand_below(2);
        for (int k = 0; k < 2; k++) {
            uint64_t align = k == 0 ? (test_rand_below(2) ? 1 : VAD_GRANULE_PAGES)
                                    : 1ull << (test_rand_below(2) ? 1 + test_rand_below(3)
                                                                  : 5 + test_rand_below(5));
            uint64_t got_vpn = 0, want_vpn = 0;
            visit_begin();
            ntstatus_t st = vad_find_free_gap(&t, pages, align, top_down, &got_vpn);
            visit_end(k == 0 ? &fit : &other);
            if (op % 50 == 0) {         /* the linear model is slow at this size */
                ntstatus_t want = model_gap(pages, align, top_down, &want_vpn);
                if (st != want || (st == STATUS_SUCCESS && got_vpn != want_vpn))
                    MISMATCH(op, "gap %llu align %llu %s: got 0x%x 0x%llx want 0x%x 0x%llx",
                             (unsigned long long)pages, (unsigned long long)align,
                             top_down ? "top-down" : "bottom-up", (unsigned)st,
                             (unsigned long long)got_vpn, (unsigned)want,
                             (unsigned long long)want_vpn);
            }
        }
    }

    for (size_t i = 0; i < n; i++) {
        visit_begin();
        vad_remove(&t, &nodes[order[(i * 7919) % n]]);     /* not the insertion order */
        visit_end(&rem);
        if (i % 20000 == 0 && !CHECK_EQ(vad_tree_check(&t), 0))
            break;
    }
    CHECK_EQ(t.count, 0);

    const struct visits *all[] = { &ins, &rem, &find, &first, &fit, &other };
    for (size_t k = 0; k < sizeof(all) / sizeof(all[0]); k++) {
        const struct visits *v = all[k];
        int bounded = v != &other;
        printf("# %-24s max %3llu nodes, mean %5.1f over %llu ops%s\n", v->what,
               (unsigned long long)v->max, v->ops ? (double)v->total / v->ops : 0.0,
               (unsigned long long)v->ops, bounded ? "" : " (not bounded: see vad.c)");
        if (bounded && !CHECK(v->max <= bound))
            printf("#   seed %llu: %s visited %llu nodes, bound %llu\n",
                   (unsigned long long)seed, v->what, (unsigned long long)v->max,
                   (unsigned long long)bound);
    }
out:
    model_reset(0, 0);
    free(live);
    live = NULL;
    live_cap = 0;
    free(order);
    free(nodes);
}
