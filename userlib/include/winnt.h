/*
 * <winnt.h> for Reservoir user programs: the basic Windows types, the memory and
 * exception constants, and the x64 structures that cross the system-call boundary
 * (CONTEXT, EXCEPTION_RECORD, MEMORY_BASIC_INFORMATION, NT_TIB). Programs include
 * <windows.h>, which includes this.
 *
 * Every name, value and layout is Windows x64's, so the same program also builds with
 * mingw-w64. Sources: Microsoft Learn (the structure pages named at each structure,
 * "Windows Data Types", "Memory Protection Constants", "VirtualAlloc function") and
 * mingw-w64's include/winnt.h, against which tests/host/test_userlib_windows_h.c and the
 * mingw cross-check compare sizes and offsets.
 *
 * One difference is unavoidable: Windows is LLP64 (long is 32 bits) and Reservoir's
 * compiler is System V LP64 (long is 64 bits). The widths are kept, not the C types:
 *   - DWORD, LONG, ULONG, BOOL, UINT are 32 bits (unsigned int / int here, unsigned
 *     long / long on Windows). userlib's printf follows Microsoft's rules, where l means
 *     32 bits, so %lu prints a DWORD exactly here as on Windows (gcc warns, believing
 *     long is 64 bits; userlib/README.md, "printf").
 *   - the pointer-sized types (SIZE_T, ULONG_PTR, LONG_PTR, DWORD_PTR) are size_t's and
 *     intptr_t's own types on both systems (unsigned long here, unsigned long long on
 *     Windows), so a size_t * converts to a PSIZE_T without a cast and %zu prints SIZE_T.
 *   - the 64-bit types (LONGLONG, ULONGLONG, DWORD64) are long long on both.
 *   - WINAPI, NTAPI, CALLBACK are empty: x64 Windows has one calling convention and
 *     Reservoir's build uses System V throughout; nothing calls across the two.
 */
#ifndef _WINNT_
#define _WINNT_

#include <stddef.h>

/* ------------------------------------------------------------------------------------ */
/* Calling conventions and declaration attributes                                        */
/* ------------------------------------------------------------------------------------ */

#define WINAPI
#define APIENTRY
#define NTAPI
#define CALLBACK
#define WINAPIV
#define WINBASEAPI
#define NTSYSAPI
#define NTSYSCALLAPI
#define CONST const
#define VOID void
#define DECLSPEC_ALIGN(x) __attribute__((aligned(x)))
#define DECLSPEC_NORETURN __attribute__((noreturn))
#define FORCEINLINE static inline __attribute__((always_inline))

/* Nameless unions and structures, as Windows' headers spell them (C11 has them). */
#ifndef NONAMELESSUNION
#define DUMMYUNIONNAME
#define DUMMYSTRUCTNAME
#else
#define DUMMYUNIONNAME u
#define DUMMYSTRUCTNAME s
#endif

/* ------------------------------------------------------------------------------------ */
/* Basic types (Microsoft Learn, "Windows Data Types")                                   */
/* ------------------------------------------------------------------------------------ */

typedef char CHAR;
typedef signed char INT8;
typedef unsigned char UCHAR, BYTE, BOOLEAN, UINT8;
typedef short SHORT, INT16;
typedef unsigned short USHORT, WORD, UINT16;
typedef int INT, LONG, BOOL, INT32, LONG32, HRESULT;
typedef unsigned int UINT, ULONG, DWORD, UINT32, ULONG32, DWORD32;
typedef long long LONGLONG, INT64, LONG64;
typedef unsigned long long ULONGLONG, DWORDLONG, UINT64, ULONG64, DWORD64;
typedef float FLOAT;

typedef long INT_PTR, LONG_PTR, SSIZE_T;                 /* = intptr_t, ssize_t */
typedef unsigned long UINT_PTR, ULONG_PTR, DWORD_PTR, SIZE_T;   /* = uintptr_t, size_t */

/* WCHAR is 16 bits on Windows. With -fshort-wchar (Reservoir's user flags) wchar_t is
   too, and L"..." literals have Windows' layout. */
#if defined(__SIZEOF_WCHAR_T__) && __SIZEOF_WCHAR_T__ == 2
typedef wchar_t WCHAR;
#else
typedef unsigned short WCHAR;
#endif

typedef void *PVOID, *LPVOID;
typedef const void *LPCVOID, *PCVOID;
typedef void *HANDLE;
typedef HANDLE *PHANDLE, *LPHANDLE;
typedef DWORD ACCESS_MASK;

typedef CHAR *PCHAR, *LPCH, *PCH, *PSTR, *LPSTR, *NPSTR;
typedef const CHAR *LPCCH, *PCCH, *PCSTR, *LPCSTR;
typedef WCHAR *PWCHAR, *LPWCH, *PWCH, *PWSTR, *LPWSTR, *NWPSTR;
typedef const WCHAR *LPCWCH, *PCWCH, *PCWSTR, *LPCWSTR;

typedef BYTE *PBYTE, *LPBYTE;
typedef UCHAR *PUCHAR;
typedef BOOLEAN *PBOOLEAN;
typedef SHORT *PSHORT;
typedef USHORT *PUSHORT;
typedef WORD *PWORD, *LPWORD;
typedef INT *PINT, *LPINT;
typedef UINT *PUINT, *LPUINT;
typedef LONG *PLONG, *LPLONG;
typedef ULONG *PULONG;
typedef DWORD *PDWORD, *LPDWORD;
typedef BOOL *PBOOL, *LPBOOL;
typedef LONGLONG *PLONGLONG;
typedef ULONGLONG *PULONGLONG;
typedef DWORD64 *PDWORD64;
typedef LONG_PTR *PLONG_PTR;
typedef ULONG_PTR *PULONG_PTR;
typedef DWORD_PTR *PDWORD_PTR;
typedef SIZE_T *PSIZE_T;
typedef SSIZE_T *PSSIZE_T;

/* Handles that the strict Windows headers make distinct types. */
#define DECLARE_HANDLE(name) struct name##__ { int unused; }; typedef struct name##__ *name
DECLARE_HANDLE(HINSTANCE);
typedef HINSTANCE HMODULE;

/* Narrow-character builds only: TCHAR is CHAR. */
#ifdef UNICODE
#error "Reservoir's userlib has no wide-character (UNICODE) API yet"
#endif
typedef CHAR TCHAR, *PTCHAR;
typedef LPSTR LPTSTR, PTSTR;
typedef LPCSTR LPCTSTR, PCTSTR;
#define TEXT(s) s

typedef union _LARGE_INTEGER {
    struct {
        DWORD LowPart;
        LONG HighPart;
    } DUMMYSTRUCTNAME;
    struct {
        DWORD LowPart;
        LONG HighPart;
    } u;
    LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

typedef union _ULARGE_INTEGER {
    struct {
        DWORD LowPart;
        DWORD HighPart;
    } DUMMYSTRUCTNAME;
    struct {
        DWORD LowPart;
        DWORD HighPart;
    } u;
    ULONGLONG QuadPart;
} ULARGE_INTEGER, *PULARGE_INTEGER;

/* The intrusive list links NT code embeds in its structures (CONTAINING_RECORD finds the
   structure from a link). */
typedef struct _LIST_ENTRY {
    struct _LIST_ENTRY *Flink;
    struct _LIST_ENTRY *Blink;
} LIST_ENTRY, *PLIST_ENTRY, *PRLIST_ENTRY;

typedef struct _SINGLE_LIST_ENTRY {
    struct _SINGLE_LIST_ENTRY *Next;
} SINGLE_LIST_ENTRY, *PSINGLE_LIST_ENTRY;

#ifndef FALSE
#define FALSE 0
#endif
#ifndef TRUE
#define TRUE 1
#endif

#define MAXLONG     0x7fffffff
#define MAXDWORD    0xffffffff
#define MINCHAR     0x80
#define MAXCHAR     0x7f
#define MAXBYTE     0xff
#define MAXWORD     0xffff

#define FIELD_OFFSET(type, field) ((LONG)offsetof(type, field))

/* ------------------------------------------------------------------------------------ */
/* Everyday helpers, where Windows' winnt.h has them (docs/win32-basics.md lists the      */
/* sources). They stay macros, as on Windows: programs use them on any integer or array  */
/* type and in constant expressions.                                                     */
/* ------------------------------------------------------------------------------------ */

/* The element count of an array (not of a pointer: that divides a pointer's size). */
#define RTL_NUMBER_OF_V1(A) (sizeof(A) / sizeof((A)[0]))
#define RTL_NUMBER_OF_V2(A) RTL_NUMBER_OF_V1(A)     /* C++ only checks the type on Windows */
#define RTL_NUMBER_OF(A)    RTL_NUMBER_OF_V1(A)
#define ARRAYSIZE(A)        RTL_NUMBER_OF_V2(A)

/* The structure that holds `field` at `address`. */
#define CONTAINING_RECORD(address, type, field) \
    ((type *)((PCHAR)(address) - offsetof(type, field)))

/* Windows spells it (P), which gcc's -Wall reports as a statement with no effect. */
#define UNREFERENCED_PARAMETER(P)          ((void)(P))
#define DBG_UNREFERENCED_PARAMETER(P)      ((void)(P))
#define DBG_UNREFERENCED_LOCAL_VARIABLE(V) ((void)(V))

/* A compile-time assertion, at file or block scope (Windows: a negative array size). */
#define C_ASSERT(e) _Static_assert(e, "C_ASSERT(" #e ")")

/* The Rtl memory macros; ZeroMemory and friends (winbase.h) are these. */
#define RtlEqualMemory(Destination, Source, Length) \
    (!__builtin_memcmp((Destination), (Source), (Length)))
#define RtlMoveMemory(Destination, Source, Length) \
    __builtin_memmove((Destination), (Source), (Length))
#define RtlCopyMemory(Destination, Source, Length) \
    __builtin_memcpy((Destination), (Source), (Length))
#define RtlFillMemory(Destination, Length, Fill) \
    __builtin_memset((Destination), (Fill), (Length))
#define RtlZeroMemory(Destination, Length) __builtin_memset((Destination), 0, (Length))

/*
 * Zeroes cnt bytes at ptr and returns ptr, even when the compiler can see that nothing
 * reads the memory afterwards (a password about to go out of scope): the empty asm
 * takes ptr and clobbers memory, so the compiler must assume it reads the bytes, and
 * the memset before it cannot be dropped.
 */
FORCEINLINE PVOID RtlSecureZeroMemory(PVOID ptr, SIZE_T cnt)
{
    __builtin_memset(ptr, 0, cnt);
    __asm__ volatile("" : : "r"(ptr) : "memory");
    return ptr;
}

_Static_assert(sizeof(DWORD) == 4 && sizeof(LONG) == 4 && sizeof(ULONG) == 4 &&
               sizeof(BOOL) == 4 && sizeof(WORD) == 2 && sizeof(WCHAR) == 2,
               "Windows' fixed-width types");
_Static_assert(sizeof(SIZE_T) == 8 && sizeof(ULONG_PTR) == 8 && sizeof(LONG_PTR) == 8 &&
               sizeof(HANDLE) == 8 && sizeof(DWORD64) == 8 && sizeof(LONGLONG) == 8,
               "Windows x64's 64-bit types");

/* ------------------------------------------------------------------------------------ */
/* Memory: protections, allocation types, region states and types                         */
/* (Microsoft Learn, "Memory Protection Constants", "VirtualAlloc function")             */
/* ------------------------------------------------------------------------------------ */

#define PAGE_NOACCESS           0x01
#define PAGE_READONLY           0x02
#define PAGE_READWRITE          0x04
#define PAGE_WRITECOPY          0x08
#define PAGE_EXECUTE            0x10
#define PAGE_EXECUTE_READ       0x20
#define PAGE_EXECUTE_READWRITE  0x40
#define PAGE_EXECUTE_WRITECOPY  0x80
#define PAGE_GUARD              0x100
#define PAGE_NOCACHE            0x200
#define PAGE_WRITECOMBINE       0x400

#define MEM_COMMIT              0x00001000
#define MEM_RESERVE             0x00002000
#define MEM_DECOMMIT            0x00004000
#define MEM_RELEASE             0x00008000
#define MEM_FREE                0x00010000
#define MEM_PRIVATE             0x00020000
#define MEM_MAPPED              0x00040000
#define MEM_RESET               0x00080000
#define MEM_TOP_DOWN            0x00100000
#define MEM_WRITE_WATCH         0x00200000
#define MEM_PHYSICAL            0x00400000
#define MEM_RESET_UNDO          0x01000000
#define MEM_LARGE_PAGES         0x20000000
#define SEC_IMAGE               0x01000000
#define MEM_IMAGE               SEC_IMAGE

/* Microsoft Learn, "MEMORY_BASIC_INFORMATION structure": 48 bytes on x64. */
typedef struct _MEMORY_BASIC_INFORMATION {
    PVOID BaseAddress;
    PVOID AllocationBase;
    DWORD AllocationProtect;
    WORD PartitionId;           /* x64 only; mingw-w64's header leaves it unnamed */
    SIZE_T RegionSize;
    DWORD State;
    DWORD Protect;
    DWORD Type;
} MEMORY_BASIC_INFORMATION, *PMEMORY_BASIC_INFORMATION;

_Static_assert(sizeof(MEMORY_BASIC_INFORMATION) == 48, "MEMORY_BASIC_INFORMATION");
_Static_assert(offsetof(MEMORY_BASIC_INFORMATION, AllocationProtect) == 16 &&
               offsetof(MEMORY_BASIC_INFORMATION, RegionSize) == 24 &&
               offsetof(MEMORY_BASIC_INFORMATION, State) == 32 &&
               offsetof(MEMORY_BASIC_INFORMATION, Protect) == 36 &&
               offsetof(MEMORY_BASIC_INFORMATION, Type) == 40, "MEMORY_BASIC_INFORMATION");

/* ------------------------------------------------------------------------------------ */
/* Processors                                                                            */
/* ------------------------------------------------------------------------------------ */

#define PROCESSOR_ARCHITECTURE_INTEL    0
#define PROCESSOR_ARCHITECTURE_ARM      5
#define PROCESSOR_ARCHITECTURE_IA64     6
#define PROCESSOR_ARCHITECTURE_AMD64    9
#define PROCESSOR_ARCHITECTURE_ARM64    12
#define PROCESSOR_ARCHITECTURE_UNKNOWN  0xffff

#define PROCESSOR_INTEL_386     386
#define PROCESSOR_INTEL_486     486
#define PROCESSOR_INTEL_PENTIUM 586
#define PROCESSOR_AMD_X8664     8664

/* ------------------------------------------------------------------------------------ */
/* Exception codes: the NTSTATUS values winnt.h gives as DWORDs. ntstatus.h has the same  */
/* names as NTSTATUS; a program that includes both defines WIN32_NO_STATUS first.         */
/* ------------------------------------------------------------------------------------ */

#ifndef WIN32_NO_STATUS
#define STATUS_WAIT_0                    ((DWORD)0x00000000)
#define STATUS_ABANDONED_WAIT_0          ((DWORD)0x00000080)
#define STATUS_USER_APC                  ((DWORD)0x000000C0)
#define STATUS_TIMEOUT                   ((DWORD)0x00000102)
#define STATUS_PENDING                   ((DWORD)0x00000103)
#define DBG_EXCEPTION_HANDLED            ((DWORD)0x00010001)
#define DBG_CONTINUE                     ((DWORD)0x00010002)
#define STATUS_SEGMENT_NOTIFICATION      ((DWORD)0x40000005)
#define STATUS_FATAL_APP_EXIT            ((DWORD)0x40000015)
#define DBG_TERMINATE_THREAD             ((DWORD)0x40010003)
#define DBG_TERMINATE_PROCESS            ((DWORD)0x40010004)
#define DBG_CONTROL_C                    ((DWORD)0x40010005)
#define DBG_PRINTEXCEPTION_C             ((DWORD)0x40010006)
#define DBG_CONTROL_BREAK                ((DWORD)0x40010008)
#define STATUS_GUARD_PAGE_VIOLATION      ((DWORD)0x80000001)
#define STATUS_DATATYPE_MISALIGNMENT     ((DWORD)0x80000002)
#define STATUS_BREAKPOINT                ((DWORD)0x80000003)
#define STATUS_SINGLE_STEP               ((DWORD)0x80000004)
#define STATUS_LONGJUMP                  ((DWORD)0x80000026)
#define STATUS_UNWIND_CONSOLIDATE        ((DWORD)0x80000029)
#define DBG_EXCEPTION_NOT_HANDLED        ((DWORD)0x80010001)
#define STATUS_ACCESS_VIOLATION          ((DWORD)0xC0000005)
#define STATUS_IN_PAGE_ERROR             ((DWORD)0xC0000006)
#define STATUS_INVALID_HANDLE            ((DWORD)0xC0000008)
#define STATUS_INVALID_PARAMETER         ((DWORD)0xC000000D)
#define STATUS_NO_MEMORY                 ((DWORD)0xC0000017)
#define STATUS_ILLEGAL_INSTRUCTION       ((DWORD)0xC000001D)
#define STATUS_NONCONTINUABLE_EXCEPTION  ((DWORD)0xC0000025)
#define STATUS_INVALID_DISPOSITION       ((DWORD)0xC0000026)
#define STATUS_ARRAY_BOUNDS_EXCEEDED     ((DWORD)0xC000008C)
#define STATUS_FLOAT_DENORMAL_OPERAND    ((DWORD)0xC000008D)
#define STATUS_FLOAT_DIVIDE_BY_ZERO      ((DWORD)0xC000008E)
#define STATUS_FLOAT_INEXACT_RESULT      ((DWORD)0xC000008F)
#define STATUS_FLOAT_INVALID_OPERATION   ((DWORD)0xC0000090)
#define STATUS_FLOAT_OVERFLOW            ((DWORD)0xC0000091)
#define STATUS_FLOAT_STACK_CHECK         ((DWORD)0xC0000092)
#define STATUS_FLOAT_UNDERFLOW           ((DWORD)0xC0000093)
#define STATUS_INTEGER_DIVIDE_BY_ZERO    ((DWORD)0xC0000094)
#define STATUS_INTEGER_OVERFLOW          ((DWORD)0xC0000095)
#define STATUS_PRIVILEGED_INSTRUCTION    ((DWORD)0xC0000096)
#define STATUS_STACK_OVERFLOW            ((DWORD)0xC00000FD)
#define STATUS_DLL_NOT_FOUND             ((DWORD)0xC0000135)
#define STATUS_ORDINAL_NOT_FOUND         ((DWORD)0xC0000138)
#define STATUS_ENTRYPOINT_NOT_FOUND      ((DWORD)0xC0000139)
#define STATUS_CONTROL_C_EXIT            ((DWORD)0xC000013A)
#define STATUS_DLL_INIT_FAILED           ((DWORD)0xC0000142)
#define STATUS_FLOAT_MULTIPLE_FAULTS     ((DWORD)0xC00002B4)
#define STATUS_FLOAT_MULTIPLE_TRAPS      ((DWORD)0xC00002B5)
#define STATUS_HEAP_CORRUPTION           ((DWORD)0xC0000374)
#define STATUS_STACK_BUFFER_OVERRUN      ((DWORD)0xC0000409)
#define STATUS_INVALID_CRUNTIME_PARAMETER ((DWORD)0xC0000417)
#define STATUS_ASSERTION_FAILURE         ((DWORD)0xC0000420)
#endif

/* ------------------------------------------------------------------------------------ */
/* Exception records (Microsoft Learn, "EXCEPTION_RECORD structure")                      */
/* ------------------------------------------------------------------------------------ */

#define EXCEPTION_NONCONTINUABLE     0x1
#define EXCEPTION_UNWINDING          0x2
#define EXCEPTION_EXIT_UNWIND        0x4
#define EXCEPTION_STACK_INVALID      0x8
#define EXCEPTION_NESTED_CALL        0x10
#define EXCEPTION_TARGET_UNWIND      0x20
#define EXCEPTION_COLLIDED_UNWIND    0x40
#define EXCEPTION_UNWIND             0x66
#define EXCEPTION_MAXIMUM_PARAMETERS 15

/* ExceptionInformation[0] of an access violation: what the access was. */
#define EXCEPTION_READ_FAULT    0
#define EXCEPTION_WRITE_FAULT   1
#define EXCEPTION_EXECUTE_FAULT 8

typedef struct _EXCEPTION_RECORD {
    DWORD ExceptionCode;
    DWORD ExceptionFlags;
    struct _EXCEPTION_RECORD *ExceptionRecord;      /* a chained record, or NULL */
    PVOID ExceptionAddress;
    DWORD NumberParameters;
    ULONG_PTR ExceptionInformation[EXCEPTION_MAXIMUM_PARAMETERS];
} EXCEPTION_RECORD, *PEXCEPTION_RECORD;

_Static_assert(sizeof(EXCEPTION_RECORD) == 152, "EXCEPTION_RECORD is 152 bytes on x64");
_Static_assert(offsetof(EXCEPTION_RECORD, ExceptionFlags) == 0x04 &&
               offsetof(EXCEPTION_RECORD, ExceptionRecord) == 0x08 &&
               offsetof(EXCEPTION_RECORD, ExceptionAddress) == 0x10 &&
               offsetof(EXCEPTION_RECORD, NumberParameters) == 0x18 &&
               offsetof(EXCEPTION_RECORD, ExceptionInformation) == 0x20, "EXCEPTION_RECORD");

/* ------------------------------------------------------------------------------------ */
/* The x64 register context (Microsoft Learn, "CONTEXT structure (winnt.h)", x64 form;    */
/* mingw-w64 include/winnt.h)                                                            */
/* ------------------------------------------------------------------------------------ */

typedef struct DECLSPEC_ALIGN(16) _M128A {
    ULONGLONG Low;
    LONGLONG High;
} M128A, *PM128A;

/* The FXSAVE image: 512 bytes. */
typedef struct DECLSPEC_ALIGN(16) _XSAVE_FORMAT {
    WORD ControlWord;
    WORD StatusWord;
    BYTE TagWord;
    BYTE Reserved1;
    WORD ErrorOpcode;
    DWORD ErrorOffset;
    WORD ErrorSelector;
    WORD Reserved2;
    DWORD DataOffset;
    WORD DataSelector;
    WORD Reserved3;
    DWORD MxCsr;
    DWORD MxCsr_Mask;
    M128A FloatRegisters[8];
    M128A XmmRegisters[16];
    BYTE Reserved4[96];
} XSAVE_FORMAT, *PXSAVE_FORMAT;
typedef XSAVE_FORMAT XMM_SAVE_AREA32, *PXMM_SAVE_AREA32;

#define LEGACY_SAVE_AREA_LENGTH sizeof(XMM_SAVE_AREA32)

_Static_assert(sizeof(XMM_SAVE_AREA32) == 512, "XMM_SAVE_AREA32 is the 512-byte FXSAVE area");
_Static_assert(offsetof(XMM_SAVE_AREA32, MxCsr) == 24 &&
               offsetof(XMM_SAVE_AREA32, FloatRegisters) == 32 &&
               offsetof(XMM_SAVE_AREA32, XmmRegisters) == 160, "XMM_SAVE_AREA32");

#define CONTEXT_AMD64               0x00100000
#define CONTEXT_CONTROL             (CONTEXT_AMD64 | 0x1)   /* SegSs, Rsp, SegCs, Rip, EFlags */
#define CONTEXT_INTEGER             (CONTEXT_AMD64 | 0x2)   /* Rax..R15 but Rsp */
#define CONTEXT_SEGMENTS            (CONTEXT_AMD64 | 0x4)   /* SegDs, SegEs, SegFs, SegGs */
#define CONTEXT_FLOATING_POINT      (CONTEXT_AMD64 | 0x8)   /* FltSave, MxCsr */
#define CONTEXT_DEBUG_REGISTERS     (CONTEXT_AMD64 | 0x10)  /* Dr0..Dr3, Dr6, Dr7 */
#define CONTEXT_FULL                (CONTEXT_CONTROL | CONTEXT_INTEGER | CONTEXT_FLOATING_POINT)
#define CONTEXT_ALL                 (CONTEXT_CONTROL | CONTEXT_INTEGER | CONTEXT_SEGMENTS | \
                                     CONTEXT_FLOATING_POINT | CONTEXT_DEBUG_REGISTERS)
#define CONTEXT_EXCEPTION_ACTIVE    0x08000000
#define CONTEXT_SERVICE_ACTIVE      0x10000000
#define CONTEXT_EXCEPTION_REQUEST   0x40000000
#define CONTEXT_EXCEPTION_REPORTING 0x80000000

#define INITIAL_MXCSR 0x1f80
#define INITIAL_FPCSR 0x027f

typedef struct DECLSPEC_ALIGN(16) _CONTEXT {
    /* Home addresses for the register parameters (spill space). */
    DWORD64 P1Home;
    DWORD64 P2Home;
    DWORD64 P3Home;
    DWORD64 P4Home;
    DWORD64 P5Home;
    DWORD64 P6Home;

    DWORD ContextFlags;         /* which groups below are valid: CONTEXT_* */
    DWORD MxCsr;

    WORD SegCs;
    WORD SegDs;
    WORD SegEs;
    WORD SegFs;
    WORD SegGs;
    WORD SegSs;
    DWORD EFlags;

    DWORD64 Dr0;
    DWORD64 Dr1;
    DWORD64 Dr2;
    DWORD64 Dr3;
    DWORD64 Dr6;
    DWORD64 Dr7;

    DWORD64 Rax;
    DWORD64 Rcx;
    DWORD64 Rdx;
    DWORD64 Rbx;
    DWORD64 Rsp;
    DWORD64 Rbp;
    DWORD64 Rsi;
    DWORD64 Rdi;
    DWORD64 R8;
    DWORD64 R9;
    DWORD64 R10;
    DWORD64 R11;
    DWORD64 R12;
    DWORD64 R13;
    DWORD64 R14;
    DWORD64 R15;

    DWORD64 Rip;

    union {
        XMM_SAVE_AREA32 FltSave;
        struct {
            M128A Header[2];
            M128A Legacy[8];
            M128A Xmm0;
            M128A Xmm1;
            M128A Xmm2;
            M128A Xmm3;
            M128A Xmm4;
            M128A Xmm5;
            M128A Xmm6;
            M128A Xmm7;
            M128A Xmm8;
            M128A Xmm9;
            M128A Xmm10;
            M128A Xmm11;
            M128A Xmm12;
            M128A Xmm13;
            M128A Xmm14;
            M128A Xmm15;
        } DUMMYSTRUCTNAME;
    } DUMMYUNIONNAME;

    M128A VectorRegister[26];
    DWORD64 VectorControl;

    DWORD64 DebugControl;
    DWORD64 LastBranchToRip;
    DWORD64 LastBranchFromRip;
    DWORD64 LastExceptionToRip;
    DWORD64 LastExceptionFromRip;
} CONTEXT, *PCONTEXT;

typedef CONTEXT *LPCONTEXT;

#ifndef NONAMELESSUNION
_Static_assert(sizeof(CONTEXT) == 1232 && _Alignof(CONTEXT) == 16,
               "CONTEXT is 1232 bytes, 16-byte aligned, on x64");
_Static_assert(offsetof(CONTEXT, ContextFlags) == 0x30 && offsetof(CONTEXT, MxCsr) == 0x34 &&
               offsetof(CONTEXT, SegCs) == 0x38 && offsetof(CONTEXT, SegSs) == 0x42 &&
               offsetof(CONTEXT, EFlags) == 0x44 && offsetof(CONTEXT, Dr0) == 0x48 &&
               offsetof(CONTEXT, Dr7) == 0x70 && offsetof(CONTEXT, Rax) == 0x78 &&
               offsetof(CONTEXT, Rsp) == 0x98 && offsetof(CONTEXT, R15) == 0xF0 &&
               offsetof(CONTEXT, Rip) == 0xF8 && offsetof(CONTEXT, FltSave) == 0x100 &&
               offsetof(CONTEXT, Xmm0) == 0x1A0 && offsetof(CONTEXT, Xmm15) == 0x290 &&
               offsetof(CONTEXT, VectorRegister) == 0x300 &&
               offsetof(CONTEXT, VectorControl) == 0x4A0 &&
               offsetof(CONTEXT, DebugControl) == 0x4A8 &&
               offsetof(CONTEXT, LastExceptionFromRip) == 0x4C8, "CONTEXT x64 layout");
#endif

/* Fills *ContextRecord with the caller's state as the call returns: Rip the return
   address, Rsp the caller's RSP after it, every other register as at the call. Resuming
   that context (NtContinue, or a handler's EXCEPTION_CONTINUE_EXECUTION) returns from
   this call again, so the caller's frame must still be live. (ntdll/dispatcher.S) */
NTSYSAPI VOID NTAPI RtlCaptureContext(PCONTEXT ContextRecord);

typedef struct _EXCEPTION_POINTERS {
    PEXCEPTION_RECORD ExceptionRecord;
    PCONTEXT ContextRecord;
} EXCEPTION_POINTERS, *PEXCEPTION_POINTERS;

/* AddVectoredExceptionHandler's handlers return EXCEPTION_CONTINUE_EXECUTION or
   EXCEPTION_CONTINUE_SEARCH (<excpt.h>). */
typedef LONG (NTAPI *PVECTORED_EXCEPTION_HANDLER)(struct _EXCEPTION_POINTERS *ExceptionInfo);

/* ------------------------------------------------------------------------------------ */
/* The thread information block at the start of every TEB (GS points at the TEB)         */
/* ------------------------------------------------------------------------------------ */

typedef struct _NT_TIB {
    struct _EXCEPTION_REGISTRATION_RECORD *ExceptionList;   /* unused on x64 */
    PVOID StackBase;            /* one past the highest stack byte */
    PVOID StackLimit;           /* the lowest usable committed byte: above the guard page */
    PVOID SubSystemTib;
    union {
        PVOID FiberData;
        DWORD Version;
    } DUMMYUNIONNAME;
    PVOID ArbitraryUserPointer;
    struct _NT_TIB *Self;       /* the TEB's own address */
} NT_TIB, *PNT_TIB;

_Static_assert(offsetof(NT_TIB, StackBase) == 0x08 && offsetof(NT_TIB, StackLimit) == 0x10 &&
               offsetof(NT_TIB, Self) == 0x30 && sizeof(NT_TIB) == 0x38, "NT_TIB x64 layout");

struct _TEB;

/* The current thread's TEB: NT_TIB.Self, read through GS as Windows x64 does. */
FORCEINLINE struct _TEB *NtCurrentTeb(void)
{
    struct _TEB *teb;
    __asm__("movq %%gs:0x30, %0" : "=r"(teb));
    return teb;
}

#endif
