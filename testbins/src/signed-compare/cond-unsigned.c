/* cond-unsigned: the security fix: the length is compared unsigned, so 0x80..0xff is rejected as
   too long. Unchanged exactly when the length byte is below 0x80 (or absent). */
#include "tb.h"

int tb_main(void) {
    u8 hdr = 0;
    tb_input(&hdr, 1);
    u8 data[48];
    long n = tb_input(data, sizeof data);
    u32 len = hdr;
    if (len > 16) {
        tb_write(1, "too long\n", 9);
        return 100;
    }
    u8 field[48];
    u32 m = len;
    if (m > n)
        m = n;
    for (u32 i = 0; i < m; i++)
        field[i] = data[i];
    tb_write(1, field, m);
    return m;
}
