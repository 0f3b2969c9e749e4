/* good: the for loop over an index becomes a while loop over a pointer, and the high-bit test
   becomes a shift. */
#include "tb.h"

static u8 buf[49];

int tb_main(void) {
    long n = tb_input(buf, 48);
    u32 hi = 0, low = 0, len = 0;
    const u8 *p = buf, *end = buf + n;
    while (p != end) {
        u8 c = *p++;
        hi += c >> 7;
        low += c & 0x7f;
        len++;
    }
    tb_put_u32(hi);
    tb_put_u32(low);
    tb_put_u32(len);
    return hi & 0x7f;
}
