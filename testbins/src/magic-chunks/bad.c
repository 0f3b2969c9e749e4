/* bad: a newline is written after the last chunk's flag: one extra write event on every
   input. */
#include "tb.h"

int tb_main(void) {
    u8 buf[4];
    long chunks = 0;
    long n = tb_input(buf, sizeof buf);
    while (n == 4 && chunks < 4) {
        chunks++;
        tb_put_u8(buf[0] == 'T' && buf[1] == 'A' && buf[2] == 'N' && buf[3] == 'D');
        n = tb_input(buf, sizeof buf);
    }
    tb_put_u8('\n');
    return chunks;
}
