/* good: a different heap layout: an unused block is allocated first, the nodes are 48-byte
   records with the value first, and the head node is allocated after the input is read. */
#define TB_HEAP
#include "tb.h"

struct node {
    u8 val;
    u8 pad[31];
    struct node *next;
};

int tb_main(void) {
    void *unused = tb_alloc(100);
    (void)unused;
    u8 buf[32];
    long n = tb_input(buf, sizeof buf);
    struct node *head = tb_alloc(sizeof *head);
    head->val = 0;
    head->next = 0;
    for (long i = 0; i < n; i++) {
        struct node *nd = tb_alloc(sizeof *nd);
        nd->next = head->next;
        nd->val = buf[i];
        head->next = nd;
    }
    u8 out[32];
    long k = 0;
    struct node *p = head->next;
    while (p != 0) {
        out[k] = p->val;
        k++;
        p = p->next;
    }
    tb_write(1, out, k);
    return k;
}
