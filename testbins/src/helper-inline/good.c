/* good: both helpers are inlined by hand. */
#include "tb.h"

int tb_main(void) {
    u8 buf[32];
    long n = tb_input(buf, sizeof buf);
    u32 h = 2166136261u;
    for (long i = 0; i < n; i++) {
        h ^= buf[i];
        h *= 16777619u;
    }
    h ^= h >> 16;
    tb_put_u32(h);
    return h & 0x7f;
}
