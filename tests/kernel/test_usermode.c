/*
 * In-kernel tests of ring 3: entering user mode, system calls, user copies, exceptions
 * from user code, SMEP and SMAP. Each test copies a small position-independent snippet
 * (assembled below into the kernel image) to a user page, runs it with user_run() and
 * checks the value the snippet's NtTerminateProcess (or the exception) ended it with.
 */
#include <stddef.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/usercopy.h"
#include "arch/x86_64/usermode.h"
#include "lib/ktest.h"
#include "lib/string.h"
#include "mm/arch.h"
#include "mm/mm.h"
#include "mm/page_alloc.h"
#include "syscall/syscall.h"
#include "syscall/syscall_numbers.h"
#include "user_exception.h"

#define USER_CODE  0x0000000000400000ull
#define USER_STACK 0x0000000000600000ull    /* one page; the stack starts at its top */
#define USER_UNMAPPED 0x0000000000800000ull

/* Snippets: each a symbol pair name / name_end in .rodata, copied to USER_CODE. */
#define SNIPPET(name) extern const char name[], name##_end[]
SNIPPET(snippet_exit_42);
SNIPPET(snippet_null_syscall);
SNIPPET(snippet_read_kernel);
SNIPPET(snippet_console_write);
SNIPPET(snippet_write_arg);
extern const char snippet_write_arg_text[];
SNIPPET(snippet_cli);
SNIPPET(snippet_int3);
SNIPPET(snippet_bad_syscall);

__asm__(
    ".section .rodata\n"
    /* NtTerminateProcess(-1, 42) */
    "snippet_exit_42:\n"
    "    mov $-1, %rdi\n"
    "    mov $42, %esi\n"
    "    mov $1, %eax\n"                    /* SYS_NT_TERMINATE_PROCESS */
    "    syscall\n"
    "    ud2\n"
    "snippet_exit_42_end:\n"
    /* NtYieldExecution with callee-saved registers set; exit with its status, or 1 when
       RBX/RBP/R12-R15 or RSP did not survive. */
    "snippet_null_syscall:\n"
    "    mov $0x1111, %rbx\n    mov $0x2222, %rbp\n    mov $0x3333, %r12\n"
    "    mov $0x4444, %r13\n    mov $0x5555, %r14\n    mov $0x6666, %r15\n"
    "    mov %rsp, %r8\n"
    "    xor %eax, %eax\n"                  /* SYS_NT_YIELD_EXECUTION */
    "    syscall\n"
    "    mov %eax, %esi\n"
    "    cmp $0x1111, %rbx\n    jne 1f\n    cmp $0x2222, %rbp\n    jne 1f\n"
    "    cmp $0x3333, %r12\n    jne 1f\n    cmp $0x4444, %r13\n    jne 1f\n"
    "    cmp $0x5555, %r14\n    jne 1f\n    cmp $0x6666, %r15\n    jne 1f\n"
    "    cmp %rsp, %r8\n    jne 1f\n"
    "    jmp 2f\n"
    "1:  mov $1, %esi\n"
    "2:  mov $-1, %rdi\n    mov $1, %eax\n    syscall\n    ud2\n"
    "snippet_null_syscall_end:\n"
    /* Reads kernel memory: a page fault in ring 3. */
    "snippet_read_kernel:\n"
    "    movabs $0xffffffff80100000, %rax\n"
    "    mov (%rax), %rax\n"
    "    ud2\n"
    "snippet_read_kernel_end:\n"
    /* console_write(message, 19), then exit with its status. */
    "snippet_console_write:\n"
    "    lea 1f(%rip), %rdi\n"
    "    mov $19, %esi\n"
    "    mov $2, %eax\n"                    /* SYS_CONSOLE_WRITE */
    "    syscall\n"
    "    mov %eax, %esi\n    mov $-1, %rdi\n    mov $1, %eax\n    syscall\n    ud2\n"
    "1:  .ascii \"hello from ring 3\\n\\n\"\n"
    "snippet_console_write_end:\n"
    /* console_write(RDI as given by the test, 8): exit with its status. */
    "snippet_write_arg:\n"
    "    mov $8, %esi\n"
    "    mov $2, %eax\n"
    "    syscall\n"
    "    mov %eax, %esi\n    mov $-1, %rdi\n    mov $1, %eax\n    syscall\n    ud2\n"
    "snippet_write_arg_text:\n"
    "    .ascii \"ring 3!\\n\"\n"
    "snippet_write_arg_end:\n"
    "snippet_cli:\n"
    "    cli\n    ud2\n"
    "snippet_cli_end:\n"
    "snippet_int3:\n"
    "    int3\n    ud2\n"
    "snippet_int3_end:\n"
    /* An unknown system call number: exit with what it returned. */
    "snippet_bad_syscall:\n"
    "    mov $9999, %eax\n    syscall\n"
    "    mov %eax, %esi\n    mov $-1, %rdi\n    mov $1, %eax\n    syscall\n    ud2\n"
    "snippet_bad_syscall_end:\n"
    ".text\n");

static uint64_t code_frame, stack_frame;

static void map_page(uint64_t va, uint64_t pa, uint64_t flags)
{
    struct tlb_batch tlb;
    tlb_batch_init(&tlb);
    pt_map(&kernel_page_table, va, pa, flags, &tlb);
    tlb_batch_flush(&tlb, &kernel_page_table);
}

static void unmap_page(uint64_t va)
{
    struct tlb_batch tlb;
    tlb_batch_init(&tlb);
    pt_unmap(&kernel_page_table, va, NULL, &tlb);
    tlb_batch_flush(&tlb, &kernel_page_table);
}

/* Maps a user code page holding the snippet and a user stack page. */
static int setup(const char *start, const char *end)
{
    if (page_alloc_frame(PAGE_ALLOC_ZEROED, PFN_PRIVATE, &code_frame) != STATUS_SUCCESS ||
        page_alloc_frame(PAGE_ALLOC_ZEROED, PFN_PRIVATE, &stack_frame) != STATUS_SUCCESS)
        return 0;
    memcpy(phys_to_virt(code_frame), start, (size_t)(end - start));
    map_page(USER_CODE, code_frame, PTE_USER);
    map_page(USER_STACK, stack_frame, PTE_USER | PTE_WRITABLE | PTE_NX);
    return 1;
}

static void teardown(void)
{
    unmap_page(USER_CODE);
    unmap_page(USER_STACK);
    page_free_frame(code_frame);
    page_free_frame(stack_frame);
}

static uint64_t run(const char *start, const char *end, uint64_t arg0)
{
    if (!setup(start, end))
        return (uint64_t)-1;
    uint64_t result = user_run(USER_CODE, USER_STACK + PAGE_SIZE, 0, arg0, 0, 0);
    teardown();
    return result;
}

KTEST(usermode, terminate_returns_the_exit_status)
{
    KEXPECT_EQ(run(snippet_exit_42, snippet_exit_42_end, 0), 42);
}

KTEST(usermode, null_syscall_preserves_registers)
{
    KEXPECT_EQ(run(snippet_null_syscall, snippet_null_syscall_end, 0),
               (uint32_t)STATUS_NO_YIELD_PERFORMED);
}

KTEST(usermode, unknown_syscall_is_invalid_system_service)
{
    KEXPECT_EQ(run(snippet_bad_syscall, snippet_bad_syscall_end, 0),
               (uint32_t)STATUS_INVALID_SYSTEM_SERVICE);
}

KTEST(usermode, reading_kernel_memory_is_an_access_violation)
{
    KEXPECT_EQ(run(snippet_read_kernel, snippet_read_kernel_end, 0),
               (uint32_t)STATUS_ACCESS_VIOLATION);
}

KTEST(usermode, privileged_instruction_and_breakpoint)
{
    KEXPECT_EQ(run(snippet_cli, snippet_cli_end, 0), (uint32_t)STATUS_PRIVILEGED_INSTRUCTION);
    KEXPECT_EQ(run(snippet_int3, snippet_int3_end, 0), (uint32_t)STATUS_BREAKPOINT);
}

KTEST(usermode, console_write_copies_from_user)
{
    KEXPECT_EQ(run(snippet_console_write, snippet_console_write_end, 0), STATUS_SUCCESS);
}

KTEST(usermode, bad_user_pointers_get_access_violation_not_a_panic)
{
    /* A kernel address: refused before it is touched. */
    KEXPECT_EQ(run(snippet_write_arg, snippet_write_arg_end, 0xffffffff80100000ull),
               (uint32_t)STATUS_ACCESS_VIOLATION);
    /* A user address nothing maps: the copy faults and its fixup answers. */
    KEXPECT_EQ(run(snippet_write_arg, snippet_write_arg_end, USER_UNMAPPED),
               (uint32_t)STATUS_ACCESS_VIOLATION);
    /* A range that wraps around the top of the user half. */
    KEXPECT_EQ(run(snippet_write_arg, snippet_write_arg_end, 0x00007ffffffffffcull),
               (uint32_t)STATUS_ACCESS_VIOLATION);
    /* A good pointer (the text after the snippet, in its own page) works. */
    uint64_t text = USER_CODE + (uint64_t)(snippet_write_arg_text - snippet_write_arg);
    KEXPECT_EQ(run(snippet_write_arg, snippet_write_arg_end, text), STATUS_SUCCESS);
}

KTEST(usermode, copy_to_user_and_back)
{
    KASSERT(setup(snippet_exit_42, snippet_exit_42_end));
    uint64_t out = 0x0123456789abcdefull, in = 0;
    KEXPECT_EQ(copy_to_user(USER_STACK + 16, &out, sizeof(out)), STATUS_SUCCESS);
    KEXPECT_EQ(copy_from_user(&in, USER_STACK + 16, sizeof(in)), STATUS_SUCCESS);
    KEXPECT_EQ(in, out);
    /* Read-only user code page: writing to it from the kernel faults (CR0.WP) → fixup. */
    KEXPECT_EQ(copy_to_user(USER_CODE, &out, sizeof(out)), STATUS_ACCESS_VIOLATION);
    KEXPECT_EQ(copy_from_user(&in, USER_UNMAPPED, 1), STATUS_ACCESS_VIOLATION);
    teardown();
}

static struct {
    uint64_t vector, error_code;
    int count;
} fault;

static int record_and_return(struct trap_frame *f)
{
    fault.vector = f->vector;
    fault.error_code = f->error_code;
    fault.count++;
    f->rip = *(uint64_t *)f->rsp;
    f->rsp += 8;
    return 1;
}

/* A load with no stack frame, so record_and_return can resume its caller. */
uint64_t probe_read_u64(const volatile uint64_t *p);
__asm__(".text\n"
        ".type probe_read_u64, @function\n"
        "probe_read_u64:\n"
        "    movq (%rdi), %rax\n"
        "    ret\n"
        ".size probe_read_u64, . - probe_read_u64\n");

KTEST(usermode, smep_stops_the_kernel_running_user_code)
{
    KASSERT(cpu_has_smep());
    KASSERT(setup(snippet_exit_42, snippet_exit_42_end));
    fault.count = 0;
    trap_set_test_hook(record_and_return);
    ((void (*)(void))USER_CODE)();
    trap_set_test_hook(NULL);
    KEXPECT_EQ(fault.count, 1);
    KEXPECT_EQ(fault.vector, VEC_PAGE_FAULT);
    KEXPECT_EQ(fault.error_code, PF_PRESENT | PF_FETCH);
    teardown();
}

KTEST(usermode, smap_stops_the_kernel_reading_user_memory)
{
    KASSERT(cpu_has_smap());
    KASSERT(setup(snippet_exit_42, snippet_exit_42_end));
    fault.count = 0;
    trap_set_test_hook(record_and_return);
    probe_read_u64((const volatile uint64_t *)USER_STACK);
    trap_set_test_hook(NULL);
    KEXPECT_EQ(fault.count, 1);
    KEXPECT_EQ(fault.vector, VEC_PAGE_FAULT);
    KEXPECT_EQ(fault.error_code, PF_PRESENT);   /* a supervisor read of a user page */
    teardown();
}
