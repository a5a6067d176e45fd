#!/bin/sh
# Builds the status page (web/status: Chart.js bundled by esbuild, both
# from npm as pinned in package-lock.json), runs its unit tests and copies
# the result into internal/web/assets/dist, where the mpimis binary embeds
# it. Without this step the binary serves a placeholder page at / (the
# API, /healthz and /metrics work either way). Needs node and npm
# (scripts/install-deps.sh installs them).
set -eu
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null 2>&1; then
	echo "build-web: npm is required (scripts/install-deps.sh installs it)" >&2
	exit 1
fi
(
	cd web/status
	npm ci --no-audit --no-fund --loglevel=error
	npm test --silent
	npm run build --silent
)
dst=internal/web/assets/dist
find "$dst" -mindepth 1 ! -name placeholder.html -exec rm -rf {} +
cp -R web/status/dist/. "$dst"/
echo "build-web: status page built into $dst"

# The co-browsing widget (web/widget: @xmpp/client bundled by esbuild) and
# the sandbox's phone simulator page (web/phone): unit tests (the widget's
# include the shared room-key vectors of ident/testdata/roomkeys.json),
# then bundles in their dist/, which the browser tests in integration/
# and the sandbox serve.
for p in widget phone; do
	(
		cd web/$p
		npm ci --no-audit --no-fund --loglevel=error
		npm test --silent
		npm run build --silent
	)
	echo "build-web: web/$p built into web/$p/dist"
done
