/* cond-check: the security fix: a zero divisor is rejected ("div0", exit 2) instead of
   faulting. Unchanged exactly when the input is short or the divisor byte is not zero. */
#include "tb.h"

int tb_main(void) {
    u8 b[3] = {0, 0, 0};
    long n = tb_input(b, sizeof b);
    if (n < 3) {
        tb_write(1, "short\n", 6);
        return 1;
    }
    u32 total = b[0] | (u32)b[1] << 8;
    u32 d = b[2];
    if (d == 0) {
        tb_write(1, "div0\n", 5);
        return 2;
    }
    u32 q = total / d, r = total % d;
    tb_put_u32(q);
    tb_put_u32(r);
    return 0;
}
