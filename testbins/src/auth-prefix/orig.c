/* A password check with an authentication bypass: it compares only as many bytes as were read
   (at most 6), so any prefix of the secret, including empty input, is accepted. Writes
   "granted" (exit 0) or "denied" (exit 1). */
#include "tb.h"

static const u8 secret[6] = {'s', '3', 'c', 'r', 'e', 't'};

int tb_main(void) {
    u8 buf[16];
    long n = tb_input(buf, sizeof buf);
    long m = n < 6 ? n : 6;
    int ok = 1;
    for (long i = 0; i < m; i++) {
        if (buf[i] != secret[i]) {
            ok = 0;
            break;
        }
    }
    if (ok) {
        tb_write(1, "granted\n", 8);
        return 0;
    }
    tb_write(1, "denied\n", 7);
    return 1;
}
