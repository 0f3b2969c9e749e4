/* Reads a 4-byte key, then up to 32 bytes of data; writes the data xored with the repeating
   key; exits with the key length. */
#include "tb.h"

int tb_main(void) {
    u8 key[4] = {0, 0, 0, 0};
    long k = tb_input(key, sizeof key);
    u8 data[32];
    long n = tb_input(data, sizeof data);
    for (long i = 0; i < n; i++)
        data[i] ^= key[i % 4];
    tb_write(1, data, n);
    return k;
}
