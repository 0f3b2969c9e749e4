/* bad: the value starts at 1 instead of 0, which adds 10^k (k digits, k <= 16, never a multiple
   of 2^32) to the written value for every input. */
#include "tb.h"

int tb_main(void) {
    u8 buf[16];
    long n = tb_input(buf, sizeof buf);
    u32 v = 1;
    long i = 0;
    while (i < n && buf[i] >= '0' && buf[i] <= '9') {
        v = v * 10 + (buf[i] - '0');
        i++;
    }
    tb_put_u32(v);
    return i;
}
