#!/usr/bin/env bash
# fetch-geo.sh puts weir's bundled geo and ASN data into enrich/geo/data/, where
# enrich/geo embeds it at build time. It is run by `make` before `go build`.
#
# Sources (openly licensed, published as npm packages by the ip-location-db project,
# https://github.com/sapics/ip-location-db):
#   @ip-location-db/geo-whois-asn-country-mmdb  geo-whois-asn-country.mmdb  (country; CC0-1.0)
#   @ip-location-db/asn                          asn-ipv4.csv, asn-ipv6.csv, stored gzipped (ASN; CC-BY-4.0, see
#                                                its ROUTEVIEWS-LICENSE and DBIP-LICENSE files)
# The licence files of each package are copied beside the data.
#
# Idempotent: when the files of the pinned version are already there it does nothing.
# Override the version with WEIR_GEO_VERSION; set WEIR_GEO_FORCE=1 to fetch again.
set -euo pipefail

version="${WEIR_GEO_VERSION:-2.3.2026061719}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/enrich/geo/data"
stamp="$dest/.version"

want=(geo-whois-asn-country.mmdb asn-ipv4.csv.gz asn-ipv6.csv.gz)

have_all() {
	[[ -f "$stamp" && "$(cat "$stamp")" == "$version" ]] || return 1
	local f
	for f in "${want[@]}"; do
		[[ -s "$dest/$f" ]] || return 1
	done
}

if [[ "${WEIR_GEO_FORCE:-0}" != 1 ]] && have_all; then
	echo "fetch-geo: enrich/geo/data is up to date (version $version)"
	exit 0
fi

command -v npm >/dev/null || { echo "fetch-geo: npm not found; install Node.js or put the files in $dest by hand" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# fetch PACKAGE FILE... unpacks one npm package and copies FILE... and its licence
# files into $dest, each licence prefixed with the package name so they do not clash.
fetch() {
	local pkg="$1"; shift
	local short="${pkg#@ip-location-db/}"
	echo "fetch-geo: npm pack $pkg@$version"
	(cd "$work" && npm pack --silent "$pkg@$version" >/dev/null)
	local tgz
	tgz="$(ls "$work"/ip-location-db-"$short"-"$version".tgz)"
	mkdir -p "$work/$short"
	tar -xzf "$tgz" -C "$work/$short"
	local f
	for f in "$@"; do
		[[ -s "$work/$short/package/$f" ]] || { echo "fetch-geo: $pkg has no $f" >&2; exit 1; }
		# Write to a temporary name, then rename, so that a build never embeds half
		# a file. CSVs are gzipped: the binary embeds them (33 MB plain, ~7 MB gzipped).
		if [[ "$f" == *.csv ]]; then
			gzip -9 -n -c "$work/$short/package/$f" >"$dest/$f.gz.tmp"
			mv -f "$dest/$f.gz.tmp" "$dest/$f.gz"
		else
			cp "$work/$short/package/$f" "$dest/$f.tmp"
			mv -f "$dest/$f.tmp" "$dest/$f"
		fi
	done
	for f in "$work/$short/package/"*LICENSE* "$work/$short/package/"*LICENCE* "$work/$short/package/MODIFICATIONS"; do
		[[ -f "$f" ]] || continue
		cp "$f" "$dest/$short.$(basename "$f")"
	done
}

mkdir -p "$dest"
fetch @ip-location-db/geo-whois-asn-country-mmdb geo-whois-asn-country.mmdb
fetch @ip-location-db/asn asn-ipv4.csv asn-ipv6.csv
echo "$version" >"$stamp"
echo "fetch-geo: wrote $(cd "$dest" && ls -1 | grep -v README.md | tr '\n' ' ')"
