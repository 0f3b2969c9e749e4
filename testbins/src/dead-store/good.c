/* good: the dead stores to the debugging globals are removed. */
#include "tb.h"

u32 dbg_last_byte;
u32 dbg_iterations;
OUTPUT volatile u32 result[2];

int tb_main(void) {
    u8 buf[32];
    long n = tb_input(buf, sizeof buf);
    u32 acc = 7;
    for (long i = 0; i < n; i++)
        acc = acc * 31 + buf[i];
    result[0] = acc;
    result[1] = (u32)n + 1;
    tb_put_u32(acc);
    return acc & 0x7f;
}
