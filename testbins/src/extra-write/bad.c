/* bad: an extra write of a second newline after the line: one more write event for every
   input. */
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
    tb_write(1, "\n", 1);
    return n;
}
