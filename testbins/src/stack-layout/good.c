/* good: a different stack layout: the locals are declared in another order, the vowel count is
   a byte, and an extra local array is filled and never read. */
#include "tb.h"

int tb_main(void) {
    u8 rev[16];
    u8 scratch[40];
    u8 name[16];
    u8 vowels = 0;
    long n = tb_input(name, sizeof name);
    for (long i = 0; i < (long)sizeof scratch; i++)
        scratch[i] = (u8)i;
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
