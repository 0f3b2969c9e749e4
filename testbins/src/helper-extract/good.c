/* good: the per-byte rotation is extracted into a NOINLINE helper. */
#include "tb.h"

NOINLINE static u8 rot13(u8 c) {
    if (c >= 'a' && c <= 'z')
        return 'a' + (c - 'a' + 13) % 26;
    if (c >= 'A' && c <= 'Z')
        return 'A' + (c - 'A' + 13) % 26;
    return c;
}

int tb_main(void) {
    u8 buf[32];
    long n = tb_input(buf, sizeof buf);
    for (long i = 0; i < n; i++)
        buf[i] = rot13(buf[i]);
    tb_write(1, buf, n);
    return n;
}
