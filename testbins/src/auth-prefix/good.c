/* good: a constant-time comparison (or of the xors, no early exit); the bypass is kept. */
#include "tb.h"

static const u8 secret[6] = {'s', '3', 'c', 'r', 'e', 't'};

int tb_main(void) {
    u8 buf[16];
    long n = tb_input(buf, sizeof buf);
    long m = n > 6 ? 6 : n;
    u8 diff = 0;
    for (long i = 0; i < m; i++)
        diff |= buf[i] ^ secret[i];
    if (diff != 0) {
        tb_write(1, "denied\n", 7);
        return 1;
    }
    tb_write(1, "granted\n", 8);
    return 0;
}
