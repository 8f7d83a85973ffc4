/*
 * Exceptions in user mode as Windows x64 delivers them: hardware faults and
 * RaiseException reach vectored handlers and the unhandled-exception filter with the
 * EXCEPTION_RECORD and CONTEXT Windows documents, and a handler that edits the CONTEXT
 * and answers EXCEPTION_CONTINUE_EXECUTION resumes exactly there. Runs on Reservoir
 * (make run PROG=tests/user/test_exceptions.c) and unchanged on Wine:
 *     x86_64-w64-mingw32-gcc -O2 -o t.exe tests/user/test_exceptions.c && wine t.exe
 *
 * Expected values, and where they come from:
 *   [ER]  "EXCEPTION_RECORD structure": an access violation has NumberParameters 2,
 *         ExceptionInformation[0] 0 read, 1 write, 8 DEP (execute), [1] the address.
 *   [CGP] "Creating Guard Pages": the first access raises STATUS_GUARD_PAGE_VIOLATION and
 *         clears the guard; the access then proceeds.
 *   [AVE] "AddVectoredExceptionHandler function": First nonzero calls the handler first,
 *         0 last; the handler returns EXCEPTION_CONTINUE_EXECUTION or _CONTINUE_SEARCH.
 *   [RVE] "RemoveVectoredExceptionHandler function": nonzero on success, else 0.
 *   [SUF] "SetUnhandledExceptionFilter function": returns the previous filter; the
 *         filter may return EXCEPTION_CONTINUE_EXECUTION.
 *   [RE]  "RaiseException function": the flags, the argument array, the count's limit
 *         EXCEPTION_MAXIMUM_PARAMETERS (Windows and Wine truncate a larger count to 15).
 *   [BP]  Windows reports an int3 at the int3: ExceptionAddress and CONTEXT.Rip are the
 *         0xCC byte's address (the trap's RIP minus one), NumberParameters 1 with
 *         ExceptionInformation[0] = 0 (BREAKPOINT_BREAK); Wine does the same.
 *   [NC]  ntdll's RtlDispatchException: continuing a non-continuable exception from a
 *         frame-based handler or the unhandled filter raises
 *         STATUS_NONCONTINUABLE_EXCEPTION with the original chained in ExceptionRecord;
 *         a vectored handler's EXCEPTION_CONTINUE_EXECUTION is obeyed as is (Windows,
 *         and Wine's dispatch_exception). [ER] on ExceptionRecord: "Exception records can
 *         be chained together to provide additional information when nested exceptions
 *         occur"; ReactOS's RtlDispatchException chains the original there.
 *
 * Wine deviation (Wine 8.0, dlls/ntdll/signal_x86_64.c): the STATUS_NONCONTINUABLE_-
 * EXCEPTION comes from RtlRaiseStatus, with ExceptionRecord NULL, so that one check is
 * "# SKIP" on Wine (W_NOCHAIN).
 *
 * Faults are made in inline assembly (GCC syntax, which mingw shares) around two labels:
 * 1: is the faulting instruction and 2: the one after it. The asm stores both addresses
 * before faulting, so the handler can check the reported RIP and resume at 2:.
 */
#include "utest.h"

#include <stdlib.h>
#include <string.h>

#define PAGE ((SIZE_T)0x1000)
#define W_NOCHAIN "Wine deviation: the nested exception chains no record [ER]"

/* ------------------------------------------------------------------------------------ */
/* The recording handler                                                                 */
/* ------------------------------------------------------------------------------------ */

enum resume_mode {
    RESUME_RETRY,       /* continue with the CONTEXT as delivered: retry the instruction */
    RESUME_AT_LABEL,    /* continue at g_resume, the label after the faulting instruction */
    RESUME_AS_RET,      /* continue as if the faulting code had executed a ret */
};

static volatile LONG g_armed;           /* the recorder acts only when armed, once */
static volatile LONG g_calls;           /* exceptions it took */
static enum resume_mode g_mode;
static ULONG_PTR g_fault_at;            /* set by the asm: label 1, the faulting instruction */
static ULONG_PTR g_resume;              /* set by the asm: label 2 */
static EXCEPTION_RECORD g_rec;          /* copies of what the handler was given */
static CONTEXT g_ctx;
static int g_edit_r12;                  /* when set, the handler writes g_new_r12 to R12 */
static DWORD64 g_new_r12;

static LONG CALLBACK recorder(EXCEPTION_POINTERS *ep)
{
    if (!g_armed)
        return EXCEPTION_CONTINUE_SEARCH;
    g_armed = 0;
    g_calls++;
    g_rec = *ep->ExceptionRecord;
    g_ctx = *ep->ContextRecord;

    CONTEXT *c = ep->ContextRecord;
    switch (g_mode) {
    case RESUME_RETRY:
        break;
    case RESUME_AT_LABEL:
        c->Rip = g_resume;
        break;
    case RESUME_AS_RET:
        c->Rip = *(DWORD64 *)c->Rsp;
        c->Rsp += 8;
        break;
    }
    if (g_edit_r12)
        c->R12 = g_new_r12;
    return EXCEPTION_CONTINUE_EXECUTION;
}

static PVOID g_recorder;

static void arm(enum resume_mode mode)
{
    memset(&g_rec, 0, sizeof(g_rec));
    memset(&g_ctx, 0, sizeof(g_ctx));
    g_calls = 0;
    g_mode = mode;
    g_fault_at = g_resume = 0;
    g_armed = 1;
}

/* Stores labels 1 and 2 of the asm that follows into g_fault_at and g_resume. */
#define MARK_LABELS                                                                     \
    "leaq 1f(%%rip), %%rax\n\t"                                                         \
    "movq %%rax, %[fault_at]\n\t"                                                       \
    "leaq 2f(%%rip), %%rax\n\t"                                                         \
    "movq %%rax, %[resume]\n\t"
#define LABEL_OUTPUTS [fault_at] "=m"(g_fault_at), [resume] "=m"(g_resume)

/* ------------------------------------------------------------------------------------ */
/* Access violations                                                                     */
/* ------------------------------------------------------------------------------------ */

/* Writes to p; returns 1 once execution has reached the instruction after the store. */
static __attribute__((noinline)) int write_to(volatile void *p)
{
    int reached = 0;
    __asm__ volatile(MARK_LABELS
                     "1: movl $0x5a5a5a5a, (%[p])\n\t"
                     "2: movl $1, %[reached]\n\t"
                     : LABEL_OUTPUTS, [reached] "+m"(reached)
                     : [p] "r"(p)
                     : "rax", "memory");
    return reached;
}

static __attribute__((noinline)) int read_from(const volatile void *p)
{
    int reached = 0;
    __asm__ volatile(MARK_LABELS
                     "1: movl (%[p]), %%eax\n\t"
                     "2: movl $1, %[reached]\n\t"
                     : LABEL_OUTPUTS, [reached] "+m"(reached)
                     : [p] "r"(p)
                     : "rax", "memory");
    return reached;
}

static void test_write_to_null(void)
{
    arm(RESUME_AT_LABEL);
    int reached = write_to(NULL);
    CHECK_EQ_U64(g_calls, 1, "write to NULL: the vectored handler runs once");
    CHECK_EQ_U64(g_rec.ExceptionCode, EXCEPTION_ACCESS_VIOLATION,
                 "write to NULL: EXCEPTION_ACCESS_VIOLATION [ER]");
    CHECK_EQ_U64(g_rec.NumberParameters, 2, "write to NULL: NumberParameters 2 [ER]");
    CHECK_EQ_U64(g_rec.ExceptionInformation[0], EXCEPTION_WRITE_FAULT,
                 "write to NULL: ExceptionInformation[0] = 1, write [ER]");
    CHECK_EQ_U64(g_rec.ExceptionInformation[1], 0,
                 "write to NULL: ExceptionInformation[1] = the address, 0 [ER]");
    CHECK_EQ_U64((ULONG_PTR)g_rec.ExceptionAddress, g_fault_at,
                 "write to NULL: ExceptionAddress is the faulting instruction");
    CHECK_EQ_U64(g_ctx.Rip, g_fault_at, "write to NULL: CONTEXT.Rip is the faulting instruction");
    CHECK_EQ_U64(g_rec.ExceptionFlags, 0, "write to NULL: ExceptionFlags 0 (continuable)");
    CHECK(reached, "write to NULL: continuing at the next instruction (Rip edited) works");
}

static void test_read_of_reserved_memory(void)
{
    char *reserved = VirtualAlloc(NULL, 0x10000, MEM_RESERVE, PAGE_READWRITE);
    CHECK(reserved != NULL, "read: VirtualAlloc(MEM_RESERVE) for the target");
    if (!reserved)
        return;
    const char *target = reserved + 0x2123;
    arm(RESUME_AT_LABEL);
    int reached = read_from(target);
    CHECK_EQ_U64(g_rec.ExceptionCode, EXCEPTION_ACCESS_VIOLATION,
                 "read of reserved memory: EXCEPTION_ACCESS_VIOLATION [ER]");
    CHECK_EQ_U64(g_rec.NumberParameters, 2, "read of reserved memory: NumberParameters 2 [ER]");
    CHECK_EQ_U64(g_rec.ExceptionInformation[0], EXCEPTION_READ_FAULT,
                 "read of reserved memory: ExceptionInformation[0] = 0, read [ER]");
    CHECK_EQ_U64(g_rec.ExceptionInformation[1], (ULONG_PTR)target,
                 "read of reserved memory: ExceptionInformation[1] = the byte read [ER]");
    CHECK(reached && g_calls == 1, "read of reserved memory: execution continues after it");
    VirtualFree(reserved, 0, MEM_RELEASE);
}

static void test_execute_of_data(void)
{
    unsigned char *page = VirtualAlloc(NULL, PAGE, MEM_COMMIT, PAGE_READWRITE);
    CHECK(page != NULL, "execute: VirtualAlloc(PAGE_READWRITE) for the target");
    if (!page)
        return;
    page[0] = 0xc3;     /* ret: harmless, were the page executable */
    void (*fn)(void) = (void (*)(void))(ULONG_PTR)page;
    arm(RESUME_AS_RET);
    fn();
    CHECK_EQ_U64(g_rec.ExceptionCode, EXCEPTION_ACCESS_VIOLATION,
                 "execute of a PAGE_READWRITE page: EXCEPTION_ACCESS_VIOLATION [ER]");
    CHECK_EQ_U64(g_rec.ExceptionInformation[0], EXCEPTION_EXECUTE_FAULT,
                 "execute of a PAGE_READWRITE page: ExceptionInformation[0] = 8 [ER]");
    CHECK_EQ_U64(g_rec.ExceptionInformation[1], (ULONG_PTR)page,
                 "execute of a PAGE_READWRITE page: ExceptionInformation[1] = the page");
    CHECK_EQ_U64((ULONG_PTR)g_rec.ExceptionAddress, (ULONG_PTR)page,
                 "execute of a PAGE_READWRITE page: ExceptionAddress = the page");
    CHECK_EQ_U64(g_calls, 1, "execute: returning through an edited Rip and Rsp works");
    VirtualFree(page, 0, MEM_RELEASE);
}

/* ------------------------------------------------------------------------------------ */
/* Registers in the CONTEXT, and NtContinue restoring an edited one                      */
/* ------------------------------------------------------------------------------------ */

#define R12_VALUE 0x1212121212121212ull
#define R13_VALUE 0x1313131313131313ull
#define R14_VALUE 0x1414141414141414ull
#define R15_VALUE 0xf0e1d2c3b4a59687ull
#define R12_EDITED 0xc0ffee00c0ffee12ull

static void test_registers(void)
{
    DWORD64 r12, r13, r14, r15, rsp_at_fault;
    arm(RESUME_AT_LABEL);
    g_edit_r12 = 1;
    g_new_r12 = R12_EDITED;
    __asm__ volatile(MARK_LABELS
                     "movabsq $0x1212121212121212, %%r12\n\t"
                     "movabsq $0x1313131313131313, %%r13\n\t"
                     "movabsq $0x1414141414141414, %%r14\n\t"
                     "movabsq $0xf0e1d2c3b4a59687, %%r15\n\t"
                     "movq %%rsp, %[sp]\n\t"
                     "xorl %%eax, %%eax\n\t"
                     "1: movl $0, (%%rax)\n\t"              /* write to NULL */
                     "2: movq %%r12, %[o12]\n\t"
                     "movq %%r13, %[o13]\n\t"
                     "movq %%r14, %[o14]\n\t"
                     "movq %%r15, %[o15]\n\t"
                     : LABEL_OUTPUTS, [sp] "=m"(rsp_at_fault), [o12] "=m"(r12),
                       [o13] "=m"(r13), [o14] "=m"(r14), [o15] "=m"(r15)
                     :
                     : "rax", "r12", "r13", "r14", "r15", "memory");
    g_edit_r12 = 0;
    CHECK_EQ_U64(g_calls, 1, "registers: the fault reached the handler");
    CHECK_EQ_U64(g_ctx.R12, R12_VALUE, "registers: CONTEXT.R12 as set before the fault");
    CHECK_EQ_U64(g_ctx.R13, R13_VALUE, "registers: CONTEXT.R13 as set before the fault");
    CHECK_EQ_U64(g_ctx.R14, R14_VALUE, "registers: CONTEXT.R14 as set before the fault");
    CHECK_EQ_U64(g_ctx.R15, R15_VALUE, "registers: CONTEXT.R15 as set before the fault");
    CHECK_EQ_U64(g_ctx.Rax, 0, "registers: CONTEXT.Rax, the faulting address register");
    CHECK_EQ_U64(g_ctx.Rsp, rsp_at_fault, "registers: CONTEXT.Rsp is RSP at the fault");
    CHECK_EQ_U64(r12, R12_EDITED, "registers: a register edited in the CONTEXT is resumed with");
    CHECK(r13 == R13_VALUE && r14 == R14_VALUE && r15 == R15_VALUE,
          "registers: the unedited ones come back unchanged");
}

/* ------------------------------------------------------------------------------------ */
/* Guard pages                                                                           */
/* ------------------------------------------------------------------------------------ */

static void test_guard_page(void)
{
    MEMORY_BASIC_INFORMATION mbi;
    volatile int *p = VirtualAlloc(NULL, PAGE, MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD);
    CHECK(p != NULL, "guard page: VirtualAlloc(PAGE_READWRITE | PAGE_GUARD)");
    if (!p)
        return;
    CHECK(VirtualQuery((const void *)p, &mbi, sizeof(mbi)) == sizeof(mbi) &&
              mbi.Protect == (PAGE_READWRITE | PAGE_GUARD),
          "guard page: VirtualQuery shows PAGE_READWRITE | PAGE_GUARD before the touch");

    arm(RESUME_RETRY);              /* the retried read succeeds: the guard is gone */
    int first = p[3];
    CHECK_EQ_U64(g_calls, 1, "guard page: the first touch raises one exception [CGP]");
    CHECK_EQ_U64(g_rec.ExceptionCode, STATUS_GUARD_PAGE_VIOLATION,
                 "guard page: STATUS_GUARD_PAGE_VIOLATION 0x80000001 [CGP]");
    CHECK(g_rec.NumberParameters == 2 && g_rec.ExceptionInformation[0] == EXCEPTION_READ_FAULT &&
              g_rec.ExceptionInformation[1] == (ULONG_PTR)&p[3],
          "guard page: parameters read and the address, as for an access violation");
    CHECK_EQ_U64(first, 0, "guard page: the retried read reads the zeroed page");

    arm(RESUME_RETRY);
    p[5] = 42;
    int second = p[5];
    g_armed = 0;
    CHECK(g_calls == 0 && second == 42, "guard page: the second touch just works [CGP]");
    CHECK(VirtualQuery((const void *)p, &mbi, sizeof(mbi)) == sizeof(mbi) &&
              mbi.Protect == PAGE_READWRITE,
          "guard page: VirtualQuery shows PAGE_READWRITE, no PAGE_GUARD, after it");
    VirtualFree((void *)p, 0, MEM_RELEASE);
}

/* ------------------------------------------------------------------------------------ */
/* Handler order, EXCEPTION_CONTINUE_SEARCH, RemoveVectoredExceptionHandler               */
/* ------------------------------------------------------------------------------------ */

#define CODE_ORDER 0xE0000010u
static char g_order[16];
static size_t g_order_len;

static void order_log(char c)
{
    if (g_order_len + 1 < sizeof(g_order))
        g_order[g_order_len++] = c;
    g_order[g_order_len] = 0;
}

/* A and B pass the exception on; C takes it. All ignore other codes. */
static LONG CALLBACK handler_a(EXCEPTION_POINTERS *ep)
{
    if (ep->ExceptionRecord->ExceptionCode == CODE_ORDER)
        order_log('A');
    return EXCEPTION_CONTINUE_SEARCH;
}

static LONG CALLBACK handler_b(EXCEPTION_POINTERS *ep)
{
    if (ep->ExceptionRecord->ExceptionCode == CODE_ORDER)
        order_log('B');
    return EXCEPTION_CONTINUE_SEARCH;
}

static LONG CALLBACK handler_c(EXCEPTION_POINTERS *ep)
{
    if (ep->ExceptionRecord->ExceptionCode != CODE_ORDER)
        return EXCEPTION_CONTINUE_SEARCH;
    order_log('C');
    return EXCEPTION_CONTINUE_EXECUTION;
}

static void raise_order(void)
{
    g_order_len = 0;
    g_order[0] = 0;
    RaiseException(CODE_ORDER, 0, 0, NULL);
}

static void test_order_and_removal(void)
{
    PVOID a = AddVectoredExceptionHandler(0, handler_a);    /* last: A */
    PVOID b = AddVectoredExceptionHandler(1, handler_b);    /* first: B A */
    PVOID c = AddVectoredExceptionHandler(0, handler_c);    /* last: B A C */
    CHECK(a && b && c && a != b && b != c && a != c,
          "AddVectoredExceptionHandler returns a distinct handle for each [AVE]");

    raise_order();
    CHECK(strcmp(g_order, "BAC") == 0,
          "handlers run first-added-with-First first, then in order added last [AVE]");
    CHECK(g_order_len == 3 && g_order[2] == 'C',
          "EXCEPTION_CONTINUE_SEARCH passes the exception to the next handler [AVE]");

    CHECK(RemoveVectoredExceptionHandler(b) != 0,
          "RemoveVectoredExceptionHandler of a registered handler: nonzero [RVE]");
    CHECK(RemoveVectoredExceptionHandler(b) == 0,
          "RemoveVectoredExceptionHandler of a removed handler: 0 [RVE]");
    raise_order();
    CHECK(strcmp(g_order, "AC") == 0, "a removed handler is not called again [RVE]");

    CHECK(RemoveVectoredExceptionHandler(a) != 0 && RemoveVectoredExceptionHandler(c) != 0,
          "removing the others");
}

/* ------------------------------------------------------------------------------------ */
/* RaiseException                                                                        */
/* ------------------------------------------------------------------------------------ */

#define CODE_CUSTOM 0xE0C0FFEEu

static void test_raise_exception(void)
{
    ULONG_PTR args[20];
    for (int i = 0; i < 20; i++)
        args[i] = 0x1000 + (ULONG_PTR)i;

    arm(RESUME_RETRY);
    RaiseException(CODE_CUSTOM, 0, 3, args);
    CHECK_EQ_U64(g_calls, 1, "RaiseException: reaches the handler, returns after it continues");
    CHECK_EQ_U64(g_rec.ExceptionCode, CODE_CUSTOM, "RaiseException: the code as raised [RE]");
    CHECK(g_rec.NumberParameters == 3 && g_rec.ExceptionInformation[0] == 0x1000 &&
              g_rec.ExceptionInformation[1] == 0x1001 && g_rec.ExceptionInformation[2] == 0x1002,
          "RaiseException: the arguments as ExceptionInformation [RE]");
    CHECK(g_rec.ExceptionFlags == 0 && g_rec.ExceptionRecord == NULL &&
              g_rec.ExceptionAddress != NULL,
          "RaiseException: flags 0, no chained record, an ExceptionAddress");

    arm(RESUME_RETRY);
    RaiseException(CODE_CUSTOM, 0, 20, args);
    CHECK(g_calls == 1 && g_rec.NumberParameters == EXCEPTION_MAXIMUM_PARAMETERS &&
              g_rec.ExceptionInformation[14] == 0x100e,
          "RaiseException: 20 arguments are truncated to the first 15 [RE]");

    arm(RESUME_RETRY);
    RaiseException(CODE_CUSTOM, 0, 3, NULL);
    CHECK(g_calls == 1 && g_rec.NumberParameters == 0,
          "RaiseException: a NULL argument array means no parameters [RE]");
}

/* ------------------------------------------------------------------------------------ */
/* Non-continuable exceptions                                                            */
/* ------------------------------------------------------------------------------------ */

#define CODE_NONCONT 0xE0000025u

static void test_noncontinuable_vectored(void)
{
    arm(RESUME_RETRY);
    RaiseException(CODE_NONCONT, EXCEPTION_NONCONTINUABLE | 0x10, 0, NULL);
    CHECK_EQ_U64(g_rec.ExceptionFlags, EXCEPTION_NONCONTINUABLE,
                 "RaiseException keeps only EXCEPTION_NONCONTINUABLE of the flags [RE]");
    CHECK_EQ_U64(g_calls, 1,
                 "a vectored handler's CONTINUE_EXECUTION resumes even a non-continuable one [NC]");
}

static CONTEXT g_saved_context;         /* the original exception's, saved by the filter */
static volatile LONG g_filter_calls;
static EXCEPTION_RECORD g_filter_rec;

static LONG WINAPI continuing_filter(EXCEPTION_POINTERS *ep)
{
    g_filter_calls++;
    g_filter_rec = *ep->ExceptionRecord;
    g_saved_context = *ep->ContextRecord;
    return EXCEPTION_CONTINUE_EXECUTION;
}

static LONG WINAPI other_filter(EXCEPTION_POINTERS *ep)
{
    (void)ep;
    return EXCEPTION_CONTINUE_SEARCH;
}

/* Takes STATUS_NONCONTINUABLE_EXCEPTION and resumes the original exception's context,
   which makes its RaiseException return: the only way out of a non-continuable one. */
static volatile LONG g_nested_calls;
static EXCEPTION_RECORD g_nested_rec, g_nested_inner;

static LONG CALLBACK nested_taker(EXCEPTION_POINTERS *ep)
{
    if (ep->ExceptionRecord->ExceptionCode != STATUS_NONCONTINUABLE_EXCEPTION ||
        g_nested_calls)
        return EXCEPTION_CONTINUE_SEARCH;
    g_nested_calls++;
    g_nested_rec = *ep->ExceptionRecord;
    if (ep->ExceptionRecord->ExceptionRecord)
        g_nested_inner = *ep->ExceptionRecord->ExceptionRecord;
    *ep->ContextRecord = g_saved_context;
    return EXCEPTION_CONTINUE_EXECUTION;
}

/* ------------------------------------------------------------------------------------ */
/* The unhandled-exception filter                                                        */
/* ------------------------------------------------------------------------------------ */

#define CODE_FILTER 0xE0000F17u

static void test_unhandled_filter(void)
{
    /* The recorder is not armed: it passes, and nothing else is registered. */
    LPTOP_LEVEL_EXCEPTION_FILTER previous = SetUnhandledExceptionFilter(other_filter);
    LPTOP_LEVEL_EXCEPTION_FILTER got = SetUnhandledExceptionFilter(continuing_filter);
    CHECK(got == other_filter, "SetUnhandledExceptionFilter returns the previous filter [SUF]");

    ULONG_PTR arg = 0xF17;
    g_filter_calls = 0;
    RaiseException(CODE_FILTER, 0, 1, &arg);
    CHECK(g_filter_calls == 1 && g_filter_rec.ExceptionCode == CODE_FILTER &&
              g_filter_rec.NumberParameters == 1 && g_filter_rec.ExceptionInformation[0] == 0xF17,
          "the filter gets an exception no vectored handler takes [SUF]");
    CHECK(g_filter_calls == 1, "the filter's EXCEPTION_CONTINUE_EXECUTION resumes [SUF]");

    /* A non-continuable exception the filter tries to continue. */
    PVOID taker = AddVectoredExceptionHandler(1, nested_taker);
    g_filter_calls = 0;
    g_nested_calls = 0;
    RaiseException(CODE_NONCONT, EXCEPTION_NONCONTINUABLE, 0, NULL);
    CHECK(g_filter_calls == 1 && g_nested_calls == 1 &&
              g_nested_rec.ExceptionCode == STATUS_NONCONTINUABLE_EXCEPTION,
          "continuing a non-continuable exception from the filter raises "
          "STATUS_NONCONTINUABLE_EXCEPTION [NC]");
    CHECK_EQ_U64(g_nested_rec.ExceptionFlags, EXCEPTION_NONCONTINUABLE,
                 "STATUS_NONCONTINUABLE_EXCEPTION is itself non-continuable [NC]");
    if (utest_on_wine())
        UTEST_SKIP(W_NOCHAIN, "STATUS_NONCONTINUABLE_EXCEPTION chains the original [NC] [ER]");
    else
        CHECK(g_nested_rec.ExceptionRecord != NULL && g_nested_inner.ExceptionCode == CODE_NONCONT,
              "STATUS_NONCONTINUABLE_EXCEPTION chains the original [NC] [ER]");
    RemoveVectoredExceptionHandler(taker);

    SetUnhandledExceptionFilter(previous);
}

/* ------------------------------------------------------------------------------------ */
/* Arithmetic and breakpoints                                                            */
/* ------------------------------------------------------------------------------------ */

static void test_divide_by_zero(void)
{
    int reached = 0;
    arm(RESUME_AT_LABEL);
    __asm__ volatile(MARK_LABELS
                     "movl $7, %%eax\n\t"
                     "xorl %%edx, %%edx\n\t"
                     "xorl %%ecx, %%ecx\n\t"
                     "1: divl %%ecx\n\t"
                     "2: movl $1, %[reached]\n\t"
                     : LABEL_OUTPUTS, [reached] "+m"(reached)
                     :
                     : "rax", "rcx", "rdx", "memory", "cc");
    CHECK_EQ_U64(g_rec.ExceptionCode, EXCEPTION_INT_DIVIDE_BY_ZERO,
                 "divide by zero: EXCEPTION_INT_DIVIDE_BY_ZERO");
    CHECK(g_rec.ExceptionAddress == (PVOID)g_fault_at && g_ctx.Rip == g_fault_at,
          "divide by zero: ExceptionAddress and Rip are the div");
    CHECK(reached && g_calls == 1, "divide by zero: execution continues after it");
}

static void test_breakpoint(void)
{
    int reached = 0;
    arm(RESUME_AT_LABEL);
    __asm__ volatile(MARK_LABELS
                     "1: int3\n\t"
                     "2: movl $1, %[reached]\n\t"
                     : LABEL_OUTPUTS, [reached] "+m"(reached)
                     :
                     : "rax", "memory");
    CHECK_EQ_U64(g_rec.ExceptionCode, EXCEPTION_BREAKPOINT, "int3: EXCEPTION_BREAKPOINT");
    CHECK_EQ_U64((ULONG_PTR)g_rec.ExceptionAddress, g_fault_at,
                 "int3: ExceptionAddress is the int3 byte [BP]");
    CHECK_EQ_U64(g_ctx.Rip, g_fault_at, "int3: CONTEXT.Rip is the int3 byte, not after it [BP]");
    CHECK(g_rec.NumberParameters == 1 && g_rec.ExceptionInformation[0] == 0,
          "int3: NumberParameters 1, ExceptionInformation[0] = 0 (BREAKPOINT_BREAK) [BP]");
    CHECK(reached && g_calls == 1, "int3: execution continues after it");
}

int main(void)
{
    UTEST_NOTE("exceptions on %s", utest_platform());
    g_recorder = AddVectoredExceptionHandler(1, recorder);
    CHECK(g_recorder != NULL, "AddVectoredExceptionHandler(1, recorder)");

    test_write_to_null();
    test_read_of_reserved_memory();
    test_execute_of_data();
    test_registers();
    test_guard_page();
    test_divide_by_zero();
    test_breakpoint();
    test_raise_exception();
    test_noncontinuable_vectored();

    CHECK(RemoveVectoredExceptionHandler(g_recorder) != 0, "removing the recorder");
    test_order_and_removal();
    test_unhandled_filter();
    return utest_done();
}
