# herald: the commands of DESIGN.md. Every target installs what is missing first.
.PHONY: deps build dev fuzz test run bench install package fmt clean

JOBS ?= $(shell nproc)
CTEST_FLAGS ?= --output-on-failure --timeout 600
PREFIX ?= /usr/local

deps:
	@scripts/install-deps.sh

# The release tree: herald, its libraries and examples/, no unit tests.
build: deps
	cmake --preset release >/dev/null
	cmake --build build/release -j $(JOBS)

dev: deps
	cmake --preset dev >/dev/null
	cmake --build build/dev -j $(JOBS)

fuzz: deps
	cmake --preset fuzz >/dev/null
	cmake --build build/fuzz -j $(JOBS)

# Unit, integration and browser tests run against the sanitized dev build; the fuzz
# targets get a short bounded run in their own clang tree; the release tests check what
# users run: the release binary, `cmake --install` and the .deb.
test: dev fuzz build
	ctest --test-dir build/dev $(CTEST_FLAGS)
	ctest --test-dir build/fuzz $(CTEST_FLAGS)
	ctest --test-dir build/release $(CTEST_FLAGS)

run: build
	build/release/herald serve --dev --listen 127.0.0.1:8080

# The micro-benchmarks are built in the release tree only for this; `make build` turns
# them off again.
bench: deps
	cmake --preset release -DHERALD_BUILD_BENCH=ON >/dev/null
	bench/run.sh

install: build
	cmake --install build/release --prefix $(PREFIX)

# herald_<version>_<arch>.deb and herald-dev_<version>_<arch>.deb in build/package/.
package: build
	cd build/release && cpack -B $(CURDIR)/build/package

fmt:
	git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf build
