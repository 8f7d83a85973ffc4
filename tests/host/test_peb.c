/*
 * Host tests for kernel/peb.c: the PEB block at Windows x64's offsets, read back the
 * way userlib reads it (userlib/crt/peb.h has the same offsets, checked at compile time
 * there), with the strings widened byte for byte.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "peb.h"
#include "test.h"

static uint64_t get(const uint8_t *p, int bytes)
{
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* The UNICODE_STRING at field, narrowed, into out; -1 if its buffer is not in the block. */
static int read_string(const uint8_t *block, size_t size, uint64_t base, const uint8_t *field,
                       char *out, size_t out_size, uint64_t *max_bytes)
{
    uint64_t length = get(field + UNICODE_STRING_LENGTH, 2);
    *max_bytes = get(field + UNICODE_STRING_MAXIMUM, 2);
    uint64_t buffer = get(field + UNICODE_STRING_BUFFER, 8);
    if (buffer < base || buffer - base + *max_bytes > size || length / 2 >= out_size)
        return -1;
    const uint8_t *wide = block + (buffer - base);
    for (uint64_t i = 0; i < length / 2; i++) {
        if (wide[2 * i + 1] != 0)
            return -1;
        out[i] = (char)wide[2 * i];
    }
    out[length / 2] = '\0';
    return get(wide + length, 2) == 0 ? 0 : -1;     /* NUL-terminated */
}

TEST(fields_sit_at_windows_x64_offsets)
{
    const char *path = "prog.exe", *line = "prog.exe a \"b c\" \xe9";
    size_t size = peb_block_size(path, line);
    REQUIRE(size >= PARAMS_OFFSET + PARAMS_SIZE);
    uint8_t *block = malloc(size + 64);
    memset(block, 0xCC, size + 64);
    uint64_t base = 0x7fff12340000ull;
    CHECK_EQ(peb_build(block, size, base, 0x400000, path, line), 0);

    CHECK_EQ(block[PEB_BEING_DEBUGGED], 0);
    CHECK_EQ(get(block + PEB_IMAGE_BASE_ADDRESS, 8), 0x400000);
    CHECK_EQ(get(block + PEB_PROCESS_PARAMETERS, 8), base + PARAMS_OFFSET);
    const uint8_t *params = block + PARAMS_OFFSET;
    CHECK_EQ(get(params + PARAMS_LENGTH, 4), PARAMS_SIZE);
    CHECK_EQ(get(params + PARAMS_FLAGS, 4), PARAMS_NORMALIZED);

    char text[64];
    uint64_t max_bytes;
    REQUIRE(read_string(block, size, base, params + PARAMS_IMAGE_PATH_NAME, text,
                        sizeof(text), &max_bytes) == 0);
    CHECK_STR_EQ(text, path);
    CHECK_EQ(max_bytes, 2 * strlen(path) + 2);
    REQUIRE(read_string(block, size, base, params + PARAMS_COMMAND_LINE, text, sizeof(text),
                        &max_bytes) == 0);
    CHECK_STR_EQ(text, line);                   /* byte 0xE9 came back as it was */
    CHECK_EQ(block[size], 0xCC);                /* nothing written past the block */
    free(block);
}

TEST(too_small_or_too_long_is_refused)
{
    uint8_t small[PARAMS_OFFSET + PARAMS_SIZE];
    CHECK_EQ(peb_build(small, sizeof(small), 0x10000, 0, "a", "b"), -1);
    CHECK_EQ(peb_block_size("", ""), PARAMS_OFFSET + PARAMS_SIZE + 4);

    char *huge = malloc(PEB_STRING_MAX_CHARS + 2);
    memset(huge, 'x', PEB_STRING_MAX_CHARS + 1);
    huge[PEB_STRING_MAX_CHARS + 1] = '\0';
    CHECK_EQ(peb_block_size("p", huge), 0);
    huge[PEB_STRING_MAX_CHARS] = '\0';
    CHECK(peb_block_size("p", huge) > 0);
    free(huge);
}
