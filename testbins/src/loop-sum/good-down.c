/* good-down: the loop counts down from the end of the input. */
#include "tb.h"

int tb_main(void) {
    u8 buf[64];
    long n = tb_read(0, buf, sizeof buf);
    u32 sum = 0;
    while (n > 0)
        sum += buf[--n];
    tb_put_u32(sum);
    return sum & 0x7f;
}
