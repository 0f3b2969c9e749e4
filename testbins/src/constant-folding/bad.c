/* bad: the bias is folded wrongly (3066 instead of 3 * 1024 - 7 = 3065): the written seconds
   are one too many for every input. */
#include "tb.h"

int tb_main(void) {
    u8 t[4] = {0, 0, 0, 0};
    tb_input(t, sizeof t);
    u32 secs = t[0] * 604800u + t[1] * 86400u + t[2] * 3600u + t[3] * 60u + 3066u;
    tb_put_u32(secs);
    return (secs / 60) % 128;
}
