/*
 * The C heap, for now: a small allocator on whole pages from __pages_alloc. The heap
 * issue replaces it (HeapAlloc underneath); until then it is simple and strict.
 *
 * Every block starts with a 16-byte header, so every pointer handed out is 16-aligned:
 *
 *   small blocks (up to 2048 bytes) come in 14 size classes. They are carved one at a
 *   time from 64 KiB chunks and, once freed, kept on a free list per class (last freed,
 *   first reused). Chunks are never given back.
 *
 *   large blocks get a run of pages of their own, returned to __pages_free on free().
 *
 * The header's magic tells a block in use from a freed one, so freeing a small block
 * twice, or a pointer that malloc never returned, is reported on stderr and aborts.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crt/runtime.h"

#define PAGE_SIZE    4096u
#define CHUNK_SIZE   (64u * 1024)

#define MAGIC_USED   0x55534544u    /* "USED" */
#define MAGIC_FREE   0x46524545u    /* "FREE" */
#define MAGIC_LARGE  0x4c415247u    /* "LARG" */

struct header {
    uint32_t magic;
    uint32_t size_class;    /* small blocks: index into class_size */
    uint64_t size;          /* small: the class's payload size; large: the page run's bytes */
};
_Static_assert(sizeof(struct header) == 16, "payloads must stay 16-aligned");

/* Payload sizes, multiples of 16, about 1.5x apart. */
static const uint32_t class_size[] = {
    16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048,
};
#define CLASS_COUNT   (sizeof(class_size) / sizeof(class_size[0]))
#define SMALL_MAX     2048u

/* A freed small block's payload holds the link to the next one in its class. */
struct free_block {
    struct free_block *next;
};

static struct free_block *free_list[CLASS_COUNT];
static char *chunk_next;            /* the uncarved rest of the current chunk */
static size_t chunk_left;

static struct header *header_of(void *p)
{
    return (struct header *)p - 1;
}

/* Reports a misuse of the heap, "free(0x1000): double free", and aborts. */
_Noreturn static void heap_error(const char *call, void *p, const char *what)
{
    fprintf(stderr, "%s(%p): %s\n", call, p, what);
    abort();
}

static unsigned class_for(size_t n)
{
    unsigned c = 0;
    while (class_size[c] < n)
        c++;
    return c;
}

static void *small_alloc(size_t n)
{
    unsigned c = class_for(n);
    struct header *h;

    if (free_list[c]) {
        struct free_block *b = free_list[c];
        h = header_of(b);
        if (h->magic != MAGIC_FREE || h->size_class != c)
            heap_error("malloc", b, "free list corrupted");
        free_list[c] = b->next;
    } else {
        size_t block = sizeof(struct header) + class_size[c];
        if (chunk_left < block) {
            /* The old chunk's tail (less than one block) is left unused. */
            char *chunk = __pages_alloc(CHUNK_SIZE);
            if (!chunk)
                return NULL;
            chunk_next = chunk;
            chunk_left = CHUNK_SIZE;
        }
        h = (struct header *)chunk_next;
        chunk_next += block;
        chunk_left -= block;
        h->size_class = c;
        h->size = class_size[c];
    }
    h->magic = MAGIC_USED;
    return h + 1;
}

static void *large_alloc(size_t n)
{
    size_t bytes = (n + sizeof(struct header) + PAGE_SIZE - 1) & ~(size_t)(PAGE_SIZE - 1);
    struct header *h = __pages_alloc(bytes);
    if (!h)
        return NULL;
    h->magic = MAGIC_LARGE;
    h->size_class = 0;
    h->size = bytes;
    return h + 1;
}

void *malloc(size_t n)
{
    /* Larger requests would overflow rounding up to whole pages; none can succeed. */
    void *p = n > SIZE_MAX - sizeof(struct header) - PAGE_SIZE ? NULL
            : n <= SMALL_MAX ? small_alloc(n) : large_alloc(n);
    if (!p)
        errno = ENOMEM;
    return p;
}

/* The header of a block in use, or a report and abort for anything else. */
static struct header *checked_header(void *p, const char *call)
{
    if ((uintptr_t)p & 15)
        heap_error(call, p, "not a pointer malloc returned");
    struct header *h = header_of(p);
    if (h->magic == MAGIC_FREE)
        heap_error(call, p, "already freed (double free)");
    if (h->magic == MAGIC_LARGE || (h->magic == MAGIC_USED && h->size_class < CLASS_COUNT))
        return h;
    heap_error(call, p, "not a pointer malloc returned, or its header was overwritten");
}

void free(void *p)
{
    if (!p)
        return;
    struct header *h = checked_header(p, "free");
    if (h->magic == MAGIC_LARGE) {
        h->magic = 0;
        __pages_free(h, h->size);
        return;
    }
    struct free_block *b = p;
    h->magic = MAGIC_FREE;
    b->next = free_list[h->size_class];
    free_list[h->size_class] = b;
}

void *calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = malloc(count * size);
    if (p)
        memset(p, 0, count * size);
    return p;
}

/*
 * A block that already has room keeps its address (shrinking never moves); otherwise the
 * contents move to a new block. realloc(p, 0) frees p and returns NULL, as the Microsoft
 * C runtime and glibc do. On failure p is left as it was.
 */
void *realloc(void *p, size_t n)
{
    if (!p)
        return malloc(n);
    struct header *h = checked_header(p, "realloc");
    if (n == 0) {
        free(p);
        return NULL;
    }
    size_t room = h->magic == MAGIC_LARGE ? h->size - sizeof(struct header) : h->size;
    if (n <= room)
        return p;
    void *q = malloc(n);
    if (!q)
        return NULL;
    memcpy(q, p, room);
    free(p);
    return q;
}
