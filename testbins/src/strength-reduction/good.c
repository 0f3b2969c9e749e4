/* good: every multiplication, division and remainder by a constant is strength-reduced to
   shifts, adds and masks, and i * 4 becomes an induction variable stepped by 4. */
#include "tb.h"

int tb_main(void) {
    u8 buf[16];
    long n = tb_input(buf, sizeof buf);
    u32 acc = 0, i4 = 0;
    for (long i = 0; i < n; i++, i4 += 4) {
        u32 x = buf[i];
        acc += (x << 3) + (x << 3) + (x << 1) + (x >> 2) + (x & 15) + i4;
    }
    u32 m = (u32)n + 1;
    tb_put_u32((m << 3) + (m << 2));
    tb_put_u32(acc);
    return (acc >> 1) & 127;
}
