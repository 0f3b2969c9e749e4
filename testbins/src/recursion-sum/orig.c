/* Sums the input bytes with a recursive function (depth = input length, at most 16); writes the
   sum; exits with its low 7 bits. */
#include "tb.h"

NOINLINE static u32 rsum(const u8 *p, long n) {
    if (n <= 0)
        return 0;
    return p[0] + rsum(p + 1, n - 1);
}

int tb_main(void) {
    u8 buf[16];
    long n = tb_input(buf, sizeof buf);
    u32 s = rsum(buf, n);
    tb_put_u32(s);
    return s & 0x7f;
}
