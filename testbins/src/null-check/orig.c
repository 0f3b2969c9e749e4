/* Maps every input byte through a 6-entry table found by a NOINLINE lookup that returns a null
   pointer for an unknown key; the result is dereferenced unchecked, so an unknown key faults
   (SIGSEGV on the null page). Writes the mapped bytes; exits with their number. */
#include "tb.h"

struct entry {
    u8 key;
    u8 val;
};

static const struct entry table[6] = {
    {'a', 10}, {'e', 20}, {'i', 30}, {'o', 40}, {'u', 50}, {'y', 60},
};

NOINLINE static const struct entry *lookup(u8 key) {
    for (int i = 0; i < 6; i++)
        if (table[i].key == key)
            return &table[i];
    return 0;
}

int tb_main(void) {
    u8 buf[8];
    long n = tb_input(buf, sizeof buf);
    u8 out[8];
    for (long i = 0; i < n; i++) {
        const struct entry *e = lookup(buf[i]);
        out[i] = e->val;
    }
    tb_write(1, out, n);
    return n;
}
