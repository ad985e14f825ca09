# libcurriculum: a plain GNU Makefile.
#
#   make                 static and shared library, all examples
#   make check           Criterion suites + examples + header checks (fast)
#   make check SANITIZE=address,undefined   the same under ASan+UBSan
#   make tsan            the plain-main() stress programs under TSan
#   make test            everything above, plus the install check
#   make bench [SUITE=x] [BENCH_MODE=full]  benchmarks, JSON and report
#   make install PREFIX=/usr/local [DESTDIR=...]
#   make CC=clang ...    any of the above with clang
#
# Each compiler and sanitizer combination builds into its own folder under
# build/, so plain, sanitized and clang objects never mix.

.SUFFIXES:
.DELETE_ON_ERROR:

PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig

VERSION := $(shell sed -n 's/^\#define CUR_VERSION_STRING "\(.*\)"/\1/p' include/curriculum/core.h)
SOMAJOR := $(firstword $(subst ., ,$(VERSION)))

SANITIZE ?=
# ALLOC=jemalloc: the default allocator hook (NULL) uses jemalloc's sized
# mallocx/sdallocx instead of the C library, arena chunks included.
ALLOC ?= libc
CFLAGS ?= -O2 -g
WERROR ?= -Werror
comma := ,
VARIANT := $(notdir $(firstword $(CC)))$(if $(SANITIZE),-$(subst $(comma),-,$(SANITIZE)))$(if $(filter jemalloc,$(ALLOC)),-jemalloc)
B := build/$(VARIANT)

WARNINGS := -Wall -Wextra -Wshadow -Wconversion -Wstrict-prototypes \
            -Wmissing-prototypes $(WERROR)
BASEFLAGS := -std=gnu17 $(WARNINGS) -Iinclude -D_GNU_SOURCE -pthread -MMD -MP
ifneq ($(SANITIZE),)
SANFLAGS := -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
endif
ALL_CFLAGS = $(BASEFLAGS) $(SANFLAGS) $(CFLAGS)
LIB_CFLAGS = $(ALL_CFLAGS) -fPIC -fvisibility=hidden -DCUR_BUILDING_LIBRARY
LDLIBS_LIB := -pthread -lm
ifeq ($(ALLOC),jemalloc)
BASEFLAGS += -DCUR_ALLOC_JEMALLOC=1
LDLIBS_LIB := -ljemalloc $(LDLIBS_LIB)
else ifneq ($(ALLOC),libc)
$(error ALLOC must be libc or jemalloc, not '$(ALLOC)')
endif

# --- library -----------------------------------------------------------------
LIB_SRC := $(sort $(wildcard src/*.c))
LIB_OBJ := $(LIB_SRC:src/%.c=$(B)/obj/%.o)
STATIC := $(B)/libcurriculum.a
SHARED := $(B)/libcurriculum.so.$(VERSION)
HEADERS := $(sort $(wildcard include/curriculum/*.h))

# --- tests, examples, stress, bench ------------------------------------------
TEST_SRC := $(sort $(wildcard tests/test_*.c))
SUPPORT_SRC := $(sort $(wildcard tests/support/*.c))
UNIT := $(B)/tests/unit
EXAMPLE_SRC := $(sort $(wildcard examples/*.c))
EXAMPLES := $(EXAMPLE_SRC:examples/%.c=$(B)/examples/%)
STRESS_SRC := $(sort $(wildcard tests/stress/*.c))
STRESS := $(STRESS_SRC:tests/stress/%.c=$(B)/stress/%)
BENCH_SRC := $(sort $(wildcard bench/bench_*.c))
BENCHES := $(BENCH_SRC:bench/%.c=$(B)/bench/%)
HEADER_CHECKS := $(HEADERS:include/curriculum/%.h=$(B)/headers/%.o)

.PHONY: all lib examples check unit run-unit run-examples headers tsan test \
        bench bench-build deps install uninstall install-check catalog \
        docs docs-check clean

all: lib examples

lib: $(STATIC) $(SHARED)

$(B)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(LIB_CFLAGS) -c $< -o $@

$(STATIC): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(SHARED): $(LIB_OBJ)
	$(CC) $(SANFLAGS) -shared -Wl,-soname,libcurriculum.so.$(SOMAJOR) -o $@ $^ $(LDLIBS_LIB)
	ln -sf $(notdir $@) $(B)/libcurriculum.so.$(SOMAJOR)
	ln -sf $(notdir $@) $(B)/libcurriculum.so

# Programs link the static library so that tests reach internal symbols.
$(B)/support/%.o: tests/support/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests -c $< -o $@

$(B)/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests -Isrc -c $< -o $@

$(UNIT): $(TEST_SRC:tests/%.c=$(B)/tests/%.o) $(SUPPORT_SRC:tests/support/%.c=$(B)/support/%.o) $(STATIC)
	$(CC) $(ALL_CFLAGS) -o $@ $(filter-out $(STATIC),$^) $(STATIC) -lcriterion $(LDLIBS_LIB)

$(B)/examples/%: examples/%.c $(STATIC)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MF $@.d -o $@ $< $(STATIC) $(LDLIBS_LIB)

$(B)/stress/%: tests/stress/%.c $(STATIC)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests -Isrc -MF $@.d -o $@ $< $(STATIC) $(LDLIBS_LIB)

$(B)/bench/harness.o: bench/harness.c bench/harness.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Ibench -c $< -o $@

# peer.o drives the peer programs in other languages (docs/peers.md).
$(B)/bench/peer.o: bench/peer.c bench/peer.h bench/harness.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Ibench -c $< -o $@

BENCH_OBJ := $(B)/bench/harness.o $(B)/bench/peer.o
$(B)/bench/%: bench/%.c $(BENCH_OBJ) $(STATIC)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Ibench -Isrc -MF $@.d -o $@ $< $(BENCH_OBJ) $(STATIC) $(BENCH_LDLIBS) $(LDLIBS_LIB)

# Each public header must compile on its own, as the first include of a file.
$(B)/headers/%.o: include/curriculum/%.h
	@mkdir -p $(@D)
	printf '#include <curriculum/%s.h>\n#include <curriculum/%s.h>\nint cur_header_check_%s(void);\nint cur_header_check_%s(void) { return 0; }\n' \
	    $* $* $(subst -,_,$*) $(subst -,_,$*) > $(@:.o=.c)
	$(CC) $(ALL_CFLAGS) -pedantic -Wno-gnu-statement-expression -Wno-unknown-warning-option -c $(@:.o=.c) -o $@

$(B)/headers/all.o: include/curriculum.h $(HEADERS)
	@mkdir -p $(@D)
	printf '#include <curriculum.h>\nint cur_header_check_all(void);\nint cur_header_check_all(void) { return 0; }\n' > $(@:.o=.c)
	$(CC) $(ALL_CFLAGS) -c $(@:.o=.c) -o $@

examples: $(EXAMPLES)
unit: $(UNIT)
headers: $(HEADER_CHECKS) $(B)/headers/all.o
	@echo "headers: $(words $(HEADER_CHECKS) x) passed, 0 failed"

# --- generators (tools/) ---
# Host programs the build runs (lessons adv-3.1 and adv-4.2):
#   tools/gen_tables  writes $(B)/gen/crc32c_table.h, the CRC-32C tables
#                     that src/crc.c compiles in (a table computed at build
#                     time, where Rust would use const evaluation);
#   tools/derive      reads structs marked CUR_DERIVE(json) in a header and
#                     writes NAME_json.h and NAME_json.c with their JSON
#                     functions: for each tests/derive/*.h fixture (not the
#                     bad_*.h ones, which must fail) and for the adv-4.2
#                     example's header.
# The tools are built with the same flags as everything else, sanitizers
# included, so that the sanitized `make check` also checks the generators.
GEN := $(B)/gen
GEN_TABLES := $(B)/tools/gen_tables
DERIVE := $(B)/tools/derive
DERIVE_FIXTURES := $(filter-out tests/derive/bad_%,$(sort $(wildcard tests/derive/*.h)))
DERIVE_TEST_HDR := $(DERIVE_FIXTURES:tests/derive/%.h=$(GEN)/derive/%_json.h)
DERIVE_TEST_OBJ := $(DERIVE_FIXTURES:tests/derive/%.h=$(GEN)/derive/%_json.o)
ADV42 := adv-4.2-derive-serialization

$(B)/tools/%: tools/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MF $@.d -o $@ $<

$(GEN)/crc32c_table.h: $(GEN_TABLES)
	@mkdir -p $(@D)
	$(GEN_TABLES) -o $@ crc32c

$(B)/obj/crc.o: $(GEN)/crc32c_table.h
$(B)/obj/crc.o: LIB_CFLAGS += -I$(GEN)

# One derive run writes both files (a pattern rule with two targets).
$(GEN)/derive/%_json.h $(GEN)/derive/%_json.c: tests/derive/%.h $(DERIVE)
	@mkdir -p $(@D)
	$(DERIVE) -o $(GEN)/derive/$*_json --include $*.h $<

$(GEN)/derive/%_json.o: $(GEN)/derive/%_json.c $(GEN)/derive/%_json.h
	$(CC) $(ALL_CFLAGS) -Itests/derive -c $< -o $@

$(GEN)/examples/%_json.h $(GEN)/examples/%_json.c: examples/%.h $(DERIVE)
	@mkdir -p $(@D)
	$(DERIVE) -o $(GEN)/examples/$*_json --include $*.h $<

$(GEN)/examples/%_json.o: $(GEN)/examples/%_json.c $(GEN)/examples/%_json.h
	$(CC) $(ALL_CFLAGS) -Iexamples -c $< -o $@

# Keep the generated sources (make deletes intermediate files otherwise):
# they are there to be read.
.SECONDARY: $(DERIVE_TEST_HDR) $(DERIVE_TEST_HDR:.h=.c) \
            $(GEN)/examples/$(ADV42)_json.h $(GEN)/examples/$(ADV42)_json.c

# Tests: test_derive links the generated code of every fixture (the unit
# link rule puts the archive after every object, so they resolve in it).
ifneq ($(filter tests/test_derive.c,$(TEST_SRC)),)
$(UNIT): $(DERIVE_TEST_OBJ)
endif
$(B)/tests/test_derive.o: $(DERIVE_TEST_HDR)
$(B)/tests/test_derive.o: ALL_CFLAGS += -I$(GEN)/derive -Itests/derive
$(B)/tests/test_crc.o: $(GEN)/crc32c_table.h
$(B)/tests/test_crc.o: ALL_CFLAGS += -I$(GEN)

# Examples: adv-3.1 prints from the generated table; adv-4.2 links the
# code derived from its header (an explicit rule, which wins over the
# pattern rule for examples).
$(B)/examples/adv-3.1-const-evaluation: $(GEN)/crc32c_table.h
$(B)/examples/adv-3.1-const-evaluation: ALL_CFLAGS += -I$(GEN)

$(B)/examples/$(ADV42): examples/$(ADV42).c $(GEN)/examples/$(ADV42)_json.o $(STATIC)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Iexamples -I$(GEN)/examples -MF $@.d -o $@ $< \
	    $(GEN)/examples/$(ADV42)_json.o $(STATIC) $(LDLIBS_LIB)

# The generators' bad inputs: each tests/derive/bad_*.h must make derive
# fail with the message its `expect:` line names; gen_tables must refuse
# bad arguments.
.PHONY: derive-bad
derive-bad: $(DERIVE) $(GEN_TABLES)
	@$(SAN_ENV) tests/derive/run-bad.sh $(DERIVE) $(GEN_TABLES)

check: derive-bad
# --- end generators ---

# --- running ------------------------------------------------------------------
SAN_ENV := ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:detect_stack_use_after_return=1 \
           UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
CRITERION_FLAGS ?= --jobs=2

run-unit: $(UNIT)
	@$(SAN_ENV) scripts/run-unit.sh $(UNIT) $(CRITERION_FLAGS)

run-examples: $(EXAMPLES)
	@$(SAN_ENV) scripts/run-examples.sh $(B)/examples

check: headers run-unit run-examples docs-check generics-check

# Newtypes must compile to the same code as their raw types, and unmet
# trait bounds must fail to compile with the documented message.
.PHONY: generics-check
generics-check:
	@CC="$(CC)" tests/check_generics.sh

tsan:
	@$(MAKE) --no-print-directory SANITIZE=thread stress-build
	@scripts/run-stress.sh build/$(notdir $(firstword $(CC)))-thread/stress

.PHONY: stress-build
stress-build: $(STRESS)

test: deps
	@CC="$(CC)" MAKE="$(MAKE)" scripts/test.sh

# --- benchmarks -------------------------------------------------------------
# Only the arena suite links jemalloc (for mallocx/sdallocx): linking it
# replaces malloc process-wide, which would turn every other suite's malloc
# baseline into jemalloc.
BENCH_LDLIBS ?=
$(B)/bench/bench_arena: BENCH_LDLIBS += -ljemalloc

# Per-module rules that do not fit the patterns above (extra link flags,
# peer programs for the benchmarks) live in mk/<module>.mk.
-include $(sort $(wildcard mk/*.mk))
bench-build: $(BENCHES)

# The peers' toolchains (Go, Rust, oneTBB) are optional: without them the
# suites list those impls as missing, with the reason.
bench:
	@scripts/deps.sh
	@scripts/deps.sh --bench || echo "bench: peer toolchains missing; those peers will be listed as missing" >&2
	@$(MAKE) --no-print-directory SANITIZE= bench-build
	@scripts/bench.sh build/$(notdir $(firstword $(CC)))/bench $(SUITE)

deps:
	@scripts/deps.sh

# --- install ------------------------------------------------------------------
$(B)/curriculum.pc: curriculum.pc.in include/curriculum/core.h
	@mkdir -p $(@D)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	    -e 's|@LIBS_PRIVATE@|$(LDLIBS_LIB)|' $< > $@

install: lib $(B)/curriculum.pc
	install -d $(DESTDIR)$(INCLUDEDIR)/curriculum $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR)
	install -m 644 include/curriculum.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 644 $(HEADERS) $(DESTDIR)$(INCLUDEDIR)/curriculum/
	install -m 644 $(STATIC) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(SHARED) $(DESTDIR)$(LIBDIR)/
	ln -sf libcurriculum.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libcurriculum.so.$(SOMAJOR)
	ln -sf libcurriculum.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libcurriculum.so
	install -m 644 $(B)/curriculum.pc $(DESTDIR)$(PKGCONFIGDIR)/

uninstall:
	rm -rf $(DESTDIR)$(INCLUDEDIR)/curriculum $(DESTDIR)$(INCLUDEDIR)/curriculum.h
	rm -f $(DESTDIR)$(LIBDIR)/libcurriculum.* $(DESTDIR)$(PKGCONFIGDIR)/curriculum.pc

install-check:
	@scripts/install-check.sh

# --- docs and the lesson catalog -------------------------------------------
catalog:
	scripts/catalog.sh > docs/lessons.md

docs: catalog
	scripts/docs-sync.sh

docs-check:
	@scripts/docs-check.sh

clean:
	rm -rf build

-include $(shell find $(B) -name '*.d' 2>/dev/null)
