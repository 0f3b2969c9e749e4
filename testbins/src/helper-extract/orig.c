/* ROT13 of the input, computed inline in the loop; writes the result; exits with its length. */
#include "tb.h"

int tb_main(void) {
    u8 buf[32];
    long n = tb_input(buf, sizeof buf);
    for (long i = 0; i < n; i++) {
        u8 c = buf[i];
        if (c >= 'a' && c <= 'z')
            c = 'a' + (c - 'a' + 13) % 26;
        else if (c >= 'A' && c <= 'Z')
            c = 'A' + (c - 'A' + 13) % 26;
        buf[i] = c;
    }
    tb_write(1, buf, n);
    return n;
}
