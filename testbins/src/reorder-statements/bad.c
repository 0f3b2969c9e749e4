/* bad: two dependent statements swapped: the tag becomes (n + 1) * 2, which is even, where the
   original 2n + 1 is odd, so the last byte written differs for every input (2n + 1 <= 65). */
#include "tb.h"

int tb_main(void) {
    u8 buf[32];
    long n = tb_input(buf, sizeof buf);
    u32 sum = 0, xr = 0, mx = 0, zeros = 0;
    for (long i = 0; i < n; i++) {
        u32 x = buf[i];
        sum += x;
        xr ^= x;
        if (x > mx)
            mx = x;
        if (x == 0)
            zeros++;
    }
    u32 tag = (u32)n;
    tag = tag + 1;
    tag = tag * 2;
    u8 rec[6];
    rec[0] = (u8)sum;
    rec[1] = (u8)(sum >> 8);
    rec[2] = (u8)xr;
    rec[3] = (u8)mx;
    rec[4] = (u8)zeros;
    rec[5] = (u8)tag;
    tb_write(1, rec, sizeof rec);
    return (sum + zeros) & 0x7f;
}
