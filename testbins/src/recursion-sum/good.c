/* good: the recursion is replaced by a loop. */
#include "tb.h"

int tb_main(void) {
    u8 buf[16];
    long n = tb_input(buf, sizeof buf);
    u32 s = 0;
    for (long i = 0; i < n; i++)
        s += buf[i];
    tb_put_u32(s);
    return s & 0x7f;
}
