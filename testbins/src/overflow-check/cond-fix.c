/* cond-fix: the security fix: the end is computed without overflow (in 32 bits). Unchanged
   exactly when offset + length does not wrap past 255 to a value of at most 32, i.e. unless
   256 <= offset + (length & 63) <= 288. */
#include "tb.h"

static u8 data[256];

int tb_main(void) {
    u8 hdr[2] = {0, 0};
    tb_input(hdr, sizeof hdr);
    tb_input(data, 32);
    u8 off = hdr[0], len = hdr[1] & 63;
    u32 end = (u32)off + len;
    if (end > 32) {
        tb_write(1, "range\n", 6);
        return 2;
    }
    u8 out[64];
    for (u32 i = 0; i < len; i++)
        out[i] = data[(u8)(off + i)];
    tb_write(1, out, len);
    return 0;
}
