/* good: the recursion is replaced by a loop that writes the same one-byte writes from the end. */
#include "tb.h"

int tb_main(void) {
    u8 buf[16];
    long n = tb_input(buf, sizeof buf);
    for (long i = n - 1; i >= 0; i--)
        tb_write(1, &buf[i], 1);
    tb_write(1, "\n", 1);
    return n;
}
