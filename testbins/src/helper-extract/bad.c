/* bad: the extracted helper is also applied to an appended newline, which is written too: the
   write is one byte longer for every input. */
#include "tb.h"

NOINLINE static u8 rot13(u8 c) {
    if (c >= 'a' && c <= 'z')
        return 'a' + (c - 'a' + 13) % 26;
    if (c >= 'A' && c <= 'Z')
        return 'A' + (c - 'A' + 13) % 26;
    return c;
}

int tb_main(void) {
    u8 buf[33];
    long n = tb_input(buf, 32);
    buf[n++] = '\n';
    for (long i = 0; i < n; i++)
        buf[i] = rot13(buf[i]);
    tb_write(1, buf, n);
    return n - 1;
}
