/*
 * Host tests only: gives every userlib name that the host's C library (or the kernel's
 * host build of format.c) also defines a ul_ prefix, so userlib and glibc can live in one
 * test binary. memcpy in userlib becomes ul_memcpy, and so on.
 *
 * It is force-included (-include) into every userlib source compiled for the host, and
 * included by ul_host.h into tests. Each name is #undef'd first because glibc defines
 * some of them as macros (stdout, stderr, errno). A name that is missing here shows up as
 * a duplicate-symbol link error or, worse, a test that calls glibc; keep it complete.
 */
#ifndef RESERVOIR_USERLIB_HOST_RENAME_H
#define RESERVOIR_USERLIB_HOST_RENAME_H

/* string.h */
#undef memset
#define memset ul_memset
#undef memcpy
#define memcpy ul_memcpy
#undef memmove
#define memmove ul_memmove
#undef memcmp
#define memcmp ul_memcmp
#undef memchr
#define memchr ul_memchr
#undef strlen
#define strlen ul_strlen
#undef strnlen
#define strnlen ul_strnlen
#undef strcmp
#define strcmp ul_strcmp
#undef strncmp
#define strncmp ul_strncmp
#undef strchr
#define strchr ul_strchr
#undef strlcpy
#define strlcpy ul_strlcpy
#undef strrchr
#define strrchr ul_strrchr
#undef strstr
#define strstr ul_strstr
#undef strcpy
#define strcpy ul_strcpy
#undef strncpy
#define strncpy ul_strncpy
#undef strcat
#define strcat ul_strcat
#undef strncat
#define strncat ul_strncat
#undef strdup
#define strdup ul_strdup

/* stdio.h (format_va and format_to_buffer come from kernel/lib/format.c) */
#undef FILE
#define FILE ul_FILE
#undef stdout
#define stdout ul_stdout
#undef stderr
#define stderr ul_stderr
/* Function-like, so the archetype in __attribute__((format(printf, 1, 2))), which
 * kernel/lib/format.h uses, stays "printf" while calls and declarations are renamed. */
#undef printf
#define printf(...) ul_printf(__VA_ARGS__)
#undef vprintf
#define vprintf ul_vprintf
#undef fprintf
#define fprintf ul_fprintf
#undef vfprintf
#define vfprintf ul_vfprintf
#undef sprintf
#define sprintf ul_sprintf
#undef vsprintf
#define vsprintf ul_vsprintf
#undef snprintf
#define snprintf ul_snprintf
#undef vsnprintf
#define vsnprintf ul_vsnprintf
#undef format_va
#define format_va ul_format_va
#undef format_to_buffer
#define format_to_buffer ul_format_to_buffer
#undef fputc
#define fputc ul_fputc
#undef putc
#define putc ul_putc
#undef putchar
#define putchar ul_putchar
#undef fputs
#define fputs ul_fputs
#undef puts
#define puts ul_puts
#undef fwrite
#define fwrite ul_fwrite
#undef fflush
#define fflush ul_fflush
#undef ferror
#define ferror ul_ferror
#undef clearerr
#define clearerr ul_clearerr

/* stdlib.h and errno.h */
#undef atoi
#define atoi ul_atoi
#undef atol
#define atol ul_atol
#undef atoll
#define atoll ul_atoll
#undef strtol
#define strtol ul_strtol
#undef strtoll
#define strtoll ul_strtoll
#undef strtoul
#define strtoul ul_strtoul
#undef strtoull
#define strtoull ul_strtoull
#undef abs
#define abs ul_abs
#undef labs
#define labs ul_labs
#undef llabs
#define llabs ul_llabs
#undef qsort
#define qsort ul_qsort
#undef bsearch
#define bsearch ul_bsearch
#undef abort
#define abort ul_abort
#undef exit
#define exit ul_exit
#undef atexit
#define atexit ul_atexit
#undef malloc
#define malloc ul_malloc
#undef calloc
#define calloc ul_calloc
#undef realloc
#define realloc ul_realloc
#undef free
#define free ul_free
#undef errno
#undef _errno
#define _errno ul__errno

#endif
