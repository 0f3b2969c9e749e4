/* cond-fix: the security fix: input shorter than the secret is denied before comparing. The
   verdict changes exactly for the inputs the original wrongly accepted: proper prefixes of the
   secret, the empty input included. */
#include "tb.h"

static const u8 secret[6] = {'s', '3', 'c', 'r', 'e', 't'};

int tb_main(void) {
    u8 buf[16];
    long n = tb_input(buf, sizeof buf);
    int ok = n >= 6;
    for (long i = 0; ok && i < 6; i++) {
        if (buf[i] != secret[i])
            ok = 0;
    }
    if (ok) {
        tb_write(1, "granted\n", 8);
        return 0;
    }
    tb_write(1, "denied\n", 7);
    return 1;
}
