/* Writes the input as lower-case hex followed by a newline, in one write; exits with the input
   length. */
#include "tb.h"

static const char digits[] = "0123456789abcdef";

int tb_main(void) {
    u8 buf[24];
    long n = tb_input(buf, sizeof buf);
    u8 out[49];
    long k = 0;
    for (long i = 0; i < n; i++) {
        out[k++] = digits[buf[i] >> 4];
        out[k++] = digits[buf[i] & 15];
    }
    out[k++] = '\n';
    tb_write(1, out, k);
    return n;
}
