/* good-down: the loop counts its index down from n - 1 to 0. */
#include "tb.h"

static u8 buf[49];

int tb_main(void) {
    long n = tb_input(buf, 48);
    u32 hi = 0, low = 0, len = 0;
    for (long i = n - 1; i >= 0; i--) {
        if (buf[i] & 0x80)
            hi++;
        low += buf[i] & 0x7f;
        len++;
    }
    tb_put_u32(hi);
    tb_put_u32(low);
    tb_put_u32(len);
    return hi & 0x7f;
}
