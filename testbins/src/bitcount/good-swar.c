/* good-swar: a branch-free SWAR popcount per byte (pairs, nibbles, then the byte). */
#include "tb.h"

int tb_main(void) {
    u8 buf[32];
    long n = tb_input(buf, sizeof buf);
    u32 total = 0;
    for (long i = 0; i < n; i++) {
        u32 x = buf[i];
        x = x - ((x >> 1) & 0x55);
        x = (x & 0x33) + ((x >> 2) & 0x33);
        x = (x + (x >> 4)) & 0x0f;
        total += x;
    }
    tb_put_u32(total);
    return total & 0x7f;
}
