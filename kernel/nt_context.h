/*
 * CONTEXT and EXCEPTION_RECORD as Windows x64 lays them out (winnt.h), for the kernel's
 * side of exception delivery: the kernel writes them on the user stack and reads them
 * back in NtContinue and NtRaiseException, so every offset must match what userlib's
 * <windows.h> declares (a host test compares the two).
 * Source: Microsoft Learn, "CONTEXT structure (winnt.h)" and "EXCEPTION_RECORD structure".
 */
#ifndef RESERVOIR_NT_CONTEXT_H
#define RESERVOIR_NT_CONTEXT_H

#include <stddef.h>
#include <stdint.h>

#define NT_CONTEXT_AMD64           0x00100000u
#define NT_CONTEXT_CONTROL         (NT_CONTEXT_AMD64 | 0x1u)
#define NT_CONTEXT_INTEGER         (NT_CONTEXT_AMD64 | 0x2u)
#define NT_CONTEXT_SEGMENTS        (NT_CONTEXT_AMD64 | 0x4u)
#define NT_CONTEXT_FLOATING_POINT  (NT_CONTEXT_AMD64 | 0x8u)

#define NT_EXCEPTION_NONCONTINUABLE 0x1u
#define NT_EXCEPTION_MAXIMUM_PARAMETERS 15

struct nt_context {
    uint64_t p_home[6];
    uint32_t context_flags;
    uint32_t mx_csr;
    uint16_t seg_cs, seg_ds, seg_es, seg_fs, seg_gs, seg_ss;
    uint32_t eflags;
    uint64_t dr0, dr1, dr2, dr3, dr6, dr7;
    uint64_t rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rip;
    uint8_t flt_save[512];          /* the FXSAVE image (XMM_SAVE_AREA32) */
    uint8_t vector_register[26][16];
    uint64_t vector_control;
    uint64_t debug_control;
    uint64_t last_branch_to_rip, last_branch_from_rip;
    uint64_t last_exception_to_rip, last_exception_from_rip;
} __attribute__((aligned(16)));

_Static_assert(sizeof(struct nt_context) == 1232, "CONTEXT is 1232 bytes on x64");
_Static_assert(offsetof(struct nt_context, context_flags) == 0x30, "ContextFlags");
_Static_assert(offsetof(struct nt_context, eflags) == 0x44, "EFlags");
_Static_assert(offsetof(struct nt_context, rax) == 0x78, "Rax");
_Static_assert(offsetof(struct nt_context, rip) == 0xf8, "Rip");
_Static_assert(offsetof(struct nt_context, flt_save) == 0x100, "FltSave");

struct nt_exception_record {
    uint32_t code;
    uint32_t flags;
    uint64_t record;                /* a chained EXCEPTION_RECORD *, user address */
    uint64_t address;
    uint32_t number_parameters;
    uint32_t pad;
    uint64_t information[NT_EXCEPTION_MAXIMUM_PARAMETERS];
};

_Static_assert(sizeof(struct nt_exception_record) == 152, "EXCEPTION_RECORD is 152 bytes");
_Static_assert(offsetof(struct nt_exception_record, information) == 0x20, "Information");

#endif
