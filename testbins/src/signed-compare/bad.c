/* bad: the header is read as two bytes (a 16-bit length field): the first read event asks for 2
   bytes instead of 1, for every input. */
#include "tb.h"

int tb_main(void) {
    u8 hdr[2] = {0, 0};
    tb_input(hdr, 2);
    u8 data[48];
    long n = tb_input(data, sizeof data);
    i32 len = (i8)hdr[0];
    if (len > 16) {
        tb_write(1, "too long\n", 9);
        return 100;
    }
    u8 field[48];
    u32 m = (u32)len;
    if (m > n)
        m = n;
    for (u32 i = 0; i < m; i++)
        field[i] = data[i];
    tb_write(1, field, m);
    return m;
}
