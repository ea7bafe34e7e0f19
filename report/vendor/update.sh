#!/usr/bin/env bash
# Re-vendors Apache ECharts from the npm registry: the minified browser build and the licences
# of what it bundles (ZRender, tslib, d3 parts). Checks the tarball against the registry's
# integrity hash first. Usage: bash report/vendor/update.sh [VERSION]
set -euo pipefail
cd "$(dirname "$0")"
VERSION=${1:-6.1.0}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pack() {  # name version → unpacked folder
  (cd "$work" && npm pack --silent "$1@$2" >/dev/null)
  local tgz="$work/$1-$2.tgz"
  local want have
  want=$(npm view "$1@$2" dist.integrity)
  have="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
  [ "$want" = "$have" ] || { echo "integrity mismatch for $1@$2" >&2; exit 1; }
  mkdir -p "$work/$1" && tar xzf "$tgz" -C "$work/$1"
}
pack echarts "$VERSION"
ZRENDER=$(node -p "require('$work/echarts/package/package.json').dependencies.zrender")
TSLIB=$(node -p "require('$work/echarts/package/package.json').dependencies.tslib")
pack zrender "$ZRENDER"
pack tslib "$TSLIB"
cp "$work/echarts/package/dist/echarts.min.js" echarts.min.js
cp "$work/echarts/package/LICENSE" LICENSE-echarts
cp "$work/echarts/package/NOTICE" NOTICE-echarts
cp "$work/echarts/package/licenses/LICENSE-d3" LICENSE-d3
cp "$work/zrender/package/LICENSE" LICENSE-zrender
cp "$work/tslib/package/LICENSE.txt" LICENSE-tslib
echo "vendored echarts $VERSION (zrender $ZRENDER, tslib $TSLIB); update report/README.md"
sha256sum echarts.min.js
