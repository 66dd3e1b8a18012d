# cnilab: `make run` starts the lab, `make test` runs every test (as root).
GO      ?= go
BIN     := bin/lab
TIMEOUT ?= 30m
# Tests of one package at a time run this many at once: most wait on the
# kernel or on a lab process, not on a core.
PARALLEL ?= 6

.PHONY: all build run test unit deps bench fuzz clean

# Fuzz targets: the parsers of outside input (lesson YAML, the CNI config on
# the stdin of our plugin). make test runs each briefly; make fuzz longer.
FUZZ_TARGETS := ./engine:FuzzParse ./netops/mycni:FuzzParseConfig
FUZZTIME     ?= 10s

all: build

# The reference CNI plugins (bridge, host-local, loopback, portmap) and
# cnitool, pinned as tool directives in go.mod, go to bin/cni/ and bin/.
CNI_PLUGINS := github.com/containernetworking/plugins/plugins/main/bridge \
	github.com/containernetworking/plugins/plugins/ipam/host-local \
	github.com/containernetworking/plugins/plugins/main/loopback \
	github.com/containernetworking/plugins/plugins/meta/portmap

# lab is built static (no cgo): it starts without the dynamic loader, and
# it runs where the machine's libraries are not (a container's rootfs).
build:
	CGO_ENABLED=0 $(GO) build -o $(BIN) .
	@mkdir -p bin/cni
	$(GO) build -o bin/cni/ $(CNI_PLUGINS)
	$(GO) build -o bin/cnitool github.com/containernetworking/cni/cnitool

# The walkthrough: as root, or as you where the machine allows user
# namespaces (your labs then live in one of your own: docs/user-guide.md),
# else with sudo.
run: build deps
	@if [ "$$(id -u)" = 0 ] || unshare --user --map-root-user true 2>/dev/null; then ./$(BIN); else sudo ./$(BIN); fi

# Debian packages the lessons use (iproute2, nftables, iptables, ping,
# tcpdump, tmux, jq, util-linux), installed when missing (with sudo when not
# root). make test adds ansible (scripts/deps.sh --test), and tells the tests
# so (CNILAB_TEST_DEPS): a test that needs it fails rather than skips.
deps:
	@./scripts/deps.sh

# Every test: unit tests, kernel tests in scopes of their own, the lesson
# self-tests. Kernel tests need root; without it, make asks sudo. Packages run
# one at a time (-p 1): a CNI plugin run by hand writes host-local's one
# machine-wide folder, and no other package's lesson may claim it meanwhile.
test:
	@if [ "$$(id -u)" != 0 ]; then \
		echo "make test needs root for the kernel tests; running it with sudo"; \
		exec sudo -E env "PATH=$$PATH" $(MAKE) test; \
	fi
	@./scripts/deps.sh --test
	$(MAKE) build
	$(GO) vet ./...
	CNILAB_TEST_DEPS=installed $(GO) test -count=1 -p 1 -parallel $(PARALLEL) -timeout $(TIMEOUT) ./...
	@$(MAKE) --no-print-directory fuzz FUZZTIME=$(FUZZTIME)

# Unit tests only: no root, no kernel. -short makes every kernel test and
# every test of the built binary skip, even when run as root.
unit:
	$(GO) test -short -count=1 ./...

bench: build deps
	$(GO) test -p 1 -run '^$$' -bench . -benchtime 20x ./...
	./scripts/bench.sh

fuzz:
	@GO=$(GO) FUZZTIME=$(FUZZTIME) ./scripts/fuzz.sh $(FUZZ_TARGETS)

clean:
	rm -rf bin
