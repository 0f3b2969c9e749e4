/* good: Kernighan's loop (x &= x - 1 clears the lowest set bit) counts the same bits. */
#include "tb.h"

int tb_main(void) {
    u8 buf[32];
    long n = tb_input(buf, sizeof buf);
    u32 total = 0;
    for (long i = 0; i < n; i++) {
        for (u32 x = buf[i]; x != 0; x &= x - 1)
            total++;
    }
    tb_put_u32(total);
    return total & 0x7f;
}
