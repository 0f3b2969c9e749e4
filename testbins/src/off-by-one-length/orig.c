/* Upper-cases the ASCII letters of the input and writes it back; exits with its length. */
#include "tb.h"

static u8 line[65]; /* the input plus a terminating zero */

int tb_main(void) {
    long n = tb_input(line, 64);
    u8 out[65];
    long i;
    for (i = 0; i < n; i++) {
        u8 c = line[i];
        out[i] = (c >= 'a' && c <= 'z') ? c - 32 : c;
    }
    tb_write(1, out, i);
    return i & 0x7f;
}
