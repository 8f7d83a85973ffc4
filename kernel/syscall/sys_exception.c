/* The exception system calls (sys_exception.h). */
#include "sys_exception.h"

#include "arch/x86_64/usercopy.h"
#include "arch/x86_64/usermode.h"
#include "lib/log.h"
#include "nt_memory.h"
#include "process.h"
#include "syscall.h"
#include "user_exception.h"

ntstatus_t sys_set_exception_dispatcher(struct trap_frame *frame)
{
    if (!current_process || frame->rdi == 0 || frame->rdi > USER_MAX_ADDRESS)
        return STATUS_INVALID_PARAMETER;
    current_process->exception_dispatcher = frame->rdi;
    return STATUS_SUCCESS;
}

static ntstatus_t read_context(uint64_t user, struct nt_context *context)
{
    return copy_from_user(context, user, sizeof(*context));
}

ntstatus_t sys_continue(struct trap_frame *frame)
{
    struct nt_context context;
    ntstatus_t st = read_context(frame->rdi, &context);
    if (!nt_success(st))
        return st;
    st = context_to_frame(&context, frame);
    if (!nt_success(st))
        return st;
    /* RAX comes back from the context, not as this call's status. */
    syscall_return_full(frame);
}

ntstatus_t sys_raise_exception(struct trap_frame *frame)
{
    struct nt_exception_record record;
    struct nt_context context;
    ntstatus_t st = copy_from_user(&record, frame->rdi, sizeof(record));
    if (nt_success(st))
        st = read_context(frame->rsi, &context);
    if (!nt_success(st))
        return st;
    if (record.number_parameters > NT_EXCEPTION_MAXIMUM_PARAMETERS)
        return STATUS_INVALID_PARAMETER;
    if (!(frame->rdx & 0xff)) {
        log_error("process: second-chance exception 0x%08x at 0x%llx", (unsigned)record.code,
                  (unsigned long long)record.address);
        user_exit(record.code);
    }
    st = context_to_frame(&context, frame);
    if (!nt_success(st))
        return st;
    /* Deliver from the raiser's context, as if it had faulted there. */
    context_from_frame(frame, &context);
    user_exception_deliver(frame, &record, &context);
    syscall_return_full(frame);
}
