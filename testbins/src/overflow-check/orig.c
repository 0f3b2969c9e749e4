/* Reads a header (offset byte, length byte whose low 6 bits count) and then 32 bytes of data
   into a 256-byte window; writes data[off .. off + len) when off + len <= 32, else "range" (exit
   2). The end is computed in 8 bits, so it wraps: an offset near 255 passes the check and the
   bytes written come from outside the 32 valid ones. */
#include "tb.h"

static u8 data[256];

int tb_main(void) {
    u8 hdr[2] = {0, 0};
    tb_input(hdr, sizeof hdr);
    tb_input(data, 32);
    u8 off = hdr[0], len = hdr[1] & 63;
    u8 end = off + len;
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
