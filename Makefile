# The README's commands. Each runs scripts/setup.sh first, so a fresh machine needs nothing else.
BUILD_DIR ?= build
DATA_DIR ?= data
LISTEN ?= 127.0.0.1:8080
JOBS ?= $(shell nproc)

.PHONY: run test bench build setup configure clean

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

bench: build
	$(BUILD_DIR)/bench/ingest_bench
	$(BUILD_DIR)/bench/segments_bench
	$(BUILD_DIR)/bench/journeys_bench
	$(BUILD_DIR)/bench/ledger_bench
	$(BUILD_DIR)/bench/fission_bench
	$(BUILD_DIR)/bench/reports_bench

clean:
	rm -rf $(BUILD_DIR)
