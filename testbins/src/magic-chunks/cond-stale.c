/* cond-stale: every read after the first goes into a spare buffer, so the check keeps looking at the
   first chunk: a later magic chunk (or a magic first chunk followed by others) is reported
   wrongly. */
#include "tb.h"

int tb_main(void) {
    u8 buf[4];
    u8 spare[4];
    long chunks = 0;
    long n = tb_input(buf, sizeof buf);
    while (n == 4 && chunks < 4) {
        chunks++;
        tb_put_u8(buf[0] == 'T' && buf[1] == 'A' && buf[2] == 'N' && buf[3] == 'D');
        n = tb_input(spare, sizeof spare);
    }
    return chunks;
}
