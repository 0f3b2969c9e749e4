/* bad: "bad" is written to fd 2 and the payload to fd 2 as well: every write event has a
   different fd, for every input. */
#include "tb.h"

static u8 rec[256];

int tb_main(void) {
    long n = tb_input(rec, 64);
    u8 len = (u8)n;
    u8 sum = 0;
    for (u32 i = 0; i + 1 < len; i++)
        sum += rec[i];
    u8 last = (u8)(len - 1);
    if (sum == rec[last]) {
        tb_write(2, rec, last);
        return 0;
    }
    tb_write(2, "bad\n", 4);
    return 1;
}
