/*
 * <windef.h> for Reservoir user programs: the small helpers Windows' windef.h and
 * minwindef.h give every program: building and splitting words (MAKEWORD, LOWORD, ...)
 * and min/max. <windows.h> includes it.
 *
 * As on Windows these are macros (they work on any integer type, also in constant
 * expressions), and min/max evaluate an argument twice. A program that defines
 * NOMINMAX before <windows.h> does not get min and max (Microsoft Learn, "Windows Data
 * Types" for the types; the macros as minwindef.h defines them; docs/win32-basics.md).
 */
#ifndef _WINDEF_
#define _WINDEF_

#include "winnt.h"

#define MAKEWORD(a, b) \
    ((WORD)(((BYTE)(((DWORD_PTR)(a)) & 0xff)) | ((WORD)((BYTE)(((DWORD_PTR)(b)) & 0xff))) << 8))
#define MAKELONG(a, b) \
    ((LONG)(((WORD)(((DWORD_PTR)(a)) & 0xffff)) | \
            ((DWORD)((WORD)(((DWORD_PTR)(b)) & 0xffff))) << 16))
#define LOWORD(l) ((WORD)(((DWORD_PTR)(l)) & 0xffff))
#define HIWORD(l) ((WORD)((((DWORD_PTR)(l)) >> 16) & 0xffff))
#define LOBYTE(w) ((BYTE)(((DWORD_PTR)(w)) & 0xff))
#define HIBYTE(w) ((BYTE)((((DWORD_PTR)(w)) >> 8) & 0xff))

#ifndef NOMINMAX
#ifndef max
#define max(a, b) (((a) > (b)) ? (a) : (b))
#endif
#ifndef min
#define min(a, b) (((a) < (b)) ? (a) : (b))
#endif
#endif

#endif
