/* good: the constant expressions are folded by hand. */
#include "tb.h"

int tb_main(void) {
    u8 t[4] = {0, 0, 0, 0};
    tb_input(t, sizeof t);
    u32 secs = t[0] * 604800u + t[1] * 86400u + t[2] * 3600u + t[3] * 60u + 3065u;
    tb_put_u32(secs);
    return (secs / 60) % 128;
}
