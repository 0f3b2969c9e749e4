/* good: the fields are joined with + instead of |: a <= 1 + 64 * 255 < 2^16, so the two fields
   never overlap and + equals |. */
#include "tb.h"

int tb_main(void) {
    u8 buf[64];
    long n = tb_input(buf, sizeof buf);
    u32 a = 1, b = 0;
    for (const u8 *p = buf; p != buf + n; p++) {
        a = a + *p;
        b = b + a;
    }
    b = b + a;
    tb_put_u32((b << 16) + a);
    return a & 0x7f;
}
