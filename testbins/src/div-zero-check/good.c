/* good: the division moves into a NOINLINE helper returning the remainder through a pointer; it
   faults on a zero divisor exactly like the original. */
#include "tb.h"

NOINLINE static u32 divmod(u32 a, u32 b, u32 *rem) {
    u32 q = a / b;
    *rem = a - q * b;
    return q;
}

int tb_main(void) {
    u8 b[3] = {0, 0, 0};
    long n = tb_input(b, sizeof b);
    if (n != 3) {
        tb_write(1, "short\n", 6);
        return 1;
    }
    u32 r;
    u32 q = divmod((u32)b[1] * 256 + b[0], b[2], &r);
    tb_put_u32(q);
    tb_put_u32(r);
    return 0;
}
