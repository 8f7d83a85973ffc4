/*
 * GetCommandLineA: the command line the process was started with, from the PEB's
 * ProcessParameters->CommandLine, as kernel32 keeps it on Windows: a narrow copy made
 * once, returned every time (the same pointer; a program may read it, and the
 * documentation warns that changing it is not a good idea).
 *
 * The kernel widened the command line byte by byte (kernel/peb.h), so narrowing each
 * UTF-16 unit back to a byte gives the text exactly; a unit above 0xFF (impossible
 * from this kernel) becomes '?', as a conversion to a code page without it does.
 *
 * On Reservoir the command line is the kernel command line after `--`, as written:
 * argv[0] quoted or not as given (`make run PROG=x.c ARGS='a "b c"'` gives
 * `x.exe a "b c"`). Microsoft Learn, "GetCommandLineA function (processenv.h)".
 */
#include "../crt/peb.h"
#include "kernel32.h"

#define COMMAND_LINE_MAX 32767      /* a UNICODE_STRING's limit, in characters */

static char command_line[COMMAND_LINE_MAX + 1];
static int converted;

static void convert(void)
{
    struct _PEB *peb = __current_peb();
    if (!peb || !peb->ProcessParameters)
        return;         /* an empty command line */
    const UNICODE_STRING *wide = &peb->ProcessParameters->CommandLine;
    size_t n = wide->Length / sizeof(WCHAR);
    if (n > COMMAND_LINE_MAX)
        n = COMMAND_LINE_MAX;       /* cannot happen: Length is at most 65534 bytes */
    for (size_t i = 0; i < n; i++) {
        unsigned unit = (unsigned)wide->Buffer[i];
        command_line[i] = unit <= 0xFF ? (char)unit : '?';
    }
    command_line[n] = '\0';
}

LPSTR WINAPI GetCommandLineA(void)
{
    if (!converted) {
        convert();
        converted = 1;
    }
    return command_line;
}
