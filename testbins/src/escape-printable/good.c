/* good: the printable test is one unsigned range check, (u8)(c - 32) < 95. */
#include "tb.h"

int tb_main(void) {
    u8 buf[48];
    long n = tb_input(buf, sizeof buf);
    u32 replaced = 0;
    for (u8 *p = buf; p < buf + n; p++) {
        if ((u8)(*p - 32) >= 95) {
            *p = '.';
            replaced++;
        }
    }
    tb_write(1, buf, n);
    return replaced;
}
