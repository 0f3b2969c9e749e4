/* good: the same 8-bit (wrapping) check written as a cast, and the copy walks an 8-bit source
   index; the overflow is kept. */
#include "tb.h"

static u8 data[256];

int tb_main(void) {
    u8 hdr[2] = {0, 0};
    tb_input(hdr, sizeof hdr);
    tb_input(data, 32);
    u32 len = hdr[1] & 0x3f;
    if ((u8)(hdr[0] + len) > 32) {
        tb_write(1, "range\n", 6);
        return 2;
    }
    u8 out[64];
    u8 src = hdr[0];
    for (u8 *dst = out; dst < out + len; dst++, src++)
        *dst = data[src];
    tb_write(1, out, len);
    return 0;
}
