/* Reads a length byte, then that many bytes (at most 32: the requested count comes from the
   input); writes them reversed; exits with the number of bytes read. */
#include "tb.h"

int tb_main(void) {
    u8 len = 0;
    tb_input(&len, 1);
    if (len > 32)
        len = 32;
    u8 buf[32];
    long n = tb_input(buf, len);
    u8 out[32];
    for (long i = 0; i < n; i++)
        out[i] = buf[n - 1 - i];
    tb_write(1, out, n);
    return n;
}
