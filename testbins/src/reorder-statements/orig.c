/* Computes the sum, xor, maximum and zero count of the input bytes and a tag 2n + 1; writes them
   as a 6-byte record (the sum, below 2^13, in two bytes) in one write; exits with
   (sum + zeros) mod 128. */
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
    tag = tag * 2;
    tag = tag + 1;
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
