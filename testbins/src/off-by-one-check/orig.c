/* A table of 8 slots followed by a secret byte. Reads an index and a value (2 bytes); if the
   index passes the check, writes the old slot byte, stores the value (exit 0); otherwise writes
   "range" (exit 2). The check is index <= 8, one too many: index 8 leaks and overwrites the
   secret. Short input writes "?" and exits 1. */
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
    if (idx <= 8) {
        u8 old = slots[idx];
        slots[idx] = b[1];
        tb_put_u8(old);
        return 0;
    }
    tb_write(1, "range\n", 6);
    return 2;
}
