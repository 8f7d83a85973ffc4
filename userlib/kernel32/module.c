/*
 * GetModuleHandleA. Reservoir loads no DLLs: the only module in a process is its
 * executable, whose base the kernel put in the PEB (ImageBaseAddress) and whose name is
 * the image path's last component.
 *
 * Microsoft Learn, "GetModuleHandleA function (libloaderapi.h)":
 *   - NULL: the handle of the file used to create the process, i.e. its image base;
 *   - a name: matched without regard to case against the loaded modules; "If the file
 *     name extension is omitted, the default library extension .dll is appended", and
 *     a trailing '.' means "no extension" (so "prog" looks for "prog.dll" and does not
 *     find prog.exe, which Wine confirms);
 *   - not loaded: NULL, and GetLastError gives ERROR_MOD_NOT_FOUND.
 * Only the last path component of lpModuleName is compared (Windows compares a full
 * path with the module's full path; Reservoir's executables have no directory).
 */
#include <string.h>

#include "../crt/peb.h"
#include "kernel32.h"

static const char *last_component(const char *path)
{
    const char *base = path;
    for (const char *p = path; *p; p++)
        if (*p == '\\' || *p == '/' || *p == ':')
            base = p + 1;
    return base;
}

static int ascii_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Case-insensitive (ASCII) comparison of image[0..n) with text[0..length) + suffix. */
static int equal_to_name(const WCHAR *image, size_t n, const char *text, size_t length,
                         const char *suffix)
{
    size_t suffix_length = strlen(suffix);
    if (n != length + suffix_length)
        return 0;
    for (size_t i = 0; i < n; i++) {
        int c = i < length ? text[i] : suffix[i - length];
        if ((unsigned)image[i] > 0x7F || ascii_lower((int)image[i]) != ascii_lower(c))
            return 0;
    }
    return 1;
}

/* Is `requested` (a file name) the image's file name image[0..n)? */
static int is_image_name(const char *requested, const WCHAR *image, size_t n)
{
    size_t length = strlen(requested);
    if (!strchr(requested, '.'))
        return equal_to_name(image, n, requested, length, ".dll");
    if (length > 0 && requested[length - 1] == '.')
        length--;           /* "name." means "name", no extension */
    return equal_to_name(image, n, requested, length, "");
}

HMODULE WINAPI GetModuleHandleA(LPCSTR lpModuleName)
{
    struct _PEB *peb = __current_peb();
    if (!lpModuleName)
        return peb ? (HMODULE)peb->ImageBaseAddress : NULL;
    if (peb && peb->ProcessParameters) {
        const UNICODE_STRING *path = &peb->ProcessParameters->ImagePathName;
        size_t n = path->Length / sizeof(WCHAR), start = 0;
        for (size_t i = 0; i < n; i++)
            if (path->Buffer[i] == '\\' || path->Buffer[i] == '/' || path->Buffer[i] == ':')
                start = i + 1;
        if (is_image_name(last_component(lpModuleName), path->Buffer + start, n - start))
            return (HMODULE)peb->ImageBaseAddress;
    }
    SetLastError(ERROR_MOD_NOT_FOUND);
    return NULL;
}
