/* bad: writes a newline after the reversed bytes: one extra write event for every input. */
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
    tb_write(1, "\n", 1);
    return n;
}
