/* Linked lists: build from malloc'd nodes, merge sort, reverse, dedupe, fold, free. */
#include "wl.h"

struct node {
  struct node *next;
  uint32_t key;
  uint32_t payload;
};

static struct node *merge(struct node *a, struct node *b) {
  struct node head;
  struct node *t = &head;
  while (a && b) {
    if (a->key <= b->key) {
      t->next = a;
      a = a->next;
    } else {
      t->next = b;
      b = b->next;
    }
    t = t->next;
  }
  t->next = a ? a : b;
  return head.next;
}

static struct node *sort(struct node *list) {
  if (!list || !list->next) return list;
  struct node *slow = list, *fast = list->next;
  while (fast && fast->next) {
    slow = slow->next;
    fast = fast->next->next;
  }
  struct node *second = slow->next;
  slow->next = NULL;
  return merge(sort(list), sort(second));
}

static struct node *reverse(struct node *l) {
  struct node *prev = NULL;
  while (l) {
    struct node *n = l->next;
    l->next = prev;
    prev = l;
    l = n;
  }
  return prev;
}

uint32_t wl_lists(int rounds) {
  uint32_t sum = 0, seed = 0x1234567u;
  for (int r = 0; r < rounds; r++) {
    struct node *list = NULL;
    int n = 2000;
    for (int i = 0; i < n; i++) {
      struct node *x = malloc(sizeof *x);
      x->key = wl_next(&seed) % 1000u;
      x->payload = (uint32_t)i;
      x->next = list;
      list = x;
    }
    list = sort(list);
    /* Drop duplicate keys, folding their payloads into the survivor. */
    for (struct node *p = list; p && p->next;) {
      if (p->next->key == p->key) {
        struct node *d = p->next;
        p->payload += d->payload;
        p->next = d->next;
        free(d);
      } else
        p = p->next;
    }
    list = reverse(list);
    uint32_t i = 0;
    while (list) {
      struct node *n2 = list->next;
      sum = sum * 31u + list->key * 7u + list->payload + i++;
      free(list);
      list = n2;
    }
  }
  return sum;
}
