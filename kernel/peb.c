/* The PEB block a process starts with (peb.h). Portable: host tests build it too. */
#include "peb.h"

#include "lib/string.h"

static void put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Bytes of a string's UTF-16 copy, NUL included. */
static size_t wide_bytes(const char *s)
{
    return (strlen(s) + 1) * 2;
}

size_t peb_block_size(const char *image_path, const char *command_line)
{
    if (strlen(image_path) > PEB_STRING_MAX_CHARS || strlen(command_line) > PEB_STRING_MAX_CHARS)
        return 0;
    return PARAMS_OFFSET + PARAMS_SIZE + wide_bytes(image_path) + wide_bytes(command_line);
}

/* Writes s widened at buf[*used], and the UNICODE_STRING describing it at field. */
static void put_string(uint8_t *buf, size_t *used, uint64_t user_base, uint8_t *field,
                       const char *s)
{
    size_t n = strlen(s);
    uint8_t *out = buf + *used;
    for (size_t i = 0; i <= n; i++)
        put_u16(out + 2 * i, (uint8_t)s[i]);
    put_u16(field + UNICODE_STRING_LENGTH, (uint16_t)(2 * n));
    put_u16(field + UNICODE_STRING_MAXIMUM, (uint16_t)(2 * n + 2));
    put_u64(field + UNICODE_STRING_BUFFER, user_base + *used);
    *used += 2 * n + 2;
}

int peb_build(uint8_t *buf, size_t size, uint64_t user_base, uint64_t image_base,
              const char *image_path, const char *command_line)
{
    size_t need = peb_block_size(image_path, command_line);
    if (need == 0 || size < need)
        return -1;
    memset(buf, 0, size);

    uint8_t *params = buf + PARAMS_OFFSET;
    put_u64(buf + PEB_IMAGE_BASE_ADDRESS, image_base);
    put_u64(buf + PEB_PROCESS_PARAMETERS, user_base + PARAMS_OFFSET);
    put_u32(params + PARAMS_MAXIMUM_LENGTH, PARAMS_SIZE);
    put_u32(params + PARAMS_LENGTH, PARAMS_SIZE);
    put_u32(params + PARAMS_FLAGS, PARAMS_NORMALIZED);

    size_t used = PARAMS_OFFSET + PARAMS_SIZE;
    put_string(buf, &used, user_base, params + PARAMS_IMAGE_PATH_NAME, image_path);
    put_string(buf, &used, user_base, params + PARAMS_COMMAND_LINE, command_line);
    return 0;
}
