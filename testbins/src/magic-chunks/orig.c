/* Reads up to four 4-byte chunks, one read each, until a read returns less than 4 bytes; after
   each full chunk writes 1 if it is the magic word "TAND", else 0; exits with the number of
   full chunks. */
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
    return chunks;
}
