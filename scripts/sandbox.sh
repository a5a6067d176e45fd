#!/bin/sh
# Starts the local sandbox: a real Prosody on loopback and the SMSC
# simulator, with mpimis attached to both (SQLite store in a temporary
# directory). Prints how to log in; Ctrl-C
# stops and removes everything. Arguments go to mpimis-sandbox (-keep,
# -dir DIR, -for DURATION).
set -eu
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
./scripts/build-web.sh
mkdir -p bin
go build -o bin/mpimis ./cmd/mpimis
go build -o bin/smsc-sim ./cmd/smsc-sim
go build -o bin/mpimis-sandbox ./cmd/mpimis-sandbox
exec ./bin/mpimis-sandbox -mpimis bin/mpimis -smsc-sim bin/smsc-sim "$@"
