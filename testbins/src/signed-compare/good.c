/* good: the copy is a NOINLINE helper that walks pointers and the cap is computed with a
   conditional expression; the signed comparison (the bug) is kept. */
#include "tb.h"

NOINLINE static void copy(u8 *dst, const u8 *src, u32 m) {
    const u8 *end = src + m;
    while (src != end)
        *dst++ = *src++;
}

int tb_main(void) {
    u8 hdr = 0;
    tb_input(&hdr, 1);
    u8 data[48];
    long n = tb_input(data, sizeof data);
    if ((i8)hdr > 16) {
        tb_write(1, "too long\n", 9);
        return 100;
    }
    u32 want = (u32)(i32)(i8)hdr;
    u32 m = want < (u32)n ? want : (u32)n;
    u8 field[48];
    copy(field, data, m);
    tb_write(1, field, m);
    return m;
}
