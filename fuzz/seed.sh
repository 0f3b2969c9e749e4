#!/bin/sh
# Seeds the corpus of the `loader` fuzz target with the loader's ELF fixtures.
set -eu
cd "$(dirname "$0")"
mkdir -p corpus/loader
for f in ../crates/loader/tests/data/*; do
    case "$f" in
    *.c | *.sh) ;;
    *) cp "$f" corpus/loader/ ;;
    esac
done
ls corpus/loader | wc -l
