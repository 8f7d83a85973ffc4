/* Reading the initrd's cpio "newc" archive in place (initrd.h). Portable: host tests run it. */
#include "initrd.h"

#include <stddef.h>

#include "lib/string.h"

#define MAGIC_LEN       6
#define FIELD_LEN       8
#define FIELD_COUNT     13

/* Header fields, in file order after the magic. */
enum {
    F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE,
    F_DEVMAJOR, F_DEVMINOR, F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK,
};

static const char *const non_hex_why[FIELD_COUNT] = {
    [F_INO] = "non-hex digit in the header's c_ino field",
    [F_MODE] = "non-hex digit in the header's c_mode field",
    [F_UID] = "non-hex digit in the header's c_uid field",
    [F_GID] = "non-hex digit in the header's c_gid field",
    [F_NLINK] = "non-hex digit in the header's c_nlink field",
    [F_MTIME] = "non-hex digit in the header's c_mtime field",
    [F_FILESIZE] = "non-hex digit in the header's c_filesize field",
    [F_DEVMAJOR] = "non-hex digit in the header's c_devmajor field",
    [F_DEVMINOR] = "non-hex digit in the header's c_devminor field",
    [F_RDEVMAJOR] = "non-hex digit in the header's c_rdevmajor field",
    [F_RDEVMINOR] = "non-hex digit in the header's c_rdevminor field",
    [F_NAMESIZE] = "non-hex digit in the header's c_namesize field",
    [F_CHECK] = "non-hex digit in the header's c_check field",
};

#define S_IFMT_         0170000u
#define S_IFSOCK_       0140000u
#define S_IFLNK_        0120000u
#define S_IFREG_        0100000u
#define S_IFBLK_        0060000u
#define S_IFDIR_        0040000u
#define S_IFCHR_        0020000u
#define S_IFIFO_        0010000u

#define TRAILER_NAME    "TRAILER!!!"

/* x rounded up to a multiple of 4; UINT64_MAX if that does not fit. */
static uint64_t pad4(uint64_t x)
{
    return x > UINT64_MAX - 3 ? UINT64_MAX : (x + 3) & ~3ull;
}

static int hex_digit(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Parses the 13 fields of the header at h. Returns NULL, or why it cannot. */
static const char *parse_fields(const uint8_t *h, uint32_t field[FIELD_COUNT])
{
    for (int f = 0; f < FIELD_COUNT; f++) {
        uint32_t v = 0;
        for (int i = 0; i < FIELD_LEN; i++) {
            int d = hex_digit(h[MAGIC_LEN + f * FIELD_LEN + i]);
            if (d < 0)
                return non_hex_why[f];
            v = v << 4 | (uint32_t)d;
        }
        field[f] = v;
    }
    return NULL;
}

/* Why an entry of this (non-regular, non-directory) type is refused. */
static const char *unsupported_type_why(uint32_t type)
{
    switch (type) {
    case S_IFLNK_: return "symbolic links are not supported";
    case S_IFCHR_: return "character device files are not supported";
    case S_IFBLK_: return "block device files are not supported";
    case S_IFIFO_: return "FIFOs are not supported";
    case S_IFSOCK_: return "sockets are not supported";
    default: return "unknown file type in the header's c_mode field";
    }
}

void initrd_iter_start(struct initrd_iter *it, const void *archive, uint64_t size)
{
    it->archive = archive;
    it->size = size;
    it->offset = 0;
    it->status = STATUS_SUCCESS;
    it->why = NULL;
    if (!archive) {
        it->status = STATUS_INVALID_PARAMETER;
        it->why = "no archive";
    }
}

static ntstatus_t fail(struct initrd_iter *it, ntstatus_t status, const char *why)
{
    it->status = status;
    it->why = why;
    return status;
}

ntstatus_t initrd_next(struct initrd_iter *it, struct initrd_entry *out)
{
    uint32_t field[FIELD_COUNT];
    const char *why;

    if (it->status != STATUS_SUCCESS)
        return it->status;

    for (;;) {
        /* Invariant: it->offset <= it->size. */
        uint64_t left = it->size - it->offset;
        const uint8_t *h = it->archive + it->offset;

        if (left == 0)
            return fail(it, STATUS_FILE_CORRUPT_ERROR,
                        "archive ends without a TRAILER!!! entry");
        if (left < INITRD_HEADER_SIZE)
            return fail(it, STATUS_FILE_CORRUPT_ERROR,
                        "entry header runs past the end of the archive");
        if (memcmp(h, "070707", MAGIC_LEN) == 0)
            return fail(it, STATUS_FILE_CORRUPT_ERROR,
                        "old-format (odc) cpio archive; create it with -H newc");
        /* 070702 is newc with a checksum in c_check, which is not verified. */
        if (memcmp(h, "070701", MAGIC_LEN) != 0 && memcmp(h, "070702", MAGIC_LEN) != 0)
            return fail(it, STATUS_FILE_CORRUPT_ERROR,
                        "bad magic (not a cpio newc archive: expected 070701)");
        if ((why = parse_fields(h, field)) != NULL)
            return fail(it, STATUS_FILE_CORRUPT_ERROR, why);

        uint64_t namesize = field[F_NAMESIZE];
        const char *name = (const char *)h + INITRD_HEADER_SIZE;
        if (namesize == 0)
            return fail(it, STATUS_FILE_CORRUPT_ERROR, "name size is 0");
        if (namesize > left - INITRD_HEADER_SIZE)
            return fail(it, STATUS_FILE_CORRUPT_ERROR,
                        "name runs past the end of the archive");
        if (name[namesize - 1] != '\0')
            return fail(it, STATUS_FILE_CORRUPT_ERROR,
                        "name is not NUL-terminated within its name size");
        if (strnlen(name, namesize) != namesize - 1)
            return fail(it, STATUS_FILE_CORRUPT_ERROR,
                        "name contains a NUL before its end");
        if (strcmp(name, TRAILER_NAME) == 0)
            return fail(it, STATUS_NO_MORE_ENTRIES, NULL);

        /* name + namesize <= size: the header and name lie inside the archive. */
        uint64_t data_start = pad4(it->offset + INITRD_HEADER_SIZE + namesize);
        uint64_t filesize = field[F_FILESIZE];
        if (data_start > it->size || filesize > it->size - data_start)
            return fail(it, STATUS_FILE_CORRUPT_ERROR,
                        "file data runs past the end of the archive");

        uint32_t type = field[F_MODE] & S_IFMT_;
        if (type != S_IFREG_ && type != S_IFDIR_)
            return fail(it, STATUS_NOT_SUPPORTED, unsupported_type_why(type));
        if (type == S_IFREG_ && field[F_NLINK] > 1)
            return fail(it, STATUS_NOT_SUPPORTED,
                        "hard-linked files (nlink > 1) are not supported");

        if (name[0] == '.' && name[1] == '/')
            name += 2;
        uint64_t header_offset = it->offset;
        uint64_t next = pad4(data_start + filesize);
        it->offset = next < it->size ? next : it->size;

        if (type == S_IFDIR_)
            continue;
        if (name[0] == '\0')
            return fail(it, STATUS_FILE_CORRUPT_ERROR, "file has an empty name");
        out->name = name;
        out->name_len = strlen(name);
        out->data = it->archive + data_start;
        out->size = filesize;
        out->mode = field[F_MODE];
        out->header_offset = header_offset;
        return STATUS_SUCCESS;
    }
}

ntstatus_t initrd_check(const void *archive, uint64_t size, const char **why)
{
    struct initrd_iter it;
    struct initrd_entry entry;
    ntstatus_t status;

    initrd_iter_start(&it, archive, size);
    while ((status = initrd_next(&it, &entry)) == STATUS_SUCCESS)
        ;
    if (why)
        *why = it.why;
    return status == STATUS_NO_MORE_ENTRIES ? STATUS_SUCCESS : status;
}

ntstatus_t initrd_find(const void *archive, uint64_t size, const char *name,
                       const void **data, uint64_t *data_size)
{
    struct initrd_iter it;
    struct initrd_entry entry;
    ntstatus_t status;

    if (!archive || !name)
        return STATUS_INVALID_PARAMETER;
    uint64_t len = strlen(name);
    initrd_iter_start(&it, archive, size);
    while ((status = initrd_next(&it, &entry)) == STATUS_SUCCESS) {
        if (entry.name_len == len && memcmp(entry.name, name, len) == 0) {
            *data = entry.data;
            *data_size = entry.size;
            return STATUS_SUCCESS;
        }
    }
    return status == STATUS_NO_MORE_ENTRIES ? STATUS_OBJECT_NAME_NOT_FOUND : status;
}
