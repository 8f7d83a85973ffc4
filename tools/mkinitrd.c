/*
 * mkinitrd: writes the initrd, a cpio "newc" archive of regular files (the format
 * kernel/loader/initrd.h reads).
 *
 *     mkinitrd OUT.cpio FILE[=NAME] ...
 *
 * Each FILE is stored under NAME, or under its basename when no =NAME is given (the
 * first '=' in an argument separates the two). The output is deterministic: every entry
 * has mode 0100755, uid/gid 0, mtime 0, nlink 1 and inode numbers 1, 2, ... in argument
 * order, whatever the files' own attributes, so the same inputs give the same bytes.
 * On any error (a missing or non-regular file, an empty, duplicate or too long name, a
 * file of 4 GiB or more, a failed write) it names the problem, removes OUT and exits 1.
 *
 * A host program, built with the host compiler and libc.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NAME_MAX_LEN    255
#define FILE_MODE       0100755u
#define TRAILER_NAME    "TRAILER!!!"

static const char *out_path;
static FILE *out;
static uint64_t out_offset;         /* bytes written so far: padding is relative to 0 */

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
    va_list ap;
    fputs("mkinitrd: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (out) {
        fclose(out);
        remove(out_path);
    }
    exit(1);
}

static void write_bytes(const void *p, size_t n)
{
    if (n && fwrite(p, 1, n, out) != n)
        die("%s: write failed: %s", out_path, strerror(errno));
    out_offset += n;
}

static void write_padding(void)
{
    static const char zeros[4];
    write_bytes(zeros, (size_t)((4 - out_offset % 4) % 4));
}

static void write_header(uint32_t ino, uint32_t mode, uint32_t filesize, const char *name)
{
    char header[111];
    uint32_t namesize = (uint32_t)strlen(name) + 1;

    /* magic, ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor,
       rdevminor, namesize, check */
    snprintf(header, sizeof(header),
             "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
             ino, mode, 0u, 0u, 1u, 0u, filesize, 0u, 0u, 0u, 0u, namesize, 0u);
    write_bytes(header, 110);
    write_bytes(name, namesize);
    write_padding();
}

/* Copies the file's bytes; it must still have the size it had when stat'ed. */
static void write_file_data(const char *path, FILE *in, uint64_t size)
{
    char buf[65536];
    uint64_t copied = 0;
    size_t n;

    while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
        if (copied + n > size)
            die("%s: file grew while being read", path);
        write_bytes(buf, n);
        copied += n;
    }
    if (ferror(in))
        die("%s: read failed: %s", path, strerror(errno));
    if (copied != size)
        die("%s: file shrank while being read", path);
    write_padding();
}

struct input {
    const char *path;
    const char *name;
};

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: mkinitrd OUT.cpio FILE[=NAME] ...\n");
        return 1;
    }

    /* Check every argument before creating the output. */
    int count = argc - 2;
    struct input *inputs = calloc((size_t)count, sizeof(*inputs));
    if (!inputs)
        die("out of memory");
    for (int i = 0; i < count; i++) {
        char *arg = argv[i + 2];
        char *eq = strchr(arg, '=');
        if (eq) {
            *eq = '\0';
            inputs[i].name = eq + 1;
        } else {
            const char *slash = strrchr(arg, '/');
            inputs[i].name = slash ? slash + 1 : arg;
        }
        inputs[i].path = arg;

        size_t len = strlen(inputs[i].name);
        if (len == 0)
            die("%s: empty name", arg);
        if (len > NAME_MAX_LEN)
            die("%s: name too long (%zu bytes; at most %d)", arg, len, NAME_MAX_LEN);
        if (strcmp(inputs[i].name, TRAILER_NAME) == 0)
            die("%s: the name %s is reserved for the archive's end", arg, TRAILER_NAME);
        for (int j = 0; j < i; j++)
            if (strcmp(inputs[j].name, inputs[i].name) == 0)
                die("%s: name \"%s\" given twice (also for %s)", arg, inputs[i].name,
                    inputs[j].path);
    }

    out_path = argv[1];
    out = fopen(out_path, "wb");
    if (!out) {
        fprintf(stderr, "mkinitrd: %s: %s\n", out_path, strerror(errno));
        return 1;
    }

    for (int i = 0; i < count; i++) {
        const char *path = inputs[i].path;
        struct stat st;
        FILE *in = fopen(path, "rb");
        if (!in)
            die("%s: %s", path, strerror(errno));
        if (fstat(fileno(in), &st) != 0)
            die("%s: %s", path, strerror(errno));
        if (!S_ISREG(st.st_mode))
            die("%s: not a regular file", path);
        if ((uint64_t)st.st_size > UINT32_MAX)
            die("%s: too large for a newc archive (%lld bytes; at most 4 GiB - 1)", path,
                (long long)st.st_size);
        write_header((uint32_t)(i + 1), FILE_MODE, (uint32_t)st.st_size, inputs[i].name);
        write_file_data(path, in, (uint64_t)st.st_size);
        fclose(in);
    }
    write_header(0, 0, 0, TRAILER_NAME);

    if (fclose(out) != 0) {
        out = NULL;
        remove(out_path);
        fprintf(stderr, "mkinitrd: %s: write failed: %s\n", out_path, strerror(errno));
        return 1;
    }
    free(inputs);
    return 0;
}
