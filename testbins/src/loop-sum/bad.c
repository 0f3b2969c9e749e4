/* bad: the sum starts at 1, so the written sum is one too large for every input. */
#include "tb.h"

int tb_main(void) {
    u8 buf[64];
    long n = tb_read(0, buf, sizeof buf);
    u32 sum = 1;
    for (long i = 0; i < n; i++)
        sum += buf[i];
    tb_put_u32(sum);
    return sum & 0x7f;
}
