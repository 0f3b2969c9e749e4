/* bad: the two reads are swapped: the first read asks for 32 bytes instead of 4, so the read
   events differ for every input. */
#include "tb.h"

int tb_main(void) {
    u8 data[32];
    long n = tb_input(data, sizeof data);
    u8 key[4] = {0, 0, 0, 0};
    long k = tb_input(key, sizeof key);
    for (long i = 0; i < n; i++)
        data[i] ^= key[i % 4];
    tb_write(1, data, n);
    return k;
}
