# The UEFI boot loader, BOOTX64.EFI (included by the top-level Makefile).
#
# GNU-EFI builds an ordinary position-independent ELF shared object with its own start
# code and linker script, then objcopy rewrites it as a PE/COFF EFI application
# (subsystem 10). The ELF, loader.so, keeps the symbols: load it in a debugger at the
# image base the loader prints (gdb: add-symbol-file build/boot/efi/loader.so -o BASE).

# Rules below must not become the top Makefile's default goal: remember it, restore it.
EFI_SAVED_GOAL := $(.DEFAULT_GOAL)

EFI_LOADER       := $(BUILD)/boot/efi/BOOTX64.EFI
EFI_LOADER_DEBUG := $(BUILD)/boot/efi/loader.so

EFI_CC      ?= $(CC)
EFI_LD      ?= $(LD)
EFI_OBJCOPY ?= objcopy
GNU_EFI_INC ?= /usr/include/efi
GNU_EFI_LIB ?= /usr/lib

EFI_SRCS := $(wildcard boot/efi/*.c)
EFI_OBJS := $(patsubst boot/efi/%.c,$(BUILD)/boot/efi/%.o,$(EFI_SRCS))

# -DGNU_EFI_USE_MS_ABI: firmware calls use the Microsoft ABI directly (uefi_call_wrapper
# becomes a plain call). Our own functions, efi_main included, stay System V.
EFI_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror \
	-ffreestanding -fpic -fshort-wchar -mno-red-zone -maccumulate-outgoing-args \
	-fno-stack-protector -fno-strict-aliasing -fno-asynchronous-unwind-tables \
	-DGNU_EFI_USE_MS_ABI -I$(GNU_EFI_INC) -I$(GNU_EFI_INC)/x86_64 -Iboot -Iboot/efi \
	-MMD -MP

EFI_LDFLAGS := -nostdlib -znocombreloc -shared -Bsymbolic \
	-T $(GNU_EFI_LIB)/elf_x86_64_efi.lds

# The sections GNU-EFI's linker script produces that belong in the PE image.
EFI_SECTIONS := -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela \
	-j '.rel.*' -j '.rela.*' -j .reloc

# Static pattern rule: it wins over any generic $(BUILD)/%.o rule for kernel code.
$(EFI_OBJS): $(BUILD)/boot/efi/%.o: boot/efi/%.c
	@mkdir -p $(dir $@)
	$(Q)$(EFI_CC) $(EFI_CFLAGS) -c $< -o $@

$(EFI_LOADER_DEBUG): $(EFI_OBJS)
	$(Q)$(EFI_LD) $(EFI_LDFLAGS) $(GNU_EFI_LIB)/crt0-efi-x86_64.o $(EFI_OBJS) \
		-L$(GNU_EFI_LIB) -lefi -lgnuefi -o $@

$(EFI_LOADER): $(EFI_LOADER_DEBUG)
	$(Q)$(EFI_OBJCOPY) $(EFI_SECTIONS) --target efi-app-x86_64 --subsystem=10 $< $@

-include $(EFI_OBJS:.o=.d)

.DEFAULT_GOAL := $(EFI_SAVED_GOAL)
