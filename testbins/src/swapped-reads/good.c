/* good: the same two reads in the same order; the key index is i & 3 instead of i % 4 and the
   loop walks a pointer. */
#include "tb.h"

int tb_main(void) {
    u8 key[4] = {0, 0, 0, 0};
    long k = tb_input(key, sizeof key);
    u8 data[32];
    long n = tb_input(data, sizeof data);
    u8 *p = data;
    for (long i = 0; i < n; i++, p++)
        *p = *p ^ key[i & 3];
    tb_write(1, data, n);
    return k;
}
