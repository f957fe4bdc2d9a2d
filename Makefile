# Two commands on a fresh Debian 12 machine: `make run` and `make test`. Both install what is missing first.
BUILD    ?= build
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
# Warnings are fatal in CI (CI=true), advisory on a developer's machine.
WERROR   ?= $(if $(CI),ON,OFF)
CMAKE_FLAGS ?=

DEB_PACKAGES := cmake g++ make pkg-config \
	libsdl2-dev libimgui-dev libstb-dev libglm-dev libgl-dev libgl1-mesa-dri \
	libdcmtk-dev libopenjp2-7-dev libnifti2-dev libcurl4-openssl-dev libpng-dev nlohmann-json3-dev libtomlplusplus-dev libsqlite3-dev libpqxx-dev postgresql sqlite3 \
	libespeak-ng-dev espeak-ng-data \
	libgtest-dev libgmock-dev libbenchmark-dev \
	dcm2niix orthanc orthanc-dicomweb xvfb xauth chromium fonts-dejavu-core imagemagick

.PHONY: all deps configure build run test bench clean format

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

# Every test, each in its own process under ctest, inside a virtual X display for the OpenGL tests.
test: build
	cd $(BUILD) && xvfb-run -a -s '-screen 0 1600x900x24' ctest --output-on-failure -j $(JOBS)

bench: build
	$(BUILD)/tests/polysim_bench

format:
	find engine tests -name '*.cpp' -o -name '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD)
