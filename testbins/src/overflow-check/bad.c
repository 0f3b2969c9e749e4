/* bad: the data is read before the header: the first read event asks for 32 bytes instead of
   2, for every input. */
#include "tb.h"

static u8 data[256];

int tb_main(void) {
    u8 hdr[2] = {0, 0};
    tb_input(data, 32);
    tb_input(hdr, sizeof hdr);
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
