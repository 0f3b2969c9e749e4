/* cond-fix: the security fix: the check is index < 8. Unchanged exactly when the input is short
   or the index byte is not 8. */
#include "tb.h"

static u8 slots[9] = {3, 1, 4, 1, 5, 9, 2, 6, /* secret */ 0x5e};

int tb_main(void) {
    u8 b[2] = {0, 0};
    long n = tb_input(b, sizeof b);
    if (n < 2) {
        tb_write(1, "?\n", 2);
        return 1;
    }
    u8 idx = b[0];
    if (idx < 8) {
        u8 old = slots[idx];
        slots[idx] = b[1];
        tb_put_u8(old);
        return 0;
    }
    tb_write(1, "range\n", 6);
    return 2;
}
