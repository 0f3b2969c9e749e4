/* Writes the input backwards one byte per write, from a recursive function that writes after
   its recursive call (depth = input length, at most 16); then writes a newline; exits with the
   input length. */
#include "tb.h"

NOINLINE static void emit_rev(const u8 *p, long n) {
    if (n <= 0)
        return;
    emit_rev(p + 1, n - 1);
    tb_write(1, p, 1);
}

int tb_main(void) {
    u8 buf[16];
    long n = tb_input(buf, sizeof buf);
    emit_rev(buf, n);
    tb_write(1, "\n", 1);
    return n;
}
