/* bad: the offset basis is one too large. Every step (xor, then multiply by an odd prime) and the
   final xorshift are bijections, so the written hash differs for every input. */
#include "tb.h"

NOINLINE static u32 fnv_step(u32 h, u8 x) {
    return (h ^ x) * 16777619u;
}

NOINLINE static u32 fnv_final(u32 h) {
    return h ^ (h >> 16);
}

int tb_main(void) {
    u8 buf[32];
    long n = tb_input(buf, sizeof buf);
    u32 h = 2166136262u;
    for (long i = 0; i < n; i++)
        h = fnv_step(h, buf[i]);
    h = fnv_final(h);
    tb_put_u32(h);
    return h & 0x7f;
}
