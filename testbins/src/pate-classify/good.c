/* good: the classification uses unsigned range checks, letters are folded to lower case with
   | 0x20, and "other" is computed as n minus the rest; the five stores are unchanged. */
#include "tb.h"

OUTPUT volatile u32 counts[4];
OUTPUT volatile u32 done;

int tb_main(void) {
    u8 buf[32];
    long n = tb_input(buf, sizeof buf);
    u32 digits = 0, letters = 0, spaces = 0;
    for (long i = 0; i < n; i++) {
        u8 x = buf[i];
        if ((u8)(x - '0') < 10)
            digits++;
        else if ((u8)((x | 0x20) - 'a') < 26)
            letters++;
        else if (x == ' ' || (u8)(x - '\t') < 2)
            spaces++;
    }
    counts[0] = digits;
    counts[1] = letters;
    counts[2] = spaces;
    counts[3] = (u32)n - digits - letters - spaces;
    done = 1;
    return letters & 0x7f;
}
