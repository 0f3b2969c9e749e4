/* cond-noremainder: the loop is unrolled by two but the remainder step is forgotten, so the last
   byte of an odd-length input is skipped. Unchanged exactly when the length is even or the last
   byte is zero. */
#include "tb.h"

int tb_main(void) {
    u8 buf[64];
    long n = tb_input(buf, sizeof buf);
    u32 sum = 0;
    for (long i = 0; i + 1 < n; i += 2) {
        sum += buf[i] * (1 + (i & 3));
        sum += buf[i + 1] * (1 + ((i + 1) & 3));
    }
    tb_put_u32(sum);
    return sum & 0x7f;
}
