/*
 * The kernel heap (kheap.h): size-class slabs for small objects, page blocks for the rest.
 *
 * Layout of this file: the slab page format, the heap's state, lists of frames, slabs
 * (carving, allocating from, freeing into), large blocks, pointer lookup for kfree, the
 * public calls, and last kheap_check().
 *
 * Small objects (1..KHEAP_MAX_SMALL bytes) are rounded up to one of eight size classes,
 * 16 << i bytes. A slab is one order-0 frame, PFN_KERNEL with PFN_FLAG_SLAB in its
 * record, reached through the direct map. It starts with a struct slab header and holds
 * the class's objects after it:
 *
 *     offset 0                48                48+size             48+cap*size   4096
 *     | struct slab header    | object 0         | object 1   ...    | (slack)     |
 *
 * The header keeps the class, the number of objects in use, the offset of the first free
 * object (free objects are chained through their first two bytes, as page offsets) and a
 * bitmap with one bit per object, set while the object is allocated. The bitmap makes a
 * double free an O(1) test, and lets the allocator catch a free list overwritten by a
 * write after kfree before it hands out a wild pointer.
 *
 * Keeping the header inside the page costs one object per slab (16-byte class: 253 of
 * 256; 1024: 3 of 4; 2048: 1 of 2). We accept that: kernel objects are small, and a slab
 * that describes itself makes kfree (mask the address) and kheap_check simple. If the big
 * classes ever matter, their headers can move off the page (Bonwick's off-slab slabs).
 *
 * Every slab of a class is in exactly one place, linked through its PFN record's
 * next/prev (the page allocator leaves those to the owner of an allocated frame):
 *   - the partial list: 0 < in_use < capacity; kmalloc takes from its head;
 *   - the full list: in_use == capacity (kept so kheap_check can reach every slab);
 *   - the class's cached empty slab (at most one): in_use == 0.
 * A slab that empties while the class already caches one goes back to the page
 * allocator. So once everything is freed the heap holds exactly one page per class that
 * has ever been used, and nothing else. The cache stops a kmalloc/kfree pair on an
 * otherwise empty class from allocating and freeing a page every time.
 *
 * Large objects (more than KHEAP_MAX_SMALL bytes) get a block of 2^order frames from
 * page_alloc, PFN_KERNEL, with PFN_FLAG_LARGE on the head frame. page_alloc records the
 * block's order on its head (PFN_FLAG_BLOCK_HEAD, pfn.order) and we only read it back.
 * Large blocks are kept on a list too, for kheap_check.
 *
 * Locking: one spinlock for the whole heap. The lock order is heap lock, then
 * page_alloc's lock: slabs are created and released with the heap lock held. A kfree of a
 * bad pointer releases the heap lock before panicking, so the report never runs with the
 * heap locked (and host tests, which survive panics, keep a usable heap).
 */
#include "kheap.h"

#include <stdarg.h>

#include "arch.h"
#include "lib/format.h"
#include "lib/log.h"
#include "lib/panic.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "page_alloc.h"
#include "pfn.h"

#define KHEAP_MIN_SHIFT   4                     /* the smallest class: 16 bytes */
#define KHEAP_CLASS_COUNT 8                     /* 16, 32, ... 2048 */
#define KHEAP_ALIGN       16u
#define SLAB_MAGIC        0x42414c53u           /* "SLAB" in memory order */
#define SLAB_BITMAP_WORDS 4                     /* 256 bits: enough for the 16-byte class */
#define LARGE_MAX_BYTES   (PAGE_SIZE << PAGE_MAX_ORDER)

_Static_assert((16u << (KHEAP_CLASS_COUNT - 1)) == KHEAP_MAX_SMALL,
               "the largest class is KHEAP_MAX_SMALL");

/* ----------------------------------------------------------------------------------- */
/* The slab page format                                                                 */
/* ----------------------------------------------------------------------------------- */

struct slab {
    uint32_t magic;             /* SLAB_MAGIC while the page is a slab */
    uint16_t free_head;         /* page offset of the first free object, 0: none */
    uint16_t in_use;            /* allocated objects; == popcount(in_use_bits) */
    uint8_t class_index;        /* objects are 16 << class_index bytes */
    uint8_t reserved[7];
    uint64_t in_use_bits[SLAB_BITMAP_WORDS];    /* bit i: object i is allocated */
};

/* Objects start here: the header rounded up to the object alignment. */
#define SLAB_OBJECTS_OFFSET \
    ((uint32_t)((sizeof(struct slab) + KHEAP_ALIGN - 1) & ~(uint64_t)(KHEAP_ALIGN - 1)))

_Static_assert(SLAB_OBJECTS_OFFSET == 48, "the slab header is 48 bytes");
_Static_assert((PAGE_SIZE - SLAB_OBJECTS_OFFSET) / 16 <= SLAB_BITMAP_WORDS * 64,
               "the in-use bitmap covers the 16-byte class");

static inline uint32_t class_size(unsigned class_index)
{
    return 1u << (KHEAP_MIN_SHIFT + class_index);
}

static inline uint32_t class_capacity(unsigned class_index)
{
    return (uint32_t)((PAGE_SIZE - SLAB_OBJECTS_OFFSET) / class_size(class_index));
}

/* The smallest class that holds size bytes; 0 < size <= KHEAP_MAX_SMALL. */
static inline unsigned class_for_size(size_t size)
{
    if (size <= (1u << KHEAP_MIN_SHIFT))
        return 0;
    unsigned bits = 64 - (unsigned)__builtin_clzll((unsigned long long)(size - 1));
    return bits - KHEAP_MIN_SHIFT;
}

/* The smallest order whose block holds size bytes; size <= LARGE_MAX_BYTES. */
static inline unsigned order_for_size(size_t size)
{
    uint64_t pages = ((uint64_t)size + PAGE_SIZE - 1) >> PAGE_SHIFT;
    if (pages <= 1)
        return 0;
    return 64 - (unsigned)__builtin_clzll(pages - 1);
}

static inline struct slab *slab_of_frame(uint64_t frame)
{
    return (struct slab *)phys_to_virt(frame << PAGE_SHIFT);
}

static inline void *slab_object(struct slab *s, uint32_t offset)
{
    return (char *)s + offset;
}

static inline uint32_t object_offset(uint32_t class_index, uint32_t index)
{
    return SLAB_OBJECTS_OFFSET + index * class_size(class_index);
}

/*
 * Whether offset is the start of one of the slab's objects; *index gets its number.
 * Used on every free-list link and on every pointer given to kfree.
 */
static inline int offset_to_index(uint32_t class_index, uint32_t offset, uint32_t *index)
{
    if (offset < SLAB_OBJECTS_OFFSET)
        return 0;
    uint32_t rel = offset - SLAB_OBJECTS_OFFSET;
    uint32_t size = class_size(class_index);
    if (rel % size != 0 || rel / size >= class_capacity(class_index))
        return 0;
    *index = rel / size;
    return 1;
}

static inline int bit_test(const struct slab *s, uint32_t i)
{
    return (s->in_use_bits[i / 64] >> (i % 64)) & 1;
}

static inline void bit_set(struct slab *s, uint32_t i)
{
    s->in_use_bits[i / 64] |= 1ull << (i % 64);
}

static inline void bit_clear(struct slab *s, uint32_t i)
{
    s->in_use_bits[i / 64] &= ~(1ull << (i % 64));
}

/* A free object's first two bytes: the page offset of the next free object, or 0. */
static inline uint16_t free_link(struct slab *s, uint32_t offset)
{
    uint16_t next;
    memcpy(&next, slab_object(s, offset), sizeof(next));
    return next;
}

static inline void set_free_link(struct slab *s, uint32_t offset, uint16_t next)
{
    memcpy(slab_object(s, offset), &next, sizeof(next));
}

/* ----------------------------------------------------------------------------------- */
/* The heap's state                                                                     */
/* ----------------------------------------------------------------------------------- */

struct slab_class {
    uint32_t partial;           /* head frame of the partial list, PFN_NONE: empty */
    uint32_t full;              /* head frame of the full list */
    uint32_t empty;             /* the cached empty slab's frame, or PFN_NONE */
};

struct kheap {
    struct spinlock lock;
    struct slab_class classes[KHEAP_CLASS_COUNT];
    uint32_t large;             /* head frame of the list of large blocks */
    uint64_t small_objects;     /* live slab objects */
    uint64_t large_objects;     /* live large blocks */
    uint64_t live_bytes;        /* usable bytes of both */
    uint64_t slab_pages;
    uint64_t large_pages;
};

#define KHEAP_INITIAL                                                                 \
    {                                                                                 \
        .lock = SPINLOCK_INIT("kheap"),                                               \
        .classes = { [0 ... KHEAP_CLASS_COUNT - 1] = { PFN_NONE, PFN_NONE, PFN_NONE } }, \
        .large = PFN_NONE,                                                            \
    }

static struct kheap heap = KHEAP_INITIAL;

#ifdef RESERVOIR_HOST
/*
 * Forgets every slab and block without returning them: for host tests, after sim_init()
 * has replaced the simulated machine (and with it every frame the heap held).
 */
void kheap_reset(void)
{
    heap = (struct kheap)KHEAP_INITIAL;
}
#endif

/*
 * Reports a kernel bug found with the heap locked (a bad pointer, a corrupt slab). The
 * lock is released first, so the panic report (and, on the host, the test that expected
 * the panic) never runs with the heap held.
 */
__attribute__((noreturn, format(printf, 1, 2))) static void heap_panic_locked(const char *fmt,
                                                                             ...)
{
    ASSERT(spin_held(&heap.lock));
    char message[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    spin_unlock(&heap.lock);
    panic("%s", message);
}

/* ----------------------------------------------------------------------------------- */
/* Lists of frames, linked through pfn.next/prev                                        */
/* ----------------------------------------------------------------------------------- */

static void frame_list_push_locked(uint32_t *head, uint64_t frame)
{
    ASSERT(spin_held(&heap.lock));
    struct pfn *rec = pfn_get(frame);
    rec->prev = PFN_NONE;
    rec->next = *head;
    if (*head != PFN_NONE)
        pfn_get(*head)->prev = (uint32_t)frame;
    *head = (uint32_t)frame;
}

static void frame_list_remove_locked(uint32_t *head, uint64_t frame)
{
    ASSERT(spin_held(&heap.lock));
    struct pfn *rec = pfn_get(frame);
    if (rec->prev != PFN_NONE)
        pfn_get(rec->prev)->next = rec->next;
    else
        *head = rec->next;
    if (rec->next != PFN_NONE)
        pfn_get(rec->next)->prev = rec->prev;
    rec->next = rec->prev = PFN_NONE;
}

/* ----------------------------------------------------------------------------------- */
/* Slabs                                                                                */
/* ----------------------------------------------------------------------------------- */

/* Formats a fresh slab: header, empty bitmap, every object on the free list in order. */
static void slab_format(struct slab *s, unsigned class_index)
{
    uint32_t capacity = class_capacity(class_index);
    memset(s, 0, sizeof(*s));
    s->magic = SLAB_MAGIC;
    s->class_index = (uint8_t)class_index;
    s->free_head = (uint16_t)object_offset(class_index, 0);
    for (uint32_t i = 0; i < capacity; i++) {
        uint32_t next = i + 1 < capacity ? object_offset(class_index, i + 1) : 0;
        set_free_link(s, object_offset(class_index, i), (uint16_t)next);
    }
}

/* A new slab from the page allocator, on no list; PFN_NONE when memory is out. */
static uint64_t slab_create_locked(unsigned class_index)
{
    ASSERT(spin_held(&heap.lock));
    uint64_t pa;
    if (page_alloc_frame(0, PFN_KERNEL, &pa) != STATUS_SUCCESS)
        return PFN_NONE;
    uint64_t frame = pa >> PAGE_SHIFT;
    struct pfn *rec = pfn_get(frame);
    rec->flags |= PFN_FLAG_SLAB;
    rec->next = rec->prev = PFN_NONE;
    slab_format(slab_of_frame(frame), class_index);
    heap.slab_pages++;
    return frame;
}

/* Gives an empty slab, on no list, back to the page allocator. */
static void slab_destroy_locked(uint64_t frame)
{
    ASSERT(spin_held(&heap.lock));
    struct slab *s = slab_of_frame(frame);
    ASSERT(s->in_use == 0);
    s->magic = 0;               /* a stale pointer into the page no longer finds a slab */
    pfn_get(frame)->flags &= (uint16_t)~PFN_FLAG_SLAB;
    heap.slab_pages--;
    page_free_frame(frame << PAGE_SHIFT);
}

/*
 * The slab kmalloc should carve from: the partial list's head, else the cached empty
 * slab, else a new one (both put on the partial list). PFN_NONE when memory is out.
 */
static uint64_t slab_for_alloc_locked(unsigned class_index)
{
    ASSERT(spin_held(&heap.lock));
    struct slab_class *c = &heap.classes[class_index];
    if (c->partial != PFN_NONE)
        return c->partial;
    uint64_t frame = c->empty;
    if (frame != PFN_NONE)
        c->empty = PFN_NONE;
    else
        frame = slab_create_locked(class_index);
    if (frame != PFN_NONE)
        frame_list_push_locked(&c->partial, frame);
    return frame;
}

/*
 * Takes the first free object of a slab on the partial list. The free list lives in
 * freed memory, so a write after kfree can corrupt it: the object taken must be free and
 * the link it holds must name an object, or we stop here rather than hand out a wild
 * pointer later.
 */
static void *slab_take_object_locked(uint64_t frame)
{
    ASSERT(spin_held(&heap.lock));
    struct slab *s = slab_of_frame(frame);
    unsigned class_index = s->class_index;
    uint32_t offset = s->free_head, index, next_index;
    ASSERT(offset != 0);
    uint16_t next = free_link(s, offset);
    if (!offset_to_index(class_index, offset, &index) || bit_test(s, index) ||
        (next != 0 && !offset_to_index(class_index, next, &next_index)))
        heap_panic_locked("kmalloc: the free list of the %u-byte slab at frame %llu is "
                          "corrupt at offset %u (next %u): written after kfree?",
                          class_size(class_index), (unsigned long long)frame, offset, next);
    bit_set(s, index);
    s->in_use++;
    s->free_head = next;
    if (s->in_use == class_capacity(class_index)) {
        struct slab_class *c = &heap.classes[class_index];
        frame_list_remove_locked(&c->partial, frame);
        frame_list_push_locked(&c->full, frame);
    }
    heap.small_objects++;
    heap.live_bytes += class_size(class_index);
    return slab_object(s, offset);
}

static void *slab_alloc_locked(unsigned class_index)
{
    ASSERT(spin_held(&heap.lock));
    uint64_t frame = slab_for_alloc_locked(class_index);
    if (frame == PFN_NONE)
        return NULL;
    return slab_take_object_locked(frame);
}

/*
 * Puts object index (already checked to be allocated) back on its slab's free list and
 * moves the slab between lists: full -> partial, partial -> the empty cache or the page
 * allocator.
 */
static void slab_free_locked(uint64_t frame, uint32_t index)
{
    ASSERT(spin_held(&heap.lock));
    struct slab *s = slab_of_frame(frame);
    unsigned class_index = s->class_index;
    struct slab_class *c = &heap.classes[class_index];
    uint32_t offset = object_offset(class_index, index);
    int was_full = s->in_use == class_capacity(class_index);

    bit_clear(s, index);
    set_free_link(s, offset, s->free_head);
    s->free_head = (uint16_t)offset;
    s->in_use--;
    heap.small_objects--;
    heap.live_bytes -= class_size(class_index);

    if (was_full) {
        frame_list_remove_locked(&c->full, frame);
        if (s->in_use > 0) {
            frame_list_push_locked(&c->partial, frame);
            return;
        }
    } else if (s->in_use > 0) {
        return;
    } else {
        frame_list_remove_locked(&c->partial, frame);
    }
    /* Empty: keep it if the class has no cached slab yet, else return the page. */
    if (c->empty == PFN_NONE)
        c->empty = (uint32_t)frame;
    else
        slab_destroy_locked(frame);
}

/* ----------------------------------------------------------------------------------- */
/* Large blocks                                                                         */
/* ----------------------------------------------------------------------------------- */

static void *large_alloc(size_t size, int zero)
{
    if (size > LARGE_MAX_BYTES)
        return NULL;
    unsigned order = order_for_size(size);
    uint64_t pa;
    /* A zeroed block comes from page_alloc's supply, cleared ahead of time. */
    if (page_alloc(order, zero ? PAGE_ALLOC_ZEROED : 0, PFN_KERNEL, &pa) != STATUS_SUCCESS)
        return NULL;
    uint64_t frame = pa >> PAGE_SHIFT;
    struct pfn *rec = pfn_get(frame);
    /* kfree reads the order back from here. */
    ASSERT((rec->flags & PFN_FLAG_BLOCK_HEAD) && rec->order == order);

    spin_lock(&heap.lock);
    rec->flags |= PFN_FLAG_LARGE;
    frame_list_push_locked(&heap.large, frame);
    heap.large_objects++;
    heap.large_pages += 1ull << order;
    heap.live_bytes += PAGE_SIZE << order;
    spin_unlock(&heap.lock);
    return phys_to_virt(pa);
}

static void large_free_locked(uint64_t frame)
{
    ASSERT(spin_held(&heap.lock));
    struct pfn *rec = pfn_get(frame);
    unsigned order = rec->order;
    frame_list_remove_locked(&heap.large, frame);
    rec->flags &= (uint16_t)~PFN_FLAG_LARGE;
    heap.large_objects--;
    heap.large_pages -= 1ull << order;
    heap.live_bytes -= PAGE_SIZE << order;
    page_free(frame << PAGE_SHIFT, order);
}

/* ----------------------------------------------------------------------------------- */
/* From a pointer back to its object                                                    */
/* ----------------------------------------------------------------------------------- */

/* What a pointer given to kfree or kmalloc_usable_size turned out to be. */
struct heap_object {
    uint64_t frame;
    int large;                  /* 1: a large block at frame; 0: a slab object */
    uint32_t index;             /* the slab object's number */
};

/*
 * Finds the live object p points to, or panics naming what p is instead: outside the
 * direct map, a frame the heap does not own, not the start of an object, or an object
 * that is not allocated (a double free). who names the caller in the report.
 */
static struct heap_object heap_lookup_locked(const void *p, const char *who)
{
    ASSERT(spin_held(&heap.lock));
    uintptr_t va = (uintptr_t)p;
    uint64_t frame = (uint64_t)(va - direct_map_base) >> PAGE_SHIFT;
    struct pfn *rec = va >= direct_map_base ? pfn_get(frame) : NULL;
    if (!rec)
        heap_panic_locked("%s: %p was not returned by kmalloc (not in the direct map of RAM)",
                          who, p);
    if (rec->state != PFN_KERNEL || !(rec->flags & (PFN_FLAG_SLAB | PFN_FLAG_LARGE)))
        heap_panic_locked("%s: %p was not returned by kmalloc (frame %llu, state %s%s)", who,
                          p, (unsigned long long)frame,
                          pfn_state_name((enum pfn_state)rec->state),
                          rec->state == PFN_KERNEL ? ", not a heap page" : "");

    uint32_t offset = (uint32_t)(va & (PAGE_SIZE - 1));
    if (rec->flags & PFN_FLAG_LARGE) {
        if (offset != 0)
            heap_panic_locked("%s: %p is inside the large block at %p, not its start", who,
                              p, phys_to_virt(frame << PAGE_SHIFT));
        return (struct heap_object){ .frame = frame, .large = 1 };
    }

    struct slab *s = slab_of_frame(frame);
    if (s->magic != SLAB_MAGIC || s->class_index >= KHEAP_CLASS_COUNT)
        heap_panic_locked("%s: the slab at frame %llu holding %p has a bad header (magic "
                          "%#x, class %u): heap corruption", who, (unsigned long long)frame,
                          p, s->magic, s->class_index);
    uint32_t index;
    if (!offset_to_index(s->class_index, offset, &index))
        heap_panic_locked("%s: %p is not the start of an object (offset %u in a slab of "
                          "%u-byte objects at frame %llu)", who, p, offset,
                          class_size(s->class_index), (unsigned long long)frame);
    if (!bit_test(s, index))
        heap_panic_locked("%s: %p is not allocated: double free or use after free (%u-byte "
                          "object, slab frame %llu)", who, p, class_size(s->class_index),
                          (unsigned long long)frame);
    return (struct heap_object){ .frame = frame, .large = 0, .index = index };
}

/* ----------------------------------------------------------------------------------- */
/* The interface                                                                        */
/* ----------------------------------------------------------------------------------- */

static void *kmalloc_common(size_t size, int zero)
{
    if (size == 0)
        return NULL;
    if (size > KHEAP_MAX_SMALL)
        return large_alloc(size, zero);

    unsigned class_index = class_for_size(size);
    spin_lock(&heap.lock);
    void *p = slab_alloc_locked(class_index);
    spin_unlock(&heap.lock);
    /* Zero the whole object: kmalloc_usable_size promises all of it to the caller. */
    if (p && zero)
        memset(p, 0, class_size(class_index));
    return p;
}

void *kmalloc(size_t size)
{
    return kmalloc_common(size, 0);
}

void *kzalloc(size_t size)
{
    return kmalloc_common(size, 1);
}

void kfree(void *p)
{
    if (!p)
        return;
    spin_lock(&heap.lock);
    struct heap_object obj = heap_lookup_locked(p, "kfree");
    if (obj.large)
        large_free_locked(obj.frame);
    else
        slab_free_locked(obj.frame, obj.index);
    spin_unlock(&heap.lock);
}

size_t kmalloc_usable_size(const void *p)
{
    spin_lock(&heap.lock);
    struct heap_object obj = heap_lookup_locked(p, "kmalloc_usable_size");
    size_t size = obj.large ? PAGE_SIZE << pfn_get(obj.frame)->order
                            : class_size(slab_of_frame(obj.frame)->class_index);
    spin_unlock(&heap.lock);
    return size;
}

void kheap_stats(struct kheap_stats *out)
{
    spin_lock(&heap.lock);
    out->live_objects = heap.small_objects + heap.large_objects;
    out->live_bytes = heap.live_bytes;
    out->slab_pages = heap.slab_pages;
    out->large_pages = heap.large_pages;
    spin_unlock(&heap.lock);
}

/* ----------------------------------------------------------------------------------- */
/* kheap_check                                                                          */
/* ----------------------------------------------------------------------------------- */

/* Running totals of a check, compared with the heap's counters at the end. */
struct check_totals {
    uint64_t slabs, objects, bytes, large_blocks, large_pages;
};

__attribute__((format(printf, 1, 2))) static int check_failed(const char *fmt, ...)
{
    char message[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    log_error("kheap_check: %s", message);
    return -1;
}

/* The frame's record is one of ours: in range, PFN_KERNEL, with exactly flag set. */
static int check_frame_record(uint64_t frame, uint16_t flag, const char *what)
{
    struct pfn *rec = pfn_get(frame);
    if (!rec)
        return check_failed("%s frame %llu is past the end of RAM", what,
                            (unsigned long long)frame);
    if (rec->state != PFN_KERNEL)
        return check_failed("%s frame %llu is in state %s", what, (unsigned long long)frame,
                            pfn_state_name((enum pfn_state)rec->state));
    if ((rec->flags & (PFN_FLAG_SLAB | PFN_FLAG_LARGE)) != flag)
        return check_failed("%s frame %llu has flags %#x", what, (unsigned long long)frame,
                            rec->flags);
    return 0;
}

/*
 * One slab: header, bitmap and in-use count agree, and the free list visits exactly the
 * objects whose bit is clear, each once, at valid offsets.
 */
static int check_slab_locked(uint64_t frame, unsigned class_index, struct check_totals *t)
{
    ASSERT(spin_held(&heap.lock));
    if (check_frame_record(frame, PFN_FLAG_SLAB, "slab") < 0)
        return -1;
    struct slab *s = slab_of_frame(frame);
    if (s->magic != SLAB_MAGIC || s->class_index != class_index)
        return check_failed("slab at frame %llu: magic %#x class %u, expected class %u",
                            (unsigned long long)frame, s->magic, s->class_index, class_index);

    uint32_t capacity = class_capacity(class_index), set = 0;
    for (uint32_t i = 0; i < SLAB_BITMAP_WORDS * 64; i++) {
        if (!bit_test(s, i))
            continue;
        if (i >= capacity)
            return check_failed("slab at frame %llu: bit %u set beyond capacity %u",
                                (unsigned long long)frame, i, capacity);
        set++;
    }
    if (set != s->in_use)
        return check_failed("slab at frame %llu: in_use %u but %u bits set",
                            (unsigned long long)frame, s->in_use, set);

    uint64_t seen[SLAB_BITMAP_WORDS] = { 0 };
    uint32_t free_count = 0, index;
    for (uint32_t offset = s->free_head; offset != 0; offset = free_link(s, offset)) {
        if (!offset_to_index(class_index, offset, &index))
            return check_failed("slab at frame %llu: free list offset %u is not an object",
                                (unsigned long long)frame, offset);
        if (bit_test(s, index))
            return check_failed("slab at frame %llu: object %u is on the free list and "
                                "allocated", (unsigned long long)frame, index);
        if ((seen[index / 64] >> (index % 64)) & 1)
            return check_failed("slab at frame %llu: free list visits object %u twice",
                                (unsigned long long)frame, index);
        seen[index / 64] |= 1ull << (index % 64);
        free_count++;
    }
    if (free_count + s->in_use != capacity)
        return check_failed("slab at frame %llu: %u free + %u in use != capacity %u",
                            (unsigned long long)frame, free_count, s->in_use, capacity);

    t->slabs++;
    t->objects += s->in_use;
    t->bytes += (uint64_t)s->in_use * class_size(class_index);
    return 0;
}

/*
 * Every slab of a list, and that each is where its in_use count says it belongs:
 * full list: in_use == capacity; partial list: 0 < in_use < capacity.
 */
static int check_slab_list_locked(uint32_t head, unsigned class_index, int full,
                                  struct check_totals *t)
{
    ASSERT(spin_held(&heap.lock));
    uint32_t prev = PFN_NONE, capacity = class_capacity(class_index);
    uint64_t steps = 0;
    for (uint32_t frame = head; frame != PFN_NONE; frame = pfn_get(frame)->next) {
        if (++steps > pfn_count)
            return check_failed("%u-byte %s list has a cycle", class_size(class_index),
                                full ? "full" : "partial");
        if (check_slab_locked(frame, class_index, t) < 0)
            return -1;
        if (pfn_get(frame)->prev != prev)
            return check_failed("slab at frame %u: prev link %u, expected %u", frame,
                                pfn_get(frame)->prev, prev);
        uint32_t in_use = slab_of_frame(frame)->in_use;
        if (full ? in_use != capacity : (in_use == 0 || in_use >= capacity))
            return check_failed("slab at frame %u with %u of %u in use is on the %s list",
                                frame, in_use, capacity, full ? "full" : "partial");
        prev = frame;
    }
    return 0;
}

static int check_large_list_locked(struct check_totals *t)
{
    ASSERT(spin_held(&heap.lock));
    uint32_t prev = PFN_NONE;
    for (uint32_t frame = heap.large; frame != PFN_NONE; frame = pfn_get(frame)->next) {
        if (t->large_blocks++ > pfn_count)
            return check_failed("the large block list has a cycle");
        if (check_frame_record(frame, PFN_FLAG_LARGE, "large block") < 0)
            return -1;
        struct pfn *rec = pfn_get(frame);
        if (!(rec->flags & PFN_FLAG_BLOCK_HEAD) || rec->order > PAGE_MAX_ORDER)
            return check_failed("large block at frame %u: not a block head of a valid order "
                                "(flags %#x, order %u)", frame, rec->flags, rec->order);
        if (rec->prev != prev)
            return check_failed("large block at frame %u: prev link %u, expected %u", frame,
                                rec->prev, prev);
        t->large_pages += 1ull << rec->order;
        t->bytes += PAGE_SIZE << rec->order;
        prev = frame;
    }
    return 0;
}

static int kheap_check_locked(void)
{
    ASSERT(spin_held(&heap.lock));
    struct check_totals t = { 0 };
    for (unsigned i = 0; i < KHEAP_CLASS_COUNT; i++) {
        struct slab_class *c = &heap.classes[i];
        if (check_slab_list_locked(c->partial, i, 0, &t) < 0 ||
            check_slab_list_locked(c->full, i, 1, &t) < 0)
            return -1;
        if (c->empty == PFN_NONE)
            continue;
        if (check_slab_locked(c->empty, i, &t) < 0)
            return -1;
        if (slab_of_frame(c->empty)->in_use != 0)
            return check_failed("cached empty %u-byte slab at frame %u has %u in use",
                                class_size(i), c->empty, slab_of_frame(c->empty)->in_use);
    }
    if (check_large_list_locked(&t) < 0)
        return -1;

    if (t.slabs != heap.slab_pages || t.objects != heap.small_objects ||
        t.large_blocks != heap.large_objects || t.large_pages != heap.large_pages ||
        t.bytes != heap.live_bytes)
        return check_failed("counters disagree with the lists: slab pages %llu/%llu, small "
                            "objects %llu/%llu, large blocks %llu/%llu, large pages "
                            "%llu/%llu, bytes %llu/%llu (found/counted)",
                            (unsigned long long)t.slabs, (unsigned long long)heap.slab_pages,
                            (unsigned long long)t.objects,
                            (unsigned long long)heap.small_objects,
                            (unsigned long long)t.large_blocks,
                            (unsigned long long)heap.large_objects,
                            (unsigned long long)t.large_pages,
                            (unsigned long long)heap.large_pages,
                            (unsigned long long)t.bytes, (unsigned long long)heap.live_bytes);
    return 0;
}

int kheap_check(void)
{
    spin_lock(&heap.lock);
    int result = kheap_check_locked();
    spin_unlock(&heap.lock);
    return result;
}
