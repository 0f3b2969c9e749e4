/* Reads a 16-bit total and an 8-bit divisor (3 bytes); writes the quotient and the remainder.
   The divisor is not checked: a zero divisor faults (SIGFPE), which tandem treats as the
   terminal event. Short input writes "short" and exits 1. */
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
    u32 q = total / d, r = total % d;
    tb_put_u32(q);
    tb_put_u32(r);
    return 0;
}
