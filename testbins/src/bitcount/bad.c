/* bad: the total is written as a 16-bit value: a 2-byte write instead of 4 bytes, for every
   input. */
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
    tb_put_u16((u16)total);
    return total & 0x7f;
}
