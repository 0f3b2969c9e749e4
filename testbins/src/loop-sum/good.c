/* good: the loop walks a pointer instead of an index. */
#include "tb.h"

int tb_main(void) {
    u8 buf[64];
    long n = tb_read(0, buf, sizeof buf);
    u32 sum = 0;
    for (const u8 *p = buf; p < buf + n; p++)
        sum += *p;
    tb_put_u32(sum);
    return sum & 0x7f;
}
