/* A Fletcher-style checksum: a = 1 + sum of bytes, b = running sum of a plus a final a; writes
   (b << 16) | a; exits with the low 7 bits of a. */
#include "tb.h"

int tb_main(void) {
    u8 buf[64];
    long n = tb_input(buf, sizeof buf);
    u32 a = 1, b = 0;
    for (long i = 0; i < n; i++) {
        a += buf[i];
        b += a;
    }
    b += a;
    tb_put_u32((b << 16) | a);
    return a & 0x7f;
}
