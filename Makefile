# Reservoir: build, run, debug and test.
#
#   make run    [PROG=file.c ARGS="..."] [BOOT=bios|uefi] [ACCEL=kvm|tcg] [MEM=256M]
#               [CMDLINE="..."]; without PROG, the demo in examples/demo.c
#   make test   host unit tests + in-kernel tests on both boot paths
#   make debug  QEMU halted with its gdb stub, and gdb attached to it
#
# docs/testing.md and docs/boot.md explain the pieces. Every target first checks that
# the Debian packages it needs are installed (tools/ensure-deps.sh) and installs them.

BUILD   ?= build
BOOT    ?= bios
ACCEL   ?=
MEM     ?= 256M
CMDLINE ?=
TIMEOUT ?=
V       ?= 0
Q       := $(if $(filter 1,$(V)),,@)

CC      := gcc
LD      := ld
OBJCOPY := objcopy

# ---------------------------------------------------------------------------
# The kernel: freestanding, higher half, no SSE (the BIOS path has it off),
# frame pointers kept for backtraces.
# ---------------------------------------------------------------------------
WARNINGS := -Wall -Wextra -Werror
KERNEL_CFLAGS := -std=gnu11 -O2 -g $(WARNINGS) -ffreestanding -fno-stack-protector \
	-fno-pic -fno-pie -mno-red-zone -mcmodel=kernel -mgeneral-regs-only \
	-fno-omit-frame-pointer -fno-optimize-sibling-calls \
	-fno-strict-aliasing \
	-fno-toplevel-reorder \
	-I. -Ikernel -Iboot -Ikernel/syscall -MMD -MP
KERNEL_ASFLAGS := -g -Ikernel/arch/x86_64 -Iboot/multiboot2 -MMD -MP
KERNEL_LDFLAGS := -n -nostdlib -z max-page-size=4096 -z noexecstack \
	--no-warn-rwx-segments -T kernel/arch/x86_64/kernel.ld

KERNEL_C := $(wildcard kernel/*.c kernel/lib/*.c kernel/arch/x86_64/*.c kernel/syscall/*.c \
	kernel/loader/*.c \
	mm/*.c \
	tests/kernel/*.c) boot/multiboot2/multiboot2.c
KERNEL_S := $(wildcard kernel/arch/x86_64/*.S) boot/multiboot2/entry32.S
KERNEL_OBJS := $(patsubst %.c,$(BUILD)/kernel-obj/%.o,$(KERNEL_C)) \
	$(patsubst %.S,$(BUILD)/kernel-obj/%.o,$(KERNEL_S))
KERNEL_ELF := $(BUILD)/kernel.elf

# ---------------------------------------------------------------------------
# Host unit tests: the portable sources compiled for Linux with ASan and UBSan.
# format.c's snprintf/vsnprintf are renamed so they do not collide with libc's.
# ---------------------------------------------------------------------------
PORTABLE_C := kernel/lib/format.c kernel/lib/snprintf.c kernel/lib/log.c kernel/lib/argv.c kernel/lib/ktest.c \
	kernel/lib/muldiv.c kernel/peb.c \
	kernel/lib/panic.c kernel/lib/ksyms.c kernel/options.c kernel/bootinfo.c \
	kernel/arch/x86_64/trap_describe.c boot/multiboot2/multiboot2.c \
	kernel/loader/elf_image.c kernel/loader/initrd.c $(wildcard mm/*.c)
HOST_CFLAGS := -std=gnu11 -O1 -g $(WARNINGS) -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -I. -Ikernel -Iboot -Itests/host \
	-Dsnprintf=res_snprintf -Dvsnprintf=res_vsnprintf -DRESERVOIR_HOST=1 -MMD -MP
HOST_SUPPORT_C := tests/host/test_main.c tests/host/host_support.c tests/host/sim_mmu.c
HOST_TESTS_C := $(wildcard tests/host/test_*.c)
HOST_FUZZ_C := $(wildcard tests/fuzz/*.c)
# userlib's host tests build differently (userlib.mk below)
HOST_TESTS := $(patsubst tests/host/%.c,$(BUILD)/host/%,$(filter-out tests/host/test_main.c tests/host/test_userlib_%.c,$(HOST_TESTS_C)))
HOST_LIB := $(BUILD)/host/libportable.a
HOST_LIB_OBJS := $(patsubst %.c,$(BUILD)/host-obj/%.o,$(PORTABLE_C))
HOST_SUPPORT_OBJS := $(patsubst %.c,$(BUILD)/host-obj/%.o,$(HOST_SUPPORT_C))

# Benchmarks (make bench) and the fuzz target (make fuzz): the same portable sources and
# simulated machine, built at -O2 without sanitizers / with libFuzzer under clang.
MM_HOST_C := $(PORTABLE_C) tests/host/host_support.c tests/host/sim_mmu.c
BENCH_CFLAGS := -std=gnu11 -O2 -g $(WARNINGS) -I. -Ikernel -Iboot -Itests/host \
	-Dsnprintf=res_snprintf -Dvsnprintf=res_vsnprintf -DRESERVOIR_HOST=1
BENCH_MM := $(BUILD)/bench/bench_mm
FUZZ_CFLAGS := -std=gnu11 -O1 -g $(WARNINGS) -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -I. -Ikernel -Iboot -Itests/host \
	-Dsnprintf=res_snprintf -Dvsnprintf=res_vsnprintf -DRESERVOIR_HOST=1
FUZZ_MM := $(BUILD)/fuzz/fuzz_mm
FUZZ_SECONDS ?= 60

GRUB_ISO := $(BUILD)/grub-bios.iso

# Host tool: packs programs into a cpio (newc) initrd.
MKINITRD := $(BUILD)/tools/mkinitrd

.PHONY: all kernel run test debug host-tests deps clean bench fuzz check-wine
all: kernel $(GRUB_ISO) efi $(MKINITRD)

include boot/efi/efi.mk
.PHONY: efi
efi: $(EFI_LOADER)

kernel: $(KERNEL_ELF)

deps:
	$(Q)tools/ensure-deps.sh build

# Objects depend on the flags they were built with: changing a flag rebuilds them.
$(BUILD)/%.flags: FORCE
	@mkdir -p $(dir $@)
	@echo '$(FLAGS_$*)' | cmp -s - $@ || echo '$(FLAGS_$*)' > $@
FLAGS_kernel = $(KERNEL_CFLAGS) $(KERNEL_ASFLAGS) $(KERNEL_LDFLAGS)
FLAGS_host = $(HOST_CFLAGS)
.PHONY: FORCE

$(BUILD)/kernel-obj/%.o: %.c $(BUILD)/kernel.flags
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(BUILD)/kernel-obj/%.o: %.S $(BUILD)/kernel.flags
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KERNEL_ASFLAGS) -c $< -o $@

# Three links so the embedded symbol table describes the image that holds it: the first
# has an empty table, the second a table of the right size, the third the right addresses.
$(KERNEL_ELF): $(KERNEL_OBJS) kernel/arch/x86_64/kernel.ld tools/gen-ksyms.sh
	@mkdir -p $(BUILD)/ksyms
	$(Q)tools/gen-ksyms.sh > $(BUILD)/ksyms/ksyms0.S
	$(Q)$(CC) -c $(BUILD)/ksyms/ksyms0.S -o $(BUILD)/ksyms/ksyms0.o
	$(Q)$(LD) $(KERNEL_LDFLAGS) -o $@.1 $(KERNEL_OBJS) $(BUILD)/ksyms/ksyms0.o
	$(Q)tools/gen-ksyms.sh $@.1 > $(BUILD)/ksyms/ksyms1.S
	$(Q)$(CC) -c $(BUILD)/ksyms/ksyms1.S -o $(BUILD)/ksyms/ksyms1.o
	$(Q)$(LD) $(KERNEL_LDFLAGS) -o $@.2 $(KERNEL_OBJS) $(BUILD)/ksyms/ksyms1.o
	$(Q)tools/gen-ksyms.sh $@.2 > $(BUILD)/ksyms/ksyms2.S
	$(Q)$(CC) -c $(BUILD)/ksyms/ksyms2.S -o $(BUILD)/ksyms/ksyms2.o
	$(Q)$(LD) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJS) $(BUILD)/ksyms/ksyms2.o
	$(Q)tools/gen-ksyms.sh $@ | cmp -s - $(BUILD)/ksyms/ksyms2.S || \
		{ echo "kernel symbol table did not settle after three links" >&2; exit 1; }
	$(Q)rm -f $@.1 $@.2
	@echo "  LD      $@"

# A GRUB image for BIOS boots that holds only GRUB and its configuration: the kernel,
# its command line and the initrd come from a FAT disk made per run (tools/qemu-run.sh).
$(GRUB_ISO): boot/multiboot2/grub.cfg
	@mkdir -p $(BUILD)/iso/boot/grub
	$(Q)cp boot/multiboot2/grub.cfg $(BUILD)/iso/boot/grub/grub.cfg
	$(Q)grub-mkrescue -d /usr/lib/grub/i386-pc -o $@ $(BUILD)/iso 2> $(BUILD)/grub-mkrescue.log || \
		{ cat $(BUILD)/grub-mkrescue.log >&2; exit 1; }
	@echo "  GRUB    $@"

$(BUILD)/host-obj/%.o: %.c $(BUILD)/host.flags
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HOST_CFLAGS) -c $< -o $@

$(HOST_LIB): $(HOST_LIB_OBJS)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/host/test_%: $(BUILD)/host-obj/tests/host/test_%.o $(HOST_SUPPORT_OBJS) $(HOST_LIB)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HOST_CFLAGS) -o $@ $< $(HOST_SUPPORT_OBJS) $(HOST_LIB)

host-tests: $(HOST_TESTS)

include userlib/userlib.mk

$(MKINITRD): tools/mkinitrd.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -O2 -g $(WARNINGS) -o $@ $<

$(BENCH_MM): tests/bench/bench_mm.c $(MM_HOST_C) $(BUILD)/host.flags
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(BENCH_CFLAGS) -o $@ tests/bench/bench_mm.c $(MM_HOST_C)

$(FUZZ_MM): tests/fuzz/fuzz_mm.c $(MM_HOST_C) $(BUILD)/host.flags
	@mkdir -p $(dir $@)
	$(Q)clang $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz_mm.c $(MM_HOST_C)

# Benchmarks print "bench NAME cycles_per_op=X" lines; they assert nothing. The host
# part times the mm core; the vm_* and syscall_* lines come from a user program in QEMU.
VM_BENCH_MEM ?= 512M
bench:
	$(Q)tools/ensure-deps.sh run
	$(Q)$(MAKE) --no-print-directory $(BENCH_MM) all
	$(Q)$(BENCH_MM)
	$(Q)BUILD=$(BUILD) MEM=$(VM_BENCH_MEM) BOOT=$(BOOT) $(if $(ACCEL),ACCEL=$(ACCEL)) \
		tools/run-vm-bench.sh

# Coverage-guided fuzzing of the mm core; findings are written to $(BUILD)/fuzz/.
fuzz:
	$(Q)tools/ensure-deps.sh fuzz
	$(Q)$(MAKE) --no-print-directory $(FUZZ_MM)
	@mkdir -p $(BUILD)/fuzz/corpus-mm
	$(Q)$(FUZZ_MM) -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		-artifact_prefix=$(BUILD)/fuzz/ $(BUILD)/fuzz/corpus-mm

# A user program: PROG=file.c is compiled against userlib (headers beside it are found),
# linked statically, packed into an initrd and named on the kernel command line after
# `--` with ARGS. Programs given with PROG= are not ours: warnings shown, never -Werror.
# -fstack-clash-protection: large frames probe each page, as __chkstk does on Windows.
# Without PROG and without CMDLINE, make run runs the demo; with CMDLINE alone (test=...,
# loglevel=...), the kernel runs without a program and its console is shown.
ifeq ($(strip $(CMDLINE)),)
PROG ?= examples/demo.c
endif
PROG ?=
ARGS ?=
PROG_NAME = $(basename $(notdir $(PROG))).exe
PROG_DIR := $(BUILD)/prog
PROG_CFLAGS = -std=gnu11 -O2 -g -Wall -Wextra -ffreestanding -fno-stack-protector \
	-fstack-clash-protection -fno-pic -fno-pie -I$(dir $(PROG)) -Iuserlib/include
PROG_LDFLAGS := -static -nostdlib -no-pie -Wl,-z,noexecstack -Wl,--build-id=none

# prog-build: compiles PROG into $(PROG_DIR)/NAME.exe and its initrd.
.PHONY: prog-build
prog-build: userlib $(MKINITRD)
	@test -f "$(PROG)" || { echo "make: PROG=$(PROG): no such file" >&2; exit 2; }
	@mkdir -p $(PROG_DIR)
	$(Q)$(CC) $(PROG_CFLAGS) -c "$(PROG)" -o $(PROG_DIR)/$(PROG_NAME).o
	$(Q)$(CC) $(PROG_LDFLAGS) -o $(PROG_DIR)/$(PROG_NAME) $(USERLIB_CRT0) \
		$(PROG_DIR)/$(PROG_NAME).o $(USERLIB_LIB) $$($(CC) -print-libgcc-file-name)
	$(Q)$(MKINITRD) $(PROG_DIR)/initrd.cpio $(PROG_DIR)/$(PROG_NAME)=$(PROG_NAME)

RUN_ARGS = --boot $(BOOT) --mem $(MEM) $(if $(ACCEL),--accel $(ACCEL)) \
	$(if $(TIMEOUT),--timeout $(TIMEOUT)) \
	$(if $(PROG),--initrd $(PROG_DIR)/initrd.cpio --cmdline '$(CMDLINE) -- $(PROG_NAME) $(ARGS)',--cmdline "$(CMDLINE)")

run:
	$(Q)tools/ensure-deps.sh run
	$(Q)$(MAKE) --no-print-directory all $(if $(PROG),prog-build)
	$(Q)tools/qemu-run.sh $(RUN_ARGS) $(if $(PROG),--program-stdout,--console)

debug:
	$(Q)tools/ensure-deps.sh debug
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tools/qemu-run.sh $(RUN_ARGS) --console --gdb

test:
	$(Q)tools/ensure-deps.sh test
	$(Q)$(MAKE) --no-print-directory all host-tests userlib $(FUZZ_MM)
	$(Q)tools/run-tests.sh --extra-cmdline "$(CMDLINE)" $(if $(ACCEL),--accel $(ACCEL))

# Keep objects make considers intermediate, so rebuilds stay incremental.
.SECONDARY:

# The user-program tests built with mingw-w64 and run under Wine: every expectation must
# hold there too (docs/vm.md lists the known Wine deviations). Not part of make test.
check-wine:
	$(Q)tools/ensure-deps.sh wine
	$(Q)BUILD=$(BUILD) tools/check-wine.sh

clean:
	rm -rf $(BUILD)

-include $(KERNEL_OBJS:.o=.d) $(HOST_LIB_OBJS:.o=.d) $(HOST_SUPPORT_OBJS:.o=.d) \
	$(patsubst $(BUILD)/host/%,$(BUILD)/host-obj/tests/host/%.d,$(HOST_TESTS))
