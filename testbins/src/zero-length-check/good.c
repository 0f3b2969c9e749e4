/* good: the checksum is accumulated by a pointer loop and compared by subtraction; the empty
   record still takes the wrapping path. */
#include "tb.h"

static u8 rec[256];

int tb_main(void) {
    long n = tb_input(rec, 64);
    u8 len = (u8)n;
    u8 last = (u8)(len - 1);
    u8 sum = 0;
    if (len > 1) {
        for (const u8 *p = rec; p != rec + last; p++)
            sum = sum + *p;
    }
    if ((u8)(rec[last] - sum) != 0) {
        tb_write(1, "bad\n", 4);
        return 1;
    }
    tb_write(1, rec, last);
    return 0;
}
