# Convenience targets; the scripts are the reference (see README.md).
.PHONY: test sandbox build

test:
	./scripts/test.sh

sandbox:
	./scripts/sandbox.sh

build:
	mkdir -p bin
	go build -o bin/mpimis ./cmd/mpimis
