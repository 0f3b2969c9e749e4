/* bad: a prompt is written before the read: one extra write event first, for every input (the
   zero-divisor fault comes later, after different events). */
#include "tb.h"

int tb_main(void) {
    tb_write(1, "> ", 2);
    u8 b[3] = {0, 0, 0};
    long n = tb_input(b, sizeof b);
    if (n < 3) {
        tb_write(1, "short\n", 6);
        return 1;
    }
    u32 total = b[0] | (u32)b[1] << 8;
    u32 d = b[2];
    u32 q = total / d, r = total % d;
    tb_put_u32(q);
    tb_put_u32(r);
    return 0;
}
