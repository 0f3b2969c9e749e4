/* Counts the bytes with the high bit set, sums the low 7 bits of every byte and counts the bytes
   with a for loop over an index; writes the three words; exits with the first. */
#include "tb.h"

static u8 buf[49]; /* one spare byte past the 48 read, always zero */

int tb_main(void) {
    long n = tb_input(buf, 48);
    u32 hi = 0, low = 0, len = 0;
    for (long i = 0; i < n; i++) {
        if (buf[i] & 0x80)
            hi++;
        low += buf[i] & 0x7f;
        len++;
    }
    tb_put_u32(hi);
    tb_put_u32(low);
    tb_put_u32(len);
    return hi & 0x7f;
}
