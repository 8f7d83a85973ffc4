/*
 * userlib-internal: the thread environment block (TEB), the per-thread area GS points
 * at in user mode. Its head has Windows x64's layout, so the offsets programs and
 * debuggers know (gs:0x30 Self, gs:0x40 process id, gs:0x68 last error) hold here too.
 *
 *   0x00  NT_TIB: ExceptionList (unused on x64), StackBase 0x08, StackLimit 0x10,
 *         SubSystemTib 0x18, FiberData 0x20, ArbitraryUserPointer 0x28, Self 0x30
 *   0x38  EnvironmentPointer
 *   0x40  ClientId.UniqueProcess      0x48  ClientId.UniqueThread
 *   0x50  ActiveRpcHandle             0x58  ThreadLocalStoragePointer
 *   0x60  ProcessEnvironmentBlock     0x68  LastErrorValue (a DWORD)
 *
 *   0x1478 DeallocationStack (the stack reservation's base); the TEB is 0x1838 bytes
 *
 * Who writes what: the kernel creates the TEB zero-filled and fills Self, StackBase,
 * StackLimit, DeallocationStack and ClientId before the first instruction (crt0.S
 * describes process start), and moves StackLimit down as the stack grows through its
 * guard page (the kernel keeps its own copy of the bounds and never reads these back);
 * ProcessEnvironmentBlock points at the PEB (crt/peb.h). userlib owns
 * LastErrorValue. Everything else stays zero for now.
 *
 * Host tests (RESERVOIR_HOST) have no TEB behind GS; they point __current_teb() at a
 * variable of their own, __reservoir_host_teb.
 */
#ifndef RESERVOIR_USERLIB_TEB_H
#define RESERVOIR_USERLIB_TEB_H

#include <stddef.h>

#include "../include/winternl.h"

struct _TEB {
    NT_TIB NtTib;
    PVOID EnvironmentPointer;
    CLIENT_ID ClientId;
    PVOID ActiveRpcHandle;
    PVOID ThreadLocalStoragePointer;
    PVOID ProcessEnvironmentBlock;
    DWORD LastErrorValue;
    DWORD CountOfOwnedCriticalSections;
};

_Static_assert(offsetof(struct _TEB, NtTib.Self) == 0x30, "TEB.Self");
_Static_assert(offsetof(struct _TEB, ClientId.UniqueProcess) == 0x40, "TEB.ClientId");
_Static_assert(offsetof(struct _TEB, ClientId.UniqueThread) == 0x48, "TEB.ClientId");
_Static_assert(offsetof(struct _TEB, ProcessEnvironmentBlock) == 0x60, "TEB.PEB");
_Static_assert(offsetof(struct _TEB, LastErrorValue) == 0x68, "TEB.LastErrorValue");

#ifdef RESERVOIR_HOST
extern struct _TEB __reservoir_host_teb;
static inline struct _TEB *__current_teb(void)
{
    return &__reservoir_host_teb;
}
#else
/* NtCurrentTeb() (winnt.h) reads Self through GS; everything else is plain memory. */
static inline struct _TEB *__current_teb(void)
{
    return NtCurrentTeb();
}
#endif

#endif
