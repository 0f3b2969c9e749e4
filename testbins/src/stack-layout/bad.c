/* bad: the input buffer is shrunk to 15 bytes, so the read asks for 15 bytes instead of 16: the
   read event differs for every input. */
#include "tb.h"

int tb_main(void) {
    u8 name[15];
    u32 vowels = 0;
    u8 rev[16];
    long n = tb_input(name, sizeof name);
    for (long i = 0; i < n; i++) {
        u8 c = name[i] | 0x20;
        rev[n - 1 - i] = name[i];
        if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u')
            vowels++;
    }
    tb_write(1, rev, n);
    tb_put_u8(vowels);
    return vowels;
}
