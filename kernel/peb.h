/*
 * The process environment block (PEB) and its RTL_USER_PROCESS_PARAMETERS, laid out as
 * Windows x64 lays out the fields userlib reads (Microsoft Learn, "PEB structure" and
 * "RTL_USER_PROCESS_PARAMETERS structure", winternl.h; the offsets are x64's):
 *
 *   PEB  0x02  BeingDebugged (BYTE)          0 here: no debugger attaches to Reservoir
 *        0x10  ImageBaseAddress              the executable's allocation base
 *        0x20  ProcessParameters             -> the parameters below
 *   parameters
 *        0x00  MaximumLength, 0x04 Length    the block's size
 *        0x08  Flags                         RTL_USER_PROC_PARAMS_NORMALIZED: the string
 *                                            pointers are addresses, not offsets
 *        0x60  ImagePathName (UNICODE_STRING)  argv[0] as the kernel found the program
 *        0x70  CommandLine   (UNICODE_STRING)  the program's command line as given
 *
 * Everything else is zero. The strings are UTF-16, NUL-terminated (MaximumLength counts
 * the NUL); the kernel's command line is bytes, widened one to one (ISO 8859-1), so a
 * narrowing back to bytes gives the original text. The whole block is built in kernel
 * memory by peb_build and copied to the process in one piece.
 *
 * The TEB points at the PEB (TEB+0x60, ProcessEnvironmentBlock), as on Windows.
 */
#ifndef RESERVOIR_PEB_H
#define RESERVOIR_PEB_H

#include <stddef.h>
#include <stdint.h>

#define PEB_BEING_DEBUGGED          0x02
#define PEB_IMAGE_BASE_ADDRESS      0x10
#define PEB_PROCESS_PARAMETERS      0x20
#define PEB_SIZE                    0x800   /* Windows 10's PEB is 0x7C8 bytes */

#define PARAMS_OFFSET               PEB_SIZE
#define PARAMS_MAXIMUM_LENGTH       0x00
#define PARAMS_LENGTH               0x04
#define PARAMS_FLAGS                0x08
#define PARAMS_IMAGE_PATH_NAME      0x60
#define PARAMS_COMMAND_LINE         0x70
#define PARAMS_SIZE                 0x100
#define PARAMS_NORMALIZED           0x1

#define UNICODE_STRING_LENGTH       0x00    /* bytes, without the NUL (USHORT) */
#define UNICODE_STRING_MAXIMUM      0x02    /* bytes, with it (USHORT) */
#define UNICODE_STRING_BUFFER       0x08

/* The longest string a UNICODE_STRING can hold: its byte lengths are 16 bits. */
#define PEB_STRING_MAX_CHARS        32766

/* Bytes the block needs for these strings, or 0 if either is longer than
   PEB_STRING_MAX_CHARS. */
size_t peb_block_size(const char *image_path, const char *command_line);

/*
 * Builds the PEB, its parameters and both strings into buf[0..size), zeroing the rest,
 * for a block that will live at user address user_base. Returns 0, or -1 when size is
 * less than peb_block_size() (nothing useful is written then).
 */
int peb_build(uint8_t *buf, size_t size, uint64_t user_base, uint64_t image_base,
              const char *image_path, const char *command_line);

#endif
