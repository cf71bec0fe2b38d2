#!/bin/sh
# What the tests need from the system, checked by `mvn test` (initialize phase) before any test runs:
# headless Chromium and its driver (browser tests), nginx and caddy (forward-auth tests),
# systemd-analyze (checks the shipped unit), openssl (makes the certificates of the TLS tests), all from
# Debian/Ubuntu packages. With everything present it returns at once without calling apt. As root it
# installs what is missing; otherwise it stops the build with one line naming the command to run.
set -eu

missing=""
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v chromedriver >/dev/null 2>&1 || [ -x /usr/bin/chromedriver ] || missing="$missing chromium-driver"
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing="$missing nginx-light"
command -v caddy >/dev/null 2>&1 || [ -x /usr/bin/caddy ] || missing="$missing caddy"
command -v systemd-analyze >/dev/null 2>&1 || missing="$missing systemd"
command -v openssl >/dev/null 2>&1 || missing="$missing openssl"
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "The tests need Debian packages that are missing; run: sudo apt-get install -y$missing" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "The tests need these Debian/Ubuntu packages (or their equivalents), which are missing:$missing" >&2
  exit 1
fi
echo "Installing the tests' system packages:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086 # one word per package
apt-get install -y -qq --no-install-recommends $missing
