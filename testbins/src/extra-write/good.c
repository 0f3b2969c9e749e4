/* good: the digit table is replaced by arithmetic in an extracted NOINLINE helper. */
#include "tb.h"

NOINLINE static u8 hexdigit(u32 d) {
    return d < 10 ? '0' + d : 'a' + (d - 10);
}

int tb_main(void) {
    u8 buf[24];
    long n = tb_input(buf, sizeof buf);
    u8 out[49];
    u8 *q = out;
    for (long i = 0; i < n; i++) {
        *q++ = hexdigit(buf[i] >> 4);
        *q++ = hexdigit(buf[i] & 15);
    }
    *q++ = '\n';
    tb_write(1, out, q - out);
    return n;
}
