/* Sums the bytes of the input; writes the sum; exits with its low 7 bits. */
#include "tb.h"

int tb_main(void) {
    u8 buf[64];
    long n = tb_read(0, buf, sizeof buf);
    u32 sum = 0;
    for (long i = 0; i < n; i++)
        sum += buf[i];
    tb_put_u32(sum);
    return sum & 0x7f;
}
