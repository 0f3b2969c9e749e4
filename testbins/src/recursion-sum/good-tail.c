/* good-tail: tail recursion with an accumulator, summing from the end of the input. */
#include "tb.h"

NOINLINE static u32 rsum_acc(const u8 *p, long n, u32 acc) {
    if (n <= 0)
        return acc;
    return rsum_acc(p, n - 1, acc + p[n - 1]);
}

int tb_main(void) {
    u8 buf[16];
    long n = tb_input(buf, sizeof buf);
    u32 s = rsum_acc(buf, n, 0);
    tb_put_u32(s);
    return s & 0x7f;
}
