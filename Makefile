# The README's commands. Each runs scripts/setup.sh first, so a fresh machine needs nothing else.
BUILD_DIR ?= build
DATA_DIR ?= data
LISTEN ?= 127.0.0.1:8080
JOBS ?= $(shell nproc)
# ccache hits across clones (CI builds a fresh clone each time): paths under the project are
# hashed relative to it, and the build directory is not hashed (debug info may then name the
# directory of the clone that first compiled a file).
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := true

.PHONY: run test test-asan bench build setup configure clean fuzz

setup:
	@bash scripts/setup.sh

configure: setup
	@test -f $(BUILD_DIR)/build.ninja || cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# First start with an empty data directory: generate the demo world (docs/demo-world.md).
run: build
	@mkdir -p $(DATA_DIR)
	@test -f $(DATA_DIR)/pond.db || $(BUILD_DIR)/src/cli/pond demo --data $(DATA_DIR)
	$(BUILD_DIR)/src/cli/pond serve --data $(DATA_DIR) --listen $(LISTEN)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# The core libraries' unit tests, the outbound and WeCom clients (threads, HTTP, hostile
# answers) and the fuzz corpora under AddressSanitizer and UBSan (gcc), in their own build
# directory; CI runs it after `make test` (.ci/run).
ASAN_DIR ?= build-asan
ASAN_TESTS = base_test model_test store_test engine_test segment_test distribution_test \
  channels_test outbound_test wecom_test fuzz_tracking fuzz_orders fuzz_rules fuzz_csv \
  fuzz_query_string
ASAN_CTEST = ^(base|model|store|engine|segment|distribution|channels|outbound|wecom)_test$$|^fuzz_(tracking|orders|rules|csv|query_string)_corpus$$
test-asan: setup
	@test -f $(ASAN_DIR)/build.ninja || cmake -S . -B $(ASAN_DIR) -G Ninja \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPOND_SANITIZE=ON
	@cmake --build $(ASAN_DIR) -j $(JOBS) --target $(ASAN_TESTS)
	cd $(ASAN_DIR) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS) -R '$(ASAN_CTEST)'

bench: build
	$(BUILD_DIR)/bench/ingest_bench
	$(BUILD_DIR)/bench/load_bench
	$(BUILD_DIR)/bench/segments_bench
	$(BUILD_DIR)/bench/journeys_bench
	$(BUILD_DIR)/bench/ledger_bench
	$(BUILD_DIR)/bench/fission_bench
	$(BUILD_DIR)/bench/reports_bench
	$(BUILD_DIR)/bench/wecom_sync_bench
	$(BUILD_DIR)/bench/archive_bench

# Each fuzz target for FUZZ_SECONDS under libFuzzer with ASan and UBSan (clang), starting from
# its seed corpus in fuzz/corpus/<target>; what it finds new goes to $(FUZZ_DIR)/corpus/<target>,
# a crash to $(FUZZ_DIR)/. `make test` replays the seed corpora under the normal build.
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 120
FUZZ_TARGETS = tracking orders rules journey csv wecom_xml query_string
fuzz:
	@bash scripts/setup.sh fuzz
	@test -f $(FUZZ_DIR)/build.ninja || CC=clang CXX=clang++ cmake -S . -B $(FUZZ_DIR) -G Ninja \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPOND_FUZZ=ON
	@cmake --build $(FUZZ_DIR) -j $(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_DIR)/corpus/$$t; \
	  echo "== fuzz_$$t for $(FUZZ_SECONDS) s"; \
	  $(FUZZ_DIR)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=$(FUZZ_DIR)/ \
	    $(FUZZ_DIR)/corpus/$$t fuzz/corpus/$$t || exit 1; \
	done

clean:
	rm -rf $(BUILD_DIR)
