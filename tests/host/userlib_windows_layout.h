/*
 * The x64 layouts of the Windows structures userlib's headers define, as compile-time
 * checks that read the same against Reservoir's headers (userlib/include) and against
 * mingw-w64's. tests/host/test_userlib_windows_h.c includes it after Reservoir's
 * <windows.h> and <winternl.h>; the mingw cross-check compiles it alone:
 *
 *   x86_64-w64-mingw32-gcc -std=gnu11 -fsyntax-only -x c tests/host/userlib_windows_layout.h
 *
 * Numbers: Microsoft Learn's structure pages (CONTEXT, EXCEPTION_RECORD, SYSTEM_INFO,
 * MEMORY_BASIC_INFORMATION, M128A, XSAVE_FORMAT) give the fields in order; the offsets
 * follow from x64 alignment and are what mingw-w64's winnt.h produces.
 */
#ifndef RESERVOIR_TEST_USERLIB_WINDOWS_LAYOUT_H
#define RESERVOIR_TEST_USERLIB_WINDOWS_LAYOUT_H

#ifdef __MINGW32__
#include <windows.h>
#include <winternl.h>
#endif
#include <stddef.h>

#define LAYOUT(type, field, offset) \
    _Static_assert(offsetof(type, field) == (offset), #type "." #field " at " #offset)

/* Widths: DWORD and LONG are 32 bits on both, pointer-sized types 64. */
_Static_assert(sizeof(BYTE) == 1 && sizeof(WORD) == 2 && sizeof(DWORD) == 4, "widths");
_Static_assert(sizeof(LONG) == 4 && sizeof(ULONG) == 4 && sizeof(BOOL) == 4, "widths");
_Static_assert(sizeof(INT) == 4 && sizeof(UINT) == 4 && sizeof(WCHAR) == 2, "widths");
_Static_assert(sizeof(SIZE_T) == 8 && sizeof(SSIZE_T) == 8 && sizeof(ULONG_PTR) == 8, "widths");
_Static_assert(sizeof(LONG_PTR) == 8 && sizeof(DWORD_PTR) == 8 && sizeof(DWORD64) == 8, "widths");
_Static_assert(sizeof(ULONGLONG) == 8 && sizeof(HANDLE) == 8 && sizeof(LPVOID) == 8, "widths");
_Static_assert((DWORD)-1 > 0 && (LONG)-1 < 0 && (ULONG_PTR)-1 > 0 && (LONG_PTR)-1 < 0, "signs");

/* MEMORY_BASIC_INFORMATION: 48 bytes. */
_Static_assert(sizeof(MEMORY_BASIC_INFORMATION) == 48, "MEMORY_BASIC_INFORMATION size");
LAYOUT(MEMORY_BASIC_INFORMATION, BaseAddress, 0x00);
LAYOUT(MEMORY_BASIC_INFORMATION, AllocationBase, 0x08);
LAYOUT(MEMORY_BASIC_INFORMATION, AllocationProtect, 0x10);
LAYOUT(MEMORY_BASIC_INFORMATION, RegionSize, 0x18);
LAYOUT(MEMORY_BASIC_INFORMATION, State, 0x20);
LAYOUT(MEMORY_BASIC_INFORMATION, Protect, 0x24);
LAYOUT(MEMORY_BASIC_INFORMATION, Type, 0x28);

/* LIST_ENTRY and SINGLE_LIST_ENTRY: links of two and one pointers. */
_Static_assert(sizeof(LIST_ENTRY) == 16 && sizeof(SINGLE_LIST_ENTRY) == 8, "list entries");
LAYOUT(LIST_ENTRY, Blink, 8);

/* SYSTEM_INFO: 48 bytes, the architecture sharing its bytes with dwOemId. */
_Static_assert(sizeof(SYSTEM_INFO) == 48, "SYSTEM_INFO size");
LAYOUT(SYSTEM_INFO, dwOemId, 0);
LAYOUT(SYSTEM_INFO, wProcessorArchitecture, 0);
LAYOUT(SYSTEM_INFO, wReserved, 2);
LAYOUT(SYSTEM_INFO, dwPageSize, 4);
LAYOUT(SYSTEM_INFO, lpMinimumApplicationAddress, 8);
LAYOUT(SYSTEM_INFO, lpMaximumApplicationAddress, 16);
LAYOUT(SYSTEM_INFO, dwActiveProcessorMask, 24);
LAYOUT(SYSTEM_INFO, dwNumberOfProcessors, 32);
LAYOUT(SYSTEM_INFO, dwProcessorType, 36);
LAYOUT(SYSTEM_INFO, dwAllocationGranularity, 40);
LAYOUT(SYSTEM_INFO, wProcessorLevel, 44);
LAYOUT(SYSTEM_INFO, wProcessorRevision, 46);

/* EXCEPTION_RECORD: 152 bytes. */
_Static_assert(sizeof(EXCEPTION_RECORD) == 152, "EXCEPTION_RECORD size");
LAYOUT(EXCEPTION_RECORD, ExceptionCode, 0x00);
LAYOUT(EXCEPTION_RECORD, ExceptionFlags, 0x04);
LAYOUT(EXCEPTION_RECORD, ExceptionRecord, 0x08);
LAYOUT(EXCEPTION_RECORD, ExceptionAddress, 0x10);
LAYOUT(EXCEPTION_RECORD, NumberParameters, 0x18);
LAYOUT(EXCEPTION_RECORD, ExceptionInformation, 0x20);
_Static_assert(sizeof(((EXCEPTION_RECORD *)0)->ExceptionInformation) == 15 * 8, "15 params");

_Static_assert(sizeof(EXCEPTION_POINTERS) == 16, "EXCEPTION_POINTERS size");
LAYOUT(EXCEPTION_POINTERS, ContextRecord, 8);

/* M128A and the FXSAVE area. */
_Static_assert(sizeof(M128A) == 16 && _Alignof(M128A) == 16, "M128A");
_Static_assert(sizeof(XMM_SAVE_AREA32) == 512 && _Alignof(XMM_SAVE_AREA32) == 16, "XMM_SAVE_AREA32");
LAYOUT(XMM_SAVE_AREA32, ControlWord, 0);
LAYOUT(XMM_SAVE_AREA32, TagWord, 4);
LAYOUT(XMM_SAVE_AREA32, ErrorOpcode, 6);
LAYOUT(XMM_SAVE_AREA32, ErrorOffset, 8);
LAYOUT(XMM_SAVE_AREA32, DataOffset, 16);
LAYOUT(XMM_SAVE_AREA32, MxCsr, 24);
LAYOUT(XMM_SAVE_AREA32, MxCsr_Mask, 28);
LAYOUT(XMM_SAVE_AREA32, FloatRegisters, 32);
LAYOUT(XMM_SAVE_AREA32, XmmRegisters, 160);
LAYOUT(XMM_SAVE_AREA32, Reserved4, 416);

/* CONTEXT: 1232 bytes, 16-byte aligned. */
_Static_assert(sizeof(CONTEXT) == 1232 && _Alignof(CONTEXT) == 16, "CONTEXT size");
LAYOUT(CONTEXT, P1Home, 0x00);
LAYOUT(CONTEXT, P6Home, 0x28);
LAYOUT(CONTEXT, ContextFlags, 0x30);
LAYOUT(CONTEXT, MxCsr, 0x34);
LAYOUT(CONTEXT, SegCs, 0x38);
LAYOUT(CONTEXT, SegDs, 0x3A);
LAYOUT(CONTEXT, SegEs, 0x3C);
LAYOUT(CONTEXT, SegFs, 0x3E);
LAYOUT(CONTEXT, SegGs, 0x40);
LAYOUT(CONTEXT, SegSs, 0x42);
LAYOUT(CONTEXT, EFlags, 0x44);
LAYOUT(CONTEXT, Dr0, 0x48);
LAYOUT(CONTEXT, Dr1, 0x50);
LAYOUT(CONTEXT, Dr2, 0x58);
LAYOUT(CONTEXT, Dr3, 0x60);
LAYOUT(CONTEXT, Dr6, 0x68);
LAYOUT(CONTEXT, Dr7, 0x70);
LAYOUT(CONTEXT, Rax, 0x78);
LAYOUT(CONTEXT, Rcx, 0x80);
LAYOUT(CONTEXT, Rdx, 0x88);
LAYOUT(CONTEXT, Rbx, 0x90);
LAYOUT(CONTEXT, Rsp, 0x98);
LAYOUT(CONTEXT, Rbp, 0xA0);
LAYOUT(CONTEXT, Rsi, 0xA8);
LAYOUT(CONTEXT, Rdi, 0xB0);
LAYOUT(CONTEXT, R8, 0xB8);
LAYOUT(CONTEXT, R9, 0xC0);
LAYOUT(CONTEXT, R10, 0xC8);
LAYOUT(CONTEXT, R11, 0xD0);
LAYOUT(CONTEXT, R12, 0xD8);
LAYOUT(CONTEXT, R13, 0xE0);
LAYOUT(CONTEXT, R14, 0xE8);
LAYOUT(CONTEXT, R15, 0xF0);
LAYOUT(CONTEXT, Rip, 0xF8);
LAYOUT(CONTEXT, FltSave, 0x100);
LAYOUT(CONTEXT, Header, 0x100);
LAYOUT(CONTEXT, Legacy, 0x120);
LAYOUT(CONTEXT, Xmm0, 0x1A0);
LAYOUT(CONTEXT, Xmm15, 0x290);
LAYOUT(CONTEXT, VectorRegister, 0x300);
LAYOUT(CONTEXT, VectorControl, 0x4A0);
LAYOUT(CONTEXT, DebugControl, 0x4A8);
LAYOUT(CONTEXT, LastBranchToRip, 0x4B0);
LAYOUT(CONTEXT, LastBranchFromRip, 0x4B8);
LAYOUT(CONTEXT, LastExceptionToRip, 0x4C0);
LAYOUT(CONTEXT, LastExceptionFromRip, 0x4C8);

/* NT_TIB, the head of the TEB. */
_Static_assert(sizeof(NT_TIB) == 0x38, "NT_TIB size");
LAYOUT(NT_TIB, StackBase, 0x08);
LAYOUT(NT_TIB, StackLimit, 0x10);
LAYOUT(NT_TIB, Self, 0x30);

/* SYSTEM_BASIC_INFORMATION: 64 bytes; mingw-w64 names the fields differently. */
_Static_assert(sizeof(SYSTEM_BASIC_INFORMATION) == 64, "SYSTEM_BASIC_INFORMATION size");
#ifdef __MINGW32__
LAYOUT(SYSTEM_BASIC_INFORMATION, PhysicalPageSize, 0x08);
LAYOUT(SYSTEM_BASIC_INFORMATION, AllocationGranularity, 0x18);
LAYOUT(SYSTEM_BASIC_INFORMATION, LowestUserAddress, 0x20);
LAYOUT(SYSTEM_BASIC_INFORMATION, HighestUserAddress, 0x28);
LAYOUT(SYSTEM_BASIC_INFORMATION, ActiveProcessors, 0x30);
LAYOUT(SYSTEM_BASIC_INFORMATION, NumberOfProcessors, 0x38);
#else
LAYOUT(SYSTEM_BASIC_INFORMATION, PageSize, 0x08);
LAYOUT(SYSTEM_BASIC_INFORMATION, AllocationGranularity, 0x18);
LAYOUT(SYSTEM_BASIC_INFORMATION, MinimumUserModeAddress, 0x20);
LAYOUT(SYSTEM_BASIC_INFORMATION, MaximumUserModeAddress, 0x28);
LAYOUT(SYSTEM_BASIC_INFORMATION, ActiveProcessorsAffinityMask, 0x30);
LAYOUT(SYSTEM_BASIC_INFORMATION, NumberOfProcessors, 0x38);
#endif

/* Constant values that appear in structures or cross the system-call boundary. */
_Static_assert(PAGE_NOACCESS == 0x01 && PAGE_READONLY == 0x02 && PAGE_READWRITE == 0x04 &&
               PAGE_WRITECOPY == 0x08 && PAGE_EXECUTE == 0x10 && PAGE_EXECUTE_READ == 0x20 &&
               PAGE_EXECUTE_READWRITE == 0x40 && PAGE_EXECUTE_WRITECOPY == 0x80 &&
               PAGE_GUARD == 0x100 && PAGE_NOCACHE == 0x200 && PAGE_WRITECOMBINE == 0x400,
               "PAGE_*");
_Static_assert(MEM_COMMIT == 0x1000 && MEM_RESERVE == 0x2000 && MEM_DECOMMIT == 0x4000 &&
               MEM_RELEASE == 0x8000 && MEM_FREE == 0x10000 && MEM_PRIVATE == 0x20000 &&
               MEM_MAPPED == 0x40000 && MEM_RESET == 0x80000 && MEM_TOP_DOWN == 0x100000 &&
               MEM_IMAGE == 0x1000000, "MEM_*");
_Static_assert(EXCEPTION_ACCESS_VIOLATION == 0xC0000005 && EXCEPTION_GUARD_PAGE == 0x80000001 &&
               EXCEPTION_BREAKPOINT == 0x80000003 && EXCEPTION_SINGLE_STEP == 0x80000004 &&
               EXCEPTION_INT_DIVIDE_BY_ZERO == 0xC0000094 &&
               EXCEPTION_ILLEGAL_INSTRUCTION == 0xC000001D &&
               EXCEPTION_PRIV_INSTRUCTION == 0xC0000096 &&
               EXCEPTION_STACK_OVERFLOW == 0xC00000FD, "EXCEPTION_* codes");
_Static_assert(EXCEPTION_CONTINUE_EXECUTION == -1 && EXCEPTION_CONTINUE_SEARCH == 0 &&
               EXCEPTION_EXECUTE_HANDLER == 1 && EXCEPTION_NONCONTINUABLE == 1 &&
               EXCEPTION_MAXIMUM_PARAMETERS == 15, "exception dispositions and flags");
_Static_assert(CONTEXT_AMD64 == 0x100000 && CONTEXT_CONTROL == 0x100001 &&
               CONTEXT_INTEGER == 0x100002 && CONTEXT_SEGMENTS == 0x100004 &&
               CONTEXT_FLOATING_POINT == 0x100008 && CONTEXT_DEBUG_REGISTERS == 0x100010 &&
               CONTEXT_FULL == 0x10000B && CONTEXT_ALL == 0x10001F, "CONTEXT_*");
_Static_assert(PROCESSOR_ARCHITECTURE_AMD64 == 9 && PROCESSOR_AMD_X8664 == 8664, "processor");
_Static_assert(ERROR_SUCCESS == 0 && ERROR_INVALID_FUNCTION == 1 && ERROR_ACCESS_DENIED == 5 &&
               ERROR_INVALID_HANDLE == 6 && ERROR_NOT_ENOUGH_MEMORY == 8 &&
               ERROR_OUTOFMEMORY == 14 && ERROR_BAD_LENGTH == 24 &&
               ERROR_INVALID_PARAMETER == 87 && ERROR_INSUFFICIENT_BUFFER == 122 &&
               ERROR_MR_MID_NOT_FOUND == 317 && ERROR_INVALID_ADDRESS == 487 &&
               ERROR_NOACCESS == 998 && ERROR_COMMITMENT_LIMIT == 1455, "ERROR_*");
_Static_assert(MAX_PATH == 260, "MAX_PATH");

#endif
