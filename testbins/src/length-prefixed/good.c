/* good: the clamp is a conditional expression and the bytes are reversed in place by two
   indices that meet in the middle. */
#include "tb.h"

int tb_main(void) {
    u8 len = 0;
    tb_input(&len, 1);
    u32 want = len < 32 ? len : 32;
    u8 buf[32];
    long n = tb_input(buf, want);
    for (long lo = 0, hi = n - 1; lo < hi; lo++, hi--) {
        u8 t = buf[lo];
        buf[lo] = buf[hi];
        buf[hi] = t;
    }
    tb_write(1, buf, n);
    return n;
}
