# Two commands on a fresh Debian 12 machine: `make run` and `make test`. Both install what is missing first.
BUILD    ?= build
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
# Warnings are fatal, in CI and on a developer's machine alike (WERROR=OFF to look past them for a moment).
WERROR   ?= ON
CMAKE_FLAGS ?=
# The AddressSanitizer + UndefinedBehaviorSanitizer build that `make test` also runs (engine and command-line tests).
ASAN_BUILD ?= build-asan
# The libFuzzer build (clang) and how long `make fuzz` runs each target.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 120
FUZZ_TARGETS := dicom scenario script event_log

DEB_PACKAGES := cmake g++ make pkg-config \
	libsdl2-dev libimgui-dev libstb-dev libglm-dev libgl-dev libgl1-mesa-dri \
	libdcmtk-dev libopenjp2-7-dev libnifti2-dev libcurl4-openssl-dev libpng-dev zlib1g-dev nlohmann-json3-dev libtomlplusplus-dev libsqlite3-dev libpqxx-dev postgresql sqlite3 \
	libespeak-ng-dev espeak-ng-data libcivetweb-dev libqrencode-dev \
	libgtest-dev libgmock-dev libbenchmark-dev \
	dcm2niix orthanc orthanc-dicomweb xvfb xauth chromium nodejs fonts-dejavu-core imagemagick clang-format

.PHONY: all deps configure build run test browser-deps test-sanitize bench clean format format-check fuzz deb deb-check

all: build

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing Debian packages:$$missing"; \
	  if [ "$$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DPOLYSIM_WERROR=$(WERROR) $(CMAKE_FLAGS)

configure: deps
	cmake -S . -B $(BUILD) -DPOLYSIM_WERROR=$(WERROR) $(CMAKE_FLAGS)

build: deps configure
	cmake --build $(BUILD) -j $(JOBS)

# Opens the simulator on the built-in scenario. Without a display it says how to run headless instead of crashing.
run: build
	@if [ -z "$$DISPLAY" ] && [ -z "$$WAYLAND_DISPLAY" ]; then \
	  echo "No display found (DISPLAY and WAYLAND_DISPLAY are empty)."; \
	  echo "  Run the simulator in a virtual display:  xvfb-run -a -s '-screen 0 1600x900x24' $(BUILD)/polysim"; \
	  echo "  Or use the headless commands:            $(BUILD)/polysim help"; \
	else \
	  $(BUILD)/polysim; \
	fi

# The layout check first (seconds; fails on any file that differs from .clang-format), then every test, each in its
# own process under ctest, inside a virtual X display for the OpenGL tests; then the engine and command-line tests
# again under AddressSanitizer + UndefinedBehaviorSanitizer (test-sanitize).
test: format-check build browser-deps
	cd $(BUILD) && xvfb-run -a -s '-screen 0 1600x900x24' ctest --output-on-failure -j $(JOBS)
	$(MAKE) test-sanitize

# puppeteer-core for the browser test (test tooling only), from the npm registry once. Where Node.js came without
# npm (Debian's nodejs), Debian's npm is installed first.
browser-deps:
	@if [ ! -d tests/browser/node_modules ]; then \
	  if ! command -v npm >/dev/null; then \
	    echo "Installing Debian's npm for the browser test's tooling"; \
	    if [ "$$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends npm || true; \
	  fi; \
	  if command -v npm >/dev/null; then cd tests/browser && npm ci --no-audit --no-fund; \
	  else echo "npm could not be installed: the browser test of the instructor's console will be skipped"; fi; \
	fi

# The sanitizer build leaves out the GUI tests and the benchmarks; a sanitizer report fails the test that caused it.
# It also skips the tests that only repeat, at length, code the others already run under it: 50 scoring processes at
# once, the realism figures of whole phantom series, and the debrief in Chromium (all run in the normal build).
ASAN_SKIP := FiftyLaptopsScoringAtOnce|PhantomRealism\.|InHeadlessChromium
test-sanitize: deps
	cmake -S . -B $(ASAN_BUILD) -DPOLYSIM_WERROR=$(WERROR) -DPOLYSIM_SANITIZE=ON -DPOLYSIM_BENCH=OFF \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo '-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG' \
	  '-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG' $(CMAKE_FLAGS)
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  xvfb-run -a -s '-screen 0 1600x900x24' ctest --output-on-failure -j $(JOBS) -E '$(ASAN_SKIP)'

# Each fuzz target for FUZZ_SECONDS (libFuzzer, clang-14), starting from the regression corpus, the fixtures and the
# shipped files. A crash is written to $(FUZZ_BUILD)/crash-*; copy it into tests/fuzz/corpus/<target>/ once fixed.
fuzz: deps
	@command -v clang++-14 >/dev/null || { echo "Installing clang-14 for libFuzzer"; \
	  if [ "$$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends clang-14; }
	CC=clang-14 CXX=clang++-14 cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPOLYSIM_FUZZ=ON \
	  -DPOLYSIM_BENCH=OFF -DPOLYSIM_WERROR=OFF $(CMAKE_FLAGS)
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))
	tests/fuzz/seed.sh $(FUZZ_BUILD)/seeds
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$t; \
	  echo "== fuzz_$$t for $(FUZZ_SECONDS) s"; \
	  (cd $(FUZZ_BUILD) && ASAN_OPTIONS=detect_leaks=0 ./tests/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) \
	    -rss_limit_mb=3072 -timeout=20 -max_len=1048576 -print_final_stats=1 \
	    corpus/$$t seeds/$$t ../tests/fuzz/corpus/$$t) || exit 1; \
	done

bench: build
	$(BUILD)/tests/polysim_bench

# Every C++ source and header of the project (the browser test's npm tooling is not ours).
FORMAT_FILES = find engine tests -path tests/browser/node_modules -prune -o \( -name '*.cpp' -o -name '*.h' \) -print

format: deps
	$(FORMAT_FILES) | xargs clang-format -i

# Lists the files that differ from .clang-format and fails if any do; `make test` runs it first.
format-check: deps
	@out=$$($(FORMAT_FILES) | sort | xargs clang-format --dry-run 2>&1 | \
	  grep -o '^[^:]*:[0-9]*:[0-9]*: warning' | cut -d: -f1 | sort | uniq -c); \
	if [ -n "$$out" ]; then echo "$$out"; echo "clang-format: $$(echo "$$out" | wc -l) file(s) differ; run make format"; exit 1; \
	else echo "clang-format: every file matches .clang-format"; fi

# A Debian package of the installed tree (cpack -G DEB; Depends from the linked libraries).
deb: build
	@command -v dpkg-shlibdeps >/dev/null || { if [ "$$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends dpkg-dev; }
	cd $(BUILD) && cpack -G DEB

# Installs that package into a fresh Debian 12 tree (debootstrap + chroot) and runs validate and play there.
deb-check: deb
	.ci/deb-check.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
