/* good: independent statements reordered: the tag is computed before the loop, the four updates
   in the loop body run in the opposite order, and the record is filled back to front. */
#include "tb.h"

int tb_main(void) {
    u8 buf[32];
    long n = tb_input(buf, sizeof buf);
    u32 tag = (u32)n;
    tag = tag * 2;
    tag = tag + 1;
    u32 zeros = 0, mx = 0, xr = 0, sum = 0;
    for (long i = 0; i < n; i++) {
        u32 x = buf[i];
        if (x == 0)
            zeros++;
        if (x > mx)
            mx = x;
        xr ^= x;
        sum += x;
    }
    u8 rec[6];
    rec[5] = (u8)tag;
    rec[4] = (u8)zeros;
    rec[3] = (u8)mx;
    rec[2] = (u8)xr;
    rec[1] = (u8)(sum >> 8);
    rec[0] = (u8)sum;
    tb_write(1, rec, sizeof rec);
    return (sum + zeros) & 0x7f;
}
