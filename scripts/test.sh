#!/bin/sh
# Runs every test of mpimis: formatting, vet, unit tests, fuzz seed
# corpora and the end-to-end tests against a real Prosody, all with the
# race detector. Installs what is missing first (see install-deps.sh).
set -eu
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
./scripts/build-web.sh

unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then
	echo "test: gofmt needed on:" >&2
	echo "$unformatted" >&2
	exit 1
fi
go vet ./...
go test -race -count=1 -timeout 30m ./...
echo "test: all passed"
