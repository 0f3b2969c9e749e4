/* Counts the set bits of the input bytes with a shift loop per byte; writes the total as a
   32-bit word; exits with it modulo 128. */
#include "tb.h"

int tb_main(void) {
    u8 buf[32];
    long n = tb_input(buf, sizeof buf);
    u32 total = 0;
    for (long i = 0; i < n; i++) {
        u32 x = buf[i];
        while (x) {
            total += x & 1;
            x >>= 1;
        }
    }
    tb_put_u32(total);
    return total & 0x7f;
}
