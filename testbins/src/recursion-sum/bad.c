/* bad: the base case returns 1 instead of 0: the written sum is one too large for every input. */
#include "tb.h"

NOINLINE static u32 rsum(const u8 *p, long n) {
    if (n <= 0)
        return 1;
    return p[0] + rsum(p + 1, n - 1);
}

int tb_main(void) {
    u8 buf[16];
    long n = tb_input(buf, sizeof buf);
    u32 s = rsum(buf, n);
    tb_put_u32(s);
    return s & 0x7f;
}
