/*
 * Host tests for kernel/loader/initrd.c: walking, checking and searching a cpio newc
 * archive. Archives are written by a small writer here (independent of tools/mkinitrd),
 * plus one archive that tools/mkinitrd wrote; a randomized test mutates a valid archive
 * 20000 times. Every archive is read from a heap buffer of exactly its size, so ASan
 * reports any read outside it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/initrd.h"
#include "test.h"

#define ARC_MAX 0x4000

/* Header fields, in file order after the magic. */
enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE, F_DEVMAJOR, F_DEVMINOR,
       F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK };

#define MODE_FILE   0100755u
#define MODE_DIR    0040755u

static uint8_t arc[ARC_MAX];
static uint64_t arc_len;
static uint32_t next_ino;

static void put(const void *p, uint64_t n)
{
    if (arc_len + n > ARC_MAX) {
        fprintf(stderr, "test archive too big\n");
        abort();
    }
    memcpy(arc + arc_len, p, n);
    arc_len += n;
}

static void pad(void)
{
    while (arc_len % 4)
        put("", 1);
}

/* v as 8 upper-case hex digits, no NUL. */
static void hex8(char *s, uint32_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 4)
        s[i] = "0123456789ABCDEF"[v & 15];
}

static uint32_t unhex8(const uint8_t *s)       /* non-hex digits count as 0 */
{
    uint32_t v = 0;
    for (int i = 0; i < 8; i++) {
        uint8_t c = s[i];
        uint32_t d = (c >= '0' && c <= '9') ? (uint32_t)(c - '0')
                   : (c >= 'A' && c <= 'F') ? (uint32_t)(c - 'A' + 10)
                   : (c >= 'a' && c <= 'f') ? (uint32_t)(c - 'a' + 10) : 0;
        v = v << 4 | d;
    }
    return v;
}

static void put_hex8(uint32_t v)
{
    char s[8];
    hex8(s, v);
    put(s, 8);
}

static void arc_start(void)
{
    memset(arc, 0, sizeof(arc));
    arc_len = 0;
    next_ino = 1;
}

/* Appends an entry; returns the offset of its header. */
static uint64_t arc_add(const char *name, uint32_t mode, uint32_t nlink, const void *data,
                        uint32_t size)
{
    uint64_t at = arc_len;
    uint32_t fields[13] = { next_ino++, mode, 0, 0, nlink, 0, size, 0, 0, 0, 0,
                            (uint32_t)strlen(name) + 1, 0 };
    put("070701", 6);
    for (int f = 0; f < 13; f++)
        put_hex8(fields[f]);
    put(name, strlen(name) + 1);
    pad();
    put(data, size);
    pad();
    return at;
}

static uint64_t arc_file(const char *name, const char *text)
{
    return arc_add(name, MODE_FILE, 1, text, (uint32_t)strlen(text));
}

static uint64_t arc_trailer(void)
{
    return arc_add("TRAILER!!!", 0, 1, "", 0);
}

/* Overwrites header field f of the entry at hdr with 8 characters. */
static void set_field(uint64_t hdr, int f, const char *eight)
{
    memcpy(arc + hdr + 6 + 8 * f, eight, 8);
}

static void set_field_hex(uint64_t hdr, int f, uint32_t v)
{
    char s[8];
    hex8(s, v);
    set_field(hdr, f, s);
}

static uint8_t data_1000[1000];

/* What `find . | cpio -o -H newc` gives: "." and a subdirectory, "./" names, an empty
   file, names of every length mod 4 (so every amount of padding), then cpio's padding
   to 512 bytes after the trailer. Returns the header offset of "./hello.exe". */
static uint64_t build_sample(void)
{
    for (int i = 0; i < 1000; i++)
        data_1000[i] = (uint8_t)(i * 13 + 5);
    arc_start();
    arc_add(".", MODE_DIR, 2, "", 0);
    uint64_t hello = arc_file("./hello.exe", "MZ hello world");
    arc_file("empty", "");
    arc_add("./sub", MODE_DIR, 2, "", 0);
    arc_add("./sub/data.bin", MODE_FILE, 1, data_1000, 1000);
    arc_file("ab", "x");
    arc_file("abc", "yz");
    arc_file("abcd", "123");
    arc_trailer();
    while (arc_len % 512)
        put("", 1);
    return hello;
}

static const struct {
    const char *name;
    const void *data;
    uint64_t size;
} sample_files[] = {
    { "hello.exe", "MZ hello world", 14 },
    { "empty", "", 0 },
    { "sub/data.bin", data_1000, 1000 },
    { "ab", "x", 1 },
    { "abc", "yz", 2 },
    { "abcd", "123", 3 },
};
#define SAMPLE_FILES 6

/* An exact-size heap copy of buf[0..size) (never NULL, even for size 0). */
static uint8_t *exact_copy(const uint8_t *buf, uint64_t size)
{
    uint8_t *p = malloc(size ? size : 1);
    memcpy(p, buf, size);
    return p;
}

static int inside(const void *p, uint64_t n, const uint8_t *buf, uint64_t size)
{
    const uint8_t *b = p;
    return b >= buf && b <= buf + size && n <= (uint64_t)(buf + size - b);
}

TEST(walks_a_valid_archive)
{
    build_sample();
    uint8_t *a = exact_copy(arc, arc_len);
    const char *why = "(not set)";
    CHECK_EQ(initrd_check(a, arc_len, &why), STATUS_SUCCESS);
    CHECK(why == NULL);

    struct initrd_iter it;
    struct initrd_entry e;
    initrd_iter_start(&it, a, arc_len);
    for (int i = 0; i < SAMPLE_FILES; i++) {
        if (!CHECK_EQ(initrd_next(&it, &e), STATUS_SUCCESS))
            break;
        CHECK_STR_EQ(e.name, sample_files[i].name);
        CHECK_EQ(e.name_len, strlen(sample_files[i].name));
        CHECK_EQ(e.size, sample_files[i].size);
        CHECK(inside(e.data, e.size, a, arc_len));
        CHECK_EQ(memcmp(e.data, sample_files[i].data, e.size), 0);
        CHECK_EQ(e.mode, MODE_FILE);
        CHECK_EQ((uint64_t)(uintptr_t)e.data % 4, (uint64_t)(uintptr_t)a % 4);
    }
    CHECK_EQ(initrd_next(&it, &e), STATUS_NO_MORE_ENTRIES);
    CHECK_EQ(initrd_next(&it, &e), STATUS_NO_MORE_ENTRIES);       /* sticky */
    CHECK(it.why == NULL);

    /* The trailer's padding need not be there; nothing after the trailer is read. */
    uint64_t end = arc_len;
    while (end > 0 && arc[end - 1] == 0)
        end--;
    end++;                                  /* keep the trailer name's NUL */
    free(a);
    a = exact_copy(arc, end);
    CHECK_EQ(initrd_check(a, end, &why), STATUS_SUCCESS);
    free(a);

    /* Only a trailer: a valid archive with no files. */
    arc_start();
    arc_trailer();
    a = exact_copy(arc, arc_len);
    CHECK_EQ(initrd_check(a, arc_len, NULL), STATUS_SUCCESS);
    initrd_iter_start(&it, a, arc_len);
    CHECK_EQ(initrd_next(&it, &e), STATUS_NO_MORE_ENTRIES);
    free(a);
}

TEST(find_hits_and_misses)
{
    build_sample();
    uint8_t *a = exact_copy(arc, arc_len);
    const void *data;
    uint64_t size;

    for (int i = 0; i < SAMPLE_FILES; i++) {
        data = NULL;
        size = 99;
        if (!CHECK_EQ(initrd_find(a, arc_len, sample_files[i].name, &data, &size),
                      STATUS_SUCCESS))
            continue;
        CHECK_EQ(size, sample_files[i].size);
        CHECK(inside(data, size, a, arc_len));
        CHECK_EQ(memcmp(data, sample_files[i].data, size), 0);
    }
    static const char *const misses[] = {
        "./hello.exe", "hello", "hello.exe2", "HELLO.EXE", "a", "abcde", "", "sub", ".",
        "data.bin", "TRAILER!!!",
    };
    for (unsigned i = 0; i < sizeof(misses) / sizeof(misses[0]); i++)
        if (!CHECK_EQ(initrd_find(a, arc_len, misses[i], &data, &size),
                      STATUS_OBJECT_NAME_NOT_FOUND))
            printf("#   name \"%s\"\n", misses[i]);

    CHECK_EQ(initrd_find(NULL, arc_len, "empty", &data, &size), STATUS_INVALID_PARAMETER);
    CHECK_EQ(initrd_find(a, arc_len, NULL, &data, &size), STATUS_INVALID_PARAMETER);
    const char *why;
    CHECK_EQ(initrd_check(NULL, 0, &why), STATUS_INVALID_PARAMETER);
    CHECK(why != NULL);
    free(a);
}

TEST(find_stops_at_damage_after_the_file_only_if_it_gets_there)
{
    arc_start();
    arc_file("first", "1");
    uint64_t bad = arc_file("second", "2");
    arc_file("third", "3");
    arc_trailer();
    set_field(bad, F_MODE, "000081G0");
    uint8_t *a = exact_copy(arc, arc_len);
    const void *data;
    uint64_t size;
    CHECK_EQ(initrd_find(a, arc_len, "first", &data, &size), STATUS_SUCCESS);
    CHECK_EQ(initrd_find(a, arc_len, "third", &data, &size), STATUS_FILE_CORRUPT_ERROR);
    CHECK_EQ(initrd_find(a, arc_len, "missing", &data, &size), STATUS_FILE_CORRUPT_ERROR);
    CHECK_EQ(initrd_check(a, arc_len, NULL), STATUS_FILE_CORRUPT_ERROR);

    struct initrd_iter it;
    struct initrd_entry e;
    initrd_iter_start(&it, a, arc_len);
    CHECK_EQ(initrd_next(&it, &e), STATUS_SUCCESS);
    CHECK_EQ(initrd_next(&it, &e), STATUS_FILE_CORRUPT_ERROR);
    CHECK_EQ(it.offset, bad);                   /* points at the header at fault */
    CHECK(it.why && strstr(it.why, "c_mode"));
    CHECK_EQ(initrd_next(&it, &e), STATUS_FILE_CORRUPT_ERROR);    /* sticky */
    free(a);
}

/* The archive now in arc[0..size) is refused with `status` and a reason naming `needle`. */
static int refused(uint64_t size, ntstatus_t status, const char *needle)
{
    uint8_t *a = exact_copy(arc, size);
    const char *why = "(not set)";
    ntstatus_t st = initrd_check(a, size, &why);
    const void *data;
    uint64_t data_size;
    /* "zz" is in no test archive, so find must walk into the damage too. */
    ntstatus_t found = initrd_find(a, size, "zz", &data, &data_size);
    free(a);
    int ok = st == status && found == status && why && strstr(why, needle);
    if (!ok)
        printf("#   want 0x%x \"%s\"; got 0x%x (find 0x%x) \"%s\"\n", (unsigned)status, needle,
               (unsigned)st, (unsigned)found, why ? why : "(null)");
    return ok;
}

#define CORRUPT STATUS_FILE_CORRUPT_ERROR

TEST(refuses_bad_magic_and_digits)
{
    uint64_t h = build_sample();
    arc[h] = '1';
    CHECK(refused(arc_len, CORRUPT, "bad magic"));
    build_sample();
    memcpy(arc + h, "070707", 6);
    CHECK(refused(arc_len, CORRUPT, "odc"));
    build_sample();
    memcpy(arc, "\x1f\x8b\x08\x00", 4);         /* a gzip-compressed archive */
    CHECK(refused(arc_len, CORRUPT, "bad magic"));

    static const char *const field_names[13] = {
        "c_ino", "c_mode", "c_uid", "c_gid", "c_nlink", "c_mtime", "c_filesize",
        "c_devmajor", "c_devminor", "c_rdevmajor", "c_rdevminor", "c_namesize", "c_check",
    };
    static const char bad_digits[] = { 'g', 'G', ' ', 'x', '\0', '-', '/', ':', '@', '`' };
    for (int f = 0; f < 13; f++) {
        build_sample();
        arc[h + 6 + 8 * f + (uint64_t)f % 8] = bad_digits[f % sizeof(bad_digits)];
        if (!CHECK(refused(arc_len, CORRUPT, "non-hex digit")) ||
            !CHECK(refused(arc_len, CORRUPT, field_names[f])))
            printf("#   field %s\n", field_names[f]);
    }
    /* Lower-case hex and the 070702 (CRC) magic are fine. */
    build_sample();
    set_field(h, F_MODE, "000081ed");
    memcpy(arc + h, "070702", 6);
    CHECK_EQ(initrd_check(arc, arc_len, NULL), STATUS_SUCCESS);
}

TEST(refuses_bad_names)
{
    uint64_t h = build_sample();        /* "./hello.exe": namesize 12 */
    set_field(h, F_NAMESIZE, "00000000");
    CHECK(refused(arc_len, CORRUPT, "name size is 0"));
    build_sample();
    set_field(h, F_NAMESIZE, "0000000B");       /* the NUL falls outside */
    CHECK(refused(arc_len, CORRUPT, "not NUL-terminated"));
    build_sample();
    arc[h + 110 + 11] = 'X';                    /* the NUL overwritten */
    CHECK(refused(arc_len, CORRUPT, "not NUL-terminated"));
    build_sample();
    arc[h + 110 + 5] = '\0';                    /* "./hel\0.exe\0" */
    CHECK(refused(arc_len, CORRUPT, "NUL before its end"));
    build_sample();
    set_field(h, F_NAMESIZE, "FFFFFFFF");
    CHECK(refused(arc_len, CORRUPT, "name runs past the end"));

    /* The buffer ends inside the name, or inside the padding after it. */
    arc_start();
    uint64_t last = arc_file("abc", "");        /* name at 110..114, padded to 116 */
    CHECK(refused(113, CORRUPT, "name runs past the end"));
    CHECK(refused(110, CORRUPT, "name runs past the end"));
    CHECK(refused(115, CORRUPT, "file data runs past the end"));
    set_field_hex(last, F_NAMESIZE, 5);
    CHECK(refused(114, CORRUPT, "name runs past the end"));

    /* "./" alone names nothing. */
    arc_start();
    arc_file("./", "data");
    arc_trailer();
    CHECK(refused(arc_len, CORRUPT, "empty name"));
}

TEST(refuses_sizes_past_the_end_and_a_missing_trailer)
{
    build_sample();
    uint64_t full = arc_len;
    arc_start();
    uint64_t h = arc_add("big", MODE_FILE, 1, data_1000, 1000);
    arc_trailer();
    set_field(h, F_FILESIZE, "FFFFFFFF");       /* the largest newc size: 4 GiB - 1 */
    CHECK(refused(arc_len, CORRUPT, "file data runs past the end"));
    set_field_hex(h, F_FILESIZE, (uint32_t)(arc_len - 112));
    CHECK(refused(arc_len, CORRUPT, "file data runs past the end"));
    set_field_hex(h, F_FILESIZE, 1000 + 4);     /* eats the trailer's magic */
    CHECK(refused(arc_len, CORRUPT, "bad magic"));

    /* Cut at every length: refused, with a reason, until the trailer's name is whole. */
    build_sample();
    uint64_t trailer_end = 0;
    for (uint64_t i = 0; i + 10 < full; i++)
        if (memcmp(arc + i, "TRAILER!!!", 11) == 0)
            trailer_end = i + 11;
    REQUIRE(trailer_end != 0);
    int bad = 0;
    for (uint64_t len = 0; len < trailer_end; len++) {
        uint8_t *a = exact_copy(arc, len);
        const char *why = NULL;
        ntstatus_t st = initrd_check(a, len, &why);
        free(a);
        if (st != CORRUPT || !why) {
            printf("#   cut at %llu: 0x%x\n", (unsigned long long)len, (unsigned)st);
            bad++;
        }
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(initrd_check(arc, trailer_end, NULL), STATUS_SUCCESS);

    /* Cut at an entry boundary: the message says what is missing. */
    arc_start();
    arc_file("one", "1");
    uint64_t cut = arc_len;
    arc_trailer();
    CHECK(refused(cut, CORRUPT, "without a TRAILER!!!"));
    CHECK(refused(cut + 50, CORRUPT, "header runs past the end"));
    CHECK(refused(0, CORRUPT, "without a TRAILER!!!"));
}

TEST(refuses_links_and_special_files)
{
    static const struct {
        uint32_t mode;
        const char *needle;
    } types[] = {
        { 0120777, "symbolic links" },
        { 0020644, "character device" },
        { 0060644, "block device" },
        { 0010644, "FIFO" },
        { 0140755, "socket" },
        { 0170755, "unknown file type" },
        { 0000644, "unknown file type" },
    };
    for (unsigned i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        arc_start();
        arc_file("ok", "fine");
        arc_add("special", types[i].mode, 1, "target", 6);
        arc_trailer();
        CHECK(refused(arc_len, STATUS_NOT_SUPPORTED, types[i].needle));
    }

    /* newc keeps a hard-linked file's data with its last link only. */
    arc_start();
    arc_add("linked", MODE_FILE, 2, "", 0);
    arc_trailer();
    CHECK(refused(arc_len, STATUS_NOT_SUPPORTED, "hard-linked"));

    /* Directories, even with data, are skipped. */
    arc_start();
    arc_add("dir", MODE_DIR, 5, "junk", 4);
    arc_file("file", "ok");
    arc_trailer();
    const void *data;
    uint64_t size;
    CHECK_EQ(initrd_check(arc, arc_len, NULL), STATUS_SUCCESS);
    CHECK_EQ(initrd_find(arc, arc_len, "dir", &data, &size), STATUS_OBJECT_NAME_NOT_FOUND);
    CHECK_EQ(initrd_find(arc, arc_len, "file", &data, &size), STATUS_SUCCESS);
}

/*
 * tools/mkinitrd's output for `mkinitrd out.cpio hello.txt prog=bin/prog.exe empty`
 * (hello.txt holds "hi\n", prog the 4 bytes "MZ\x90\0", empty nothing).
 */
static const char mkinitrd_output[] =
    "070701" "00000001" "000081ED" "00000000" "00000000" "00000001" "00000000" "00000003"
    "00000000" "00000000" "00000000" "00000000" "0000000A" "00000000"
    "hello.txt\0" "hi\n\0"
    "070701" "00000002" "000081ED" "00000000" "00000000" "00000001" "00000000" "00000004"
    "00000000" "00000000" "00000000" "00000000" "0000000D" "00000000"
    "bin/prog.exe\0\0" "MZ\x90\0"
    "070701" "00000003" "000081ED" "00000000" "00000000" "00000001" "00000000" "00000000"
    "00000000" "00000000" "00000000" "00000000" "00000006" "00000000"
    "empty\0"
    "070701" "00000000" "00000000" "00000000" "00000000" "00000001" "00000000" "00000000"
    "00000000" "00000000" "00000000" "00000000" "0000000B" "00000000"
    "TRAILER!!!\0\0\0\0"
    ;

TEST(reads_what_mkinitrd_writes)
{
    uint64_t len = sizeof(mkinitrd_output) - 1;
    REQUIRE(len == 492);
    uint8_t *a = exact_copy((const uint8_t *)mkinitrd_output, len);
    CHECK_EQ(initrd_check(a, len, NULL), STATUS_SUCCESS);

    const void *data;
    uint64_t size;
    REQUIRE(initrd_find(a, len, "hello.txt", &data, &size) == STATUS_SUCCESS);
    CHECK_EQ(size, 3);
    CHECK_EQ(memcmp(data, "hi\n", 3), 0);
    REQUIRE(initrd_find(a, len, "bin/prog.exe", &data, &size) == STATUS_SUCCESS);
    CHECK_EQ(size, 4);
    CHECK_EQ(memcmp(data, "MZ\x90\0", 4), 0);
    REQUIRE(initrd_find(a, len, "empty", &data, &size) == STATUS_SUCCESS);
    CHECK_EQ(size, 0);
    CHECK_EQ(initrd_find(a, len, "prog", &data, &size), STATUS_OBJECT_NAME_NOT_FOUND);

    struct initrd_iter it;
    struct initrd_entry e;
    initrd_iter_start(&it, a, len);
    REQUIRE(initrd_next(&it, &e) == STATUS_SUCCESS);
    CHECK_EQ(e.mode, 0100755);
    CHECK_EQ(e.header_offset, 0);
    free(a);
}

/* Everything initrd_next hands out lies inside a[0..size); returns the final status. */
static ntstatus_t walk_checked(const uint8_t *a, uint64_t size, int *ok)
{
    struct initrd_iter it;
    struct initrd_entry e;
    ntstatus_t st;
    initrd_iter_start(&it, a, size);
    while ((st = initrd_next(&it, &e)) == STATUS_SUCCESS) {
        if (!inside(e.name, e.name_len + 1, a, size) || e.name[e.name_len] != '\0' ||
            e.name_len == 0 || !inside(e.data, e.size, a, size) || it.offset > size)
            *ok = 0;
        /* find reaches the first entry of that name, which the walk met first. */
        const void *data;
        uint64_t data_size;
        if (initrd_find(a, size, e.name, &data, &data_size) != STATUS_SUCCESS ||
            !inside(data, data_size, a, size) ||
            (const uint8_t *)data > (const uint8_t *)e.data)
            *ok = 0;
    }
    if ((st == STATUS_NO_MORE_ENTRIES) != (it.why == NULL))
        *ok = 0;
    return st;
}

TEST(randomized_mutations_never_crash)
{
    test_rand_start("initrd mutations", 0xc910c910ULL);
    build_sample();
    static uint8_t base[ARC_MAX], work[ARC_MAX];
    uint64_t base_len = arc_len;
    memcpy(base, arc, arc_len);
    uint64_t headers[16];
    int nheaders = 0;
    for (uint64_t i = 0; i + 6 <= base_len && nheaders < 16; i += 2)
        if (memcmp(base + i, "070701", 6) == 0)
            headers[nheaders++] = i;

    int passed = 0, failures = 0;
    for (int iter = 0; iter < 20000 && failures < 5; iter++) {
        memcpy(work, base, base_len);
        uint64_t size = base_len;
        int edits = 1 + (int)test_rand_below(3);
        for (int e = 0; e < edits; e++) {
            uint64_t h = headers[test_rand_below((uint64_t)nheaders)];
            switch (test_rand_below(6)) {
            case 0:         /* flip a bit anywhere */
                if (size)
                    work[test_rand_below(size)] ^= (uint8_t)(1u << test_rand_below(8));
                break;
            case 1:         /* a random byte in a header */
                work[h + test_rand_below(110)] = (uint8_t)test_rand();
                break;
            case 2:         /* truncate */
                size = test_rand_below(size + 1);
                break;
            case 3: {       /* c_filesize or c_namesize nudged, or set to anything */
                int f = test_rand_below(2) ? F_FILESIZE : F_NAMESIZE;
                uint32_t v = unhex8(work + h + 6 + 8 * f);
                v = test_rand_below(4) ? v + (uint32_t)test_rand_below(17) - 8
                                       : (uint32_t)test_rand();
                hex8((char *)work + h + 6 + 8 * f, v);
                break;
            }
            case 4: {       /* another file type */
                static const char *const modes[] = { "000081A4", "000041ED", "0000A1FF",
                                                     "00002180", "00000000", "0000C1ED" };
                memcpy(work + h + 6 + 8 * F_MODE, modes[test_rand_below(6)], 8);
                break;
            }
            default:        /* the trailer's name damaged or moved */
                memcpy(work + h + 110, "TRAILER!!!", test_rand_below(12));
                break;
            }
        }

        uint8_t *a = exact_copy(work, size);
        const char *why = "(not set)";
        ntstatus_t st = initrd_check(a, size, &why);
        int ok = 1;
        ntstatus_t walked = walk_checked(a, size, &ok);
        if (st == STATUS_SUCCESS) {
            passed++;
            ok &= why == NULL && walked == STATUS_NO_MORE_ENTRIES;
        } else {
            ok &= (st == STATUS_FILE_CORRUPT_ERROR || st == STATUS_NOT_SUPPORTED) &&
                  why != NULL && why[0] != '\0' && walked == st;
        }
        const void *data = NULL;
        uint64_t data_size = 0;
        for (int i = 0; i < SAMPLE_FILES; i++)
            if (initrd_find(a, size, sample_files[i].name, &data, &data_size) ==
                STATUS_SUCCESS)
                ok &= inside(data, data_size, a, size);
        free(a);
        if (!ok) {
            printf("# iteration %d: status 0x%x \"%s\"\n", iter, (unsigned)st,
                   why ? why : "(null)");
            failures++;
        }
    }
    CHECK_EQ(failures, 0);
    printf("# %d of 20000 mutated archives accepted\n", passed);
    CHECK(passed > 1000 && passed < 19000);
}
