#!/bin/sh
# Rebuilds the committed ELF fixtures of the tandem-loader tests from prog.c.
#
# Needs gcc and binutils, and for the other architectures the Debian cross compilers:
#   apt-get install --no-install-recommends gcc-aarch64-linux-gnu libc6-dev-arm64-cross \
#       gcc-arm-linux-gnueabi libc6-dev-armel-cross gcc-powerpc-linux-gnu \
#       libc6-dev-powerpc-cross gcc-i686-linux-gnu libc6-dev-i386-cross \
#       gcc-riscv64-linux-gnu libc6-dev-riscv64-cross
# The tests only read the committed files; they never run this script. The expected values in
# ../fixtures.rs were read from objdump/readelf output of these builds (Debian 12: gcc 12.2,
# binutils 2.40); rebuilding with another toolchain moves addresses, so update them together.
set -eu
cd "$(dirname "$0")"

# DWARF names the source as /src/prog.c, whatever the checkout directory.
G="-g -fdebug-prefix-map=$PWD=/src"

# x86-64, -O0, non-PIE, classic lazy .plt (PLT0 + 16-byte `ff 25` entries) and an 8-byte
# .plt.got entry (getenv, whose address is also taken).
gcc -O0 $G -no-pie -fcf-protection=none -Wl,-z,lazy -o x86_64-O0-nopie prog.c
# x86-64, -O2 PIE, -z now, IBT: .plt.sec entries (endbr64; jmp *GOT(%rip)) and 16-byte
# .plt.got entries.
gcc -O2 $G -fPIE -pie -fcf-protection=full -Wl,-z,now -Wl,-z,ibtplt -Wl,-z,ibt \
    -o x86_64-O2-pie-now-ibt prog.c
# x86-64, -O2 PIE, lazy binding, no IBT: classic .plt and 8-byte .plt.got entries.
gcc -O2 $G -fPIE -pie -fcf-protection=none -Wl,-z,lazy -o x86_64-O2-pie-lazy prog.c
# x86-64, -O2 PIE, -z now without IBT: the .plt entries are still `ff 25` jumps, no .plt.sec.
gcc -O2 $G -fPIE -pie -fcf-protection=none -Wl,-z,now -o x86_64-O2-pie-now prog.c
# The same with DWARF 4 (.debug_loc, .debug_ranges, 1-based file numbers) instead of 5.
gcc -O2 $G -gdwarf-4 -fPIE -pie -fcf-protection=none -Wl,-z,lazy -o x86_64-O2-pie-lazy-dwarf4 prog.c
# The IBT build stripped of .symtab and DWARF: only .dynsym remains.
strip -s -o x86_64-O2-pie-now-ibt-stripped x86_64-O2-pie-now-ibt
# x86-64, -O0 non-PIE with zlib-compressed DWARF (SHF_COMPRESSED).
gcc -O0 $G -no-pie -fcf-protection=none -gz=zlib -o x86_64-O0-gz prog.c
# A relocatable object.
gcc -O2 $G -fcf-protection=none -c -o x86_64-O2.o prog.c

# ELF32 little-endian x86, PIE (`jmp *slot(%ebx)` PLT entries).
i686-linux-gnu-gcc -O2 $G -fcf-protection=none -o x86-O2 prog.c
# ELF64 little-endian AArch64.
aarch64-linux-gnu-gcc -O2 $G -Wl,-z,max-page-size=4096 -o aarch64-O2 prog.c
# ELF32 little-endian ARM, with ARM and with Thumb code.
arm-linux-gnueabi-gcc -O2 $G -marm -o arm-O2 prog.c
arm-linux-gnueabi-gcc -O2 $G -mthumb -o arm-thumb-O2 prog.c
# ELF32 big-endian PowerPC (non-PIE, so that the PLT call stubs use absolute GOT addresses).
powerpc-linux-gnu-gcc -O2 $G -no-pie -Wl,-z,max-page-size=4096 -o ppc-O2 prog.c
# ELF64 little-endian RISC-V.
riscv64-linux-gnu-gcc -O2 $G -o riscv64-O2 prog.c
