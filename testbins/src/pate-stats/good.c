/* good: minimum and maximum use conditional expressions, the loop runs backwards and the count
   is computed by the loop; the four stores keep their order and values. */
#include "tb.h"

OUTPUT volatile u32 stats[4];

int tb_main(void) {
    u8 buf[32];
    long n = tb_input(buf, sizeof buf);
    u32 sum = 0, mx = 0, mn = 255, count = 0;
    for (long i = n; i > 0; i--) {
        u32 x = buf[i - 1];
        sum += x;
        mx = x > mx ? x : mx;
        mn = x < mn ? x : mn;
        count++;
    }
    stats[0] = mn;
    stats[1] = mx;
    stats[2] = sum;
    stats[3] = count;
    return count == 0 ? 1 : 0;
}
