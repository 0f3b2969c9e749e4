/* Parses the leading decimal digits of the input into a 32-bit value (wrapping on overflow);
   writes the value; exits with the number of digits. */
#include "tb.h"

int tb_main(void) {
    u8 buf[16];
    long n = tb_input(buf, sizeof buf);
    u32 v = 0;
    long i = 0;
    while (i < n && buf[i] >= '0' && buf[i] <= '9') {
        v = v * 10 + (buf[i] - '0');
        i++;
    }
    tb_put_u32(v);
    return i;
}
