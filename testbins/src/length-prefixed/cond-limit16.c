/* cond-limit16: the limit is tightened from 32 to 16 bytes. The second read asks for the same
   count exactly when the length byte is at most 16 (or the first read returns nothing). */
#include "tb.h"

int tb_main(void) {
    u8 len = 0;
    tb_input(&len, 1);
    if (len > 16)
        len = 16;
    u8 buf[32];
    long n = tb_input(buf, len);
    u8 out[32];
    for (long i = 0; i < n; i++)
        out[i] = buf[n - 1 - i];
    tb_write(1, out, n);
    return n;
}
