/* bad: the count-down loop starts at n instead of n - 1, so it also visits the spare zero byte:
   the count written is n + 1 for every input (the other two words are unchanged). */
#include "tb.h"

static u8 buf[49];

int tb_main(void) {
    long n = tb_input(buf, 48);
    u32 hi = 0, low = 0, len = 0;
    for (long i = n; i >= 0; i--) {
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
