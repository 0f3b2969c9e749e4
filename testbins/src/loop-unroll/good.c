/* good: the loop is unrolled by two, with a remainder step for odd lengths. */
#include "tb.h"

int tb_main(void) {
    u8 buf[64];
    long n = tb_input(buf, sizeof buf);
    u32 sum = 0;
    long i = 0;
    for (; i + 1 < n; i += 2) {
        sum += buf[i] * (1 + (i & 3));
        sum += buf[i + 1] * (1 + ((i + 1) & 3));
    }
    if (i < n)
        sum += buf[i] * (1 + (i & 3));
    tb_put_u32(sum);
    return sum & 0x7f;
}
