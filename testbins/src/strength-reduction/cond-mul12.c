/* cond-mul12: x * 10 is wrongly reduced to (x << 3) + (x << 2), i.e. x * 12. The mix grows by
   twice the byte sum, which stays below 2^32: unchanged exactly when every byte is zero. */
#include "tb.h"

int tb_main(void) {
    u8 buf[16];
    long n = tb_input(buf, sizeof buf);
    u32 acc = 0;
    for (long i = 0; i < n; i++) {
        u32 x = buf[i];
        acc += x * 8 + (x << 3) + (x << 2) + x / 4 + x % 16 + (u32)i * 4;
    }
    tb_put_u32((u32)(n + 1) * 12);
    tb_put_u32(acc);
    return (acc / 2) % 128;
}
