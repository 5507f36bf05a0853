#!/usr/bin/env bash
# install-deps.sh installs what weir's build and tests need on a Debian machine:
# a C compiler for cgo (DuckDB), Node.js/npm for the bundled geo data and the
# web console, Chromium for the console's end-to-end tests (driven by
# playwright-core from web/package-lock.json, which downloads no browser), and
# nftables + iproute2 for the quarantine enforcer and its network-namespace
# tests (enforce/nftables). It is idempotent and quiet when everything is
# there. Run as root (or with sudo).
set -euo pipefail

need=()
command -v gcc >/dev/null || need+=(gcc)
command -v npm >/dev/null || need+=(npm)
command -v git >/dev/null || need+=(git)
command -v nft >/dev/null || [[ -x /usr/sbin/nft ]] || need+=(nftables)
command -v ip >/dev/null || [[ -x /usr/sbin/ip ]] || need+=(iproute2)
[[ -x /usr/bin/chromium ]] || need+=(chromium)
if ((${#need[@]})); then
	sudo=""
	[[ $(id -u) == 0 ]] || sudo=sudo
	echo "install-deps: apt-get install ${need[*]}"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
command -v go >/dev/null || [[ -x /usr/local/go/bin/go ]] || { echo "install-deps: Go 1.26 is needed (https://go.dev/dl)" >&2; exit 1; }
