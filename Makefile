# Winnow: the two commands are `make run` (daemon on config/winnow.toml) and `make test`.
SHELL := /bin/bash
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := libcurl4-openssl-dev libxml2-dev libsqlite3-dev libcld2-dev libuchardet-dev libicu-dev libpq-dev postgresql pkg-config python3
CONFIG ?= config/winnow.toml

.PHONY: deps build release run once test install clean

## Install the C libraries Winnow links against (Debian/Ubuntu), only when missing.
deps:
	@# libcld2-dev ships no pkg-config file: its header stands for it.
	@# postgresql (the server, for the cluster tests) ships no pkg-config file: its initdb stands for it.
	@if ! pkg-config --exists libcurl libxml-2.0 sqlite3 uchardet icu-i18n libpq 2>/dev/null || ! command -v python3 >/dev/null \
		|| [ ! -e /usr/include/cld2/public/compact_lang_det.h ] || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		echo "installing $(APT_PACKAGES)"; \
		$(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES); \
	fi

build: deps
	swift build

release: deps
	swift build -c release

## Run the daemon in the foreground on the example config (archive, inbox, state under ./var/).
run: release
	mkdir -p var/inbox
	.build/release/winnow run --config $(CONFIG)

## One pass over the inbox (and due feeds), then exit.
once: release
	.build/release/winnow once --config $(CONFIG)

## Build and run every test (unit and end-to-end against the built binary).
test: deps
	swift build --build-tests
	swift test --skip-build

## Install the binary, a system config, the systemd unit, the man page and shell completions
## (run as root or with sudo; DESTDIR stages the files elsewhere, e.g. for a package).
PREFIX ?= /usr/local
install: release
	mkdir -p .build/man .build/completions
	swift package --allow-writing-to-directory .build/man generate-manual --output-directory .build/man
	.build/release/winnow --generate-completion-script bash > .build/completions/winnow
	.build/release/winnow --generate-completion-script zsh > .build/completions/_winnow
	.build/release/winnow --generate-completion-script fish > .build/completions/winnow.fish
	$(SUDO) install -D -m 0755 .build/release/winnow $(DESTDIR)$(PREFIX)/bin/winnow
	$(SUDO) install -D -m 0644 .build/man/winnow.1 $(DESTDIR)$(PREFIX)/share/man/man1/winnow.1
	$(SUDO) install -D -m 0644 .build/completions/winnow $(DESTDIR)$(PREFIX)/share/bash-completion/completions/winnow
	$(SUDO) install -D -m 0644 .build/completions/_winnow $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_winnow
	$(SUDO) install -D -m 0644 .build/completions/winnow.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/winnow.fish
	[ -e $(DESTDIR)/etc/winnow/winnow.toml ] || $(SUDO) install -D -m 0644 config/winnow.system.toml $(DESTDIR)/etc/winnow/winnow.toml
	$(SUDO) install -D -m 0644 systemd/winnow.service $(DESTDIR)/etc/systemd/system/winnow.service
	[ -n "$(DESTDIR)" ] || id winnow >/dev/null 2>&1 || $(SUDO) useradd --system --home-dir /var/lib/winnow --shell /usr/sbin/nologin winnow

clean:
	rm -rf .build var
