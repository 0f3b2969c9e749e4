/* good: the letter test is one unsigned range check and the case change clears bit 5 (the same
   as subtracting 32 for 'a'..'z'); the copy walks two pointers. */
#include "tb.h"

static u8 line[65];

int tb_main(void) {
    long n = tb_input(line, 64);
    u8 out[65];
    u8 *q = out;
    for (const u8 *p = line; p < line + n; p++, q++) {
        u8 c = *p;
        *q = (u8)(c - 'a') < 26 ? c & ~0x20 : c;
    }
    long len = q - out;
    tb_write(1, out, len);
    return len & 0x7f;
}
