/* good: the check is written idx < 9 and the old byte is written straight from the slot before
   the (unobservable) store; the off-by-one is kept. */
#include "tb.h"

static u8 slots[9] = {3, 1, 4, 1, 5, 9, 2, 6, /* secret */ 0x5e};

int tb_main(void) {
    u8 b[2] = {0, 0};
    long n = tb_input(b, sizeof b);
    if (n != 2) {
        tb_write(1, "?\n", 2);
        return 1;
    }
    if (b[0] < 9) {
        tb_write(1, &slots[b[0]], 1);
        slots[b[0]] = b[1];
        return 0;
    }
    tb_write(1, "range\n", 6);
    return 2;
}
