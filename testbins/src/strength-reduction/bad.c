/* bad: the record size (n + 1) * 12 is wrongly reduced to (m << 3) + (m << 1), i.e. * 10, so the
   first word written is short by 2 * (n + 1) for every input. */
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
    tb_put_u32((m << 3) + (m << 1));
    tb_put_u32(acc);
    return (acc >> 1) & 127;
}
