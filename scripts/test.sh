#!/usr/bin/env bash
# The test command (README): installs what the tests need if it is missing, then runs every
# test of the workspace. The x86-64 oracle's per-mnemonic table is printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

# The oracle assembles its instruction forms with the GNU assembler (binutils).
if ! command -v as >/dev/null 2>&1; then
    echo "installing binutils (the oracle needs the GNU assembler)" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq binutils >/dev/null
fi

# The solver layer links the system Z3.
if ! [ -e /usr/include/z3.h ]; then
    echo "installing libz3-dev (the solver layer links Z3)" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq libz3-dev >/dev/null
fi

cargo test --workspace "$@"

# End to end over testbins/ (every pair's expected or recorded verdict), in release mode.
cargo test --release -p tandem --test testbins "$@"

if [ -f target/oracle-x86_64.txt ]; then
    echo
    echo "x86-64 lifter vs. this CPU (forms and random states checked per mnemonic):"
    cat target/oracle-x86_64.txt
fi
