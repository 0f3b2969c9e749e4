/* bad: the base case writes a '>' marker: one extra write event (before the reversed bytes) for
   every input. */
#include "tb.h"

NOINLINE static void emit_rev(const u8 *p, long n) {
    if (n <= 0) {
        tb_write(1, ">", 1);
        return;
    }
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
