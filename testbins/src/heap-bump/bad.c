/* bad: the walk starts at the dummy head instead of head->next, so its zero byte is written
   too: the write is one byte longer for every input. */
#define TB_HEAP
#include "tb.h"

struct node {
    struct node *next;
    u8 val;
};

int tb_main(void) {
    u8 buf[32];
    long n = tb_input(buf, sizeof buf);
    struct node *head = tb_alloc(sizeof *head);
    head->next = 0;
    head->val = 0;
    for (long i = 0; i < n; i++) {
        struct node *nd = tb_alloc(sizeof *nd);
        nd->val = buf[i];
        nd->next = head->next;
        head->next = nd;
    }
    u8 out[33];
    long k = 0;
    for (struct node *p = head; p; p = p->next)
        out[k++] = p->val;
    tb_write(1, out, k);
    return k;
}
