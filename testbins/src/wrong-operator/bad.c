/* bad: the final step subtracts a instead of adding it. The high half of the checksum then
   differs by 2a mod 2^16, and 2 <= 2a <= 32642, so it differs for every input. */
#include "tb.h"

int tb_main(void) {
    u8 buf[64];
    long n = tb_input(buf, sizeof buf);
    u32 a = 1, b = 0;
    for (long i = 0; i < n; i++) {
        a += buf[i];
        b += a;
    }
    b -= a;
    tb_put_u32((b << 16) | a);
    return a & 0x7f;
}
