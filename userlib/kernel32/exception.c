/*
 * kernel32's exception handling: vectored handlers, the unhandled-exception filter,
 * RaiseException, and the user-mode dispatcher the kernel sends every exception to.
 *
 * How an exception travels (kernel/syscall/syscall_numbers.h has the kernel's half):
 *
 *   fault or RaiseException ──▶ kernel writes EXCEPTION_RECORD + CONTEXT on the user
 *   stack ──▶ KiUserExceptionDispatcher (ntdll/dispatcher.S) ──▶ __dispatch_exception:
 *     1. the vectored handlers, in list order: EXCEPTION_CONTINUE_EXECUTION resumes
 *        with NtContinue(context), anything else asks the next one;
 *     2. the filter from SetUnhandledExceptionFilter: EXCEPTION_CONTINUE_EXECUTION
 *        resumes, EXCEPTION_EXECUTE_HANDLER ends the process quietly (the filter has
 *        dealt with it), EXCEPTION_CONTINUE_SEARCH falls through to 3;
 *     3. nobody took it: a report on stderr and the process ends with the exception
 *        code as its exit status.
 *
 * Windows runs the frame-based (__try/__except) handlers between 1 and 2; GCC has no
 * __try, so Reservoir has none, and the unhandled filter plays the part of the outermost
 * __except that Windows' thread start routine wraps around every thread.
 *
 * Non-continuable exceptions (EXCEPTION_NONCONTINUABLE in ExceptionFlags): when the
 * unhandled filter answers EXCEPTION_CONTINUE_EXECUTION for one, the dispatcher raises
 * STATUS_NONCONTINUABLE_EXCEPTION, itself non-continuable, with the original record
 * chained in ExceptionRecord: what Windows' RtlDispatchException does when a frame
 * handler tries to continue one. A vectored handler's EXCEPTION_CONTINUE_EXECUTION is
 * obeyed as it is, also as on Windows (and Wine): RtlDispatchException returns TRUE as
 * soon as a vectored handler says so and KiUserExceptionDispatcher calls NtContinue.
 *
 * Sources: Microsoft Learn, "AddVectoredExceptionHandler function", "RemoveVectored-
 * ExceptionHandler function", "SetUnhandledExceptionFilter function", "RaiseException
 * function", "EXCEPTION_RECORD structure"; ReactOS's sdk/lib/rtl/vectoreh.c and
 * amd64/except.c and Wine's dlls/ntdll/exception.c for the structure; Wine's
 * dlls/kernelbase/debug.c (RaiseException) for the argument handling.
 *
 * Threads: none yet, so no lock. When threads come, the list and the filter pointer need
 * one (Windows takes a lock around the list and a reference on each entry while its
 * handler runs, and keeps the filter encoded with EncodePointer).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ntdll/ntdll.h"
#include "kernel32.h"

/* The CONTEXT offsets ntdll/dispatcher.S writes. */
_Static_assert(sizeof(CONTEXT) == 0x4d0 && offsetof(CONTEXT, MxCsr) == 0x34 &&
               offsetof(CONTEXT, SegDs) == 0x3a && offsetof(CONTEXT, SegEs) == 0x3c &&
               offsetof(CONTEXT, SegFs) == 0x3e && offsetof(CONTEXT, SegGs) == 0x40 &&
               offsetof(CONTEXT, Rcx) == 0x80 && offsetof(CONTEXT, Rdx) == 0x88 &&
               offsetof(CONTEXT, Rbx) == 0x90 && offsetof(CONTEXT, Rbp) == 0xa0 &&
               offsetof(CONTEXT, Rsi) == 0xa8 && offsetof(CONTEXT, Rdi) == 0xb0 &&
               offsetof(CONTEXT, R8) == 0xb8 && offsetof(CONTEXT, R9) == 0xc0 &&
               offsetof(CONTEXT, R10) == 0xc8 && offsetof(CONTEXT, R11) == 0xd0 &&
               offsetof(CONTEXT, R12) == 0xd8 && offsetof(CONTEXT, R13) == 0xe0 &&
               offsetof(CONTEXT, R14) == 0xe8,
               "ntdll/dispatcher.S's CONTEXT offsets");
_Static_assert((CONTEXT_CONTROL | CONTEXT_INTEGER | CONTEXT_SEGMENTS |
                CONTEXT_FLOATING_POINT) == 0x0010000f, "dispatcher.S's CAPTURED_FLAGS");

/* The Reservoir system call crt0 makes (SYS_SET_EXCEPTION_DISPATCHER). */
NTSTATUS __sys_set_exception_dispatcher(void (*dispatcher)(EXCEPTION_RECORD *, CONTEXT *));

/* dispatcher.S */
void KiUserExceptionDispatcher(EXCEPTION_RECORD *record, CONTEXT *context);
void __raise_record(EXCEPTION_RECORD *record);

/* Called from dispatcher.S only. */
__attribute__((noreturn)) void __dispatch_exception(EXCEPTION_RECORD *record, CONTEXT *context);
__attribute__((noreturn)) void __raise_exception(DWORD code, DWORD flags, DWORD nargs,
                                                 const ULONG_PTR *args, CONTEXT *context);
__attribute__((noreturn)) void __raise_record_with_context(EXCEPTION_RECORD *record,
                                                           CONTEXT *context);

/* ------------------------------------------------------------------------------------ */
/* The vectored handler list                                                             */
/* ------------------------------------------------------------------------------------ */

/*
 * A circular doubly linked list around a sentinel; the handle a program gets back is the
 * entry's address. An entry removed while a dispatch is walking the list (a handler that
 * removes itself is the usual case) is only marked: the walk may be standing on it, or
 * about to step to it. Marked entries are skipped, and unlinked and freed once no
 * dispatch is in progress.
 *
 * Which dispatches are in progress: each one records where its frame is. A dispatch
 * whose handler is still running lies above the stack of any exception that handler
 * raises; one whose exception was resumed somewhere above it (a handler may point the
 * CONTEXT anywhere) is abandoned and lies below. So a new dispatch first forgets every
 * recorded frame at or below the interrupted RSP, and one that resumes forgets its own.
 */
struct vectored_handler {
    struct vectored_handler *next;
    struct vectored_handler *prev;
    PVECTORED_EXCEPTION_HANDLER handler;
    int removed;
};

#define MAX_NESTED_DISPATCHES 32

static struct vectored_handler handlers = { &handlers, &handlers, NULL, 0 };
static ULONG_PTR dispatch_frames[MAX_NESTED_DISPATCHES];   /* outermost first */
static unsigned dispatch_depth;         /* dispatches in progress */
static unsigned pending_removals;       /* entries marked removed, not yet freed */
static LPTOP_LEVEL_EXCEPTION_FILTER unhandled_filter;
static int terminating;                 /* the unhandled path has started */

static void unlink_and_free(struct vectored_handler *h)
{
    h->prev->next = h->next;
    h->next->prev = h->prev;
    free(h);
}

static void free_removed_handlers(void)
{
    if (dispatch_depth != 0 || pending_removals == 0)
        return;
    for (struct vectored_handler *h = handlers.next, *next; h != &handlers; h = next) {
        next = h->next;
        if (h->removed)
            unlink_and_free(h);
    }
    pending_removals = 0;
}

/*
 * AddVectoredExceptionHandler (Microsoft Learn, "AddVectoredExceptionHandler function"):
 * First != 0 puts the handler before every other, 0 after every other. Returns the
 * handle for RemoveVectoredExceptionHandler, or NULL when Handler is NULL or there is no
 * memory for the entry. The same function may be added more than once; each addition is
 * its own entry.
 */
PVOID WINAPI AddVectoredExceptionHandler(ULONG First, PVECTORED_EXCEPTION_HANDLER Handler)
{
    if (!Handler) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    struct vectored_handler *h = malloc(sizeof(*h));
    if (!h) {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    h->handler = Handler;
    h->removed = 0;
    struct vectored_handler *before = First ? handlers.next : &handlers;
    h->next = before;
    h->prev = before->prev;
    before->prev->next = h;
    before->prev = h;
    return h;
}

/*
 * RemoveVectoredExceptionHandler: nonzero when Handle was a registered handler (it is
 * not called again), 0 when it is unknown or already removed.
 */
ULONG WINAPI RemoveVectoredExceptionHandler(PVOID Handle)
{
    for (struct vectored_handler *h = handlers.next; h != &handlers; h = h->next) {
        if (h != Handle || h->removed)
            continue;
        if (dispatch_depth == 0) {
            unlink_and_free(h);
        } else {
            h->removed = 1;
            pending_removals++;
        }
        return 1;
    }
    return 0;
}

/* SetUnhandledExceptionFilter: installs the filter (NULL: none), returns the previous. */
LPTOP_LEVEL_EXCEPTION_FILTER WINAPI
SetUnhandledExceptionFilter(LPTOP_LEVEL_EXCEPTION_FILTER lpTopLevelExceptionFilter)
{
    LPTOP_LEVEL_EXCEPTION_FILTER previous = unhandled_filter;
    unhandled_filter = lpTopLevelExceptionFilter;
    return previous;
}

/* ------------------------------------------------------------------------------------ */
/* Raising                                                                               */
/* ------------------------------------------------------------------------------------ */

static void describe(const EXCEPTION_RECORD *record, const CONTEXT *context);

/* The fields of a captured CONTEXT that dispatcher.S leaves alone. */
static void clear_uncaptured(CONTEXT *context)
{
    memset(context, 0, offsetof(CONTEXT, ContextFlags));                /* P1Home..P6Home */
    memset(&context->Dr0, 0, offsetof(CONTEXT, Rax) - offsetof(CONTEXT, Dr0));
    memset(context->VectorRegister, 0, sizeof(CONTEXT) - offsetof(CONTEXT, VectorRegister));
}

/*
 * NtRaiseException(record, context, FirstChance = TRUE): the kernel delivers the
 * exception to the dispatcher from context, so this returns only on failure (a record
 * or context the kernel refuses). Windows' RtlRaiseException then raises the failure
 * status; with nothing sensible left to resume, the process ends here instead.
 */
__attribute__((noreturn)) static void raise_with_context(EXCEPTION_RECORD *record,
                                                         CONTEXT *context)
{
    NTSTATUS status = NtRaiseException(record, context, TRUE);
    fflush(stdout);
    fprintf(stderr, "RaiseException: NtRaiseException refused exception 0x%08X: status 0x%08X\n",
            (unsigned)record->ExceptionCode, (unsigned)status);
    NtTerminateProcess(NtCurrentProcess(), status);
    __builtin_trap();
}

/*
 * RaiseException (Microsoft Learn, "RaiseException function"), called from dispatcher.S
 * with the caller's CONTEXT:
 *   - ExceptionFlags keeps only EXCEPTION_NONCONTINUABLE (Wine's and ReactOS's
 *     kernel32 mask the rest away: the other flags are the unwinder's);
 *   - lpArguments NULL means no parameters whatever nNumberOfArguments says ("This
 *     parameter is ignored if lpArguments is NULL");
 *   - more than EXCEPTION_MAXIMUM_PARAMETERS (15) arguments: the page says the count
 *     "must not exceed" 15 and names no error; Windows' kernel32 (as Wine's and
 *     ReactOS's copies of it) silently truncates to 15, and so does this;
 *   - ExceptionAddress is the return address, in the caller. (On Windows it is inside
 *     RaiseException itself, where RtlRaiseException returns to; the caller's address
 *     is more useful and is the RIP a continued exception resumes at anyway.)
 */
void __raise_exception(DWORD code, DWORD flags, DWORD nargs, const ULONG_PTR *args,
                       CONTEXT *context)
{
    EXCEPTION_RECORD record;
    clear_uncaptured(context);
    memset(&record, 0, sizeof(record));
    record.ExceptionCode = code;
    record.ExceptionFlags = flags & EXCEPTION_NONCONTINUABLE;
    record.ExceptionRecord = NULL;
    record.ExceptionAddress = (PVOID)context->Rip;
    if (args && nargs) {
        if (nargs > EXCEPTION_MAXIMUM_PARAMETERS)
            nargs = EXCEPTION_MAXIMUM_PARAMETERS;
        record.NumberParameters = nargs;
        memcpy(record.ExceptionInformation, args, nargs * sizeof(args[0]));
    }
    raise_with_context(&record, context);
}

/* RtlRaiseException: record as given, ExceptionAddress = the caller's return address. */
void __raise_record_with_context(EXCEPTION_RECORD *record, CONTEXT *context)
{
    clear_uncaptured(context);
    record->ExceptionAddress = (PVOID)context->Rip;
    raise_with_context(record, context);
}

/* ------------------------------------------------------------------------------------ */
/* Dispatching                                                                           */
/* ------------------------------------------------------------------------------------ */

/* Ends the process: the exception code is the exit status, as on Windows. */
__attribute__((noreturn)) static void terminate(DWORD code, int flush)
{
    terminating = 1;
    if (flush)
        fflush(NULL);
    NtTerminateProcess(NtCurrentProcess(), (NTSTATUS)code);
    __builtin_trap();
}

__attribute__((noreturn)) static void unhandled(const EXCEPTION_RECORD *record,
                                                const CONTEXT *context)
{
    terminating = 1;
    fflush(stdout);                     /* the program's output first, then the report */
    describe(record, context);
    terminate(record->ExceptionCode, 1);
}

/*
 * Raises STATUS_NONCONTINUABLE_EXCEPTION (or, for a CONTEXT that NtContinue refused,
 * that status) with the original record chained in ExceptionRecord, as Windows'
 * RtlDispatchException does (Wine 8 raises it unchained). The new exception is
 * non-continuable too, so the way out is a vectored handler that resumes some other
 * CONTEXT; if one continues this one as it is, nothing is left to resume here.
 */
__attribute__((noreturn)) static void raise_nested(DWORD code, EXCEPTION_RECORD *record,
                                                   const CONTEXT *context)
{
    EXCEPTION_RECORD nested;
    memset(&nested, 0, sizeof(nested));
    nested.ExceptionCode = code;
    nested.ExceptionFlags = EXCEPTION_NONCONTINUABLE;
    nested.ExceptionRecord = record;
    __raise_record(&nested);
    unhandled(&nested, context);
}

/* Leaves the dispatch and resumes context; returns only if NtContinue refuses it. */
static NTSTATUS resume(CONTEXT *context)
{
    ULONG_PTR frame = dispatch_frames[--dispatch_depth];
    free_removed_handlers();
    NTSTATUS status = NtContinue(context, FALSE);
    dispatch_frames[dispatch_depth++] = frame;
    return status;
}

void __dispatch_exception(EXCEPTION_RECORD *record, CONTEXT *context)
{
    EXCEPTION_POINTERS pointers = { record, context };

    /* An exception while the process is already ending (a fault while writing the
       report, say): end now, without touching stdio again. */
    if (terminating)
        terminate(record->ExceptionCode, 0);

    while (dispatch_depth > 0 && dispatch_frames[dispatch_depth - 1] <= context->Rsp)
        dispatch_depth--;                               /* abandoned: see the list */
    free_removed_handlers();
    if (dispatch_depth == MAX_NESTED_DISPATCHES) {
        fflush(stdout);
        fprintf(stderr, "Exceptions nested %u deep: giving up\n", dispatch_depth);
        unhandled(record, context);
    }
    dispatch_frames[dispatch_depth++] = (ULONG_PTR)&pointers;

    for (struct vectored_handler *h = handlers.next; h != &handlers; h = h->next) {
        if (h->removed)
            continue;
        if (h->handler(&pointers) == EXCEPTION_CONTINUE_EXECUTION) {
            /* Obeyed even for a non-continuable exception, as on Windows (see top). */
            NTSTATUS status = resume(context);
            raise_nested((DWORD)status, record, context);
        }
    }

    LPTOP_LEVEL_EXCEPTION_FILTER filter = unhandled_filter;
    if (filter) {
        LONG verdict = filter(&pointers);
        if (verdict == EXCEPTION_CONTINUE_EXECUTION) {
            if (record->ExceptionFlags & EXCEPTION_NONCONTINUABLE)
                raise_nested(STATUS_NONCONTINUABLE_EXCEPTION, record, context);
            NTSTATUS status = resume(context);
            raise_nested((DWORD)status, record, context);
        }
        if (verdict == EXCEPTION_EXECUTE_HANDLER)
            terminate(record->ExceptionCode, 1);
    }
    unhandled(record, context);
}

/* ------------------------------------------------------------------------------------ */
/* The unhandled-exception report                                                        */
/* ------------------------------------------------------------------------------------ */

static const struct {
    DWORD code;
    const char *name;
} exception_names[] = {
    { STATUS_GUARD_PAGE_VIOLATION, "guard page violation" },
    { STATUS_DATATYPE_MISALIGNMENT, "datatype misalignment" },
    { STATUS_BREAKPOINT, "breakpoint" },
    { STATUS_SINGLE_STEP, "single step" },
    { STATUS_ACCESS_VIOLATION, "access violation" },
    { STATUS_IN_PAGE_ERROR, "in-page error" },
    { STATUS_INVALID_PARAMETER, "invalid parameter" },
    { STATUS_NO_MEMORY, "no memory" },
    { STATUS_ILLEGAL_INSTRUCTION, "illegal instruction" },
    { STATUS_NONCONTINUABLE_EXCEPTION, "noncontinuable exception" },
    { STATUS_INVALID_DISPOSITION, "invalid disposition" },
    { STATUS_ARRAY_BOUNDS_EXCEEDED, "array bounds exceeded" },
    { STATUS_FLOAT_DENORMAL_OPERAND, "float denormal operand" },
    { STATUS_FLOAT_DIVIDE_BY_ZERO, "float divide by zero" },
    { STATUS_FLOAT_INEXACT_RESULT, "float inexact result" },
    { STATUS_FLOAT_INVALID_OPERATION, "float invalid operation" },
    { STATUS_FLOAT_OVERFLOW, "float overflow" },
    { STATUS_FLOAT_STACK_CHECK, "float stack check" },
    { STATUS_FLOAT_UNDERFLOW, "float underflow" },
    { STATUS_INTEGER_DIVIDE_BY_ZERO, "integer divide by zero" },
    { STATUS_INTEGER_OVERFLOW, "integer overflow" },
    { STATUS_PRIVILEGED_INSTRUCTION, "privileged instruction" },
    { STATUS_STACK_OVERFLOW, "stack overflow" },
    { STATUS_FLOAT_MULTIPLE_FAULTS, "float multiple faults" },
    { STATUS_FLOAT_MULTIPLE_TRAPS, "float multiple traps" },
    { STATUS_STACK_BUFFER_OVERRUN, "stack buffer overrun" },
};

static const char *exception_name(DWORD code)
{
    for (size_t i = 0; i < sizeof(exception_names) / sizeof(exception_names[0]); i++)
        if (exception_names[i].code == code)
            return exception_names[i].name;
    return NULL;
}

static const char *access_name(ULONG_PTR access)
{
    switch (access) {
    case EXCEPTION_READ_FAULT: return "read";
    case EXCEPTION_WRITE_FAULT: return "write";
    case EXCEPTION_EXECUTE_FAULT: return "execute";
    default: return "access";
    }
}

/*
 * Unhandled exception 0xC0000005 (access violation: write at 0x0000000000000000) at RIP 0x401234
 *   and a second line for the parameters of other exceptions, or the chained record.
 */
static void describe(const EXCEPTION_RECORD *record, const CONTEXT *context)
{
    char detail[96] = "";
    const char *name = exception_name(record->ExceptionCode);
    int has_address = (record->ExceptionCode == STATUS_ACCESS_VIOLATION ||
                       record->ExceptionCode == STATUS_GUARD_PAGE_VIOLATION ||
                       record->ExceptionCode == STATUS_IN_PAGE_ERROR) &&
                      record->NumberParameters >= 2;
    if (name && has_address)
        snprintf(detail, sizeof(detail), " (%s: %s at 0x%016llx)", name,
                 access_name(record->ExceptionInformation[0]),
                 (unsigned long long)record->ExceptionInformation[1]);
    else if (name)
        snprintf(detail, sizeof(detail), " (%s)", name);
    fprintf(stderr, "Unhandled exception 0x%08X%s at RIP 0x%llx\n",
            (unsigned)record->ExceptionCode, detail, (unsigned long long)context->Rip);

    if (record->ExceptionRecord) {
        const EXCEPTION_RECORD *inner = record->ExceptionRecord;
        fprintf(stderr, "  raised while dispatching exception 0x%08X at 0x%llx\n",
                (unsigned)inner->ExceptionCode, (unsigned long long)inner->ExceptionAddress);
    } else if (!has_address && record->NumberParameters > 0) {
        DWORD n = record->NumberParameters;
        if (n > EXCEPTION_MAXIMUM_PARAMETERS)
            n = EXCEPTION_MAXIMUM_PARAMETERS;
        fprintf(stderr, "  parameters:");
        for (DWORD i = 0; i < n; i++)
            fprintf(stderr, " 0x%llx", (unsigned long long)record->ExceptionInformation[i]);
        fprintf(stderr, "\n");
    }
}
