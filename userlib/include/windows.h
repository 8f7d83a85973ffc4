/*
 * <windows.h> for Reservoir user programs: the Win32 API subset userlib implements.
 *
 *   winnt.h     basic types, memory and exception constants, CONTEXT, EXCEPTION_RECORD,
 *               MEMORY_BASIC_INFORMATION, NT_TIB, NtCurrentTeb(), ARRAYSIZE,
 *               CONTAINING_RECORD, C_ASSERT, RtlZeroMemory & co.
 *   windef.h    MAKEWORD, LOWORD, HIWORD, ..., min and max (unless NOMINMAX)
 *   winerror.h  ERROR_* codes
 *   winbase.h   kernel32: VirtualAlloc & co., GetLastError, GetSystemInfo,
 *               GetCurrentProcess, ExitProcess, exception-handler registration;
 *               time, console handles, the command line, modules, debugging, lstr*
 *               (docs/win32-basics.md)
 *   excpt.h     EXCEPTION_EXECUTE_HANDLER / CONTINUE_SEARCH / CONTINUE_EXECUTION
 *
 * The NT native API (NtAllocateVirtualMemory, NTSTATUS, ...) is in <winternl.h>, which
 * <windows.h> does not include, as on Windows.
 *
 * Programs are ordinary C written against Windows' headers: the same source builds with
 * x86_64-w64-mingw32-gcc and runs on Windows or Wine. winnt.h explains the one thing to
 * watch: DWORD and LONG are 32 bits, so printf them through a cast.
 */
#ifndef _WINDOWS_
#define _WINDOWS_

#include "excpt.h"
#include "winnt.h"
#include "windef.h"
#include "winerror.h"
#include "winbase.h"

#endif
