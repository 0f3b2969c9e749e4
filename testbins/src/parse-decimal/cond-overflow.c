/* cond-overflow: the security fix: an integer overflow check before each step rejects (writes
   "E", exits 100) a number that does not fit in 32 bits. Unchanged exactly when the leading
   digits denote a value below 2^32. */
#include "tb.h"

int tb_main(void) {
    u8 buf[16];
    long n = tb_input(buf, sizeof buf);
    u32 v = 0;
    long i = 0;
    while (i < n && buf[i] >= '0' && buf[i] <= '9') {
        u32 d = buf[i] - '0';
        if (v > 429496729u || (v == 429496729u && d > 5)) {
            tb_write(1, "E", 1);
            return 100;
        }
        v = v * 10 + d;
        i++;
    }
    tb_put_u32(v);
    return i;
}
