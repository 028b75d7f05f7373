# khata: build, run and test. `make run` and `make test` are all a newcomer needs (README.md).
#
# The `khata` extension is built with PGXS; khatad and the unit tests with CMake under build/.

PG_CONFIG ?= pg_config
KHATA_VERSION := 0.1
BUILD_DIR ?= build
CMAKE_BUILD_TYPE ?= RelWithDebInfo

.DEFAULT_GOAL := all

# --- the khata extension (PGXS) -------------------------------------------------------------
MODULE_big = khata
OBJS = $(patsubst %.cpp,%.o,$(sort $(wildcard extension/src/core/*.cpp extension/src/pg/*.cpp)))
PG_CPPFLAGS = -Iextension/include
PG_CXXFLAGS = -std=c++17 -MMD -MP -Wextra -Wno-unused-parameter -Wno-missing-field-initializers
SHLIB_LINK = -lstdc++
SHLIB_LINK += -lz -lexpat  # khata.read_table: ZIP inflation and XML parsing of XLSX files
EXTRA_CLEAN = $(OBJS:.o=.d)
# Debian's server is built with LLVM: PGXS also emits bitcode, which must see the C++ flags.
COMPILE.cxx.bc = $(CLANG) -xc++ -std=c++17 -Wno-ignored-attributes $(BITCODE_CXXFLAGS) $(CPPFLAGS) -flto=thin -emit-llvm -c

# Each extension's install script is the concatenation of its module files, in name order.
# It is rebuilt on every make but rewritten only when its text changes, so a module file
# that was removed or renamed leaves no trace and an unchanged script is not reinstalled.
APPS := $(notdir $(patsubst %/,%,$(wildcard sql/apps/*/)))
EXTENSIONS := khata $(addprefix khata_,$(APPS))
MODULEDIR = extension
DATA = sql/khata/khata.control $(foreach a,$(APPS),sql/apps/$(a)/khata_$(a).control) \
       $(wildcard sql/khata/upgrades/*.sql $(foreach a,$(APPS),sql/apps/$(a)/upgrades/*.sql))
DATA_built = $(foreach e,$(EXTENSIONS),$(BUILD_DIR)/sql/$(e)--$(KHATA_VERSION).sql)

.PHONY: FORCE
$(BUILD_DIR)/sql/khata--$(KHATA_VERSION).sql: FORCE
	@mkdir -p $(dir $@)
	@cat $(sort $(wildcard sql/khata/*.sql)) > $@.new
	@cmp -s $@.new $@ && rm $@.new || mv $@.new $@

define app_script
$(BUILD_DIR)/sql/khata_$(1)--$(KHATA_VERSION).sql: FORCE
	@mkdir -p $$(dir $$@)
	@cat $$(sort $$(wildcard sql/apps/$(1)/*.sql)) > $$@.new
	@cmp -s $$@.new $$@ && rm $$@.new || mv $$@.new $$@
endef
$(foreach a,$(APPS),$(eval $(call app_script,$(a))))

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)
-include $(OBJS:.o=.d)

# --- khatad and unit tests (CMake) ----------------------------------------------------------
.PHONY: cmake-build
cmake-build:
	@cmake -S . -B $(BUILD_DIR)/cmake -DCMAKE_BUILD_TYPE=$(CMAKE_BUILD_TYPE) >/dev/null
	+@cmake --build $(BUILD_DIR)/cmake -- --no-print-directory

all: cmake-build

# --- the two commands -----------------------------------------------------------------------
.PHONY: run test bench chaos fuzz format lint deps
deps:
	@KHATA_ROOT=$(CURDIR) bash -c 'source tests/harness/lib.sh && ensure_packages'

run:
	@KHATA_ROOT=$(CURDIR) bash tests/harness/run.sh

test:
	@KHATA_ROOT=$(CURDIR) bash tests/harness/test.sh

bench:
	@KHATA_ROOT=$(CURDIR) bash tests/harness/bench.sh

# The bank workload under faults: CHAOS_SECONDS (120), CHAOS_SEED (random, printed).
chaos:
	@KHATA_ROOT=$(CURDIR) bash tests/harness/chaos.sh

# libFuzzer targets tests/fuzz/NAME_fuzz.cpp, FUZZ_SECONDS (60) each, corpus tests/fuzz/corpus/NAME.
FUZZ_SECONDS ?= 60
fuzz:
	@cmake -S . -B $(BUILD_DIR)/fuzz -DKHATA_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++-14 \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	+@cmake --build $(BUILD_DIR)/fuzz -- --no-print-directory
	@failed=0; for bin in $(BUILD_DIR)/fuzz/*_fuzz; do \
	  name=$$(basename $$bin _fuzz); mkdir -p $(BUILD_DIR)/fuzz/corpus/$$name; \
	  seeds=$$( [ -d tests/fuzz/corpus/$$name ] && echo tests/fuzz/corpus/$$name ); \
	  (cd $(BUILD_DIR)/fuzz && ./$$(basename $$bin) -max_total_time=$(FUZZ_SECONDS) \
	    -print_final_stats=1 corpus/$$name $$(echo $$seeds | sed 's|^|$(CURDIR)/|;s| | $(CURDIR)/|g') \
	    >$$name.log 2>&1) || failed=1; \
	  printf '%-10s %s executions\n' $$name \
	    "$$(sed -n 's/^stat::number_of_executed_units: *//p' $(BUILD_DIR)/fuzz/$$name.log)"; \
	  grep -E 'ERROR|SUMMARY|crash-|leak-|timeout-' $(BUILD_DIR)/fuzz/$$name.log || true; \
	done; exit $$failed

# --- hygiene --------------------------------------------------------------------------------
CXX_SOURCES = $(shell git ls-files '*.cpp' '*.h' 2>/dev/null)

format:
	clang-format -i $(CXX_SOURCES)

lint: cmake-build
	clang-format --dry-run --Werror $(CXX_SOURCES)
	clang-tidy -p $(BUILD_DIR)/cmake --quiet --warnings-as-errors='*' \
	  --extra-arg=-I$(CURDIR)/extension/include --extra-arg=-I$(CURDIR)/adapter/src \
	  --checks='-*,bugprone-*,performance-*,clang-analyzer-*,-bugprone-easily-swappable-parameters,-bugprone-exception-escape' \
	  $(filter %.cpp,$(filter-out extension/src/pg/%,$(CXX_SOURCES)))
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	  --inline-suppr --std=c++17 --library=googletest -Iextension/include -Iadapter/src \
	  -D'HTTP_PROTOTYPE(x)=' $(filter %.cpp,$(CXX_SOURCES))

# The DBA's install: the extensions into the system PostgreSQL (PGXS) and khatad into PREFIX.
PREFIX ?= /usr/local
install: install-khatad
.PHONY: install-khatad
install-khatad: cmake-build
	install -D -m 755 $(BUILD_DIR)/cmake/khatad '$(DESTDIR)$(PREFIX)/bin/khatad'

clean: clean-build
.PHONY: clean-build
clean-build:
	rm -rf $(BUILD_DIR)
