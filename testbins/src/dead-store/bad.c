/* bad: the store of n + 1 to result[1] is removed as if it were dead too, but .output is
   observable: one store fewer (and result[1] stays 0 instead of n + 1 >= 1) for every input. */
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
    tb_put_u32(acc);
    return acc & 0x7f;
}
