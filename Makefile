# Convenience targets; the scripts are the reference (see README.md).
.PHONY: test sandbox build fuzz

test:
	./scripts/test.sh

# A longer fuzzing campaign: every target for FUZZTIME (default 30s) each.
fuzz:
	./scripts/fuzz.sh

sandbox:
	./scripts/sandbox.sh

build:
	mkdir -p bin
	go build -o bin/mpimis ./cmd/mpimis
