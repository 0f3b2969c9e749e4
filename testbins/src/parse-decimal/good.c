/* good: the digit test is one unsigned range check, v * 10 is strength-reduced to shifts, and
   the loop walks a pointer. */
#include "tb.h"

int tb_main(void) {
    u8 buf[16];
    long n = tb_input(buf, sizeof buf);
    u32 v = 0;
    const u8 *p = buf, *end = buf + n;
    for (; p < end; p++) {
        u32 d = (u8)(*p - '0');
        if (d >= 10)
            break;
        v = (v << 3) + (v << 1) + d;
    }
    tb_put_u32(v);
    return p - buf;
}
