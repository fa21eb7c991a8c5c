/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * AVL tree of disjoint IOVA intervals (see dma-tree.h). Chosen over a
 * red-black tree for the shorter code and over a treap for a deterministic
 * shape; insert and remove rebalance on the way back up the recursion.
 */
#include <stddef.h>
#include "dma-tree.h"

static int tree_height(const struct dma_tree_node *n)
{
	return n ? n->height : 0;
}

static void tree_update(struct dma_tree_node *n)
{
	int l = tree_height(n->left), r = tree_height(n->right);

	n->height = 1 + (l > r ? l : r);
}

static struct dma_tree_node *tree_rotate_right(struct dma_tree_node *y)
{
	struct dma_tree_node *x = y->left;

	y->left = x->right;
	x->right = y;
	tree_update(y);
	tree_update(x);
	return x;
}

static struct dma_tree_node *tree_rotate_left(struct dma_tree_node *x)
{
	struct dma_tree_node *y = x->right;

	x->right = y->left;
	y->left = x;
	tree_update(x);
	tree_update(y);
	return y;
}

static struct dma_tree_node *tree_balance(struct dma_tree_node *n)
{
	int bf;

	tree_update(n);
	bf = tree_height(n->left) - tree_height(n->right);
	if (bf > 1) {
		if (tree_height(n->left->left) < tree_height(n->left->right))
			n->left = tree_rotate_left(n->left);
		return tree_rotate_right(n);
	}
	if (bf < -1) {
		if (tree_height(n->right->right) < tree_height(n->right->left))
			n->right = tree_rotate_right(n->right);
		return tree_rotate_left(n);
	}
	return n;
}

static struct dma_tree_node *tree_insert(struct dma_tree_node *root, struct dma_tree_node *n)
{
	if (!root) {
		n->left = n->right = NULL;
		n->height = 1;
		return n;
	}
	if (n->start < root->start)
		root->left = tree_insert(root->left, n);
	else
		root->right = tree_insert(root->right, n);
	return tree_balance(root);
}

void dma_tree_insert(struct dma_tree_node **root, struct dma_tree_node *n)
{
	*root = tree_insert(*root, n);
}

static struct dma_tree_node *tree_remove_min(struct dma_tree_node *root,
					     struct dma_tree_node **ret_min)
{
	if (!root->left) {
		*ret_min = root;
		return root->right;
	}
	root->left = tree_remove_min(root->left, ret_min);
	return tree_balance(root);
}

static struct dma_tree_node *tree_remove(struct dma_tree_node *root, uint64_t start)
{
	struct dma_tree_node *l, *r, *m;

	if (!root)
		return NULL;
	if (start < root->start) {
		root->left = tree_remove(root->left, start);
		return tree_balance(root);
	}
	if (start > root->start) {
		root->right = tree_remove(root->right, start);
		return tree_balance(root);
	}
	l = root->left;
	r = root->right;
	root->left = root->right = NULL;
	if (!r)
		return l;
	r = tree_remove_min(r, &m);
	m->left = l;
	m->right = r;
	return tree_balance(m);
}

void dma_tree_remove(struct dma_tree_node **root, struct dma_tree_node *n)
{
	*root = tree_remove(*root, n->start);
}

struct dma_tree_node *dma_tree_find(struct dma_tree_node *root, uint64_t addr)
{
	while (root) {
		if (addr < root->start)
			root = root->left;
		else if (addr > root->last)
			root = root->right;
		else
			return root;
	}
	return NULL;
}

struct dma_tree_node *dma_tree_first_from(struct dma_tree_node *root, uint64_t addr)
{
	struct dma_tree_node *best = NULL;

	while (root) {
		if (root->last >= addr) {
			best = root;
			root = root->left;
		} else {
			root = root->right;
		}
	}
	return best;
}

struct dma_tree_node *dma_tree_next(struct dma_tree_node *root, const struct dma_tree_node *n)
{
	struct dma_tree_node *best = NULL;

	while (root) {
		if (root->start > n->start) {
			best = root;
			root = root->left;
		} else {
			root = root->right;
		}
	}
	return best;
}

void dma_tree_destroy(struct dma_tree_node *root, void (*fn)(struct dma_tree_node *n))
{
	struct dma_tree_node *l, *r;

	if (!root)
		return;
	l = root->left;
	r = root->right;
	fn(root);
	dma_tree_destroy(l, fn);
	dma_tree_destroy(r, fn);
}

/* Checks the subtree against the open bounds (lo, hi) its ancestors impose. */
static long tree_check(const struct dma_tree_node *n, const struct dma_tree_node *lo,
		       const struct dma_tree_node *hi, int *ret_height)
{
	long cl, cr;
	int hl, hr;

	*ret_height = 0;
	if (!n)
		return 0;
	if (n->last < n->start || (lo && n->start <= lo->last) || (hi && n->last >= hi->start))
		return -1;
	cl = tree_check(n->left, lo, n, &hl);
	cr = tree_check(n->right, n, hi, &hr);
	if (cl < 0 || cr < 0 || hl - hr > 1 || hr - hl > 1)
		return -1;
	*ret_height = 1 + (hl > hr ? hl : hr);
	if (n->height != *ret_height)
		return -1;
	return cl + cr + 1;
}

long dma_tree_check(const struct dma_tree_node *root)
{
	int h;

	return tree_check(root, NULL, NULL, &h);
}
