/*
 * The initrd: a cpio archive in the "newc" format (what `cpio -H newc` and
 * tools/mkinitrd write), read in place from a byte buffer.
 *
 * Each entry is a 110-byte header of ASCII text — the magic "070701" and thirteen
 * 8-digit hex fields (ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor,
 * rdevmajor, rdevminor, namesize, check) — then the NUL-terminated name (namesize bytes,
 * NUL included), padded to a multiple of 4 bytes from the start of the archive, then
 * filesize data bytes, padded likewise. An entry named "TRAILER!!!" ends the archive;
 * whatever follows it (cpio pads to 512 bytes) is ignored.
 *
 * Regular files are what the kernel reads; directories are skipped; anything else
 * (symlinks, devices, FIFOs, sockets) and hard-linked files (nlink > 1: newc stores their
 * data with the last link only) are refused. A leading "./" in a name is dropped, so
 * `find . | cpio -o -H newc` archives work. filesize is 8 hex digits, so no file can
 * reach 4 GiB.
 *
 * Nothing is read outside [archive, archive + size), and every offset is checked for
 * overflow: a damaged archive produces a message, never a wild read. Portable: host tests
 * run it.
 */
#ifndef RESERVOIR_LOADER_INITRD_H
#define RESERVOIR_LOADER_INITRD_H

#include <stdint.h>

#include "ntstatus.h"


#define INITRD_HEADER_SIZE      110

/* A regular file in the archive. name and data point into the archive. */
struct initrd_entry {
    const char *name;           /* without a leading "./"; NUL-terminated in the archive */
    uint64_t name_len;          /* strlen(name); > 0 */
    const void *data;           /* data[0..size) lies inside the archive */
    uint64_t size;
    uint32_t mode;              /* c_mode: S_IFREG plus permission bits */
    uint64_t header_offset;     /* where the entry's header starts in the archive */
};

struct initrd_iter {
    const uint8_t *archive;
    uint64_t size;
    uint64_t offset;            /* next header; after an error, the header at fault */
    ntstatus_t status;          /* STATUS_SUCCESS until the walk ends, then sticky */
    const char *why;            /* the reason for an error status, else NULL */
};

/* Starts a walk over archive[0..size). */
void initrd_iter_start(struct initrd_iter *it, const void *archive, uint64_t size);

/*
 * Moves to the next regular file, skipping directories, and describes it in *out.
 * Returns STATUS_SUCCESS; STATUS_NO_MORE_ENTRIES after the trailer; or, with the reason
 * in it->why and it->offset at the bad header, STATUS_FILE_CORRUPT_ERROR (bad magic,
 * non-hex digits, bad name size, sizes running past the end, missing trailer) or
 * STATUS_NOT_SUPPORTED (symlinks, devices, FIFOs, sockets, hard links); or
 * STATUS_INVALID_PARAMETER when the walk was started on a NULL archive. Once it has
 * returned anything but STATUS_SUCCESS it keeps returning that.
 */
ntstatus_t initrd_next(struct initrd_iter *it, struct initrd_entry *out);

/*
 * Walks the whole archive, as the kernel does before trusting any of it. Returns
 * STATUS_SUCCESS (an archive with no files but a trailer is valid), or the error status
 * initrd_next returned with its reason in *why (why may be NULL).
 */
ntstatus_t initrd_check(const void *archive, uint64_t size, const char **why);

/*
 * Finds the regular file called name (compared exactly, after dropping "./" from the
 * archive's names). Returns STATUS_SUCCESS with *data and *data_size set;
 * STATUS_OBJECT_NAME_NOT_FOUND when the walk reached the trailer without it;
 * STATUS_INVALID_PARAMETER for a NULL archive or name; or the error initrd_next met
 * before reaching it (an archive that passed initrd_check has none).
 */
ntstatus_t initrd_find(const void *archive, uint64_t size, const char *name,
                       const void **data, uint64_t *data_size);

#endif
