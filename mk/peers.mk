# mk/peers.mk: the benchmark peers in Go, Rust and C++ (docs/peers.md).
#
#   make peers          builds $(B)/bench/peers/<program> for every program
#                       whose toolchain is here (also part of bench-build)
#   make peers-check    builds them and runs each group once (ok/err/missing)
#
# A missing toolchain never fails the build: the recipe writes the reason to
# $(B)/bench/peers/<program>.missing, where bench_peer_impl() reads it, so
# the suites list the impl as missing with that reason. A build that fails
# with the toolchain present does not fail the build either (a broken peer
# must not stop the C suites), but it says so loudly, leaves its log next to
# the program, and makes `make peers-check` fail.
#
# Everything is built offline and everything written stays under $(B):
#   Go    $(PEER_GO) (Debian golang-go), GOCACHE/GOPATH under $(B), GOPROXY=off;
#   Rust  Debian's cargo and rustc with the crates of the librust-*-dev
#         packages (bench/peers/rust/.cargo/config.toml points crates-io at
#         /usr/share/cargo/registry), built from a copy of bench/peers/rust in
#         $(B) so that Cargo.lock never lands in the source tree; rustup's
#         cargo on PATH is the fallback;
#   C++   g++ with Debian libtbb-dev (oneTBB).

PEERS_DIR := $(B)/bench/peers
PEERS_ABS = $(abspath $(PEERS_DIR))
PEER_DEPS_HINT := scripts/deps.sh --bench

PEER_GO ?= $(firstword $(wildcard /usr/bin/go) $(shell command -v go 2>/dev/null))
PEER_CARGO ?= $(firstword $(wildcard /usr/bin/cargo) $(shell command -v cargo 2>/dev/null))
# Debian's cargo must run Debian's rustc, not a rustup rustc earlier on PATH.
PEER_RUSTC ?= $(if $(filter /usr/bin/cargo,$(PEER_CARGO)),$(wildcard /usr/bin/rustc))
PEER_CXX ?= g++
PEER_CRATES := crossbeam-channel rayon tokio libc
PEER_CRATE_DIR := /usr/share/cargo/registry

PEER_PROGRAMS := go-chan rust-chan rust-pool rust-exec rust-echo tbb-pool
RUST_PEERS := rust-chan rust-pool rust-exec rust-echo
PEER_BINS := $(addprefix $(PEERS_DIR)/,$(PEER_PROGRAMS))
PEERS_CHECK := $(B)/bench/peers-check

.PHONY: peers peers-check
peers: $(PEER_BINS) $(PEERS_CHECK)
bench-build: peers

peers-check: peers
	@$(PEERS_CHECK)

# $(call peer_missing,program,reason): record why a program is not built.
define peer_missing
echo "$(1) not built ($(2))" > $(PEERS_DIR)/$(1).missing; \
echo "peers: $(1) not built ($(2))"
endef

# $(call peer_failed,program,log): a build that failed with its toolchain.
define peer_failed
echo "$(1): build failed (log: $(2))" > $(PEERS_DIR)/$(1).missing; \
echo "peers: WARNING: $(1) build failed; last lines of $(2):" >&2; \
tail -n 15 $(2) >&2
endef

# --- Go ----------------------------------------------------------------------
GO_PEER_SRC := bench/peers/go/go.mod $(wildcard bench/peers/go/go-chan/*.go)

$(PEERS_DIR)/go-chan: $(GO_PEER_SRC) mk/peers.mk
	@mkdir -p $(@D)
	@rm -f $@ $@.missing $@.version
	@if [ -z "$(PEER_GO)" ]; then \
	    $(call peer_missing,go-chan,go not installed: $(PEER_DEPS_HINT)); \
	else \
	    echo "GO    $@"; \
	    if ! (cd bench/peers/go && env GOCACHE=$(PEERS_ABS)/go-cache \
	          GOPATH=$(PEERS_ABS)/go-path GOPROXY=off GOFLAGS=-mod=mod \
	          GOTOOLCHAIN=local CGO_ENABLED=0 \
	          $(PEER_GO) build -trimpath -o $(abspath $@) ./go-chan) \
	          > $@.log 2>&1; then \
	        rm -f $@; $(call peer_failed,go-chan,$@.log); \
	    else \
	        $(PEER_GO) version > $@.version; \
	    fi; \
	fi

# --- Rust: one cargo package, four programs ------------------------------------
RUST_PEER_SRC := bench/peers/rust/Cargo.toml bench/peers/rust/.cargo/config.toml \
                 $(wildcard bench/peers/rust/src/*.rs bench/peers/rust/src/bin/*.rs)
RUST_PEER_BINS := $(addprefix $(PEERS_DIR)/,$(RUST_PEERS))
RUST_PEER_LOG := $(PEERS_DIR)/rust.log
RUST_PEER_MISSING := $(foreach p,$(RUST_PEERS),$(PEERS_DIR)/$(p).missing)

$(RUST_PEER_BINS) &: $(RUST_PEER_SRC) mk/peers.mk
	@mkdir -p $(PEERS_DIR)
	@rm -f $(RUST_PEER_BINS) $(RUST_PEER_MISSING) $(RUST_PEER_BINS:=.version)
	@missing=""; for c in $(PEER_CRATES); do \
	    ls -d $(PEER_CRATE_DIR)/$$c-[0-9]* > /dev/null 2>&1 || missing="$$missing $$c"; \
	done; \
	if [ -z "$(PEER_CARGO)" ]; then \
	    for p in $(RUST_PEERS); do \
	        $(call peer_missing,$$p,cargo not installed: $(PEER_DEPS_HINT)); \
	    done; \
	elif [ -n "$$missing" ]; then \
	    for p in $(RUST_PEERS); do \
	        $(call peer_missing,$$p,Debian crates missing:$$missing: $(PEER_DEPS_HINT)); \
	    done; \
	else \
	    echo "CARGO $(RUST_PEER_BINS)"; \
	    rm -rf $(PEERS_DIR)/rust-src && mkdir -p $(PEERS_DIR)/rust-src && \
	    cp -pR bench/peers/rust/Cargo.toml bench/peers/rust/src \
	        bench/peers/rust/.cargo $(PEERS_DIR)/rust-src/ && \
	    if (cd $(PEERS_DIR)/rust-src && \
	        env CARGO_TARGET_DIR=$(PEERS_ABS)/cargo-target \
	            CARGO_HOME=$(PEERS_ABS)/cargo-home \
	            $(if $(PEER_RUSTC),RUSTC=$(PEER_RUSTC)) \
	            $(PEER_CARGO) build --release --offline --bins) \
	        > $(RUST_PEER_LOG) 2>&1; then \
	        v="$$($(or $(PEER_RUSTC),rustc) --version 2>/dev/null),$$(awk \
	            '/^name = /{n=$$3; gsub(/"/,"",n)} /^version = /{v=$$3; gsub(/"/,"",v); \
	             if (n ~ /^(crossbeam-channel|rayon|tokio)$$/) printf " %s %s", n, v}' \
	            $(PEERS_DIR)/rust-src/Cargo.lock)"; \
	        for p in $(RUST_PEERS); do \
	            cp $(PEERS_DIR)/cargo-target/release/$$p $(PEERS_DIR)/$$p; \
	            echo "$$v" > $(PEERS_DIR)/$$p.version; \
	        done; \
	    else \
	        for p in $(RUST_PEERS); do \
	            echo "$$p: build failed (log: $(RUST_PEER_LOG))" > $(PEERS_DIR)/$$p.missing; \
	        done; \
	        echo "peers: WARNING: the rust peers' build failed; last lines of $(RUST_PEER_LOG):" >&2; \
	        tail -n 15 $(RUST_PEER_LOG) >&2; \
	    fi; \
	fi

# --- C++: oneTBB -----------------------------------------------------------------
$(PEERS_DIR)/tbb-pool: bench/peers/tbb/tbb-pool.cpp mk/peers.mk
	@mkdir -p $(@D)
	@rm -f $@ $@.missing $@.version
	@if ! command -v $(PEER_CXX) > /dev/null 2>&1; then \
	    $(call peer_missing,tbb-pool,$(PEER_CXX) not installed: $(PEER_DEPS_HINT)); \
	elif ! echo '#include <oneapi/tbb/task_arena.h>' | \
	        $(PEER_CXX) -x c++ -std=c++17 -fsyntax-only - > /dev/null 2>&1; then \
	    $(call peer_missing,tbb-pool,oneTBB headers not found (libtbb-dev): $(PEER_DEPS_HINT)); \
	else \
	    echo "CXX   $@"; \
	    if ! $(PEER_CXX) -std=c++17 -O2 -Wall -Wextra -o $@ $< -ltbb -pthread \
	          > $@.log 2>&1; then \
	        rm -f $@; $(call peer_failed,tbb-pool,$@.log); \
	    else \
	        echo "$$($(PEER_CXX) --version | head -n 1), oneTBB $$(printf \
	            '#include <oneapi/tbb/version.h>\nTBB_VERSION_MAJOR.TBB_VERSION_MINOR\n' | \
	            $(PEER_CXX) -E -P -x c++ - | tail -n 1 | tr -d ' ')" > $@.version; \
	    fi; \
	fi

# --- the checker (peer.o itself is built by the Makefile's bench rules) --------
$(PEERS_CHECK): bench/peers/check.c $(BENCH_OBJ)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Ibench -MF $@.d -o $@ $< $(BENCH_OBJ) -lm
